"""Lambda adapter: events of every front door → RequestView; results in each format; the decorator.

The events are the project's own fixtures (tests/fixtures/lambda), each checked against
aws-lambda-powertools' parser models so they stay true to what AWS sends."""
import base64
import json
import time

import pytest

from clerk_edge.adapters.lambda_ import event_kind, lambda_result, request_view, with_clerk_auth
from clerk_edge.adapters.request import session_token
from tests.runtimes.lambda_events import KINDS, load, with_token

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
