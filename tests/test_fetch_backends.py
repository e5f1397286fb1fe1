"""The Fetch boundary: the stdlib backend's contract, and a user-supplied backend (httpx) injected
into ``verify_token`` — the shape any custom transport must have."""
from __future__ import annotations

import pytest

import clerk_edge
from clerk_edge.errors import FetchError
from clerk_edge.fetch import HttpRequest, resolve_fetch
from clerk_edge.fetch.urllib import UrllibFetch
from clerk_edge.jwks.cache import JwksCache
from tests.conftest import FrozenClock
from tests.support import aio
from tests.support.tokens import IAT, jwks, sign

pytestmark = pytest.mark.no_pyodide(reason="the urllib and httpx backends need sockets; Pyodide uses its fetch backend")


def test_urllib_returns_error_statuses_as_responses(mock_server):
    mock_server.on("GET", "/missing", status=404, json={"errors": []}, headers={"cf-ray": "abc"})
    resp = UrllibFetch().fetch(HttpRequest("GET", mock_server.url + "/missing"))
    assert resp.status == 404 and not resp.ok and resp.headers.get("CF-Ray") == "abc" and resp.json() == {"errors": []}


def test_urllib_does_not_follow_redirects(mock_server):
    mock_server.on("GET", "/r", status=302, headers={"location": "http://127.0.0.1:9/elsewhere"})
    resp = UrllibFetch().fetch(HttpRequest("GET", mock_server.url + "/r"))
    assert resp.status == 302 and resp.headers.get("location").endswith("/elsewhere")


def test_urllib_sends_method_headers_body(mock_server):
    mock_server.on("POST", "/echo", json={"ok": True})
    resp = aio.run(UrllibFetch().afetch(HttpRequest("POST", mock_server.url + "/echo", {"X-Test": "1"}, b'{"a":1}')))
    assert resp.json() == {"ok": True}
    (req,) = mock_server.requests("/echo")
    assert req["headers"]["x-test"] == "1" and req["body"] == '{"a":1}'


def test_urllib_timeout_and_refusal_are_typed(mock_server):
    mock_server.on("GET", "/slow", body="late", delay=2)
    with pytest.raises(FetchError) as info:
        UrllibFetch().fetch(HttpRequest("GET", mock_server.url + "/slow", timeout=0.2))
    assert info.value.kind == "timeout"
    with pytest.raises(FetchError) as info:
        UrllibFetch().fetch(HttpRequest("GET", "http://127.0.0.1:9/", timeout=2))
    assert info.value.kind == "connection"
    with pytest.raises(FetchError) as info:
        UrllibFetch().fetch(HttpRequest("GET", "file:///etc/passwd"))
    assert info.value.kind == "invalid-url"


def test_resolve_fetch_by_name():
    assert resolve_fetch("urllib").name == "urllib"
    with pytest.raises(ValueError):
        resolve_fetch("carrier-pigeon")


class HttpxFetch:
    """A user-supplied fetch backend on httpx (sync and async twins of one shape)."""

    name = "httpx"
    is_async_only = False

    def __init__(self):
        import httpx
        self._httpx = httpx
        self.calls = 0

    def _convert(self, resp):
        from clerk_edge.fetch import Headers, HttpResponse
        return HttpResponse(resp.status_code, Headers(resp.headers.multi_items()), resp.content)

    def fetch(self, request):
        self.calls += 1
        try:
            with self._httpx.Client(timeout=request.timeout) as client:
                return self._convert(client.request(request.method, request.url, headers=request.headers.items(),
                                                    content=request.body))
        except self._httpx.TimeoutException as exc:
            raise FetchError(str(exc), kind="timeout", url=request.url) from exc
        except self._httpx.HTTPError as exc:
            raise FetchError(str(exc), kind="connection", url=request.url) from exc

    async def afetch(self, request):
        self.calls += 1
        try:
            async with self._httpx.AsyncClient(timeout=request.timeout) as client:
                return self._convert(await client.request(request.method, request.url, headers=request.headers.items(),
                                                          content=request.body))
        except self._httpx.TimeoutException as exc:
            raise FetchError(str(exc), kind="timeout", url=request.url) from exc
        except self._httpx.HTTPError as exc:
            raise FetchError(str(exc), kind="connection", url=request.url) from exc


def test_injected_httpx_backend_sync_and_async(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    fetch = HttpxFetch()
    kw = dict(secret_key="sk_test_httpx", api_url=mock_server.url, env={}, clock=FrozenClock(IAT), fetch=fetch)
    assert clerk_edge.sync.verify_token(sign(), jwks_cache=JwksCache(), **kw)["sub"]
    assert aio.run(clerk_edge.verify_token(sign(), jwks_cache=JwksCache(), **kw))["sub"]
    assert fetch.calls == 2 and mock_server.count("/v1/jwks") == 2
    assert mock_server.requests()[0]["headers"]["authorization"] == "Bearer sk_test_httpx"
