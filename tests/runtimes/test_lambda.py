"""Lambda tier: the real ``awslambdaric`` runtime loop (C++ runtime client included) runs the
function in ``runtimes/lambda_/task`` against a loopback Lambda Runtime API.  Events are the project's
fixtures (API Gateway REST v1, HTTP API v2, Function URL, ALB single/multi-value); keys come from the
function's environment and the JWKS is fetched over HTTP from a loopback "Clerk API".

One runtime process per handler, booted once for the module (cold start measured and printed)."""
from __future__ import annotations

import json
import os
import statistics
import time

import pytest

pytest.importorskip("awslambdaric")
pytestmark = pytest.mark.no_pyodide(reason="spawns the AWS Lambda runtime client (subprocess, sockets)")

from runtimes.lambda_.api import RuntimeAPI  # noqa: E402
from tests.runtimes import keys  # noqa: E402
from tests.runtimes.lambda_events import KINDS, load, with_token  # noqa: E402
from tests.support.mock_server import MockServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TASK = os.path.join(ROOT, "runtimes", "lambda_", "task")
SECRET = "sk_test_lambdaTierSecretKey0123456789"
ALL = sorted(KINDS)


def _metric(config, name, value):
    from runtimes.report_plugin import metric
    metric(config, name, value)


@pytest.fixture(scope="module")
def clerk_api():
    server = MockServer()
    server.on("GET", "/v1/jwks", json={"keys": [keys.key().public_jwk()]})
    yield server
    server.close()


@pytest.fixture(scope="module")
def api():
    with RuntimeAPI(function_name="clerk-edge-protected") as a:
        yield a


@pytest.fixture(scope="module")
def protected(api, clerk_api, pytestconfig):
    t0 = time.perf_counter()
    proc = api.spawn("app.protected", TASK, env={"CLERK_SECRET_KEY": SECRET, "CLERK_API_URL": clerk_api.url,
                                                 "PYTHONPATH": ROOT})
    try:
        first = api.invoke(with_token("http_api_v2", keys.valid_token()))
        cold = time.perf_counter() - t0
        assert first.kind == "response", first
        _metric(pytestconfig, "cold start (spawn awslambdaric -> first response, JWKS fetch included)",
                f"{cold * 1000:.0f} ms")
        yield proc
    finally:
        out = api.stop(proc)
    assert "Traceback" not in out, out


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("carrier", ["header", "cookie"])
def test_valid_token_every_event_format(api, protected, name, carrier):
    out = api.invoke(with_token(name, keys.valid_token(), carrier))
    assert out.kind == "response", out
    result = out.body
    assert result["statusCode"] == 200, result
    body = json.loads(result["body"])
    assert body["sub"] == "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"
    assert body["carrier"] == carrier
    assert body["request_id"] == out.request_id           # the context comes from the runtime headers
    assert body["function"] == "clerk-edge-protected"
    assert body["remaining_ms_positive"] is True
    assert body["url"].split("?")[0].endswith("/me")
    assert ["tag", "b"] in body["query"]
    kind = KINDS[name][0]
    if kind == "v2":
        assert result["cookies"] == ["seen=1; Path=/; Secure", "n=2; Path=/"]
        assert body["cookies"] == ["consent", "theme"]
    elif kind == "alb" and "multiValueHeaders" not in load(name):
        assert result["headers"]["Set-Cookie"] == "n=2; Path=/"   # single-value ALB: one per name
        assert result["statusDescription"] == "200 OK"
    else:
        assert result["multiValueHeaders"]["Set-Cookie"] == ["seen=1; Path=/; Secure", "n=2; Path=/"]


@pytest.mark.parametrize("name", ["apigw_rest_v1", "http_api_v2", "alb"])
@pytest.mark.parametrize("which,reason", [("expired", "token-expired"), ("forged", "token-invalid-signature"),
                                          ("garbage", "token-invalid"), ("missing", "session-token-missing")])
def test_rejections_are_401_with_a_stable_reason(api, protected, name, which, reason):
    token = {"expired": keys.expired_token, "forged": keys.forged_token,
             "garbage": lambda: "not.a.jwt", "missing": lambda: None}[which]()
    event = load(name) if token is None else with_token(name, token, "header")
    out = api.invoke(event)
    assert out.kind == "response", out
    assert out.body["statusCode"] == 401
    assert json.loads(out.body["body"])["reason"] == reason


def test_jwks_fetched_over_http_with_the_secret_key_and_cached(api, protected, clerk_api):
    before = clerk_api.count("/v1/jwks")
    for _ in range(3):
        assert api.invoke(with_token("alb", keys.valid_token(), "cookie")).body["statusCode"] == 200
    seen = clerk_api.requests("/v1/jwks")
    assert len(seen) >= 1
    assert seen[0]["headers"]["authorization"] == f"Bearer {SECRET}"
    assert clerk_api.count("/v1/jwks") == before  # warm invocations reuse the cached JWKS


def test_warm_invocations_are_fast(api, protected, pytestconfig):
    times = []
    for _ in range(20):
        out = api.invoke(with_token("http_api_v2", keys.valid_token()))
        assert out.body["statusCode"] == 200
        times.append(out.seconds)
    median = statistics.median(times)
    _metric(pytestconfig, "warm invoke median (verify + runtime round trip)", f"{median * 1000:.2f} ms")
    assert median < 0.5


def test_handler_exception_goes_to_error_and_the_loop_survives():
    with RuntimeAPI(function_name="clerk-edge-explode") as a:
        proc = a.spawn("app.explode", TASK, env={"PYTHONPATH": ROOT})
        try:
            for _ in range(2):
                out = a.invoke(load("apigw_rest_v1"))
                assert out.kind == "error"
                assert out.body["errorType"] == "ValueError"
                assert out.body["errorMessage"] == "handler exploded"
                assert any("explode" in line for line in out.body["stackTrace"])
            assert proc.poll() is None
        finally:
            a.stop(proc)


def test_bad_handler_is_reported_to_init_error_and_the_process_exits():
    with RuntimeAPI(function_name="clerk-edge-broken") as a:
        proc = a.spawn("broken.handler", TASK, env={"PYTHONPATH": ROOT})
        try:
            err = a.wait_init_error(timeout=30)
            assert err["errorType"] == "Runtime.ImportModuleError"
            assert "clerk_edge_missing_dependency" in err["errorMessage"]
            assert proc.wait(timeout=30) != 0
        finally:
            a.stop(proc)


def test_missing_handler_function_is_an_init_error():
    with RuntimeAPI(function_name="clerk-edge-nohandler") as a:
        proc = a.spawn("app.no_such_handler", TASK, env={"PYTHONPATH": ROOT})
        try:
            err = a.wait_init_error(timeout=30)
            assert err["errorType"] == "Runtime.HandlerNotFound"
        finally:
            a.stop(proc)


def _other_interpreters():
    """The matrix's per-version venvs that hold awslambdaric (Lambda's python3.10 … 3.13 runtimes)."""
    from runtimes import cpython
    out = []
    for version in cpython.WANTED:
        py = cpython.venv_python(version)
        if os.path.exists(py) and os.path.isdir(os.path.join(os.path.dirname(os.path.dirname(py)), "lib")):
            out.append(pytest.param(version, py, id=f"python{version}"))
    return out or [pytest.param(None, None, marks=pytest.mark.skip(reason="no per-version venvs (run ./dev setup)"))]


@pytest.mark.parametrize("version,python", _other_interpreters())
def test_same_function_on_other_lambda_python_runtimes(version, python, clerk_api):
    import subprocess
    has_ric = subprocess.run([python, "-c", "import awslambdaric"], capture_output=True).returncode == 0
    if not has_ric:
        pytest.skip(f"awslambdaric not installed for Python {version}")
    with RuntimeAPI(function_name=f"clerk-edge-py{version}") as a:
        proc = a.spawn("app.protected", TASK, python=python,
                       env={"CLERK_SECRET_KEY": SECRET, "CLERK_API_URL": clerk_api.url, "PYTHONPATH": ROOT,
                            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{version}"})
        try:
            ok = a.invoke(with_token("function_url", keys.valid_token(), "cookie"))
            assert ok.kind == "response" and ok.body["statusCode"] == 200, (ok, a.stop(proc))
            assert json.loads(ok.body["body"])["carrier"] == "cookie"
            bad = a.invoke(with_token("apigw_rest_v1", keys.forged_token(), "header"))
            assert json.loads(bad.body["body"])["reason"] == "token-invalid-signature"
        finally:
            a.stop(proc)


def test_authenticate_request_in_lambda_with_a_loopback_clerk():
    """Handshake-era authentication inside the real runtime loop, against a loopback Clerk instance."""
    LocalClerk = pytest.importorskip("clerk_edge.testing.instance").LocalClerk
    with LocalClerk() as clerk, RuntimeAPI(function_name="clerk-edge-authenticate") as a:
        env = {k: v for k, v in clerk.env().items() if k != "CLERK_JWT_KEY"}
        proc = a.spawn("app.authenticate", TASK, env=dict(env, PYTHONPATH=ROOT))
        try:
            user = clerk.create_user(email_address="ada@example.com")
            session = clerk.sign_in(user["id"])
            good = clerk.mint_session_token(session_id=session["id"])
            ok = a.invoke(with_token("http_api_v2", good, "header"))
            assert ok.kind == "response" and ok.body["statusCode"] == 200, ok
            assert json.loads(ok.body["body"]) == {"status": "signed-in", "reason": None, "user_id": user["id"]}

            forged = a.invoke(with_token("apigw_rest_v1", clerk.mint_session_token(session_id=session["id"], forged=True)))
            assert forged.body["statusCode"] == 401
            assert json.loads(forged.body["body"])["reason"] == "token-invalid-signature"
            assert forged.body["headers"]["x-clerk-auth-status"] == "signed-out"

            expired = clerk.mint_session_token(session_id=session["id"], expired=True)
            page = load("function_url")
            page["requestContext"]["http"]["method"] = "GET"
            page["headers"].update({"sec-fetch-dest": "document", "accept": "text/html",
                                    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"})
            page["body"], page["isBase64Encoded"] = None, False
            page["cookies"] = [c.strip() for c in clerk.cookies_for(expired).split(";")]
            hs = a.invoke(page)
            assert hs.body["statusCode"] == 307, hs
            assert hs.body["headers"]["location"].startswith(f"https://{clerk.frontend_api}/v1/client/handshake?")
        finally:
            a.stop(proc)


@pytest.mark.parametrize("door", ["apigw_rest_v1", "http_api_v2", "function_url", "alb_multi_value"])
def test_with_authenticate_request_round_trip_in_lambda(door):
    """``with_authenticate_request`` in the real runtime loop, production instance: an expired session is sent
    to the Frontend API, comes back with a nonce, the function resolves it against the loopback Backend API
    and Clerk's session cookies ride on the handler's own result; the browser is then signed in."""
    from urllib.parse import urlsplit

    LocalClerk = pytest.importorskip("clerk_edge.testing.instance").LocalClerk
    from clerk_edge.adapters.lambda_ import request_view
    from clerk_edge.testing.demo import http
    from tests.runtimes.lambda_events import browser_event, result_headers

    with LocalClerk(instance_type="production") as clerk, RuntimeAPI(function_name="clerk-edge-page") as a:
        env = {k: v for k, v in clerk.env().items() if k != "CLERK_JWT_KEY"}
        proc = a.spawn("app.page", TASK, env=dict(env, PYTHONPATH=ROOT))
        try:
            session = clerk.sign_in(clerk.create_user(user_id="user_lambda_page")["id"])
            origin = request_view(browser_event(door, "/page")).url.split("/page")[0]
            expired = clerk.mint_session_token(session_id=session["id"], azp=origin, expired=True)
            r = a.invoke(browser_event(door, "/page", cookie=clerk.cookies_for(expired)))
            headers, _ = result_headers(r.body)
            assert r.body["statusCode"] == 307 and "/v1/client/handshake?" in headers["location"], r
            back = urlsplit(http("GET", clerk.loopback_url(headers["location"])).header("location"))
            r = a.invoke(browser_event(door, "/page", query=back.query))
            headers, cookies = result_headers(r.body)
            assert r.body["statusCode"] == 200, r
            assert json.loads(r.body["body"])["user_id"] == "user_lambda_page"
            assert "app=1; Path=/" in cookies and any(c.startswith("__session") for c in cookies), cookies
            jar = "; ".join(c.split(";", 1)[0] for c in cookies if not c.startswith("app="))
            r = a.invoke(browser_event(door, "/page", cookie=jar))
            assert r.body["statusCode"] == 200 and json.loads(r.body["body"])["user_id"] == "user_lambda_page"
        finally:
            a.stop(proc)
