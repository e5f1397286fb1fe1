"""The interstitial functions as methods of the REST client (``clerk.auth_state(...)``, as the 0.x SDK).

Build-time options of the client (``secret_key``, ``publishable_key``, ``jwt_key``, ``api_url``,
``api_version``, ``domain``, ``is_satellite``, ``proxy_url``, ``audience``, ``user_agent`` and the
``fetch``/``crypto``/``clock`` boundaries) are the defaults; call-time values win (``a or b``, as
0.38's ``createAuthenticateRequest``), except ``api_url``/``api_version`` which always come from the
client.  The client's attributes are read by name, with or without a leading underscore, or from an
``options`` mapping.

Use ``class Clerk(InterstitialMixin, …)`` / ``class SyncClerk(SyncInterstitialMixin, …)``, or
``attach(Clerk)`` / ``attach(SyncClerk, sync=True)``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["InterstitialMixin", "SyncInterstitialMixin", "attach", "client_defaults"]

_NAMES = ("secret_key", "publishable_key", "jwt_key", "api_url", "api_version", "domain", "is_satellite",
          "proxy_url", "audience", "user_agent", "frontend_api", "fetch", "crypto", "clock", "env")


def client_defaults(client: Any) -> dict:
    """The client's build-time options that the interstitial functions use."""
    import inspect
    options = _safe_getattr(client, "options") or _safe_getattr(client, "_options")
    out = {}
    for name in _NAMES:
        value = None
        for attr in (name, "_" + name):
            try:
                value = getattr(client, attr, None)
            except Exception:  # properties that raise
                value = None
            if value is not None and not inspect.ismethod(value):
                break
            value = None
        if value is None and isinstance(options, dict):
            value = options.get(name)
        if value is not None:
            out[name] = value
    # clerk_edge.api.client.Clerk keeps its boundaries in ``runtime`` and the user agent in ``config``
    runtime = _safe_getattr(client, "runtime")
    if runtime is not None:
        for name in ("fetch", "crypto", "clock"):
            if name not in out and getattr(runtime, name, None) is not None:
                out[name] = getattr(runtime, name)
    config = _safe_getattr(client, "config")
    if config is not None and "user_agent" not in out and getattr(config, "user_agent", None):
        out["user_agent"] = config.user_agent
    return out


def _safe_getattr(obj: Any, name: str):
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


def _merge(client: Any, kwargs: dict, *, fixed=("api_url", "api_version"), only=None) -> dict:
    defaults = client_defaults(client)
    merged = dict(kwargs)
    for name, value in defaults.items():
        if only is not None and name not in only:
            continue
        if name in fixed:
            merged[name] = value
        elif not merged.get(name):
            merged[name] = value
    return merged


_AUTH = ("secret_key", "publishable_key", "jwt_key", "api_url", "api_version", "domain", "is_satellite", "proxy_url",
         "audience", "frontend_api", "fetch", "crypto", "clock", "env")
_PAGE = ("publishable_key", "frontend_api", "proxy_url", "domain", "is_satellite")
_PUBLIC = ("publishable_key", "frontend_api", "proxy_url", "domain", "is_satellite", "api_url", "fetch", "user_agent")
_PRIVATE = ("secret_key", "api_url", "fetch", "user_agent", "env")


class _Common:
    def debug_auth_state(self, state):
        from .state import debug_auth_state
        return debug_auth_state(state)

    def local_interstitial(self, **options):
        from .page import local_interstitial
        return local_interstitial(**_merge(self, options, fixed=(), only=_PAGE))

    def remote_public_interstitial_url(self, **options):
        from .remote import remote_public_interstitial_url
        return remote_public_interstitial_url(**_merge(self, options, fixed=("api_url",),
                                                       only=("publishable_key", "frontend_api", "proxy_url",
                                                             "domain", "is_satellite", "api_url")))


class InterstitialMixin(_Common):
    """Async methods: ``await clerk.auth_state(request=…)`` etc."""

    async def auth_state(self, request: Any = None, **options):
        from .flow import auth_state
        return await auth_state(request, **_merge(self, options, only=_AUTH))

    async def remote_public_interstitial(self, **options):
        from .flow import remote_public_interstitial
        return await remote_public_interstitial(**_merge(self, options, fixed=("api_url",), only=_PUBLIC))

    async def remote_private_interstitial(self, **options):
        from .flow import remote_private_interstitial
        return await remote_private_interstitial(**_merge(self, options, fixed=("api_url",), only=_PRIVATE))


class SyncInterstitialMixin(_Common):
    """Blocking methods: ``clerk.auth_state(request=…)`` etc."""

    def auth_state(self, request: Any = None, **options):
        from .flow import auth_state_sync
        return auth_state_sync(request, **_merge(self, options, only=_AUTH))

    def remote_public_interstitial(self, **options):
        from .flow import remote_public_interstitial_sync
        return remote_public_interstitial_sync(**_merge(self, options, fixed=("api_url",), only=_PUBLIC))

    def remote_private_interstitial(self, **options):
        from .flow import remote_private_interstitial_sync
        return remote_private_interstitial_sync(**_merge(self, options, fixed=("api_url",), only=_PRIVATE))


def attach(cls, *, sync: bool = False):
    """Add the interstitial methods to ``cls`` (does not override methods it already defines)."""
    source = SyncInterstitialMixin if sync else InterstitialMixin
    for klass in (source, _Common):
        for name, value in vars(klass).items():
            if not name.startswith("_") and callable(value) and name not in vars(cls):
                setattr(cls, name, value)
    return cls
