"""RequestView from every request shape (plain mapping, WSGI, ASGI, framework-like objects) and the
session token Clerk reads from it.  Expected values are written from the protocol definitions
(PEP 3333, the ASGI HTTP scope spec), not from our own output."""
import pytest

from clerk_edge.adapters.request import RequestView, parse_cookies, session_token, to_request_view


def test_plain_mapping_with_case_insensitive_headers_and_cookies():
    v = to_request_view({"method": "post", "url": "https://app.example/a?x=1&x=2&y=",
                         "headers": {"COOKIE": "a=1; b=%20two; a=ignored", "X-Thing": "v"}, "body": "hi"})
    assert v.method == "POST"
    assert v.query == [("x", "1"), ("x", "2"), ("y", "")]
    assert v.query_param("x") == "1" and v.query_param("nope") is None
    assert v.cookies == {"a": "1", "b": " two"}
    assert v.header("x-thing") == "v"
    assert v.body == b"hi"
    assert to_request_view(v) is v


def test_wsgi_environ():
    environ = {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "https", "SERVER_NAME": "app.example",
               "SERVER_PORT": "443", "SCRIPT_NAME": "/base", "PATH_INFO": "/p a", "QUERY_STRING": "q=1",
               "HTTP_AUTHORIZATION": "Bearer tok", "HTTP_X_FORWARDED_PROTO": "https", "CONTENT_TYPE": "text/plain"}
    v = to_request_view(environ)
    assert v.url == "https://app.example/base/p%20a?q=1"   # default port dropped, path re-encoded
    assert v.header("x-forwarded-proto") == "https"
    assert v.header("content-type") == "text/plain"
    assert session_token(v) == ("tok", "header")
    environ.update({"wsgi.url_scheme": "http", "SERVER_PORT": "8080"})
    assert to_request_view(environ).url.startswith("http://app.example:8080/")
    environ["HTTP_HOST"] = "front.example:9000"
    assert to_request_view(environ).url.startswith("http://front.example:9000/")


def test_asgi_scope_uses_raw_path_and_host_header():
    scope = {"type": "http", "asgi": {"version": "3.0"}, "method": "GET", "scheme": "https",
             "path": "/a b/%2F", "raw_path": b"/a%20b/%252F", "root_path": "", "query_string": b"x=%20",
             "server": ("10.0.0.1", 443),
             "headers": [(b"host", b"app.example"), (b"cookie", b"__session=ck"), (b"x-multi", b"1"), (b"x-multi", b"2")]}
    v = to_request_view(scope)
    assert v.url == "https://app.example/a%20b/%252F?x=%20"
    assert v.headers.get_all("x-multi") == ["1", "2"]
    assert session_token(v) == ("ck", "cookie")
    del scope["raw_path"]
    scope["headers"] = []
    assert to_request_view(scope).url == "https://10.0.0.1/a%20b/%2F?x=%20"


def test_object_with_multi_items_keeps_repeated_headers():
    class H:
        def multi_items(self):
            return [("set-thing", "1"), ("set-thing", "2")]

        def items(self):  # joined, like httpx
            return [("set-thing", "1, 2")]

    class Req:
        method, url, headers = "GET", "http://x.example/", H()

    assert to_request_view(Req()).headers.get_all("set-thing") == ["1", "2"]


@pytest.mark.parametrize("value,expected", [
    ("Bearer abc", ("abc", "header")), ("bearer abc", ("abc", "header")), ("abc", ("abc", "header")),
    ("Bearer", (None, None)), ("Bearer    ", (None, None)), ("", (None, None)),
])
def test_session_token_from_authorization(value, expected):
    assert session_token(RequestView("GET", "https://a.example/", {"authorization": value})) == expected


def test_parse_cookies_never_raises_on_junk():
    assert parse_cookies('a="quoted"; =x; novalue; b=%E0%A4%A; c=1=2') == {"a": "quoted", "b": "%E0%A4%A", "c": "1=2"}
    assert parse_cookies(None) == {}


def test_unsupported_request_is_a_type_error():
    with pytest.raises(TypeError, match="Unsupported request"):
        to_request_view(42)
    with pytest.raises(TypeError):
        to_request_view({"nothing": "here"})


@pytest.mark.parametrize("raw,expected", [
    ("%41%42", "AB"), ("caf%C3%A9", "café"), ("%", "%"), ("a%2", "a%2"), ("%zz", "%zz"),
    ("%E0%A4%A", "%E0%A4%A"), ("%FF", "%FF"), ("plain+plus", "plain+plus"),
])
def test_cookie_values_decode_like_decodeURIComponent_in_a_try(raw, expected):
    assert parse_cookies(f"k={raw}") == {"k": expected}
