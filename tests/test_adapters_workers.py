"""Workers adapter (pure parts) and the example Worker's own code, run through clerk_edge's CPython
`workers` shim — on CPython and inside Pyodide alike (the real SDK + workerd are the workerd tier)."""
import json
import os
import sys
import time

import pytest

from clerk_edge.adapters.request import RequestView
from clerk_edge.adapters.workers import VERIFY_KEYS, clerk_options, json_response, request_view, session_token
from tests.conftest import IN_PYODIDE
from tests.support.aio import run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = os.path.join(ROOT, "workers_example", "src", "entry.py")


class AttrEnv:
    """A Workers env binding object: attribute access, missing bindings raise AttributeError."""
    def __init__(self, **values):
        self.__dict__.update(values)


def test_clerk_options_from_a_binding_object_and_a_mapping():
    env = AttrEnv(CLERK_SECRET_KEY="sk_test_abc", CLERK_PUBLISHABLE_KEY="pk_test_x", CLERK_API_URL="http://127.0.0.1:9")
    assert clerk_options(env) == {"secret_key": "sk_test_abc", "publishable_key": "pk_test_x",
                                  "api_url": "http://127.0.0.1:9"}
    assert clerk_options({"CLERK_JWT_KEY": "-----BEGIN PUBLIC KEY-----"}, only=VERIFY_KEYS) == \
        {"jwt_key": "-----BEGIN PUBLIC KEY-----"}
    # overrides win, None overrides are ignored, `only` filters
    assert clerk_options(env, api_url="https://api.example", jwt_key=None, only=VERIFY_KEYS) == \
        {"secret_key": "sk_test_abc", "api_url": "https://api.example"}
    assert clerk_options(AttrEnv()) == {}


def test_request_view_unwraps_the_sdk_request_to_its_js_object():
    class JsHeaders:  # what a JS Headers proxy offers: entries(), no items()
        def __init__(self, pairs):
            self._pairs = pairs

        def entries(self):
            return iter([list(p) for p in self._pairs])

    class JsRequest:
        method = "POST"
        url = "https://app.example/me?x=1"
        headers = JsHeaders([("authorization", "Bearer tok"), ("cookie", "a=1; __session=ck")])

    class SdkRequest:  # workers.Request: .js_object is the raw JS request
        js_object = JsRequest()
        method, url, headers = "GET", "https://wrong.example/", {}

    v = request_view(SdkRequest())
    assert isinstance(v, RequestView)
    assert (v.method, v.url) == ("POST", "https://app.example/me?x=1")
    assert v.cookies == {"a": "1", "__session": "ck"}
    assert session_token(v) == ("tok", "header")
    assert session_token(request_view({"url": "https://a.example/", "headers": {"Cookie": "__session=ck"}})) == ("ck", "cookie")
    assert session_token(request_view({"url": "https://a.example/", "headers": {"Authorization": "Bearer "}})) == (None, None)


def test_json_response_with_the_shim_keeps_repeated_headers(monkeypatch):
    from clerk_edge.testing import workers_shim
    monkeypatch.setitem(sys.modules, "workers", workers_shim.as_module())
    r = json_response({"a": 1}, status=201, headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    assert r.status == 201
    assert r.headers.get_all("set-cookie") == ["a=1", "b=2"]
    assert r.headers["content-type"] == "application/json"
    assert json.loads(r.body) == {"a": 1}


@pytest.mark.skipif(not IN_PYODIDE, reason="builds a JavaScript Response")
def test_to_response_without_the_sdk_builds_a_js_response(monkeypatch):
    from clerk_edge.adapters.workers import to_response
    monkeypatch.setitem(sys.modules, "workers", None)  # `import workers` -> ImportError
    r = to_response(302, "", [("Location", "https://x.example/"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    assert r.status == 302
    assert r.headers.get("location") == "https://x.example/"
    assert list(r.headers.getSetCookie()) == ["a=1", "b=2"]


# --- the example Worker's own code, through the shim ----------------------------------------------

@pytest.fixture
def worker_app(monkeypatch):
    from clerk_edge.testing import workers_shim
    monkeypatch.setitem(sys.modules, "workers", workers_shim.as_module())
    cls = workers_shim.load_entrypoint(ENTRY)
    return cls, workers_shim


def _now_token(key, **over):
    from tests.support.tokens import clerk_claims, sign
    now = int(time.time())
    return sign(clerk_claims(iat=now, nbf=now - 10, exp=now + 60, **over), key)


def _call(app, shim, env, path, headers=None):
    resp = run(app(None, env).fetch(shim.Request("https://worker.example" + path, headers=headers or {})))
    return resp.status, json.loads(resp.body)


def test_example_me_with_a_networkless_jwt_key(worker_app):
    from tests.support.tokens import rsa_key
    app, shim = worker_app
    env = shim.Env(CLERK_JWT_KEY=rsa_key().public_pem())
    status, body = _call(app, shim, env, "/me", {"Authorization": f"Bearer {_now_token(rsa_key())}"})
    assert status == 200, body
    assert body["user_id"] == "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr" and body["carrier"] == "header"
    status, body = _call(app, shim, env, "/me", {"Cookie": f"__session={_now_token(rsa_key('other'))}"})
    assert status == 401 and body["reason"] == "token-invalid-signature" and body["carrier"] == "cookie"
    status, body = _call(app, shim, env, "/me")
    assert status == 401 and body["reason"] == "session-token-missing"
    status, body = _call(app, shim, env, "/nope")
    assert status == 404


def test_example_imports_cheaply():
    """The entry module and clerk_edge import with no I/O and nothing heavy (Workers' top-level rules)."""
    src = open(ENTRY).read()
    assert "import js" not in src and "from js" not in src
    assert "from workers import Response, WorkerEntrypoint" in src
