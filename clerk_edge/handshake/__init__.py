"""Request authentication, today's Clerk (the handshake era, ``@clerk/backend`` ≥ 1.0).

``await authenticate_request(request, **options)`` → :class:`RequestState`; the sync twin is
``clerk_edge.sync.authenticate_request`` (= :func:`authenticate_request_sync`).

``request`` is anything :func:`clerk_edge.adapters.request.to_request_view` accepts: a plain mapping
``{"method", "url", "headers"}``, a Lambda event, an ASGI scope, a WSGI environ, a Workers/Starlette
request.  Options mirror ``@clerk/backend`` 3.25 in snake_case.  Keys not passed fall back to the
environment (``env`` mapping / Workers binding, else ``os.environ``): ``CLERK_PUBLISHABLE_KEY``,
``CLERK_SECRET_KEY``, ``CLERK_JWT_KEY``, ``CLERK_MACHINE_SECRET_KEY``, ``CLERK_API_URL``.
"""
from __future__ import annotations

from typing import Any

from ..env import get_env
from ..faces import twins
from .context import AuthenticateRequestOptions, ConfigurationError, TokenType, cookie_suffix, \
    parse_publishable_key
from .state import AuthErrorReason, AuthStatus, RequestState

__all__ = ["authenticate_request", "authenticate_request_sync", "RequestState", "AuthStatus", "AuthErrorReason",
           "AuthenticateRequestOptions", "ConfigurationError", "TokenType", "cookie_suffix", "parse_publishable_key",
           "merge_options", "authenticate_request_with_client", "authenticate_request_with_client_sync",
           "BUILD_TIME_ONLY_OPTIONS"]

_OPTION_NAMES = tuple(AuthenticateRequestOptions.__dataclass_fields__)
BUILD_TIME_ONLY_OPTIONS = ("api_url", "api_version")


def _options(kw: dict) -> AuthenticateRequestOptions:
    unknown = sorted(set(kw) - set(_OPTION_NAMES))
    if unknown:
        raise TypeError(f"authenticate_request() got unexpected option(s): {', '.join(unknown)}")
    opts = AuthenticateRequestOptions(**kw)
    env = opts.env
    opts.publishable_key = opts.publishable_key or get_env(env, "CLERK_PUBLISHABLE_KEY")
    opts.secret_key = opts.secret_key or get_env(env, "CLERK_SECRET_KEY")
    opts.jwt_key = opts.jwt_key or get_env(env, "CLERK_JWT_KEY")
    opts.machine_secret_key = opts.machine_secret_key or get_env(env, "CLERK_MACHINE_SECRET_KEY")
    opts.api_url = opts.api_url or get_env(env, "CLERK_API_URL") or "https://api.clerk.com"
    opts.api_version = opts.api_version or get_env(env, "CLERK_API_VERSION") or "v1"
    if opts.accepts_token is None:
        opts.accepts_token = TokenType.SESSION_TOKEN
    accepts = opts.accepts_token
    valid = accepts == "any" or accepts in TokenType.ALL if isinstance(accepts, str) else \
        isinstance(accepts, (list, tuple, set)) and all(a in TokenType.ALL for a in accepts)
    if not valid:
        # @clerk/backend accepts any value and fails later (toAuth() throws); we refuse it up front
        raise ConfigurationError(f"Invalid accepts_token {accepts!r}: expected 'any', one of "
                                 f"{', '.join(TokenType.ALL)} or a list of them")
    if isinstance(accepts, (tuple, set)):
        opts.accepts_token = list(accepts)
    return opts


def _authenticate_request(request: Any, *, fetch=None, crypto=None, clock=None, **options):
    """Authenticate an incoming request the way ``@clerk/backend`` 3.25 does (handshake era).

    Returns a :class:`RequestState` (``status`` ``signed-in`` / ``signed-out`` / ``handshake``).
    Copy ``state.headers`` onto your response (a handshake is a 307 to ``headers['location']``).
    Raises :class:`ConfigurationError` for unusable options (missing keys, bad satellite setup)."""
    from ..tokens import build_runtime
    from .decide import authenticate_request_core
    opts = _options(options)
    rt = build_runtime(fetch, crypto, clock)
    return authenticate_request_core(request, opts, {"fetch": fetch, "crypto": crypto, "clock": clock}), rt


authenticate_request, authenticate_request_sync = twins(_authenticate_request)
authenticate_request.__name__ = authenticate_request.__qualname__ = "authenticate_request"
authenticate_request_sync.__name__ = authenticate_request_sync.__qualname__ = "authenticate_request_sync"


def merge_options(build_time: dict, call_time: dict) -> dict:
    """``createClerkClient(opts).authenticateRequest`` merging: a call-time value wins if truthy;
    ``api_url`` and ``api_version`` are build-time only."""
    out = dict(build_time or {})
    for k, v in (call_time or {}).items():
        if k in BUILD_TIME_ONLY_OPTIONS and k in out:
            continue
        if v or k not in out:
            out[k] = v
    return out


async def authenticate_request_with_client(clerk: Any, request: Any, **options):
    """``clerk.authenticate_request(request, **options)`` for any REST client object (async)."""
    from .mixin import merged_options
    return await authenticate_request(request, **merged_options(clerk, options))


def authenticate_request_with_client_sync(clerk: Any, request: Any, **options):
    from .mixin import merged_options
    return authenticate_request_sync(request, **merged_options(clerk, options))
