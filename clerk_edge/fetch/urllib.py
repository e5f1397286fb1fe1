"""Fetch backend on the standard library (``urllib.request``).  Sync; the async twin runs the
blocking call in a worker thread so an event loop is never blocked."""
from __future__ import annotations

from ..errors import FetchError
from . import Headers, HttpRequest, HttpResponse


class UrllibFetch:
    name = "urllib"
    is_async_only = False

    def fetch(self, request: HttpRequest) -> HttpResponse:
        import socket
        import urllib.error
        import urllib.request

        if not request.url.startswith(("http://", "https://")):
            raise FetchError(f"Unsupported URL {request.url!r}", kind="invalid-url", url=request.url)
        req = urllib.request.Request(request.url, data=request.body, method=request.method.upper())
        for k, v in request.headers.items():
            req.add_header(k, v)
        opener = _opener()
        try:
            with opener.open(req, timeout=request.timeout) as resp:
                return HttpResponse(resp.status, Headers(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as err:
            try:
                body = err.read()
            except Exception:
                body = b""
            return HttpResponse(err.code, Headers(err.headers.items() if err.headers else ()), body)
        except (socket.timeout, TimeoutError) as err:
            raise FetchError(f"Request to {request.url} timed out after {request.timeout}s", kind="timeout", url=request.url) from err
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise FetchError(f"Request to {request.url} timed out after {request.timeout}s", kind="timeout", url=request.url) from err
            raise FetchError(f"Request to {request.url} failed: {reason}", kind="connection", url=request.url) from err
        except (ConnectionError, OSError) as err:
            raise FetchError(f"Request to {request.url} failed: {err}", kind="connection", url=request.url) from err
        except ValueError as err:
            raise FetchError(f"Invalid request to {request.url}: {err}", kind="invalid-url", url=request.url) from err

    async def afetch(self, request: HttpRequest) -> HttpResponse:
        import asyncio
        return await asyncio.to_thread(self.fetch, request)


_OPENER = None


def _opener():
    """One opener per process that does not follow redirects (built on first use)."""
    global _OPENER
    if _OPENER is None:
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):
                return None

        _OPENER = urllib.request.build_opener(NoRedirect())
    return _OPENER
