"""Lambda adapter: events of every front door → RequestView; results in each format; the decorator.

The events are the project's own fixtures (tests/fixtures/lambda), each checked against
aws-lambda-powertools' parser models so they stay true to what AWS sends."""
import base64
import json
import time

import pytest

from clerk_edge.adapters.lambda_ import event_kind, lambda_result, request_view, with_clerk_auth
from clerk_edge.adapters.request import session_token
from tests.runtimes.lambda_events import KINDS, browser_event, load, result_headers, with_token

ALL = sorted(KINDS)
QUERY_ALL = [("tag", "a"), ("tag", "b"), ("q", "a b&c")]


@pytest.mark.parametrize("name", ALL)
def test_fixture_is_a_valid_event_for_powertools(name):
    pytest.importorskip("aws_lambda_powertools")
    pytest.importorskip("pydantic")
    event = load(name)
    model_name = KINDS[name][1]
    if model_name is None:  # multi-value ALB: powertools' data class is the only model of this mode
        from aws_lambda_powertools.utilities.data_classes import ALBEvent
        ev = ALBEvent(event)
        assert ev.http_method == "GET" and ev.path == "/me"
        assert ev.multi_value_headers["host"] == ["lambda-alb-123578498.us-east-1.elb.amazonaws.com"]
        assert ev.multi_value_query_string_parameters["tag"] == ["a", "b"]
        return
    from aws_lambda_powertools.utilities.parser import models
    parsed = getattr(models, model_name).model_validate(event)
    assert parsed is not None
    # the same model rejects an event of another shape (so the check above can fail)
    other = load("alb" if name != "alb" else "http_api_v2")
    from pydantic import ValidationError
    with pytest.raises(ValidationError):
        getattr(models, model_name).model_validate(other)


@pytest.mark.parametrize("name", ALL)
def test_event_kind(name):
    assert event_kind(load(name)) == KINDS[name][0]


def test_event_kind_rejects_non_mapping():
    with pytest.raises(TypeError):
        event_kind(["not", "an", "event"])


def test_rest_v1_view():
    v = request_view(load("apigw_rest_v1"))
    assert v.method == "GET"
    assert v.url.startswith("https://abc123.execute-api.us-east-1.amazonaws.com/me?")
    assert v.query == QUERY_ALL
    assert v.query_param("q") == "a b&c"
    assert v.header("user-agent") == "curl/8.5.0"
    assert v.headers.get_all("host") == ["abc123.execute-api.us-east-1.amazonaws.com"]  # not doubled
    assert v.body is None


@pytest.mark.parametrize("name", ["http_api_v2", "function_url"])
def test_v2_view_cookies_array_and_raw_query(name):
    v = request_view(load(name))
    assert v.query == QUERY_ALL
    assert v.cookies == {"theme": "dark", "consent": "yes"}
    assert v.url.split("?")[0].endswith("/me")


def test_function_url_base64_body_and_method():
    v = request_view(load("function_url"))
    assert v.method == "POST"
    assert v.body == b'{"hello": "world"}'
    assert v.url.startswith("https://a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-2.on.aws/me")


def test_alb_single_and_multi_value_query_stays_encoded_once():
    single = request_view(load("alb"))
    assert single.query == [("tag", "b"), ("q", "a b&c")]
    assert single.cookies == {"theme": "dark", "consent": "yes"}
    multi = request_view(load("alb_multi_value"))
    assert multi.query == QUERY_ALL
    assert multi.header("HOST") == "lambda-alb-123578498.us-east-1.elb.amazonaws.com"


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("carrier", ["header", "cookie"])
def test_token_travels_in_every_format(name, carrier):
    token = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    v = request_view(with_token(name, token, carrier))
    assert session_token(v) == (token, carrier)
    if carrier == "cookie":
        assert v.cookies.get("theme") in (None, "dark")  # other cookies survive


def test_header_wins_over_cookie_and_missing_is_none():
    ev = with_token(with_token("http_api_v2", "from-cookie", "cookie"), "from-header", "header")
    assert session_token(request_view(ev)) == ("from-header", "header")
    assert session_token(request_view(load("apigw_rest_v1"))) == (None, None)


def test_result_v2_uses_cookies_array():
    r = lambda_result(load("http_api_v2"), 200, {"ok": True},
                      headers=[("Set-Cookie", "a=1; Path=/"), ("X-Thing", "1"), ("x-thing", "2")],
                      cookies=["b=2; Path=/"])
    assert r["statusCode"] == 200
    assert r["cookies"] == ["a=1; Path=/", "b=2; Path=/"]
    assert r["headers"] == {"x-thing": "1, 2", "content-type": "application/json"}
    assert json.loads(r["body"]) == {"ok": True}
    assert r["isBase64Encoded"] is False


def test_result_v1_puts_repeated_headers_in_multi_value_headers():
    r = lambda_result(load("apigw_rest_v1"), 307, None,
                      headers={"Location": "https://x.example/", "Set-Cookie": ["a=1", "b=2"]})
    assert r["statusCode"] == 307
    assert r["headers"] == {"location": "https://x.example/"}
    assert r["multiValueHeaders"] == {"Set-Cookie": ["a=1", "b=2"]}
    assert r["body"] == ""
    assert "cookies" not in r


def test_result_alb_modes_and_status_description():
    multi = lambda_result(load("alb_multi_value"), 401, "no", headers={"Set-Cookie": ["a=1", "b=2"]})
    assert multi["statusDescription"] == "401 Unauthorized"
    assert multi["multiValueHeaders"]["Set-Cookie"] == ["a=1", "b=2"]
    assert "headers" not in multi
    single = lambda_result(load("alb"), 200, "hi", headers={"X-A": "1"})
    assert single["statusDescription"] == "200 OK"
    assert single["headers"] == {"x-a": "1"}
    assert "multiValueHeaders" not in single


def test_result_bytes_body_is_base64():
    r = lambda_result(load("function_url"), 200, b"\x00\xff")
    assert r["isBase64Encoded"] is True
    assert base64.b64decode(r["body"]) == b"\x00\xff"


# --- the decorator (Lambda runs CPython: sync verification) ---------------------------------------

def _keys():
    pytest.importorskip("cryptography")
    from tests.runtimes import keys
    return keys


@pytest.mark.no_pyodide(reason="the Lambda decorator verifies synchronously (Lambda is CPython)")
@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("carrier", ["header", "cookie"])
def test_decorator_passes_claims_for_a_valid_token(name, carrier):
    keys = _keys()
    seen = {}

    @with_clerk_auth(jwt_key=keys.key().public_pem())
    def handler(event, context, auth):
        seen["auth"] = auth
        return lambda_result(event, 200, {"sub": auth.user_id})

    result = handler(with_token(name, keys.valid_token(), carrier), None)
    assert result["statusCode"] == 200, result
    assert json.loads(result["body"]) == {"sub": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"}
    assert seen["auth"].token_carrier == carrier
    assert seen["auth"].session_id == "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9"


@pytest.mark.no_pyodide(reason="the Lambda decorator verifies synchronously (Lambda is CPython)")
@pytest.mark.parametrize("which,reason", [("expired", "token-expired"), ("forged", "token-invalid-signature"),
                                          ("missing", "session-token-missing")])
def test_decorator_rejects_with_401_in_the_event_format(which, reason):
    keys = _keys()
    calls = []

    @with_clerk_auth(jwt_key=keys.key().public_pem())
    def handler(event, context, auth):
        calls.append(auth)
        return lambda_result(event, 200, "should not run")

    base = load("http_api_v2")
    event = base if which == "missing" else with_token(
        base, keys.expired_token() if which == "expired" else keys.forged_token(), "header")
    result = handler(event, None)
    assert calls == []
    assert result["statusCode"] == 401
    body = json.loads(result["body"])
    assert body["reason"] == reason
    assert body["error"] == "unauthenticated"
    assert result["headers"]["content-type"] == "application/json"


@pytest.mark.no_pyodide(reason="the Lambda decorator verifies synchronously (Lambda is CPython)")
def test_decorator_optional_and_async_handler():
    _keys()

    @with_clerk_auth(optional=True, jwt_key="unused")
    async def handler(event, context, auth):
        return lambda_result(event, 200, {"auth": auth is not None, "t": int(time.time()) > 0})

    r = handler(load("alb"), None)
    assert r["statusCode"] == 200 and json.loads(r["body"]) == {"auth": False, "t": True}


# ---------------------------------------------------------------- with_authenticate_request: today's full flow
FRONT_DOORS = ["apigw_rest_v1", "http_api_v2", "function_url", "alb_multi_value"]


@pytest.mark.no_pyodide(reason="LocalClerk listens on a loopback socket")
@pytest.mark.parametrize("instance_type", ["development", "production"])
@pytest.mark.parametrize("name", FRONT_DOORS)
def test_with_authenticate_request_handshake_round_trip(name, instance_type):
    """Expired session → 307 to the Frontend API → back with the nonce → Clerk's cookies reach the browser
    (on a redirect that drops the handshake parameters in development, on the handler's own result in
    production) → signed in."""
    from urllib.parse import urlsplit

    from clerk_edge.adapters.lambda_ import with_authenticate_request
    from clerk_edge.testing.demo import http
    from clerk_edge.testing.instance import LocalClerk

    with LocalClerk(instance_type=instance_type) as clerk:
        calls = []

        @with_authenticate_request(require_auth=True, secret_key=clerk.secret_key,
                                   publishable_key=clerk.publishable_key, api_url=clerk.api_url)
        def page(event, context, auth):
            calls.append(auth.user_id)
            return lambda_result(event, 200, {"user_id": auth.user_id}, headers={"Set-Cookie": "app=1; Path=/"})

        user = clerk.create_user(user_id="user_lambda_rt")
        session = clerk.sign_in(user["id"])
        view_url = request_view(browser_event(name, "/page")).url
        origin = view_url.split("/page")[0]
        expired = clerk.mint_session_token(session_id=session["id"], azp=origin, expired=True)

        r = page(browser_event(name, "/page", cookie=clerk.cookies_for(expired)))
        headers, _ = result_headers(r)
        assert r["statusCode"] == 307 and "/v1/client/handshake?" in headers["location"], r
        assert calls == []
        back = http("GET", clerk.loopback_url(headers["location"]))
        back_url = urlsplit(back.header("location"))
        assert back.status == 307 and back_url.path == "/page" and "__clerk_handshake" in back_url.query

        r = page(browser_event(name, "/page", query=back_url.query))
        headers, cookies = result_headers(r)
        session_cookie = next(c for c in cookies if c.startswith("__session"))
        fresh = session_cookie.split(";", 1)[0].split("=", 1)[1]
        assert clerk.issued_claims(fresh)["sid"] == session["id"]
        if instance_type == "development":
            assert r["statusCode"] == 307 and calls == []
            assert "__clerk_handshake" not in urlsplit(headers["location"]).query
        else:  # the handler ran; its own cookie and Clerk's both reach the browser
            assert r["statusCode"] == 200 and calls == [user["id"]]
            assert "app=1; Path=/" in cookies and json.loads(r["body"]) == {"user_id": user["id"]}

        jar = "; ".join(c.split(";", 1)[0] for c in cookies if not c.startswith("app="))
        r = page(browser_event(name, "/page", cookie=jar))
        assert r["statusCode"] == 200 and json.loads(r["body"]) == {"user_id": user["id"]}

        r = page(browser_event(name, "/page", dest="empty"))  # a fetch() with no session: require_auth answers 401
        headers, _ = result_headers(r)
        expected = "dev-browser-missing" if instance_type == "development" else "session-token-and-uat-missing"
        assert r["statusCode"] == 401 and json.loads(r["body"])["reason"] == expected
        assert headers["x-clerk-auth-status"] == "signed-out"
