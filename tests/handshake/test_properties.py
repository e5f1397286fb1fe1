"""Hostile input never escapes as a stray exception: any cookie/authorization/query/host/referer
combination gives a RequestState or a typed ClerkEdgeError.  Uses a local PEM key and the pure
crypto backend, so it needs no network and runs in Pyodide too."""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings, strategies as st

from clerk_edge.errors import ClerkEdgeError
from clerk_edge.handshake import RequestState, authenticate_request_sync
from tests.handshake.matrix import IAT, PK_LIVE, PK_TEST, tokens
from tests.support.tokens import rsa_key

TEXT = st.text(alphabet=string.printable + "é☃\u00a0", max_size=60)
PIECES = st.sampled_from(["__session", "__client_uat", "__clerk_db_jwt", "__clerk_redirect_count", "__refresh_x",
                          "__clerk_handshake", "__clerk_handshake_nonce", "__session_1Z8AzTQD", "=", ";", " ", "%",
                          "%zz", '"', "0", "3", "0x3", "-1", "1e3"])
COOKIE = st.lists(st.one_of(PIECES, TEXT, st.sampled_from([tokens()["valid"], tokens()["forged"]])), max_size=8).map("".join)
QUERY = st.lists(st.one_of(st.sampled_from(["__clerk_redirect_url=", "__clerk_db_jwt=", "__clerk_synced=", "&", "=",
                                            "__clerk_handshake=", "__clerk_handshake_nonce=", "%", "+", "#"]), TEXT),
                 max_size=6).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(cookie=COOKIE, query=QUERY, auth=st.one_of(st.none(), TEXT, st.sampled_from(["Bearer ", "Basic x", "Bearer ak_1"])),
       host=st.one_of(st.none(), TEXT), referer=st.one_of(st.none(), TEXT), dest=st.sampled_from([None, "document", "empty"]),
       method=st.sampled_from(["GET", "POST", "get"]), pk=st.sampled_from([PK_LIVE, PK_TEST]),
       sat=st.booleans(), accepts=st.sampled_from(["session_token", "any", ["session_token", "api_key"]]))
def test_any_request_gives_a_state_or_a_typed_error(cookie, query, auth, host, referer, dest, method, pk, sat, accepts):
    headers = {"cookie": cookie}
    for name, value in (("authorization", auth), ("host", host), ("referer", referer), ("sec-fetch-dest", dest)):
        if value is not None:
            headers[name] = value
    options = {"domain": "sat.dev", "is_satellite": True, "sign_in_url": "https://primary.dev/sign-in"} if sat else {}
    try:
        state = authenticate_request_sync(
            {"method": method, "url": "https://app.example.com/p?" + query, "headers": headers},
            publishable_key=pk, secret_key="sk_live_x", jwt_key=rsa_key().public_pem(), env={}, crypto="pure",
            api_url="http://127.0.0.1:9", accepts_token=accepts, clock=lambda: float(IAT), **options)
    except ClerkEdgeError:
        return
    assert isinstance(state, RequestState)
    assert state.status in ("signed-in", "signed-out", "handshake")
    if state.status == "handshake":
        assert state.headers.get("location")
    state.to_auth()
