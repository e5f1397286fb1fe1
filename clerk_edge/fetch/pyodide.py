"""Fetch backend on the runtime's JavaScript ``fetch`` (Pyodide in Node, Cloudflare Workers).

Async-only: JS ``fetch`` returns a promise, and blocking on it needs WebAssembly stack switching,
which Cloudflare Workers do not offer.  Use the async face (``await clerk_edge.verify_token(...)``).

* request headers are passed as a list of pairs (repeated names kept), the body as a ``Uint8Array``;
* ``redirect: 'manual'`` — redirects come back as responses, never followed;
* the per-attempt timeout is an ``AbortController`` armed with ``setTimeout`` and covers reading
  the body too; it surfaces as ``FetchError(kind='timeout')``;
* any other rejection (refused connection, DNS, TLS, a URL fetch rejects) is
  ``FetchError(kind='connection')`` (``'invalid-url'`` for non-HTTP URLs, checked before fetching).

``js`` and ``pyodide`` are imported inside the methods, so this module imports on CPython too.
"""
from __future__ import annotations

from ..errors import ClerkEdgeError, FetchError
from . import Headers, HttpRequest, HttpResponse

__all__ = ["PyodideFetch"]


class PyodideFetch:
    name = "pyodide"
    is_async_only = True

    def fetch(self, request: HttpRequest) -> HttpResponse:
        raise ClerkEdgeError(
            "The 'pyodide' fetch backend is async-only (JavaScript fetch returns a promise): "
            "use the async API, e.g. `await clerk_edge.verify_token(...)`, or pass fetch='urllib' on CPython."
        )

    async def afetch(self, request: HttpRequest) -> HttpResponse:
        url = request.url
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise FetchError(f"Unsupported URL {url!r}", kind="invalid-url", url=str(url))
        import js
        from pyodide.ffi import JsException, create_proxy, to_js

        controller = js.AbortController.new()
        state = {"timed_out": False}

        def on_timeout(*_):
            state["timed_out"] = True
            controller.abort()

        timeout_ms = max(1, int(float(request.timeout) * 1000))
        callback = create_proxy(on_timeout)
        timer = js.setTimeout(callback, timeout_ms)
        init = {
            "method": request.method.upper(),
            "headers": [[k, v] for k, v in request.headers.items()],
            "redirect": "manual",
            "signal": controller.signal,
        }
        if request.body is not None:
            init["body"] = to_js(bytes(request.body))
        try:
            try:
                resp = await js.fetch(url, to_js(init, dict_converter=js.Object.fromEntries))
                status = int(resp.status)
                headers = _response_headers(resp.headers)
                buf = await resp.arrayBuffer()
                body = bytes(buf.to_bytes())
            except JsException as err:
                if state["timed_out"]:
                    raise FetchError(f"Request to {url} timed out after {request.timeout}s", kind="timeout", url=url) from None
                raise FetchError(f"Request to {url} failed: {_js_error_text(err)}", kind="connection", url=url) from None
        finally:
            js.clearTimeout(timer)
            callback.destroy()
        return HttpResponse(status, headers, body)


def _response_headers(js_headers) -> Headers:
    out = Headers()
    set_cookies = None
    get_set_cookie = getattr(js_headers, "getSetCookie", None)
    if get_set_cookie is not None:
        try:
            set_cookies = [str(v) for v in get_set_cookie()]
        except Exception:
            set_cookies = None
    for entry in js_headers.entries():
        name, value = str(entry[0]), str(entry[1])
        if set_cookies is not None and name.lower() == "set-cookie":
            continue
        out.add(name, value)
    for v in set_cookies or ():
        out.add("set-cookie", v)
    return out


def _js_error_text(err) -> str:
    """``TypeError: fetch failed`` plus its ``cause`` when Node's undici gives one (ECONNREFUSED …)."""
    text = str(err)
    try:
        js_error = getattr(err, "js_error", None)
        cause = getattr(js_error, "cause", None) if js_error is not None else None
        if cause is not None:
            code = getattr(cause, "code", None)
            text += f" ({code or cause})"
    except Exception:
        pass
    return text
