"""The Backend API client: ``Clerk`` (async) and ``SyncClerk`` (sync, ``clerk_edge.sync.Clerk``).

One class body drives both faces: every method builds a core generator (:func:`call_core`) and hands it to
``_drive`` — ``run_async`` (returns a coroutine) for :class:`Clerk`, ``run_sync`` for :class:`SyncClerk`.

Methods are data: ``clerk.<group>.<method>(...)`` is looked up in the operation table (every operation of
Clerk's published spec, plus the 0.x SDK's methods with their 0.x paths) when first used::

    clerk = Clerk(secret_key="sk_test_...")
    res = await clerk.users.get_user("user_123")           # ApiResponse; res.data is a User
    res = await clerk.users.get_user_list(email_address=["a@b.c"], limit=10)
    user = (await clerk.users.create_user(email_address=["a@b.c"])).unwrap()   # raises on errors

Path parameters go positionally or by name; query and body parameters are keywords (snake_case or camelCase).
``secret_key=`` on any call overrides the client's key for that call.  No module-level state: two clients with
different keys and URLs work side by side.
"""
from __future__ import annotations

from typing import Any, Optional

from .._version import __version__
from ..errors import ClerkEdgeError, redact
from ..runner import Runtime, run_async, run_sync
from .request import ClerkArgumentError, Operation, build_request, snake_case
from .response import parse_response, transport_failure
from ..fetch.retry import NO_RETRY, RetryPolicy, send_core

__all__ = ["Clerk", "SyncClerk", "call_core", "raw_call_core", "config_for", "ClientConfig", "ResourceGroup", "DEFAULT_API_URL",
           "DEFAULT_TIMEOUT"]

DEFAULT_API_URL = "https://api.clerk.com"
DEFAULT_API_VERSION = "v1"
DEFAULT_TIMEOUT = 30.0  # seconds, per call, retries included
USER_AGENT = f"clerk-edge/{__version__}"


class ClientConfig:
    """Resolved, immutable settings of one client (a plain value; the secret never shows in repr)."""

    __slots__ = ("secret_key", "api_url", "api_version", "jwt_key", "publishable_key", "user_agent", "timeout",
                 "retry")

    def __init__(self, secret_key, api_url, api_version, jwt_key, publishable_key, user_agent, timeout, retry):
        object.__setattr__(self, "secret_key", secret_key)
        object.__setattr__(self, "api_url", api_url)
        object.__setattr__(self, "api_version", api_version)
        object.__setattr__(self, "jwt_key", jwt_key)
        object.__setattr__(self, "publishable_key", publishable_key)
        object.__setattr__(self, "user_agent", user_agent)
        object.__setattr__(self, "timeout", timeout)
        object.__setattr__(self, "retry", retry)

    def __setattr__(self, name, value):
        raise AttributeError("ClientConfig is immutable")

    def __repr__(self) -> str:
        return (f"ClientConfig(secret_key={redact(self.secret_key)!r}, api_url={self.api_url!r}, "
                f"api_version={self.api_version!r})")


def call_core(op: Operation, args: tuple, kwargs: dict, config: ClientConfig, secret_key: Optional[str] = None,
              rand=None, deserialize: bool = True):
    """Core of one Backend API call: build, send (with retries inside the deadline), parse.

    Yields ``Now``/``Fetch``/``Sleep``; returns an :class:`ApiResponse`.  Bad arguments (unknown names, empty
    ids, no secret key) raise :class:`ClerkEdgeError` before anything is sent."""
    request = build_request(op, args, kwargs, secret_key=secret_key or config.secret_key, api_url=config.api_url,
                            api_version=config.api_version, user_agent=config.user_agent, timeout=config.timeout)
    policy: RetryPolicy = config.retry

    def interpret(response, failure):
        result = transport_failure(failure) if failure is not None else parse_response(response, deserialize=deserialize)
        retryable = failure is not None or policy.retryable_status(response.status)
        return result, retryable, result.retry_after

    return (yield from send_core(request, policy, interpret, deadline=config.timeout, rand=rand))


def config_for(secret_key: Optional[str], api_url: Optional[str] = None, api_version: Optional[str] = None, *,
               timeout: float = DEFAULT_TIMEOUT, retry: RetryPolicy = NO_RETRY,
               user_agent: Optional[str] = None) -> ClientConfig:
    """A :class:`ClientConfig` for one-off calls made by other cores (request authentication)."""
    return ClientConfig(secret_key, api_url or DEFAULT_API_URL, api_version or DEFAULT_API_VERSION, None, None,
                        user_agent or USER_AGENT, timeout, retry)


def raw_call_core(method: str, path: str, config: ClientConfig, *, query: Optional[dict] = None, body: Any = None,
                  secret_key: Optional[str] = None, versioned: bool = True, deserialize: bool = True):
    """Core of a call to any endpoint by method and path — the table-free twin of :func:`call_core`, with the
    same encoding, retries and :class:`ApiResponse` result.  Request authentication uses it for the few calls
    it makes (handshake payload, refresh, session tokens, machine-token verification, resource loading)."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise ClerkArgumentError(f"path must start with '/', got {path!r}")
    query = dict(query or {})
    body_kind = None
    kwargs = dict(query)
    if isinstance(body, (list, tuple)):
        body_kind, kwargs["body"] = "json_array", list(body)
    elif body is not None:
        if not isinstance(body, dict):
            raise ClerkArgumentError(f"body must be a dict or a list, got {type(body).__name__}")
        body_kind = "json"
        overlap = set(body) & set(query)
        if overlap:
            raise ClerkArgumentError(f"{sorted(overlap)} given both as query and body")
        kwargs.update(body)
    op = Operation("request", f"{method.lower()} {path}", method, path, (), tuple(
        (snake_case(k), "any", isinstance(v, (list, tuple)), True) for k, v in query.items()), body_kind,
        tuple(snake_case(k) for k in body) if isinstance(body, dict) else (), (), True, versioned, None, True,
        False)
    return (yield from call_core(op, (), kwargs, config, secret_key, deserialize=deserialize))


class _Method:
    """``clerk.<group>.<name>`` — calls one operation."""


    def __init__(self, client, op: Operation):
        self._client = client
        self._op = op
        self.__name__ = op.name
        self.__qualname__ = f"{op.group}.{op.name}"
        where = f"{op.method} {'/v1' if op.versioned else ''}{op.path}"
        origin = f"spec operation {op.operation_id}" if op.operation_id else "0.x SDK method"
        self.__doc__ = f"{op.signature()} — {where} ({origin}{', deprecated' if op.deprecated else ''})."

    @property
    def operation(self) -> Operation:
        return self._op

    def __call__(self, *args, secret_key: Optional[str] = None, **kwargs):
        return self._client._call(self._op, args, kwargs, secret_key)

    def __repr__(self) -> str:
        return f"<{type(self._client).__name__} method {self.__qualname__}: {self._op.method} {self._op.path}>"


class ResourceGroup:
    """``clerk.<group>``: its methods are created on first use from the operation table."""

    def __init__(self, client, name: str, ops: dict):
        self._client = client
        self._name = name
        self._ops = ops

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        op = self._ops.get(name)
        if op is None:
            raise AttributeError(
                f"clerk.{self._name} has no method {name!r}; available: {', '.join(sorted(self._ops))}")
        method = _Method(self._client, op)
        self.__dict__[name] = method
        return method

    def __dir__(self):
        return sorted(set(self._ops) | set(super().__dir__()))

    def __repr__(self) -> str:
        return f"<clerk.{self._name}: {len(self._ops)} methods>"


def _resolve(value, env, *names):
    if value:
        return value
    from ..env import get_env
    for name in names:
        got = get_env(env, name)
        if got:
            return got
    return None


_HANDSHAKE = ("clerk_edge.handshake.mixin", "HandshakeMixin", "SyncHandshakeMixin")
_INTERSTITIAL = ("clerk_edge.interstitial.mixin", "InterstitialMixin", "SyncInterstitialMixin")
#: methods of the client that live with request authentication (both eras), as ``@clerk/backend``'s
#: client has them: ``await clerk.authenticate_request(request)``, ``await clerk.auth_state(request=…)``
_ERA_METHODS = {
    "authenticate_request": _HANDSHAKE,
    "auth_state": _INTERSTITIAL,
    "debug_auth_state": _INTERSTITIAL,
    "local_interstitial": _INTERSTITIAL,
    "remote_public_interstitial_url": _INTERSTITIAL,
    "remote_public_interstitial": _INTERSTITIAL,
    "remote_private_interstitial": _INTERSTITIAL,
}


class _ClerkBase:
    """Shared body of :class:`Clerk` and :class:`SyncClerk`; subclasses only choose the runner."""

    def __init__(self, secret_key: Optional[str] = None, api_key: Optional[str] = None,
                 api_url: Optional[str] = None, api_version: Optional[str] = None, jwt_key: Optional[str] = None,
                 publishable_key: Optional[str] = None, env: Any = None, fetch: Any = None, crypto: Any = None,
                 user_agent: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT,
                 retry: Optional[RetryPolicy] = None, clock=None, sleep=None):
        key = _resolve(secret_key or api_key, env, "CLERK_SECRET_KEY", "CLERK_API_KEY")
        url = _resolve(api_url, env, "CLERK_API_URL") or DEFAULT_API_URL
        version = api_version if api_version is not None else (_resolve(None, env, "CLERK_API_VERSION")
                                                               or DEFAULT_API_VERSION)
        try:
            timeout = float(timeout)
        except (TypeError, ValueError):
            raise ClerkEdgeError(f"timeout must be a number of seconds, got {timeout!r}") from None
        if not timeout > 0:
            raise ClerkEdgeError(f"timeout must be positive, got {timeout!r}")
        if retry is False:
            retry = NO_RETRY
        elif retry is None or retry is True:
            retry = RetryPolicy()
        elif not isinstance(retry, RetryPolicy):
            raise ClerkEdgeError(f"retry must be a RetryPolicy, True/None (default) or False, got {retry!r}")
        self._config = ClientConfig(
            key, url, version,
            _resolve(jwt_key, env, "CLERK_JWT_KEY"),
            _resolve(publishable_key, env, "CLERK_PUBLISHABLE_KEY"),
            user_agent or USER_AGENT, timeout, retry,
        )
        self._env = env
        self._runtime = self._make_runtime(fetch, crypto, clock, sleep)

    @staticmethod
    def _make_runtime(fetch, crypto, clock, sleep) -> Runtime:
        import time
        if fetch is not None:
            from ..fetch import resolve_fetch
            fetch = resolve_fetch(fetch)
        if isinstance(crypto, str):
            from ..crypto import resolve_crypto
            crypto = resolve_crypto(crypto)
        async_sleep = None
        if sleep is not None:
            code = getattr(sleep, "__code__", None) or getattr(getattr(sleep, "__call__", None), "__code__", None)
            if code is not None and code.co_flags & 0x180:  # CO_COROUTINE | CO_ITERABLE_COROUTINE
                async_sleep, sleep = sleep, None
            else:
                sync_sleep = sleep

                async def async_sleep(seconds):
                    sync_sleep(seconds)
        return Runtime(fetch=fetch, crypto=crypto, clock=clock or time.time, sleep=sleep, async_sleep=async_sleep)

    @classmethod
    def from_env(cls, env: Any = None, **overrides):
        """A client configured from ``env``: a Workers ``env`` binding, a mapping, or ``os.environ`` (None)."""
        return cls(env=env, **overrides)

    # ---- read-only settings
    @property
    def secret_key(self) -> Optional[str]:
        return self._config.secret_key

    @property
    def api_url(self) -> str:
        return self._config.api_url

    @property
    def api_version(self) -> str:
        return self._config.api_version

    @property
    def jwt_key(self) -> Optional[str]:
        return self._config.jwt_key

    @property
    def publishable_key(self) -> Optional[str]:
        return self._config.publishable_key

    @property
    def config(self) -> ClientConfig:
        return self._config

    @property
    def runtime(self) -> Runtime:
        return self._runtime

    # ---- calling
    def _drive(self, core):  # pragma: no cover - overridden
        raise NotImplementedError

    def _call(self, op: Operation, args: tuple, kwargs: dict, secret_key: Optional[str] = None):
        return self._drive(call_core(op, args, kwargs, self._config, secret_key))

    def request(self, method: str, path: str, *, query: Optional[dict] = None, body: Any = None,
                secret_key: Optional[str] = None, versioned: bool = True):
        """Call an endpoint the table does not list: ``clerk.request('GET', '/users/count', query={...})``.
        Same encoding, retries and result as the table's methods."""
        return self._drive(raw_call_core(method, path, self._config, query=query, body=body, secret_key=secret_key,
                                         versioned=versioned))

    # ---- groups
    _SYNC = False

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        era = _ERA_METHODS.get(name)
        if era is not None:  # request authentication on the client, loaded on first use
            import importlib
            mixin = getattr(importlib.import_module(era[0]), era[2] if self._SYNC else era[1])
            return getattr(mixin, name).__get__(self, type(self))
        from .table import groups
        ops = groups().get(name)
        if ops is None:
            raise AttributeError(f"{type(self).__name__!s} has no attribute or resource group {name!r}")
        group = ResourceGroup(self, name, ops)
        self.__dict__[name] = group
        return group

    def __dir__(self):
        from .table import groups
        return sorted(set(groups()) | set(super().__dir__()))

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(secret_key={redact(self._config.secret_key)!r}, "
                f"api_url={self._config.api_url!r}, api_version={self._config.api_version!r})")


class Clerk(_ClerkBase):
    """Async Backend API client: every method returns a coroutine resolving to an :class:`ApiResponse`.

    Also ``await clerk.authenticate_request(request, **options)`` (handshake era) and
    ``await clerk.auth_state(request=…)`` with the interstitial helpers (0.x era), using this client's keys."""

    def _drive(self, core):
        return run_async(core, self._runtime)


class SyncClerk(_ClerkBase):
    """Sync Backend API client (``clerk_edge.sync.Clerk``): every method returns an :class:`ApiResponse`;
    ``authenticate_request`` and ``auth_state`` block too."""

    _SYNC = True

    def _drive(self, core):
        return run_sync(core, self._runtime)

