"""Module-level names (clerk_edge, clerk_edge.sync) and the methods on the REST client."""
from __future__ import annotations

import base64
import sys

import pytest

import clerk_edge
import clerk_edge.sync
from clerk_edge import interstitial
from clerk_edge.interstitial import InterstitialMixin, SyncInterstitialMixin, attach
from tests.support.aio import run
from tests.support.tokens import IAT, rsa_key, sign

PK = "pk_live_" + base64.b64encode(b"clerk.example.com$").decode()
SK = "sk_live_clientdefaults"


def test_module_level_names():
    assert clerk_edge.auth_state is interstitial.auth_state
    assert clerk_edge.sync.auth_state is interstitial.auth_state_sync
    assert clerk_edge.debug_auth_state is clerk_edge.sync.debug_auth_state is interstitial.debug_auth_state
    assert clerk_edge.local_interstitial is clerk_edge.sync.local_interstitial
    assert clerk_edge.remote_public_interstitial_url is clerk_edge.sync.remote_public_interstitial_url
    assert clerk_edge.remote_public_interstitial is interstitial.remote_public_interstitial
    assert clerk_edge.sync.remote_public_interstitial is interstitial.remote_public_interstitial_sync
    assert clerk_edge.sync.remote_private_interstitial is interstitial.remote_private_interstitial_sync
    assert clerk_edge.AuthState is interstitial.AuthState


@pytest.mark.no_pyodide(reason="the sync face needs a sync fetch/crypto; Pyodide's are async-only")
def test_sync_face():
    state = clerk_edge.sync.auth_state(header_token=sign(), secret_key=SK, jwt_key=rsa_key().public_pem(),
                                       clock=lambda: IAT, env={})
    assert state.is_signed_in and state.to_auth().get_token_sync() == state.token


def _client_classes():
    client = pytest.importorskip("clerk_edge.api.client")
    # subclasses, so the shared classes are left alone
    return (type("AsyncClerkWithInterstitial", (InterstitialMixin, client.Clerk), {}),
            attach(type("SyncClerkWithInterstitial", (client.SyncClerk,), {}), sync=True))


def test_client_methods_use_build_time_options(mock_server):
    AsyncClerk, _ = _client_classes()
    clerk = AsyncClerk(secret_key=SK, publishable_key=PK, jwt_key=rsa_key().public_pem(), api_url=mock_server.url,
                       clock=lambda: IAT, env={})
    state = run(clerk.auth_state(request={"method": "GET", "url": "https://a.example/", "headers": {
        "authorization": f"Bearer {sign()}"}}))
    assert state.is_signed_in and state.publishable_key == PK and state.frontend_api == "clerk.example.com"
    # call-time values win
    assert run(clerk.auth_state(host="a.example", secret_key="sk_test_other", user_agent="curl/8")).reason == \
        "header-missing-non-browser"
    assert clerk.debug_auth_state(state)["is_signed_in"] is True
    assert '"clerk.example.com"' in clerk.local_interstitial()
    assert clerk.remote_public_interstitial_url().startswith(mock_server.url + "/v1/public/interstitial?")
    mock_server.on("GET", "/v1/internal/interstitial", body="<html>private</html>")
    assert run(clerk.remote_private_interstitial()) == "<html>private</html>"
    (req,) = mock_server.requests("/v1/internal/interstitial")
    assert {k.lower(): v for k, v in req["headers"].items()}["authorization"] == f"Bearer {SK}"


@pytest.mark.no_pyodide(reason="the sync face needs a sync fetch/crypto; Pyodide's are async-only")
def test_sync_client_methods():
    _, SyncClerk = _client_classes()
    clerk = SyncClerk(secret_key=SK, publishable_key=PK, jwt_key=rsa_key().public_pem(), clock=lambda: IAT, env={})
    assert clerk.auth_state(header_token=sign()).is_signed_in
    assert clerk.auth_state(host="a.example").reason == "cookie-and-uat-missing"


@pytest.mark.no_pyodide(reason="runs a fresh interpreter")
def test_import_is_cheap():
    import subprocess
    from tests.conftest import ROOT
    code = ("import sys, clerk_edge.interstitial, clerk_edge; clerk_edge.auth_state; "
            "print(sorted(m for m in ('asyncio', 'urllib.request', 'http.client', 'cryptography', 'ssl', 'random') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_shipped_client_has_the_methods():
    clerk = clerk_edge.Clerk(secret_key=SK, publishable_key=PK, jwt_key=rsa_key().public_pem(), clock=lambda: IAT,
                             env={})
    state = run(clerk.auth_state(header_token=sign()))
    assert state.is_signed_in and state.publishable_key == PK
    assert clerk.debug_auth_state(state)["is_signed_in"] is True
    assert clerk.remote_public_interstitial_url().startswith("https://api.clerk.com/v1/public/interstitial?")
    assert "clerk.example.com" in clerk.local_interstitial()
    assert callable(clerk_edge.sync.Clerk(secret_key=SK).auth_state)
