"""AWS Lambda: a handler decorator and result builders for every HTTP front door.

API Gateway REST (payload v1), HTTP API (v2), Lambda Function URLs (v2 shape) and ALB targets::

    from clerk_edge.adapters.lambda_ import with_clerk_auth, lambda_result

    @with_clerk_auth(authorized_parties=["https://app.example.com"])
    def handler(event, context, auth):
        # auth.claims: the verified session claims; auth.request: the RequestView of the event
        return lambda_result(event, 200, {"user_id": auth.claims["sub"]})

    @with_authenticate_request(require_auth=True)        # today's full flow: cookies, handshake, refresh
    def page(event, context, auth):
        return lambda_result(event, 200, {"user_id": auth.user_id})

Keys come from the function's environment (``CLERK_JWT_KEY`` for networkless verification, else
``CLERK_SECRET_KEY`` (+ ``CLERK_API_URL``) for the JWKS), or from keyword arguments.  Any keyword
:func:`clerk_edge.verify_token` accepts may be given.  A request without a valid token gets a
``401`` JSON result ``{"error": "unauthenticated", "reason": <stable reason>, "message": ...}`` in the
event's own format, and the handler is not called (``optional=True`` calls it with ``auth=None``).

The handler runs synchronously (Lambda's Python runtime calls it so); an ``async def`` handler is
driven with :func:`asyncio.run`.  Nothing here imports anything heavy at module import time.
"""
from __future__ import annotations

import base64
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from ..fetch import Headers
from .request import RequestView, session_token, to_request_view

__all__ = ["with_clerk_auth", "with_authenticate_request", "LambdaAuth", "lambda_result", "merge_result_headers",
           "event_kind", "request_view"]

_REASONS = {200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
            303: "See Other", 307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def event_kind(event: Mapping) -> str:
    """``'v2'`` (HTTP API payload 2.0 and Function URLs), ``'alb'`` or ``'v1'`` (API Gateway REST)."""
    if not isinstance(event, Mapping):
        raise TypeError(f"a Lambda event is a mapping (got {type(event).__name__})")
    if event.get("version") == "2.0" or "rawPath" in event:
        return "v2"
    ctx = event.get("requestContext") or {}
    if isinstance(ctx, Mapping) and "elb" in ctx:
        return "alb"
    return "v1"


def request_view(event: Mapping) -> RequestView:
    """The event as a :class:`~clerk_edge.adapters.request.RequestView` (method, URL, headers, cookies, query, body)."""
    return to_request_view(event)


def _header_pairs(headers: Any) -> list:
    if headers is None:
        return []
    return Headers(headers).items()


def lambda_result(event: Mapping, status: int = 200, body: Any = None, headers: Any = None, *,
                  cookies: Optional[list] = None) -> dict:
    """Build the handler's return value in the format ``event`` came in.

    ``body``: ``str`` (sent as is), ``bytes`` (base64, ``isBase64Encoded``), ``None`` (empty), anything
    else is JSON-encoded with ``content-type: application/json``.  ``headers``: a mapping (a list value
    means repeated headers), a list of pairs or a :class:`~clerk_edge.Headers`; ``Set-Cookie`` entries
    there and in ``cookies`` go where the format wants them: the ``cookies`` array (v2),
    ``multiValueHeaders`` (v1, and ALB when the target group has multi-value headers on).  An ALB target
    without multi-value headers can carry only one header per name: the last value wins.
    """
    kind = event_kind(event)
    pairs = _header_pairs(headers)
    set_cookies = [v for k, v in pairs if k.lower() == "set-cookie"] + list(cookies or [])
    pairs = [(k, v) for k, v in pairs if k.lower() != "set-cookie"]
    is_b64 = False
    if body is None:
        text = ""
    elif isinstance(body, bytes):
        text, is_b64 = base64.b64encode(body).decode("ascii"), True
    elif isinstance(body, str):
        text = body
    else:
        import json
        text = json.dumps(body, separators=(",", ":"))
        if not any(k.lower() == "content-type" for k, _ in pairs):
            pairs.append(("content-type", "application/json"))
    out: dict = {"statusCode": int(status)}
    if kind == "v2":
        single: dict = {}
        for k, v in pairs:
            lk = k.lower()
            single[lk] = f"{single[lk]}, {v}" if lk in single else v
        out["headers"] = single
        if set_cookies:
            out["cookies"] = set_cookies
    else:
        multi: dict = {}
        for k, v in pairs + [("Set-Cookie", c) for c in set_cookies]:
            multi.setdefault(k.lower() if k.lower() != "set-cookie" else "Set-Cookie", []).append(v)
        if kind == "alb":
            out["statusDescription"] = f"{int(status)} {_REASONS.get(int(status), '')}".strip()
            if event.get("multiValueHeaders") is not None:
                out["multiValueHeaders"] = multi
            else:
                out["headers"] = {k: vs[-1] for k, vs in multi.items()}
        else:
            out["headers"] = {k: vs[0] for k, vs in multi.items() if len(vs) == 1}
            repeated = {k: vs for k, vs in multi.items() if len(vs) > 1}
            if repeated:
                out["multiValueHeaders"] = repeated
    out["body"] = text
    out["isBase64Encoded"] = is_b64
    return out


@dataclass
class LambdaAuth:
    """What a protected handler receives: the verified ``claims``, the ``token`` carrier and the request."""
    claims: dict
    token_carrier: str
    request: RequestView = field(repr=False)

    @property
    def user_id(self) -> Optional[str]:
        return self.claims.get("sub")

    @property
    def session_id(self) -> Optional[str]:
        return self.claims.get("sid")


def _unauthorized(event: Mapping, reason: str, message: str) -> dict:
    return lambda_result(event, 401, {"error": "unauthenticated", "reason": reason, "message": message},
                         headers={"www-authenticate": f'Bearer error="invalid_token", error_description="{reason}"'})


def with_clerk_auth(fn: Optional[Callable] = None, *, optional: bool = False, **verify_options: Any):
    """Decorate ``handler(event, context, auth)`` so it only runs for requests with a valid Clerk
    session token (``Authorization: Bearer …`` or the ``__session`` cookie).  See the module docs."""

    def decorate(handler: Callable):
        import inspect
        is_async = inspect.iscoroutinefunction(handler)

        @functools.wraps(handler)
        def wrapper(event, context=None):
            from ..errors import TokenVerificationError
            view = to_request_view(event)
            token, carrier = session_token(view)
            auth = None
            if token is None:
                if not optional:
                    return _unauthorized(event, "session-token-missing",
                                         "No session token: send `Authorization: Bearer <token>` or the __session cookie.")
            else:
                from ..sync import verify_token
                try:
                    claims = verify_token(token, **verify_options)
                except TokenVerificationError as err:
                    err.token_carrier = err.token_carrier or carrier
                    return _unauthorized(event, err.reason, err.message)
                auth = LambdaAuth(claims=dict(claims), token_carrier=carrier, request=view)
            result = handler(event, context, auth)
            if is_async:
                import asyncio
                result = asyncio.run(result)
            return result

        return wrapper

    return decorate(fn) if fn is not None else decorate


def _result_pairs(result: Mapping) -> list:
    pairs = []
    multi = result.get("multiValueHeaders") or {}
    for k, v in (result.get("headers") or {}).items():
        if k not in multi:
            pairs.append((k, v))
    for k, vs in multi.items():
        pairs.extend((k, v) for v in vs)
    pairs.extend(("Set-Cookie", c) for c in result.get("cookies") or [])
    return pairs


def merge_result_headers(event: Mapping, result: Any, headers: Any) -> Any:
    """Add ``headers`` (e.g. a RequestState's: the cookies of a resolved handshake, ``x-clerk-auth-*``) to a
    handler's result, in the event's format (Set-Cookie to ``cookies`` for v2, ``multiValueHeaders`` for v1/ALB).
    A result that is not a proxy dict is returned unchanged."""
    extra = _header_pairs(headers)
    if not extra or not isinstance(result, dict) or "statusCode" not in result:
        return result
    shaped = lambda_result(event, result["statusCode"], None, _result_pairs(result) + extra)
    merged = {k: v for k, v in result.items() if k not in ("headers", "multiValueHeaders", "cookies")}
    for k in ("headers", "multiValueHeaders", "cookies"):
        if k in shaped:
            merged[k] = shaped[k]
    return merged


def with_authenticate_request(fn: Optional[Callable] = None, *, require_auth: bool = False, **options: Any):
    """Decorate ``handler(event, context, auth)`` with today's request authentication
    (:func:`clerk_edge.sync.authenticate_request`; any of its keyword options, keys default to ``CLERK_*``).

    A handshake — or a resolved one whose headers carry a Location — is answered with a 307 carrying Clerk's
    headers, and the handler is not called.  ``require_auth=True``: a signed-out request gets a 401 JSON
    ``{"reason", "message"}`` with the ``x-clerk-auth-*`` headers.  Otherwise the handler gets the auth object
    (signed in or signed out) and the state's headers are added to its result (the session cookies of a
    just-resolved handshake must reach the browser)."""

    def decorate(handler: Callable):
        import inspect
        is_async = inspect.iscoroutinefunction(handler)

        @functools.wraps(handler)
        def wrapper(event, context=None):
            from ..sync import authenticate_request
            from .headers import redirect_headers
            state = authenticate_request(to_request_view(event), **options)
            redirect = redirect_headers(state)
            if redirect is not None:
                return lambda_result(event, 307, None, redirect)
            if require_auth and state.status != "signed-in":
                debug = [(k, v) for k, v in Headers(state.headers).items() if k.lower().startswith("x-clerk-auth-")]
                return lambda_result(event, 401, {"reason": state.reason, "message": state.message or ""}, debug)
            result = handler(event, context, state.to_auth())
            if is_async:
                import asyncio
                result = asyncio.run(result)
            return merge_result_headers(event, result, state.headers)

        return wrapper

    return decorate(fn) if fn is not None else decorate
