"""``clerk.authenticate_request(request, **options)`` on the REST client (``createClerkClient(opts)
.authenticateRequest``).

The client's build-time options (``secret_key``, ``publishable_key``, ``jwt_key``, ``api_url``,
``api_version``, ``domain``, ``is_satellite``, ``proxy_url``, ``audience`` and the ``fetch`` / ``crypto``
/ ``clock`` boundaries, read as :func:`clerk_edge.interstitial.mixin.client_defaults` reads them, plus
any other handshake option found in the client's ``options`` mapping) are merged with the call-time
ones: **a call-time value wins if truthy**; ``api_url`` and ``api_version`` are build-time only (B.4).

Use ``class Clerk(HandshakeMixin, …)`` / ``class SyncClerk(SyncHandshakeMixin, …)`` or
``attach(Clerk)`` / ``attach(SyncClerk, sync=True)``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["HandshakeMixin", "SyncHandshakeMixin", "attach", "merged_options"]

_BUILD_ONLY = ("api_url", "api_version")


def merged_options(client: Any, call_time: dict) -> dict:
    from ..interstitial.mixin import client_defaults
    from .context import AuthenticateRequestOptions  # lazily: the REST client imports this module
    _OPTION_NAMES = tuple(AuthenticateRequestOptions.__dataclass_fields__) + ("fetch", "crypto", "clock")
    build = {k: v for k, v in client_defaults(client).items() if k in _OPTION_NAMES}
    extra = getattr(client, "options", None)
    if isinstance(extra, dict):
        for k, v in extra.items():
            if k in _OPTION_NAMES and k not in build and v is not None:
                build[k] = v
    out = dict(build)
    for k, v in call_time.items():
        if k in _BUILD_ONLY and k in build:
            continue
        if v or k not in out:
            out[k] = v
    return out


class HandshakeMixin:
    async def authenticate_request(self, request: Any, **options):
        """Handshake-era request authentication with this client's keys (see :mod:`clerk_edge.handshake`)."""
        from . import authenticate_request
        return await authenticate_request(request, **merged_options(self, options))


class SyncHandshakeMixin:
    def authenticate_request(self, request: Any, **options):
        from . import authenticate_request_sync
        return authenticate_request_sync(request, **merged_options(self, options))


def attach(cls: type, sync: bool = False) -> type:
    """Add ``authenticate_request`` to an existing client class (returns it)."""
    source = SyncHandshakeMixin if sync else HandshakeMixin
    setattr(cls, "authenticate_request", source.__dict__["authenticate_request"])
    return cls
