"""clerk.authenticate_request(...) on the REST client: build-time + call-time option merging (B.4)."""
from __future__ import annotations

from clerk_edge.handshake import merge_options
from clerk_edge.handshake.mixin import HandshakeMixin, SyncHandshakeMixin, merged_options
from tests.handshake.matrix import IAT, PK_LIVE, PK_TEST
from tests.support.aio import run
from tests.support.tokens import jwks, sign


class FakeClient:
    def __init__(self, **kw):
        self.options = kw


class AsyncClient(HandshakeMixin, FakeClient):
    pass


class SyncClient(SyncHandshakeMixin, FakeClient):
    pass


def test_call_time_wins_if_truthy_and_api_url_is_build_time_only():
    build = {"secret_key": "sk_build", "publishable_key": PK_LIVE, "api_url": "https://build", "domain": "a.dev"}
    merged = merge_options(build, {"secret_key": "", "publishable_key": PK_TEST, "api_url": "https://call",
                                   "is_satellite": True, "domain": None})
    assert merged == {"secret_key": "sk_build", "publishable_key": PK_TEST, "api_url": "https://build",
                      "domain": "a.dev", "is_satellite": True}
    client = FakeClient(secret_key="sk_build", api_url="https://build", authorized_parties=["https://x"])
    out = merged_options(client, {"api_url": "https://call", "authorized_parties": None})
    assert out["api_url"] == "https://build" and out["authorized_parties"] == ["https://x"]


def test_method_uses_the_client_keys(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    request = {"method": "GET", "url": "https://app.dev/", "headers": {"authorization": "Bearer " + sign()}}
    client = AsyncClient(secret_key="sk_live_client", publishable_key=PK_LIVE, api_url=mock_server.url,
                         clock=lambda: float(IAT), skip_jwks_cache=True, env={})
    state = run(client.authenticate_request(request))
    assert state.status == "signed-in"
    assert mock_server.requests("/v1/jwks")[0]["headers"]["authorization"] == "Bearer sk_live_client"
    sync = SyncClient(secret_key="sk_live_client", publishable_key=PK_LIVE, api_url=mock_server.url, env={})
    # the sync face needs a sync crypto backend: pass 'pure' at call time (works in Pyodide too)
    assert sync.authenticate_request({"method": "GET", "url": "https://app.dev/", "headers": {}},
                                     crypto="pure").reason == "session-token-and-uat-missing"
