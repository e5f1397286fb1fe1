"""The Pyodide fetch backend (JS ``fetch``) against the loopback mock server.

Runs in the Pyodide tier (and in workerd through the example Worker); on CPython only the pieces that
need no JS runtime are checked."""
import asyncio

import pytest

from clerk_edge.errors import ClerkEdgeError, FetchError
from clerk_edge.fetch import HttpRequest, default_fetch, resolve_fetch
from clerk_edge.fetch.pyodide import PyodideFetch
from tests.conftest import IN_PYODIDE

needs_pyodide = pytest.mark.skipif(not IN_PYODIDE, reason="needs the JavaScript fetch of Pyodide")


def run(coro):
    if IN_PYODIDE:
        from pyodide.ffi import run_sync
        return run_sync(coro)
    return asyncio.run(coro)


def test_sync_face_is_refused_with_a_clear_error():
    with pytest.raises(ClerkEdgeError, match="async-only"):
        PyodideFetch().fetch(HttpRequest("GET", "http://127.0.0.1:1/"))
    assert PyodideFetch.is_async_only is True
    assert resolve_fetch("pyodide").name == "pyodide"


def test_non_http_url_is_invalid_url_before_any_js():
    with pytest.raises(FetchError) as info:
        run(PyodideFetch().afetch(HttpRequest("GET", "file:///etc/passwd")))
    assert info.value.kind == "invalid-url"


@needs_pyodide
def test_default_backend_in_pyodide_is_js_fetch():
    assert default_fetch().name == "pyodide"


@needs_pyodide
def test_status_headers_body_and_request_shape(mock_server):
    mock_server.on("POST", "/echo", status=201, body="é€bin".encode(),
                   headers={"x-one": "1", "set-cookie": ["a=1; Path=/", "b=2; Path=/"]})
    req = HttpRequest("POST", mock_server.url + "/echo?q=1", headers=[("Authorization", "Bearer abc"), ("X-Multi", "v")],
                      body=b'{"k": 1}')
    resp = run(PyodideFetch().afetch(req))
    assert resp.status == 201
    assert resp.body == "é€bin".encode()
    assert resp.headers.get("x-one") == "1"
    assert resp.headers.get_all("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    seen = mock_server.requests("/echo")
    assert len(seen) == 1
    assert seen[0]["method"] == "POST"
    assert seen[0]["query"] == [["q", "1"]] or seen[0]["query"] == [("q", "1")]
    assert seen[0]["headers"]["authorization"] == "Bearer abc"
    assert seen[0]["body"] == '{"k": 1}'


@needs_pyodide
def test_http_errors_are_responses_and_redirects_are_not_followed(mock_server):
    mock_server.on("GET", "/missing", status=404, json={"errors": []})
    mock_server.on("GET", "/moved", status=307, headers={"location": mock_server.url + "/elsewhere"})
    f = PyodideFetch()
    assert run(f.afetch(HttpRequest("GET", mock_server.url + "/missing"))).status == 404
    moved = run(f.afetch(HttpRequest("GET", mock_server.url + "/moved")))
    assert moved.status == 307
    assert moved.headers.get("location").endswith("/elsewhere")
    assert mock_server.count("/elsewhere") == 0


@needs_pyodide
def test_timeout_is_fetch_error_timeout(mock_server):
    mock_server.on("GET", "/slow", json={}, delay=2.0)
    with pytest.raises(FetchError) as info:
        run(PyodideFetch().afetch(HttpRequest("GET", mock_server.url + "/slow", timeout=0.2)))
    assert info.value.kind == "timeout"


@needs_pyodide
def test_refused_connection_is_fetch_error_connection():
    with pytest.raises(FetchError) as info:
        run(PyodideFetch().afetch(HttpRequest("GET", "http://127.0.0.1:9/")))
    assert info.value.kind == "connection"
