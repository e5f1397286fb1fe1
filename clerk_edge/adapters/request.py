"""One read-only view of an incoming HTTP request, whatever runtime it came from.

:func:`to_request_view` accepts:

* a :class:`RequestView` (returned as is);
* a plain mapping ``{"method": "GET", "url": "https://app.example/p?x=1", "headers": {...}}``
  (``body`` optional; header names case-insensitive; cookies read from the ``cookie`` header);
* an AWS Lambda event: API Gateway REST (v1), HTTP API (v2), Function URL, ALB;
* an ASGI HTTP scope (``{"type": "http", ...}``) and a WSGI environ (``{"REQUEST_METHOD": ...}``);
* a Workers/JS ``Request`` (Pyodide proxy) or any object with ``method``, ``url`` and ``headers``
  (Starlette, httpx, Flask/Werkzeug requests).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ..fetch import Headers

__all__ = ["RequestView", "to_request_view", "parse_cookies", "session_token"]


def parse_cookies(header: Optional[str]) -> dict:
    """Parse a ``Cookie`` header the way browsers send it: ``a=1; b=2``.  Values are URL-decoded (kept
    as sent when the escape is malformed, as Clerk's JS parser does); the first occurrence of a name
    wins; malformed pairs are skipped, never raised on."""
    out: dict = {}
    if not header:
        return out
    for part in header.split(";"):
        if "=" not in part:
            continue
        name, _, value = part.partition("=")
        name = name.strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if not name or name in out:
            continue
        out[name] = _decode_cookie_value(value)
    return out


_HEX = frozenset("0123456789abcdefABCDEF")


def _decode_cookie_value(value: str) -> str:
    """Like the JS ``cookie`` parser Clerk uses (``decodeURIComponent`` in a try): a value with a
    malformed ``%`` escape or invalid UTF-8 is kept as sent instead of being half-decoded."""
    if "%" not in value:
        return value
    i = value.find("%")
    while i != -1:
        pair = value[i + 1:i + 3]
        if len(pair) < 2 or pair[0] not in _HEX or pair[1] not in _HEX:
            return value
        i = value.find("%", i + 3)
    try:
        return unquote(value, errors="strict")
    except UnicodeDecodeError:
        return value


@dataclass
class RequestView:
    method: str
    url: str
    headers: Headers = field(default_factory=Headers)
    body: Optional[bytes] = None

    def __post_init__(self):
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers)
        self.method = (self.method or "GET").upper()
        self._cookies: Optional[dict] = None

    @property
    def cookies(self) -> dict:
        if self._cookies is None:
            self._cookies = parse_cookies(", ".join(self.headers.get_all("cookie")) if len(self.headers.get_all("cookie")) > 1 else self.headers.get("cookie"))
        return self._cookies

    @property
    def query(self) -> list:
        """``[(name, value), …]`` in order, blank values kept."""
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    def query_param(self, name: str) -> Optional[str]:
        for k, v in self.query:
            if k == name:
                return v
        return None

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name)

    def __repr__(self) -> str:
        return f"RequestView({self.method} {self.url})"


def session_token(view: RequestView) -> tuple:
    """``(token, carrier)`` of the session token a request carries, as Clerk reads it: the
    ``Authorization`` header with a ``Bearer `` prefix removed (carrier ``'header'``), else the
    ``__session`` cookie (carrier ``'cookie'``); ``(None, None)`` when there is neither."""
    auth = (view.headers.get("authorization") or "").strip()
    if auth.lower() == "bearer":  # the prefix alone: no token
        auth = ""
    elif auth[:7].lower() == "bearer ":
        auth = auth[7:].strip()
    if auth:
        return auth, "header"
    cookie = view.cookies.get("__session")
    if cookie:
        return cookie, "cookie"
    return None, None


def to_request_view(request: Any) -> RequestView:
    if isinstance(request, RequestView):
        return request
    if isinstance(request, Mapping):
        return _from_mapping(request)
    # JS Request (Pyodide), Starlette/httpx/Werkzeug request objects
    if hasattr(request, "method") and hasattr(request, "url") and hasattr(request, "headers"):
        return _from_object(request)
    raise TypeError(
        "Unsupported request: pass a mapping {'method','url','headers'}, a Lambda event, an ASGI scope, "
        f"a WSGI environ, a Workers Request or a RequestView (got {type(request).__name__})"
    )


def _from_mapping(m: Mapping) -> RequestView:
    if "REQUEST_METHOD" in m:
        return _from_wsgi(m)
    if m.get("type") == "http" and ("asgi" in m or "query_string" in m or "raw_path" in m):
        return _from_asgi(m)
    if "requestContext" in m or "httpMethod" in m or "routeKey" in m:
        return _from_lambda(m)
    if "url" in m:
        body = m.get("body")
        if isinstance(body, str):
            body = body.encode()
        return RequestView(m.get("method") or "GET", str(m["url"]), Headers(m.get("headers") or {}), body)
    raise TypeError("A request mapping needs 'url' (plain form), 'REQUEST_METHOD' (WSGI), an ASGI scope or a Lambda event")


def _from_object(req: Any) -> RequestView:
    headers = req.headers
    items: list = []
    try:
        if hasattr(headers, "multi_items") and callable(headers.multi_items):  # httpx/Starlette: repeats kept
            items = list(headers.multi_items())
        elif hasattr(headers, "items") and callable(headers.items):
            items = list(headers.items())
        elif hasattr(headers, "entries"):  # JS Headers
            items = [(str(e[0]), str(e[1])) for e in headers.entries()]
    except Exception:
        items = []
    # httpx/Starlette keep duplicate headers in .raw / multi_items(); Werkzeug's items() already does
    return RequestView(str(req.method), str(req.url), Headers(items))


def _from_wsgi(env: Mapping) -> RequestView:
    scheme = env.get("wsgi.url_scheme", "http")
    host = env.get("HTTP_HOST")
    if not host:
        port = str(env.get("SERVER_PORT") or "")
        host = env.get("SERVER_NAME", "localhost")
        if port and (scheme, port) not in (("http", "80"), ("https", "443")):
            host = f"{host}:{port}"
    path = quote(env.get("SCRIPT_NAME", "") + env.get("PATH_INFO", ""), safe="/%:@!$&'()*+,;=-._~")
    qs = env.get("QUERY_STRING", "")
    url = f"{scheme}://{host}{path}" + (f"?{qs}" if qs else "")
    headers = Headers()
    for k, v in env.items():
        if k.startswith("HTTP_"):
            headers.add(k[5:].replace("_", "-").lower(), v)
        elif k in ("CONTENT_TYPE", "CONTENT_LENGTH") and v:
            headers.add(k.replace("_", "-").lower(), v)
    return RequestView(env.get("REQUEST_METHOD", "GET"), url, headers)


def _from_asgi(scope: Mapping) -> RequestView:
    headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])])
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        default = {"http": 80, "https": 443}.get(scheme)
        host = server[0] if not server[1] or server[1] == default else f"{server[0]}:{server[1]}"
    raw_path = scope.get("raw_path")
    if isinstance(raw_path, bytes) and raw_path:  # as sent (still percent-encoded); `path` is decoded
        path = scope.get("root_path", "") + raw_path.decode("latin-1").split("?", 1)[0]
    else:
        path = quote(scope.get("root_path", "") + scope.get("path", "/"), safe="/%:@!$&()*+,;=-._~")
    qs = scope.get("query_string", b"")
    if isinstance(qs, bytes):
        qs = qs.decode("latin-1")
    url = f"{scheme}://{host}{path}" + (f"?{qs}" if qs else "")
    return RequestView(scope.get("method", "GET"), url, headers)


def _from_lambda(ev: Mapping) -> RequestView:
    headers = Headers()
    multi = ev.get("multiValueHeaders") or {}
    single = ev.get("headers") or {}
    if multi:
        for k, vs in multi.items():
            for v in vs or []:
                headers.add(k, v)
        for k, v in single.items():
            if k not in headers and v is not None:
                headers.add(k, v)
    else:
        for k, v in single.items():
            if v is not None:
                headers.add(k, v)
    # HTTP API v2 / Function URL: cookies come as an array
    cookies = ev.get("cookies")
    if cookies:
        existing = headers.get("cookie")
        headers.set("cookie", "; ".join(([existing] if existing else []) + list(cookies)))
    ctx = ev.get("requestContext") or {}
    http = ctx.get("http") or {}
    method = http.get("method") or ev.get("httpMethod") or "GET"
    if ev.get("version") == "2.0" or "rawPath" in ev:
        path = ev.get("rawPath") or http.get("path") or "/"
        qs = ev.get("rawQueryString") or ""
    else:
        path = ev.get("path") or ctx.get("path") or "/"
        mq = ev.get("multiValueQueryStringParameters")
        sq = ev.get("queryStringParameters")
        pairs: list = []
        if mq:
            for k, vs in mq.items():
                pairs.extend((k, v) for v in (vs or []))
        elif sq:
            pairs.extend(sq.items())
        # ALB passes query values still URL-encoded; API Gateway v1 decodes them
        is_alb = "elb" in ctx
        qs = "&".join(f"{k}={v}" if is_alb else f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in pairs)
    host = headers.get("host") or ctx.get("domainName") or "localhost"
    proto = headers.get("x-forwarded-proto") or "https"
    url = f"{proto}://{host}{quote(path, safe='/%:@!$&()*+,;=-._~')}" + (f"?{qs}" if qs else "")
    body = ev.get("body")
    if body is not None:
        body = base64.b64decode(body) if ev.get("isBase64Encoded") else str(body).encode()
    return RequestView(method, url, headers, body)
