"""Starlette/FastAPI and Flask adapters, each driven by the real framework's test client against a LocalClerk."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.no_pyodide(reason="LocalClerk listens on a loopback socket; frameworks are CPython-only here")

APP = "http://testserver"
BROWSER = {"sec-fetch-dest": "document", "accept": "text/html"}


@pytest.fixture(scope="module")
def prod_clerk():
    from clerk_edge.testing.instance import LocalClerk
    with LocalClerk(instance_type="production") as clerk:
        yield clerk


def _options(clerk):
    return {"secret_key": clerk.secret_key, "publishable_key": clerk.publishable_key, "api_url": clerk.api_url}


# ---------------------------------------------------------------- Starlette / FastAPI
def _starlette_app(clerk, **mw):
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")  # starlette.testclient
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from clerk_edge.adapters.starlette import ClerkMiddleware, get_auth

    async def me(request):
        auth = get_auth(request)
        return JSONResponse({"user_id": auth.user_id, "session_id": auth.session_id,
                             "authenticated": auth.is_authenticated})

    app = Starlette(routes=[Route("/me", me), Route("/public/hi", me)])
    app.add_middleware(ClerkMiddleware, **_options(clerk), **mw)
    return app


def test_starlette_middleware_sets_request_state_auth(prod_clerk):
    app = _starlette_app(prod_clerk)
    from starlette.testclient import TestClient
    with TestClient(app, base_url=APP) as client:  # runs the lifespan protocol through the middleware too
        _check_signed_in_and_out(client, prod_clerk)


def _check_signed_in_and_out(client, prod_clerk):
    token = prod_clerk.mint_session_token(user_id="user_st", azp=APP)
    r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["user_id"] == "user_st" and r.json()["authenticated"] is True
    r = client.get("/me", headers={"Cookie": prod_clerk.cookies_for(token)})
    assert r.status_code == 200 and r.json()["user_id"] == "user_st"
    r = client.get("/me")  # signed out: the app still runs, with the signed-out auth object
    assert r.status_code == 200 and r.json() == {"user_id": None, "session_id": None, "authenticated": False}


def test_starlette_require_auth_and_handshake(prod_clerk):
    app = _starlette_app(prod_clerk, require_auth=True, public_paths=["/public"])
    from starlette.testclient import TestClient
    client = TestClient(app, base_url=APP, follow_redirects=False)
    r = client.get("/me")
    assert r.status_code == 401
    assert r.json()["reason"] == "session-token-and-uat-missing"
    assert r.headers["x-clerk-auth-status"] == "signed-out"
    assert client.get("/public/hi").status_code == 200
    forged = prod_clerk.mint_session_token(forged=True, azp=APP)
    r = client.get("/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["reason"] == "token-invalid-signature"
    # a browser navigation with an expired session cookie is sent to the Frontend API handshake
    expired = prod_clerk.mint_session_token(expired=True, azp=APP)
    r = client.get("/me", headers=dict(BROWSER, Cookie=prod_clerk.cookies_for(expired)))
    assert r.status_code == 307
    loc = urlsplit(r.headers["location"])
    assert (loc.scheme, loc.netloc, loc.path) == ("https", prod_clerk.frontend_api, "/v1/client/handshake")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-clerk-auth-reason"].startswith("session-token-expired")


def test_fastapi_dependency(prod_clerk):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi import Depends, FastAPI
    from fastapi.testclient import TestClient

    from clerk_edge.adapters.starlette import ClerkAuth

    app = FastAPI()
    opts = _options(prod_clerk)

    @app.get("/me")
    async def me(auth=Depends(ClerkAuth(**opts))):
        return {"user_id": auth.user_id}

    @app.get("/maybe")
    async def maybe(auth=Depends(ClerkAuth(required=False, **opts))):
        return {"user_id": auth.user_id}

    client = TestClient(app, base_url=APP, follow_redirects=False)
    token = prod_clerk.mint_session_token(user_id="user_fa", azp=APP)
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).json() == {"user_id": "user_fa"}
    r = client.get("/me")
    assert r.status_code == 401 and r.json()["detail"]["reason"] == "session-token-and-uat-missing"
    assert client.get("/maybe").json() == {"user_id": None}
    expired = prod_clerk.mint_session_token(expired=True, azp=APP)
    r = client.get("/me", headers=dict(BROWSER, Cookie=prod_clerk.cookies_for(expired)))
    assert r.status_code == 307 and "/v1/client/handshake?" in r.headers["location"]


# ---------------------------------------------------------------- Flask / WSGI
def _flask_app(clerk, middleware: bool, **mw):
    pytest.importorskip("flask")
    from flask import Flask

    from clerk_edge.adapters.flask import ClerkWSGIMiddleware, get_auth, require_auth

    app = Flask("dx_test")
    if middleware:
        app.wsgi_app = ClerkWSGIMiddleware(app.wsgi_app, **_options(clerk), **mw)
        guard = require_auth
    else:
        guard = require_auth(**_options(clerk))

    @app.get("/me")
    @guard
    def me():
        return {"user_id": get_auth().user_id}

    @app.get("/open")
    def open_():
        auth = get_auth()
        return {"user_id": auth.user_id if auth else None}

    return app


@pytest.mark.parametrize("middleware", [True, False])
def test_flask_require_auth(prod_clerk, middleware):
    client = _flask_app(prod_clerk, middleware).test_client(use_cookies=False)
    token = prod_clerk.mint_session_token(user_id="user_fl", azp="http://localhost")
    r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.get_json() == {"user_id": "user_fl"}
    r = client.get("/me")
    assert r.status_code == 401 and r.get_json()["reason"] == "session-token-and-uat-missing"
    assert r.headers["x-clerk-auth-status"] == "signed-out"
    expired = prod_clerk.mint_session_token(expired=True, azp="http://localhost")
    r = client.get("/me", headers=dict(BROWSER, Cookie=prod_clerk.cookies_for(expired)))
    assert r.status_code == 307 and r.headers["location"].startswith(f"https://{prod_clerk.frontend_api}/v1/client/handshake?")
    r = client.get("/open", headers={"Authorization": f"Bearer {token}"})
    assert r.get_json() == {"user_id": "user_fl" if middleware else None}


def test_flask_middleware_require_auth(prod_clerk):
    client = _flask_app(prod_clerk, True, require_auth=True).test_client(use_cookies=False)
    r = client.get("/open")
    assert r.status_code == 401 and r.get_json()["reason"] == "session-token-and-uat-missing"
