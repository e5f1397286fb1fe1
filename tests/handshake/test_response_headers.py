"""Applying RequestState headers to each runtime's response shape (multiple Set-Cookie kept)."""
from __future__ import annotations

from clerk_edge.adapters.headers import (apply_headers, apply_to_header_list, apply_to_lambda_result,
                                         handshake_response_parts)
from clerk_edge.fetch import Headers

STATE_HEADERS = Headers([("location", "https://fapi/v1/client/handshake?x=1"), ("cache-control", "no-store"),
                         ("set-cookie", "__clerk_redirect_count=1; Max-Age=2"), ("set-cookie", "__session=abc; Path=/"),
                         ("x-clerk-auth-status", "handshake")])


class _State:
    headers = STATE_HEADERS


def test_lambda_v2_result_gets_cookies_array():
    result = apply_to_lambda_result({"statusCode": 307, "headers": {"Cache-Control": "max-age=60"}}, _State())
    assert result["cookies"] == ["__clerk_redirect_count=1; Max-Age=2", "__session=abc; Path=/"]
    assert result["headers"] == {"location": "https://fapi/v1/client/handshake?x=1", "cache-control": "no-store",
                                 "x-clerk-auth-status": "handshake"}


def test_lambda_v1_result_uses_multi_value_headers():
    result = apply_to_lambda_result({"statusCode": 307, "headers": {"Location": "/old"}, "multiValueHeaders": {}},
                                    _State())
    assert result["multiValueHeaders"]["set-cookie"] == ["__clerk_redirect_count=1; Max-Age=2", "__session=abc; Path=/"]
    assert result["multiValueHeaders"]["location"] == ["https://fapi/v1/client/handshake?x=1"]
    assert "Location" not in result["headers"]


def test_asgi_and_wsgi_header_lists():
    asgi = apply_to_header_list([(b"content-type", b"text/plain"), (b"cache-control", b"public")], STATE_HEADERS)
    assert (b"cache-control", b"no-store") in asgi and (b"cache-control", b"public") not in asgi
    assert [v for k, v in asgi if k == b"set-cookie"] == [b"__clerk_redirect_count=1; Max-Age=2", b"__session=abc; Path=/"]
    wsgi = apply_headers([("Content-Type", "text/html")], STATE_HEADERS)
    assert [v for k, v in wsgi if k == "set-cookie"] == ["__clerk_redirect_count=1; Max-Age=2", "__session=abc; Path=/"]


def test_js_style_response_and_handshake_parts():
    class JsHeaders:
        def __init__(self):
            self.items = []

        def set(self, k, v):
            self.items = [(a, b) for a, b in self.items if a != k] + [(k, v)]

        def append(self, k, v):
            self.items.append((k, v))

    class Response:
        headers = JsHeaders()

    resp = apply_headers(Response(), STATE_HEADERS)
    assert [v for k, v in resp.headers.items if k == "set-cookie"] == ["__clerk_redirect_count=1; Max-Age=2",
                                                                       "__session=abc; Path=/"]
    status, items = handshake_response_parts(_State())
    assert status == 307 and ("location", "https://fapi/v1/client/handshake?x=1") in items


def test_empty_asgi_list_gets_lower_case_bytes_pairs():
    asgi = apply_to_header_list([], Headers([("Access-Control-Allow-Origin", "null"), ("Set-Cookie", "a=1")]),
                                as_bytes=True)
    assert asgi == [(b"access-control-allow-origin", b"null"), (b"set-cookie", b"a=1")]


def test_redirect_headers_rule():
    from clerk_edge.adapters.headers import redirect_headers

    class S:
        def __init__(self, status, headers):
            self.status, self.headers = status, headers

    # a handshake always redirects, with every header (both Set-Cookies kept)
    assert redirect_headers(S("handshake", STATE_HEADERS)) == STATE_HEADERS.items()
    # a resolved handshake on a development instance: signed in, but carrying a Location
    resolved = Headers([("set-cookie", "__session=new"), ("location", "https://app/page"), ("cache-control", "no-store")])
    assert redirect_headers(S("signed-in", resolved)) == resolved.items()
    # otherwise serve the request (its headers go onto the app's response)
    assert redirect_headers(S("signed-in", Headers([("set-cookie", "__session=new")]))) is None
    assert redirect_headers(S("signed-out", Headers([("x-clerk-auth-status", "signed-out")]))) is None
    assert redirect_headers(S("signed-in", None)) is None
