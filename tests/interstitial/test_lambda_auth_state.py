"""auth_state in a Lambda function behind the real ``awslambdaric`` runtime loop (loopback Runtime API),
for every event format; the JWKS comes over HTTP from a loopback "Clerk API"."""
from __future__ import annotations

import copy
import json
import os
import time

import pytest

pytest.importorskip("awslambdaric")
pytest.importorskip("cryptography")
pytestmark = pytest.mark.no_pyodide(reason="spawns the AWS Lambda runtime client (subprocess, sockets)")

from runtimes.lambda_.api import RuntimeAPI  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.runtimes import keys  # noqa: E402
from tests.runtimes.lambda_events import KINDS, load, with_token  # noqa: E402
from tests.support.mock_server import MockServer  # noqa: E402

TASK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda_task")
SECRET = "sk_live_lambdaInterstitial0123456789"
PK = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"  # clerk.example.com


def _with_uat(event: dict, uat: str) -> dict:
    ev = copy.deepcopy(event)
    if ev.get("version") == "2.0":
        ev.setdefault("cookies", []).append(f"__client_uat={uat}")
        return ev
    for source in (ev.get("headers"), ev.get("multiValueHeaders")):
        if not source:
            continue
        name = next((k for k in source if k.lower() == "cookie"), None)
        if isinstance(source.get(name), list):
            source[name] = [v + f"; __client_uat={uat}" for v in source[name]]
        elif name:
            source[name] = source[name] + f"; __client_uat={uat}"
        else:
            source["cookie"] = [f"__client_uat={uat}"] if source is ev.get("multiValueHeaders") else f"__client_uat={uat}"
    return ev


@pytest.fixture(scope="module")
def function():
    clerk_api = MockServer()
    clerk_api.on("GET", "/v1/jwks", json={"keys": [keys.key().public_jwk()]})
    with RuntimeAPI(function_name="clerk-edge-auth-state") as api:
        proc = api.spawn("interstitial_app.auth_state", TASK, env={
            "CLERK_SECRET_KEY": SECRET, "CLERK_PUBLISHABLE_KEY": PK, "CLERK_API_URL": clerk_api.url,
            "PYTHONPATH": ROOT})
        try:
            yield api, clerk_api
        finally:
            out = api.stop(proc)
            clerk_api.close()
            assert "Traceback" not in out, out


def _invoke(api, event):
    out = api.invoke(event)
    assert out.kind == "response", out
    return out.body


@pytest.mark.parametrize("name", sorted(KINDS))
def test_signed_in_by_header_and_by_cookie(function, name):
    api, clerk_api = function
    result = _invoke(api, with_token(name, keys.valid_token(), "header"))
    body = json.loads(result["body"])
    assert result["statusCode"] == 200, body
    assert (body["status"], body["user_id"], body["frontend_api"]) == (
        "signed-in", "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr", "clerk.example.com")
    now = int(time.time())
    event = _with_uat(with_token(name, keys.valid_token(now=now), "cookie"), str(now - 5))
    body = json.loads(_invoke(api, event)["body"])
    assert (body["status"], body["reason"]) == ("signed-in", None), body
    assert clerk_api.requests("/v1/jwks")[0]["headers"]["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_interstitial_page_and_signed_out_states(function, name):
    api, _ = function
    now = int(time.time())
    outdated = _with_uat(with_token(name, keys.valid_token(now=now - 30), "cookie"), str(now))
    result = _invoke(api, outdated)
    assert result["statusCode"] == 401
    assert "window.__clerk_frontend_api = \"clerk.example.com\";" in result["body"]
    assert '"reason":"cookie-outdated"' in result["body"]
    body = json.loads(_invoke(api, load(name))["body"])
    assert (body["status"], body["reason"]) == ("signed-out", "cookie-and-uat-missing")
    body = json.loads(_invoke(api, with_token(name, keys.valid_token(now=now - 3600), "header"))["body"])
    assert (body["status"], body["reason"]) == ("unknown", "token-expired")
