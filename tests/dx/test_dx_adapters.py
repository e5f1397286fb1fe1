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


# ---------------------------------------------------------------- a whole handshake round trip through each adapter
# After the Frontend API sends the browser back, the app resolves the handshake: the state is signed in and its
# headers carry the session cookies (and, on development instances, a Location without the handshake
# parameters).  Every adapter must hand those headers to the browser — a redirect when there is a Location,
# otherwise on the app's own response — or the browser never gets its cookies and handshakes forever.
def _fastapi_app(clerk):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi import Depends, FastAPI

    from clerk_edge.adapters.starlette import ClerkAuth

    app = FastAPI()

    @app.get("/me")
    async def me(auth=Depends(ClerkAuth(**_options(clerk)))):
        return {"user_id": auth.user_id}

    return app


def _client(kind, clerk):
    if kind == "starlette-middleware":
        from starlette.testclient import TestClient
        return TestClient(_starlette_app(clerk, require_auth=True), base_url=APP, follow_redirects=False)
    if kind == "fastapi-dependency":
        from fastapi.testclient import TestClient
        return TestClient(_fastapi_app(clerk), base_url=APP, follow_redirects=False)
    return _flask_app(clerk, kind == "flask-middleware").test_client(use_cookies=False)


def _json(response):
    return response.get_json() if hasattr(response, "get_json") else response.json()


def _set_cookies(response) -> list:
    headers = response.headers
    return headers.get_all("set-cookie") if hasattr(headers, "get_all") else headers.get_list("set-cookie")


ADAPTERS = ["starlette-middleware", "fastapi-dependency", "flask-middleware", "flask-decorator"]


@pytest.mark.parametrize("instance_type", ["development", "production"])
@pytest.mark.parametrize("kind", ADAPTERS)
def test_handshake_round_trip_through_adapter(kind, instance_type):
    from clerk_edge.testing.demo import http
    from clerk_edge.testing.instance import LocalClerk

    app_origin = APP if kind.startswith(("starlette", "fastapi")) else "http://localhost"
    with LocalClerk(instance_type=instance_type) as clerk:
        session = clerk.sign_in(clerk.create_user(user_id="user_rt")["id"])
        expired = clerk.mint_session_token(session_id=session["id"], azp=app_origin, expired=True)
        client = _client(kind, clerk)
        r = client.get("/me", headers=dict(BROWSER, Cookie=clerk.cookies_for(expired)))
        assert r.status_code == 307, r.status_code
        to_clerk = r.headers["location"]
        assert "/v1/client/handshake?" in to_clerk
        back = http("GET", clerk.loopback_url(to_clerk))          # the Frontend API, over real loopback HTTP
        assert back.status == 307
        back_url = urlsplit(back.header("location"))
        assert back_url.path == "/me" and "__clerk_handshake" in back_url.query
        r = client.get(f"/me?{back_url.query}", headers=dict(BROWSER))
        cookies = _set_cookies(r)
        session_cookie = next((c for c in cookies if c.startswith("__session")), None)
        assert session_cookie, (r.status_code, cookies)
        fresh = session_cookie.split(";", 1)[0].split("=", 1)[1]
        assert clerk.issued_claims(fresh)["sid"] == session["id"]
        if instance_type == "development":
            # redirected to the same URL without the handshake parameters, cookies riding on the 307
            assert r.status_code == 307
            clean = urlsplit(r.headers["location"])
            assert clean.path == "/me" and "__clerk_handshake" not in clean.query
        else:
            assert r.status_code == 200 and _json(r)["user_id"] == "user_rt"
        # the browser, now holding the cookies, is signed in without any further redirect
        jar = "; ".join(c.split(";", 1)[0] for c in cookies)
        r = client.get("/me", headers=dict(BROWSER, Cookie=jar))
        assert r.status_code == 200 and _json(r)["user_id"] == "user_rt"
