"""examples/: each one imports, works against a LocalClerk, and runs as a script."""
from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_pyodide(reason="LocalClerk, frameworks and subprocesses")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_script(name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, f"{name}.py")], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)


def _opts(clerk):
    return {"secret_key": clerk.secret_key, "publishable_key": clerk.publishable_key, "api_url": clerk.api_url}


def test_fastapi_example(local_clerk):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    mod = load("fastapi_app")
    client = TestClient(mod.create_app(**_opts(local_clerk)), base_url="http://localhost:8000")
    token = local_clerk.mint_session_token(user_id="user_ex_fa", org={"id": "org_9", "role": "org:admin"})
    assert client.get("/").json() == {"hello": "world"}
    r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["user_id"] == "user_ex_fa" and r.json()["org_id"] == "org_9"
    r = client.get("/me", headers={"Cookie": local_clerk.cookies_for(token)})
    assert r.status_code == 200 and r.json()["user_id"] == "user_ex_fa"
    r = client.get("/me", headers={"Authorization": "Bearer " + local_clerk.mint_session_token(expired=True)})
    assert r.status_code == 401 and r.json()["detail"]["reason"].startswith("session-token-expired")


def test_flask_example(local_clerk):
    pytest.importorskip("flask")
    mod = load("flask_app")
    client = mod.create_app(**_opts(local_clerk)).test_client(use_cookies=False)
    token = local_clerk.mint_session_token(user_id="user_ex_fl")
    assert client.get("/").get_json() == {"hello": "world"}
    r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.get_json()["user_id"] == "user_ex_fl"
    r = client.get("/me", headers={"Cookie": local_clerk.cookies_for(token)})
    assert r.status_code == 200 and r.get_json()["user_id"] == "user_ex_fl"
    r = client.get("/me", headers={"Authorization": "Bearer " + local_clerk.mint_session_token(forged=True)})
    assert r.status_code == 401 and r.get_json()["reason"] == "token-invalid-signature"


def _v1_event(headers):
    return {"resource": "/me", "path": "/me", "httpMethod": "GET", "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()}, "queryStringParameters": None,
            "requestContext": {"path": "/prod/me", "domainName": "x.execute-api.us-east-1.amazonaws.com"},
            "body": None, "isBase64Encoded": False}


def _alb_event(headers):
    return {"requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:tg"}}, "httpMethod": "GET",
            "path": "/me", "queryStringParameters": {}, "headers": headers, "body": "", "isBase64Encoded": False}


def test_lambda_example(local_clerk, monkeypatch):
    monkeypatch.setenv("CLERK_SECRET_KEY", local_clerk.secret_key)
    monkeypatch.setenv("CLERK_API_URL", local_clerk.api_url)
    monkeypatch.delenv("CLERK_JWT_KEY", raising=False)
    mod = load("lambda_handler")
    token = local_clerk.mint_session_token(user_id="user_ex_l")
    v2 = mod.handler(mod.http_api_event(headers={"authorization": f"Bearer {token}"}), None)
    assert v2["statusCode"] == 200 and json.loads(v2["body"])["user_id"] == "user_ex_l"
    v2c = mod.handler(mod.http_api_event(cookies=[f"__session={token}"]), None)
    assert json.loads(v2c["body"])["carrier"] == "cookie"
    v1 = mod.handler(_v1_event({"Authorization": f"Bearer {token}"}), None)
    assert v1["statusCode"] == 200 and json.loads(v1["body"])["user_id"] == "user_ex_l"
    alb = mod.handler(_alb_event({"authorization": f"Bearer {token}"}), None)
    assert alb["statusCode"] == 200
    denied = mod.handler(mod.http_api_event(headers={"authorization": "Bearer " + local_clerk.mint_session_token(kid="nope")}), None)
    assert denied["statusCode"] == 401 and json.loads(denied["body"])["reason"] == "jwk-kid-mismatch"


def test_workers_example_readme_points_to_the_worker():
    text = open(os.path.join(EXAMPLES, "workers", "README.md")).read()
    assert "workers_example/" in text and "python -m clerk_edge demo" in text


@pytest.mark.parametrize("name, expected", [
    ("lambda_handler", ["Bearer   -> 200", "cookie   -> 200", "expired  -> 401", "no token -> 401"]),
    ("fastapi_app", ["GET /me  signed in (Bearer)   -> 200", "GET /me  signed in (cookie)   -> 200",
                     "GET /me  no token             -> 401"]),
    ("flask_app", ["GET /me  signed in (Bearer)   -> 200", "GET /me  signed in (cookie)   -> 200",
                   "GET /me  no token             -> 401"]),
])
def test_examples_run_as_scripts(name, expected):
    for needed in {"fastapi_app": ("fastapi", "httpx"), "flask_app": ("flask",)}.get(name, ()):
        pytest.importorskip(needed)
    out = run_script(name)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(expected)
    for line, prefix in zip(lines, expected):
        assert line.startswith(prefix), out.stdout
