"""Starlette / FastAPI: an ASGI middleware and a ``Depends`` dependency.

    from clerk_edge.adapters.starlette import ClerkMiddleware, ClerkAuth

    app = FastAPI()
    app.add_middleware(ClerkMiddleware, publishable_key=..., secret_key=...)   # request.state.auth on every request

    @app.get("/me")
    async def me(auth = Depends(ClerkAuth())):        # 401 unless signed in
        return {"user_id": auth.user_id}

Each request goes through :func:`clerk_edge.authenticate_request`.  A ``handshake`` state — or any state whose
headers carry a Location (a handshake resolved on a development instance) — becomes a 307 carrying the state's
headers (Location, Set-Cookie, Cache-Control, x-clerk-auth-*).  Otherwise the app serves the request and the
state's headers (e.g. the session cookies of a resolved handshake) are added to its response.  Signed-out
requests continue with the signed-out auth object in ``request.state.auth`` — unless ``require_auth=True``,
which answers 401 JSON ``{"reason", "message"}``.  Options are :func:`clerk_edge.authenticate_request`'s.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, List, Mapping, Optional, Tuple

from .headers import apply_headers, apply_to_header_list, redirect_headers

try:
    from starlette.requests import Request  # FastAPI resolves the dependency's annotations, so they are imported here
    from starlette.responses import Response
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the user's environment
    raise ModuleNotFoundError(
        "clerk_edge.adapters.starlette needs Starlette (or FastAPI): pip install starlette", name=exc.name
    ) from exc

__all__ = ["ClerkMiddleware", "ClerkAuth", "get_auth", "header_items"]


def header_items(headers: Any) -> List[Tuple[str, str]]:
    """A RequestState's headers as ``[(name, value), …]`` (repeated Set-Cookie kept)."""
    if headers is None:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(k), str(v)) for k, v in items]


def _debug_headers(state) -> List[Tuple[str, str]]:
    return [(k, v) for k, v in header_items(state.headers) if k.lower().startswith("x-clerk-auth-")]


def _signed_in(state) -> bool:
    return getattr(state, "status", None) == "signed-in"


def _unauthorized_body(state) -> bytes:
    return json.dumps({"reason": getattr(state, "reason", None) or "session-token-missing",
                       "message": getattr(state, "message", None) or ""}).encode("utf-8")


class ClerkMiddleware:
    """Pure ASGI middleware.  ``require_auth``: answer 401 for signed-out requests (except ``public_paths``)."""

    def __init__(self, app, *, require_auth: bool = False, public_paths: Iterable[str] = (), **options: Any):
        self.app = app
        self.require_auth = require_auth
        self.public_paths = tuple(public_paths)
        self.options = options

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            return await self.app(scope, receive, send)
        from .. import authenticate_request
        state = await authenticate_request(scope, **self.options)
        redirect = redirect_headers(state)
        if redirect is not None:
            return await _respond(send, 307, redirect, b"")
        auth = state.to_auth()
        scope.setdefault("state", {})
        scope["state"]["auth"] = auth
        scope["state"]["clerk_request_state"] = state
        if self.require_auth and not _signed_in(state) and not scope.get("path", "/").startswith(self.public_paths or ("\0",)):
            return await _respond(send, 401, [("content-type", "application/json")] + _debug_headers(state),
                                  _unauthorized_body(state))
        if not header_items(state.headers):
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message.get("type") == "http.response.start":
                message = dict(message, headers=apply_to_header_list(list(message.get("headers") or []), state, as_bytes=True))
            await send(message)

        return await self.app(scope, receive, send_with_headers)


async def _respond(send, status: int, headers: List[Tuple[str, str]], body: bytes) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def get_auth(request: Request):
    """The auth object the middleware stored (``None`` without the middleware)."""
    return getattr(request.state, "auth", None)


class ClerkAuth:
    """A FastAPI dependency returning the auth object: ``Depends(ClerkAuth())``.

    Uses the middleware's result when present, else authenticates the request itself with ``options``.
    ``required=True`` (default) raises ``HTTPException(401)`` for signed-out requests and a 307 for handshakes;
    ``required=False`` returns the signed-out auth object instead.  Without the middleware, FastAPI hands the
    dependency the response under construction, and the state's headers (cookies of a resolved handshake,
    ``x-clerk-auth-*``) are set on it."""

    def __init__(self, *, required: bool = True, **options: Any):
        self.required = required
        self.options = options

    async def __call__(self, request: Request, response: Response):
        from starlette.exceptions import HTTPException
        state = getattr(request.state, "clerk_request_state", None)
        if state is None:
            from .. import authenticate_request
            state = await authenticate_request(request, **self.options)
            redirect = redirect_headers(state)
            if redirect is not None:
                raise HTTPException(307, headers=_HeaderPairs(redirect))
            apply_headers(response, state)
        if self.required and not _signed_in(state):
            raise HTTPException(401, detail={"reason": state.reason, "message": state.message or ""},
                                headers=dict(_debug_headers(state)))
        return getattr(request.state, "auth", None) or state.to_auth()


class _HeaderPairs(Mapping):
    """HTTPException takes a mapping, and Starlette builds the response from its ``items()``: this mapping's
    ``items()`` keeps repeated names, so every Set-Cookie of a redirect survives."""

    def __init__(self, pairs: List[Tuple[str, str]]):
        self._pairs = list(pairs)

    def __getitem__(self, name: str) -> str:
        for k, v in self._pairs:
            if k.lower() == name.lower():
                return v
        raise KeyError(name)

    def __iter__(self):
        return iter(dict.fromkeys(k for k, _ in self._pairs))

    def __len__(self) -> int:
        return len(dict.fromkeys(k for k, _ in self._pairs))

    def items(self):  # type: ignore[override]
        return list(self._pairs)
