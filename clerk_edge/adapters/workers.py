"""Cloudflare Workers (Python): helpers for a ``WorkerEntrypoint.fetch``.

    from workers import WorkerEntrypoint
    import clerk_edge
    from clerk_edge.adapters.workers import clerk_options, json_response, request_view, session_token

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            token, carrier = session_token(request_view(request))
            try:
                claims = await clerk_edge.verify_token(token, **clerk_options(self.env, only=VERIFY_KEYS))
            except clerk_edge.TokenVerificationError as err:
                return json_response({"reason": err.reason}, status=401)
            return json_response({"user_id": claims["sub"]})

* :func:`request_view` takes the SDK's ``workers.Request``, a raw JS ``Request`` or anything
  :func:`~clerk_edge.adapters.request.to_request_view` accepts;
* :func:`clerk_options` reads the Clerk settings from the Worker's ``env`` bindings
  (``CLERK_SECRET_KEY``, ``CLERK_PUBLISHABLE_KEY``, ``CLERK_JWT_KEY``, ``CLERK_API_URL``,
  ``CLERK_API_VERSION``) as keyword arguments, leaving out the unset ones;
* :func:`to_response` / :func:`json_response` build a ``workers.Response`` (the raw JS ``Response``
  when the SDK is absent) keeping repeated headers such as ``Set-Cookie``.

Nothing here imports ``js``, ``pyodide`` or ``workers`` at module import time.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ..fetch import Headers
from .request import RequestView, session_token, to_request_view

__all__ = ["request_view", "session_token", "clerk_options", "to_response", "json_response", "ENV_KEYS", "VERIFY_KEYS"]

# env binding -> keyword argument
ENV_KEYS = {
    "CLERK_SECRET_KEY": "secret_key",
    "CLERK_PUBLISHABLE_KEY": "publishable_key",
    "CLERK_JWT_KEY": "jwt_key",
    "CLERK_API_URL": "api_url",
    "CLERK_API_VERSION": "api_version",
}
VERIFY_KEYS = ("secret_key", "jwt_key", "api_url", "api_version")  # what verify_token accepts


def request_view(request: Any) -> RequestView:
    """One :class:`RequestView` for a Workers request (the SDK wrapper is unwrapped to the JS ``Request``,
    whose ``Headers`` keep every value as sent)."""
    raw = getattr(request, "js_object", None)
    return to_request_view(raw if raw is not None else request)


def clerk_options(env: Any, *, only: Optional[Iterable[str]] = None, **overrides: Any) -> dict:
    """Clerk keyword arguments from the ``env`` bindings; ``overrides`` win; unset values are left out."""
    from ..env import get_env
    out = {}
    for binding, kw in ENV_KEYS.items():
        value = get_env(env, binding)
        if value is not None:
            out[kw] = value
    out.update({k: v for k, v in overrides.items() if v is not None})
    if only is not None:
        keep = set(only)
        out = {k: v for k, v in out.items() if k in keep}
    return out


def _pairs(headers: Any) -> list:
    return [] if headers is None else Headers(headers).items()


def to_response(status: int = 200, body: Any = None, headers: Any = None):
    """A Workers response from plain values (``body``: ``str``, ``bytes`` or ``None``)."""
    pairs = _pairs(headers)
    if isinstance(body, bytearray):
        body = bytes(body)
    try:
        from workers import Response
    except ImportError:
        Response = None
    if Response is not None:
        return Response(body, status=int(status), headers=pairs or None)
    import js
    from pyodide.ffi import to_js
    init = to_js({"status": int(status), "headers": [list(p) for p in pairs]}, dict_converter=js.Object.fromEntries)
    return js.Response.new(to_js(body) if isinstance(body, bytes) else body, init)


def json_response(data: Any, status: int = 200, headers: Any = None):
    import json
    pairs = _pairs(headers)
    if not any(k.lower() == "content-type" for k, _ in pairs):
        pairs.append(("content-type", "application/json"))
    return to_response(status, json.dumps(data), pairs)
