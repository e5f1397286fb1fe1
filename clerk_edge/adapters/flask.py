"""Flask / WSGI: a WSGI middleware and a ``@require_auth`` view decorator.

    from clerk_edge.adapters.flask import ClerkWSGIMiddleware, require_auth, get_auth

    app = Flask(__name__)
    app.wsgi_app = ClerkWSGIMiddleware(app.wsgi_app, publishable_key=..., secret_key=...)

    @app.get("/me")
    @require_auth
    def me():
        return {"user_id": get_auth().user_id}

The middleware runs :func:`clerk_edge.sync.authenticate_request` on every request: a ``handshake`` state (or any
state whose headers carry a Location: a handshake resolved on a development instance) is answered with a 307
carrying the state's headers; otherwise the auth object is stored in ``environ["clerk.auth"]`` (and the request
state in ``environ["clerk.request_state"]``) and the state's headers (the cookies of a resolved handshake,
``x-clerk-auth-*``) are added to the app's response.  ``require_auth=True`` on the middleware answers 401
JSON for signed-out requests.  The decorator works with or without the middleware (``@require_auth(**options)``
authenticates by itself when the middleware is absent).
"""
from __future__ import annotations

import functools
import json
from typing import Any, Callable, Iterable, List, Optional, Tuple

from .headers import apply_headers, apply_to_header_list, redirect_headers

__all__ = ["ClerkWSGIMiddleware", "require_auth", "get_auth", "get_request_state"]

ENV_AUTH = "clerk.auth"
ENV_STATE = "clerk.request_state"
_REASONS = {307: "307 Temporary Redirect", 401: "401 Unauthorized"}


def _items(headers: Any) -> List[Tuple[str, str]]:
    if headers is None:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(k), str(v)) for k, v in items]


def _debug(state) -> List[Tuple[str, str]]:
    return [(k, v) for k, v in _items(state.headers) if k.lower().startswith("x-clerk-auth-")]


def _body(state) -> bytes:
    return json.dumps({"reason": state.reason or "session-token-missing", "message": state.message or ""}).encode()


def _authenticate(environ, options) -> Any:
    from ..sync import authenticate_request
    state = authenticate_request(environ, **options)
    environ[ENV_STATE] = state
    environ[ENV_AUTH] = state.to_auth() if state.status != "handshake" else None
    return state


class ClerkWSGIMiddleware:
    def __init__(self, app, *, require_auth: bool = False, public_paths: Iterable[str] = (), **options: Any):
        self.app = app
        self.require_auth = require_auth
        self.public_paths = tuple(public_paths)
        self.options = options

    def __call__(self, environ, start_response):
        state = _authenticate(environ, self.options)
        redirect = redirect_headers(state)
        if redirect is not None:
            start_response(_REASONS[307], redirect + [("Content-Length", "0")])
            return [b""]
        path = environ.get("PATH_INFO", "/")
        if self.require_auth and state.status != "signed-in" and not (self.public_paths and path.startswith(self.public_paths)):
            body = _body(state)
            start_response(_REASONS[401], [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
                           + _debug(state))
            return [body]
        if not _items(state.headers):
            return self.app(environ, start_response)

        def start_with_headers(status, headers, exc_info=None):
            return start_response(status, apply_to_header_list(list(headers), state), exc_info)

        return self.app(environ, start_with_headers)


def get_request_state():
    from flask import request
    return request.environ.get(ENV_STATE)


def get_auth():
    """The current request's auth object (set by the middleware or by ``@require_auth``)."""
    from flask import request
    return request.environ.get(ENV_AUTH)


def require_auth(view: Optional[Callable] = None, **options: Any):
    """Decorate a Flask view: 401 JSON unless signed in; a handshake state becomes a redirect.

    Use bare (``@require_auth``) or with :func:`clerk_edge.authenticate_request` options
    (``@require_auth(secret_key=..., publishable_key=...)``) — options are used only without the middleware."""
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from flask import Response, make_response, request
            state = request.environ.get(ENV_STATE)
            own = state is None           # with the middleware, it redirects and adds the headers itself
            if own:
                state = _authenticate(request.environ, options)
            redirect = redirect_headers(state)
            if redirect is not None:
                return Response(b"", status=307, headers=redirect)
            if state.status != "signed-in":
                return Response(_body(state), status=401, mimetype="application/json", headers=_debug(state))
            if not own or not _items(state.headers):
                return fn(*args, **kwargs)
            return apply_headers(make_response(fn(*args, **kwargs)), state)
        return wrapper

    return decorate(view) if view is not None else decorate
