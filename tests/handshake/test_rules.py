"""The handshake-era rules (B.4–B.6, B.9 current matrix, checklist 25–50) with a frozen clock,
locally signed tokens and a loopback Backend API.  Runs through the async face (``run()``), so the
same file runs in CPython and inside Pyodide (where mock_server is driven remotely)."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from clerk_edge.errors import TokenVerificationError
from clerk_edge.handshake import ConfigurationError, authenticate_request
from tests.handshake.matrix import IAT, LATER, PK_LIVE, PK_TEST, SID, suffix, tokens
from tests.support.aio import run
from tests.support.tokens import AZP, clerk_claims, jwks, sign

FAPI = "https://clerk.inspired.puma-74.lcl.dev"
SUB = "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"


@pytest.fixture
def api(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    return mock_server


def req(*, method="GET", url="http://clerk.com/path", cookies=None, dest="document", headers=None, auth=None):
    h = {"host": "example.com", "user-agent": "Mozilla/TestAgent"}
    if dest:
        h["sec-fetch-dest"] = dest
    if cookies:
        h["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if auth:
        h["authorization"] = auth
    h.update(headers or {})
    return {"method": method, "url": url, "headers": h}


def authn(api, request, *, now=IAT, pk=PK_LIVE, **options):
    options.setdefault("secret_key", "sk_live_deadbeef" if pk == PK_LIVE else "sk_test_deadbeef")
    options.setdefault("api_url", api.url)
    options.setdefault("skip_jwks_cache", True)
    return run(authenticate_request(request, publishable_key=pk, env={}, clock=lambda: float(now), **options))


def valid_cookies(token=None, uat=IAT - 10):
    return {"__session": token or tokens()["valid"], "__client_uat": str(uat)}


def _query(location):
    return parse_qsl(urlsplit(location).query, keep_blank_values=True)


# ---------------------------------------------------------------------------- 25 / 26 configuration
def test_missing_secret_key_raises(api):
    with pytest.raises(ConfigurationError, match=r"^Missing Clerk Secret Key\. Go to https://dashboard\.clerk\.com"):
        authn(api, req(), secret_key="")


def test_missing_and_invalid_publishable_key_raise(api):
    with pytest.raises(ConfigurationError, match=r"^Publishable key is missing\.\n\nTo create a new Clerk app"):
        authn(api, req(), pk="")
    with pytest.raises(ConfigurationError,
                       match=r"^Publishable key not valid \(expected format: pk_test_\.\.\. or pk_live_\.\.\.\)\."):
        authn(api, req(), pk="pk_live_bm90LWEta2V5")


def test_cookie_suffix_vectors_and_instance_type():
    from clerk_edge.handshake import cookie_suffix, parse_publishable_key
    assert cookie_suffix("pk_live_Y2xlcmsuY2xlcmsuZGV2JA") == "1Z8AzTQD"
    assert cookie_suffix("pk_test_Y2xlcmsuY2xlcmsuZGV2JA") == "QvfNY2dr"
    assert parse_publishable_key(PK_TEST).instance_type == "development"
    live = parse_publishable_key(PK_LIVE)
    assert (live.instance_type, live.frontend_api) == ("production", "clerk.inspired.puma-74.lcl.dev")
    assert parse_publishable_key(PK_LIVE, domain="sat.dev", is_satellite=True).frontend_api == "clerk.sat.dev"
    assert parse_publishable_key(PK_TEST, domain="sat.dev", is_satellite=True).frontend_api == "clerk.inspired.puma-74.lcl.dev"
    assert parse_publishable_key(PK_LIVE, proxy_url="https://p.dev/__clerk").frontend_api == "https://p.dev/__clerk"


# ---------------------------------------------------------------------------- 27 / 28 header tokens
def test_valid_bearer_is_signed_in_without_debug_headers(api):
    state = authn(api, req(auth="Bearer " + tokens()["valid"]))
    assert (state.status, state.reason, state.message, state.is_authenticated) == ("signed-in", None, None, True)
    assert [k for k in state.headers.keys() if k.startswith("x-clerk")] == []
    auth = state.to_auth()
    assert (auth.user_id, auth.session_id, auth.org_id, auth.is_authenticated) == (SUB, SID, None, True)
    assert auth.session_claims["azp"] == AZP


def test_basic_authorization_is_ignored_and_schemeless_token_used(api):
    assert authn(api, req(auth="Basic dXNlcjpwdw==")).reason == "session-token-and-uat-missing"
    assert authn(api, req(auth=tokens()["valid"])).status == "signed-in"


def test_header_errors(api):
    state = authn(api, req(auth="Bearer " + tokens()["valid"]), authorized_parties=["whatever"])
    assert (state.status, state.reason) == ("signed-out", "token-invalid-authorized-parties")
    assert state.message == ('Invalid JWT Authorized party claim (azp) "https://accounts.inspired.puma-74.lcl.dev". '
                             'Expected "whatever". (reason=token-invalid-authorized-parties, token-carrier=header)')
    state = authn(api, req(auth="Bearer " + tokens()["forged"]))
    assert state.message == "JWT signature is invalid. (reason=token-invalid-signature, token-carrier=header)"
    state = authn(api, req(auth="Bearer test_header_token"))
    assert state.reason == "token-invalid"
    assert state.message.startswith("Invalid JWT form. A JWT consists of three parts separated by dots.")
    assert state.message.endswith("(reason=token-invalid, token-carrier=header)")


def test_empty_jwks(mock_server):
    mock_server.on("GET", "/v1/jwks", json={"keys": []})
    # a secret key no other test uses: the JWKS cache is scoped by (api_url, version, secret key)
    state = authn(mock_server, req(auth="Bearer " + tokens()["valid"]), secret_key="sk_live_empty_jwks_scope")
    assert (state.status, state.reason) == ("signed-out", "jwk-remote-failed-to-load")
    assert state.message == ("The JWKS endpoint did not contain any signing keys. Contact support@clerk.com. Contact "
                             "support@clerk.com (reason=jwk-remote-failed-to-load, token-carrier=header)")


# ---------------------------------------------------------------------------- 29–33 cookies
def test_prod_without_cookies_or_with_uat_zero_is_signed_out(api):
    assert authn(api, req()).reason == "session-token-and-uat-missing"
    assert authn(api, req(cookies={"__client_uat": "0"})).reason == "session-token-and-uat-missing"


def test_uat_without_session_redirects_to_the_handshake(api):
    state = authn(api, req(cookies={"__client_uat": "12"}))
    assert (state.status, state.reason, state.to_auth()) == ("handshake", "client-uat-but-no-session-token", None)
    assert state.headers["location"] == (
        "https://clerk.inspired.puma-74.lcl.dev/v1/client/handshake?redirect_url=http%3A%2F%2Fexample.com%2Fpath"
        "&__clerk_api_version=2026-05-12&suffixed_cookies=false&__clerk_hs_reason=client-uat-but-no-session-token"
        "&format=nonce")
    assert state.headers["cache-control"] == "no-store"
    assert state.headers.get_all("set-cookie") == ["__clerk_redirect_count=1; SameSite=Lax; HttpOnly; Max-Age=2"]
    assert state.headers["x-clerk-auth-status"] == "handshake"
    assert state.headers["x-clerk-auth-reason"] == "client-uat-but-no-session-token"
    assert "x-clerk-auth-message" not in state.headers


@pytest.mark.parametrize("kw,eligible", [
    ({"method": "POST"}, False), ({"dest": "empty"}, False), ({"method": "PUT", "dest": "document"}, False),
    ({"dest": "iframe"}, True), ({"dest": None, "headers": {"accept": "text/html,application/xhtml+xml"}}, True),
    ({"dest": None, "headers": {"accept": "application/json"}}, False), ({"dest": None}, False),
])
def test_handshake_eligibility(api, kw, eligible):
    state = authn(api, req(cookies={"__client_uat": "12"}, **kw))
    assert state.reason == "client-uat-but-no-session-token"
    assert state.status == ("handshake" if eligible else "signed-out")
    assert ("location" in state.headers) is eligible


def test_redirect_counter(api):
    looped = authn(api, req(cookies={"__client_uat": "12", "__clerk_redirect_count": "3"}))
    assert (looped.status, looped.reason) == ("signed-out", "client-uat-but-no-session-token")
    assert looped.headers.get_all("set-cookie") == []
    second = authn(api, req(cookies={"__client_uat": "12", "__clerk_redirect_count": "2"}))
    assert second.headers.get_all("set-cookie") == ["__clerk_redirect_count=3; SameSite=Lax; HttpOnly; Max-Age=2"]


def test_session_without_uat_and_iat_before_uat(api):
    assert authn(api, req(cookies={"__session": tokens()["valid"]})).reason == "session-token-but-no-client-uat"
    # iat < uat is decided before the signature: a forged token still gets the handshake
    state = authn(api, req(cookies=valid_cookies(tokens()["forged"], uat=IAT + 10)))
    assert (state.status, state.reason) == ("handshake", "session-token-iat-before-client-uat")
    assert api.count("/v1/jwks") == 0


def test_valid_cookie_and_suffixed_cookies(api):
    assert authn(api, req(cookies=valid_cookies())).status == "signed-in"
    sfx = suffix(PK_LIVE)
    state = authn(api, req(cookies={f"__session_{sfx}": tokens()["valid"], f"__client_uat_{sfx}": str(IAT - 10),
                                    "__client_uat": "0"}))
    assert state.status == "signed-in"
    hs = authn(api, req(cookies={f"__client_uat_{sfx}": str(IAT - 10)}))
    assert dict(_query(hs.headers["location"]))["suffixed_cookies"] == "true"


def test_cookie_type_mismatch_and_no_sub(api):
    assert authn(api, req(cookies=valid_cookies(tokens()["m2m_cat"]))).reason == "token-type-mismatch"
    assert authn(api, req(cookies=valid_cookies(tokens()["template_cat"]))).reason == "token-type-mismatch"
    state = authn(api, req(cookies=valid_cookies(tokens()["no_sub"])))
    assert state.message == ("Subject claim (sub) is required and must be a string. Received undefined. Make sure that "
                             "this is a valid Clerk-generated JWT. (reason=token-verification-failed, token-carrier=cookie)")


# ---------------------------------------------------------------------------- 34 dev browser
def test_development_browser(api):
    state = authn(api, req(cookies=valid_cookies()), pk=PK_TEST)
    assert (state.status, state.reason) == ("handshake", "dev-browser-missing")
    state = authn(api, req(url="http://clerk.com/path?__clerk_db_jwt=dbq", cookies=valid_cookies()), pk=PK_TEST)
    assert state.reason == "dev-browser-sync"
    q = dict(_query(state.headers["location"]))
    assert q["redirect_url"] == "http://example.com/path"     # the db jwt is removed from redirect_url
    assert q["__clerk_db_jwt"] == "dbq" and q["__session"] == tokens()["valid"]
    cookies = dict(valid_cookies(), __clerk_db_jwt="dbc")
    assert authn(api, req(cookies=cookies), pk=PK_TEST).status == "signed-in"


# ---------------------------------------------------------------------------- 35–37 token errors
def test_expired_session(api):
    state = authn(api, req(cookies=valid_cookies()), now=LATER)
    assert (state.status, state.reason) == ("handshake", "session-token-expired-refresh-non-eligible-no-refresh-cookie")
    assert state.message.startswith("JWT is expired. Expiry date: ")
    assert state.message.endswith("(reason=token-expired, token-carrier=cookie)")
    assert state.headers["x-clerk-auth-message"] == state.message
    post = authn(api, req(method="POST", cookies=valid_cookies()), now=LATER)
    assert (post.status, post.reason) == ("signed-out", "session-token-expired-refresh-non-eligible-non-get")
    header = authn(api, req(auth="Bearer " + tokens()["valid"]), now=LATER)
    assert (header.status, header.reason) == ("handshake", "session-token-expired-refresh-non-eligible-no-refresh-cookie")
    assert header.message.endswith("token-carrier=header)")


def test_nbf_and_iat_in_the_future(api):
    assert authn(api, req(cookies=valid_cookies(tokens()["nbf_future"]))).reason == "session-token-nbf"
    assert authn(api, req(cookies=valid_cookies(tokens()["iat_future"]))).reason == "session-token-iat-in-the-future"


def test_other_token_errors_are_signed_out_with_the_full_message(api):
    state = authn(api, req(cookies=valid_cookies(tokens()["forged"])))
    assert (state.status, state.reason) == ("signed-out", "token-invalid-signature")
    assert state.message == "JWT signature is invalid. (reason=token-invalid-signature, token-carrier=cookie)"
    assert state.headers["x-clerk-auth-message"] == state.message


def test_refresh_with_the_suffixed_refresh_cookie(api):
    sfx = suffix(PK_LIVE)
    refreshed = sign(clerk_claims(iat=LATER - 5, nbf=LATER - 15, exp=LATER + 55))
    api.on("POST", f"/v1/sessions/{SID}/refresh", json={"object": "cookies", "cookies": [
        f"__session_{sfx}={refreshed}; Path=/", f"__client_uat_{sfx}={LATER - 5}; Path=/"]})
    cookies = {f"__session_{sfx}": tokens()["valid"], f"__client_uat_{sfx}": str(IAT - 10),
               f"__refresh_{sfx}": "rt_1", "__refresh": "unsuffixed-ignored"}
    state = authn(api, req(cookies=cookies), now=LATER)
    assert (state.status, state.token) == ("signed-in", refreshed)
    assert state.headers.get_all("set-cookie")[0].startswith(f"__session_{sfx}=")
    (call,) = api.requests(f"/v1/sessions/{SID}/refresh")
    assert call["method"] == "POST" and ("suffixed_cookies", "true") in [tuple(q) for q in call["query"]]
    body = json.loads(call["body"])
    assert body["format"] == "cookie" and body["refresh_token"] == "rt_1" and body["expired_token"] == tokens()["valid"]
    assert body["request_origin"] == "http://example.com" and body["request_headers"]["host"] == ["example.com"]
    # not expired, or no refresh cookie: no refresh call
    api.reset()
    api.on("GET", "/v1/jwks", json=jwks())
    authn(api, req(cookies=cookies))
    authn(api, req(cookies=valid_cookies()), now=LATER)
    assert api.count(f"/v1/sessions/{SID}/refresh") == 0


def test_refresh_failure_reason(api):
    api.on("POST", f"/v1/sessions/{SID}/refresh", status=404, json={"errors": [{"code": "resource_not_found"}]})
    sfx = suffix(PK_LIVE)
    cookies = {f"__session_{sfx}": tokens()["valid"], f"__client_uat_{sfx}": str(IAT - 10), f"__refresh_{sfx}": "x"}
    assert authn(api, req(cookies=cookies), now=LATER).reason == "session-token-expired-refresh-resource_not_found"


# ---------------------------------------------------------------------------- 39–41 multi-domain
SAT = {"is_satellite": True, "domain": "satellite.dev", "sign_in_url": "https://primary.dev/sign-in"}


def test_satellites(api):
    assert authn(api, req(), **SAT).reason == "session-token-and-uat-missing"
    state = authn(api, req(url="http://clerk.com/path?__clerk_synced=false"), **SAT)
    assert (state.status, state.reason) == ("handshake", "satellite-needs-syncing")
    assert state.headers["location"].startswith("https://clerk.satellite.dev/v1/client/handshake?")
    dev = authn(api, req(cookies={"__client_uat": "0"}), pk=PK_TEST, satellite_auto_sync=True, **SAT)
    assert dev.headers["location"] == "https://primary.dev/sign-in?__clerk_redirect_url=http%3A%2F%2Fexample.com%2Fpath"
    assert authn(api, req(url="http://clerk.com/path?__clerk_synced=true"), **SAT).reason == "session-token-and-uat-missing"
    loop = authn(api, req(url="http://clerk.com/path?__clerk_synced=false", cookies={"__clerk_redirect_count": "3"}), **SAT)
    assert (loop.status, loop.reason) == ("signed-out", "satellite-needs-syncing")
    # a production satellite's own FAPI is clerk.<domain>: its session tokens carry that issuer
    sat_token = sign(clerk_claims(iss="https://clerk.satellite.dev"))
    assert authn(api, req(cookies=valid_cookies(sat_token), dest="empty"), **SAT).status == "signed-in"
    # a token issued for another FAPI makes the SDK look for suffixed cookies (there are none)
    assert authn(api, req(cookies=valid_cookies(), dest="empty"), **SAT).reason == "session-token-and-uat-missing"


def test_satellite_configuration_errors(api):
    with pytest.raises(ConfigurationError, match="Missing domain and proxyUrl"):
        authn(api, req(), is_satellite=True, sign_in_url="https://primary.dev/sign-in")
    with pytest.raises(ConfigurationError, match="Missing signInUrl"):
        authn(api, req(), pk=PK_TEST, is_satellite=True, domain="s.dev")
    with pytest.raises(ConfigurationError, match="different origin"):
        authn(api, req(headers={"origin": "https://primary.dev"}), **SAT)


def test_primary_responds_to_syncing(api):
    target = "https%3A%2F%2Fsat.dev%2Fx%3F__clerk_synced%3Dfalse"
    state = authn(api, req(url=f"http://clerk.com/path?__clerk_redirect_url={target}", cookies={"__clerk_db_jwt": "db1"}),
                  pk=PK_TEST)
    assert (state.status, state.reason) == ("handshake", "primary-responds-to-syncing")
    assert state.headers["location"] == "https://sat.dev/x?__clerk_synced=true&__clerk_db_jwt=db1"


def test_cross_origin_sync(api):
    state = authn(api, req(cookies=valid_cookies(), headers={"referer": "https://satellite.dev/page"}))
    assert (state.status, state.reason) == ("handshake", "primary-domain-cross-origin-sync")
    assert state.message == "Cross-origin request from satellite domain requires handshake"
    for referer in ("http://example.com/x", "https://clerk.inspired.puma-74.lcl.dev/",
                    "https://accounts.inspired.puma-74.lcl.dev/x", "not a url"):
        assert authn(api, req(cookies=valid_cookies(), headers={"referer": referer})).status == "signed-in"
    assert authn(api, req(method="POST", cookies=valid_cookies(), headers={"referer": "https://s.dev/"})).status == "signed-in"
    portal = {"referer": "https://foo-bar-13.accounts.dev/x"}
    assert authn(api, req(cookies=valid_cookies(), headers=portal)).status == "handshake"
    assert authn(api, req(cookies=dict(valid_cookies(), __clerk_db_jwt="d"), headers=portal), pk=PK_TEST).status == "signed-in"


def test_organization_sync(api):
    org = sign(clerk_claims(org_id="org_1", org_slug="acme", org_role="org:admin"))
    opts = {"organization_sync_options": {"organization_patterns": ["/orgs/:slug", "/orgs/:slug/(.*)"],
                                          "personal_account_patterns": ["/me"]}}
    ok = authn(api, req(url="http://clerk.com/orgs/acme/settings", cookies=valid_cookies(org)), **opts)
    assert ok.status == "signed-in"
    hs = authn(api, req(url="http://clerk.com/orgs/other", cookies=valid_cookies(org)), **opts)
    assert (hs.status, hs.reason) == ("handshake", "active-organization-mismatch")
    assert dict(_query(hs.headers["location"]))["organization_id"] == "other"
    me = authn(api, req(url="http://clerk.com/me", cookies=valid_cookies(org)), **opts)
    assert me.reason == "active-organization-mismatch" and dict(_query(me.headers["location"]))["organization_id"] == ""


def test_proxy_url(api):
    rel = authn(api, req(cookies={"__client_uat": "1"}), proxy_url="/__clerk")
    assert rel.headers["location"].startswith("http://example.com/__clerk/v1/client/handshake?")
    assert rel.proxy_url == "http://example.com/__clerk"
    absolute = authn(api, req(cookies={"__client_uat": "1"}), proxy_url="https://proxy.example.com/__clerk//")
    assert absolute.headers["location"].startswith("https://proxy.example.com/__clerk/v1/client/handshake?")


# ---------------------------------------------------------------------------- 42–44 machine tokens
def test_machine_jwts_with_default_accepts_token_mismatch(api):
    assert authn(api, req(auth="Bearer " + tokens()["oauth_jwt"])).reason == "token-type-mismatch"
    assert authn(api, req(auth="Bearer " + tokens()["m2m_jwt"])).reason == "token-type-mismatch"


def test_api_key_verification(mock_server):
    mock_server.on("POST", "/api_keys/verify", json={"object": "api_key", "id": "ak_1", "subject": "user_42",
                                                      "name": "ci", "scopes": ["r"], "claims": {"a": 1}})
    state = authn(mock_server, req(auth="Bearer ak_secret"), accepts_token="api_key")
    assert (state.status, state.token_type) == ("signed-in", "api_key")
    auth = state.to_auth()
    assert (auth.id, auth.user_id, auth.org_id, auth.name, auth.has({"role": "x"})) == ("ak_1", "user_42", None, "ci", False)
    assert run(auth.get_token()) == "ak_secret"
    (call,) = mock_server.requests("/api_keys/verify")
    assert json.loads(call["body"]) == {"secret": "ak_secret"}
    assert call["headers"]["authorization"] == "Bearer sk_live_deadbeef"
    mock_server.reset()
    mock_server.on("POST", "/api_keys/verify", status=404, json={"errors": []})
    state = authn(mock_server, req(auth="Bearer ak_secret"), accepts_token="api_key")
    assert (state.status, state.reason, state.message) == (
        "signed-out", "token-invalid", "API key not found (code=token-invalid, status=404)")
    assert state.to_auth().token_type == "api_key" and state.to_auth().id is None


def test_m2m_uses_the_machine_secret_key(mock_server):
    mock_server.on("POST", "/m2m_tokens/verify", json={"id": "mt_1", "subject": "mch_1", "scopes": []})
    state = authn(mock_server, req(auth="Bearer mt_x"), accepts_token="m2m_token", secret_key=None,
                  machine_secret_key="ak_machine")
    assert state.status == "signed-in" and state.to_auth().machine_id == "mch_1"
    assert mock_server.requests("/m2m_tokens/verify")[0]["headers"]["authorization"] == "Bearer ak_machine"
    with pytest.raises(ConfigurationError, match="^Machine token authentication requires"):
        authn(mock_server, req(auth="Bearer mt_x"), accepts_token="m2m_token", secret_key=None)


def test_machine_jwt_verified_locally(api):
    state = authn(api, req(auth="Bearer " + tokens()["m2m_jwt"]), accepts_token="m2m_token")
    auth = state.to_auth()
    assert (state.status, auth.machine_id, auth.scopes, auth.id) == ("signed-in", "mch_1", ["read", "write"], "mt_jti1")
    oauth = authn(api, req(auth="Bearer " + tokens()["oauth_jwt"]), accepts_token="oauth_token").to_auth()
    assert (oauth.user_id, oauth.client_id, oauth.scopes) == ("user_9", "client_1", ["read"])
    bad = authn(api, req(auth="Bearer " + tokens()["oauth_jwt"]), accepts_token="oauth_token", audience="other")
    assert bad.reason == "token-verification-failed" and "OAuth audience mismatch" in bad.message


def test_accepts_token_mismatches(api):
    state = authn(api, req(auth="Bearer ak_x"), accepts_token="oauth_token")
    assert (state.reason, state.token_type) == ("token-type-mismatch", "oauth_token")
    arr = authn(api, req(auth="Bearer ak_x"), accepts_token=["m2m_token"])
    assert (arr.status, arr.reason, arr.token_type) == ("signed-out", "token-type-mismatch", None)
    assert arr.to_auth().token_type is None and arr.to_auth().is_authenticated is False
    cookie = authn(api, req(cookies=valid_cookies()), accepts_token="api_key")
    assert (cookie.reason, cookie.message, cookie.token_type) == ("No token in header", "", "api_key")
    assert authn(api, req(auth="Bearer " + tokens()["m2m_cat"]), accepts_token="any").reason == "token-type-mismatch"


# ---------------------------------------------------------------------------- 45 handshake resolution
def test_handshake_resolution_by_token(api):
    t = tokens()
    prod = authn(api, req(url="http://clerk.com/path?__clerk_handshake=" + t["hs_token"]))
    assert prod.status == "signed-in" and prod.token == t["valid"]
    assert prod.headers.get_all("set-cookie") == [f"__session={t['valid']}; Path=/; SameSite=Lax",
                                                  f"__client_uat={IAT - 10}; Path=/; SameSite=Lax"]
    assert "location" not in prod.headers and prod.headers["access-control-allow-credentials"] == "true"
    dev = authn(api, req(url=f"http://clerk.com/path?a=1&__clerk_handshake={t['hs_token']}&__clerk_db_jwt=x"), pk=PK_TEST)
    assert dev.headers["location"] == "http://example.com/path?a=1" and dev.headers["cache-control"] == "no-store"
    none = authn(api, req(url="http://clerk.com/path?__clerk_handshake=" + t["hs_token_nosession"]))
    assert (none.status, none.reason) == ("signed-out", "session-token-missing")


def test_handshake_token_with_a_bad_signature(api):
    t = tokens()
    with pytest.raises(ConfigurationError, match="invalid signature. If you have switched Clerk keys locally"):
        authn(api, req(url="http://clerk.com/path?__clerk_handshake=" + t["hs_token_forged"]), pk=PK_TEST)
    # production logs and carries on with the cookies
    state = authn(api, req(url="http://clerk.com/path?__clerk_handshake=" + t["hs_token_forged"], cookies=valid_cookies()))
    assert state.status == "signed-in"


def test_handshake_resolution_by_nonce(api):
    t = tokens()
    api.on("GET", "/v1/clients/handshake_payload", json={"directives": [f"__session={t['valid']}; Path=/"]})
    state = authn(api, req(url="http://clerk.com/path?__clerk_handshake_nonce=n-1"))
    assert state.status == "signed-in"
    (call,) = api.requests("/v1/clients/handshake_payload")
    assert ("nonce", "n-1") in [tuple(q) for q in call["query"]]


def test_verify_handshake_token_checks_signature_not_expiry(api):
    from clerk_edge.handshake.context import AuthenticateRequestOptions, build_context
    from clerk_edge.handshake.handshake import verify_handshake_token_core
    from clerk_edge.runner import run_sync
    from tests.support.tokens import rsa_key
    opts = AuthenticateRequestOptions(publishable_key=PK_LIVE, secret_key="sk", jwt_key=rsa_key().public_pem(), env={})
    ctx = build_context(req(), opts, IAT)
    old = sign({"handshake": ["a=b"], "exp": 1})
    from clerk_edge.tokens import build_runtime
    assert run_sync(verify_handshake_token_core(old, ctx), build_runtime(crypto="pure"))["handshake"] == ["a=b"]
    with pytest.raises(TokenVerificationError, match="Invalid handshake token category"):
        run_sync(verify_handshake_token_core(sign({"handshake": []}, headers={"cat": "cl_B7d4PD222AAA"}), ctx),
                 build_runtime(crypto="pure"))


# ---------------------------------------------------------------------------- 46–50 auth objects
def _auth(claims):
    from clerk_edge.auth_objects import SignedInAuthObject
    return SignedInAuthObject("tok", clerk_claims(**claims))


def test_has_role_normalisation():
    for role in ("admin", "org:admin"):
        auth = _auth({"org_id": "org_1", "org_role": role})
        assert auth.has(role="admin") and auth.has({"role": "org:admin"})
    assert not _auth({"org_role": "admin"}).has(role="admin")           # no org id
    assert not _auth({"org_id": "o", "org_role": "admin"}).has(role="member")


def test_has_v2_claims():
    auth = _auth({"v": 2, "o": {"id": "org_1", "rol": "admin", "per": "read,manage", "fpm": "3"}, "fea": "o:reservations"})
    assert auth.org_permissions == ["org:reservations:read", "org:reservations:manage"]
    assert auth.has(permission="org:reservations:read") and auth.has(permission="reservations:manage")
    assert auth.has(feature="org:reservations") and auth.has(feature="reservations")
    assert not auth.has(feature="user:reservations") and not auth.has(feature="bogus:reservations")
    example = _auth({"v": 2, "o": {"id": "org_1", "per": "read,manage", "fpm": "2,3"},
                     "fea": "o:reservations,u:dashboard,uo:support-chat,o:impersonation"})
    assert example.org_permissions == ["org:reservations:manage", "org:support-chat:read", "org:support-chat:manage"]
    plans = _auth({"pla": "u:pro,o:team"})
    assert plans.has(plan="pro") and plans.has(plan="u:pro") and not plans.has(plan="o:pro")


def test_has_fails_closed():
    from clerk_edge.auth_objects import SignedOutAuthObject
    auth = _auth({"org_id": "o", "org_role": "admin"})
    assert auth.has({}) is False and auth.has() is False
    assert auth.has(role="admin", permission="org:x:y") is False           # permission dimension has no data
    assert SignedOutAuthObject().has(role="admin") is False
    assert _auth({"sub": None, "org_id": "o", "org_role": "admin"}).has(role="admin") is False


def test_has_reverification():
    fresh = _auth({"fva": [5, 5]})
    assert fresh.has(reverification="strict") and fresh.has(reverification="strict_mfa")
    stale = _auth({"fva": [100, 100]})
    assert not stale.has(reverification="moderate") and stale.has(reverification="lax")
    assert _auth({"fva": [5, -1]}).has(reverification="strict")           # no second factor: factor 1
    assert not _auth({"fva": [-1, -1]}).has(reverification="lax")
    assert _auth({"fva": [5, 5]}).has(reverification={"level": "first_factor", "after_minutes": 6})
    assert not _auth({"fva": [5, 5]}).has(reverification="bogus")
    assert not _auth({}).has(reverification="lax")


def test_pending_session_is_signed_out_by_default(api):
    state = authn(api, req(cookies=valid_cookies(tokens()["pending"])))
    assert state.status == "signed-in"
    assert state.to_auth().user_id is None and state.to_auth().session_status == "pending"
    assert state.to_auth(treat_pending_as_signed_out=False).user_id == SUB


def test_get_token(api):
    api.on("POST", f"/v1/sessions/{SID}/tokens/supabase", json={"object": "token", "jwt": "templated.jwt.value"})
    state = authn(api, req(cookies=valid_cookies()))
    auth = state.to_auth()
    assert run(auth.get_token()) == tokens()["valid"]
    assert run(auth.get_token(template="supabase", expires_in_seconds=60)) == "templated.jwt.value"
    (call,) = api.requests(f"/v1/sessions/{SID}/tokens/supabase")
    assert json.loads(call["body"]) == {"expires_in_seconds": 60}
    assert call["headers"]["authorization"] == "Bearer sk_live_deadbeef"


def test_debug_cuts_secrets(api):
    state = authn(api, req(cookies=valid_cookies(), headers={"authorization": "Basic x"}),
                  secret_key="sk_live_supersecretvalue", jwt_key=None)
    debug = state.to_auth().debug()
    assert debug["secretKey"] == "sk_live" and debug["sessionToken"] == tokens()["valid"][:7]
    assert debug["sessionTokenInCookie"] == tokens()["valid"][:7]
    text = repr(state) + repr(state.to_auth()) + repr(state.headers)
    assert "supersecret" not in text and tokens()["valid"] not in text


def test_sanitize_and_prune():
    from clerk_edge.auth_objects import prune_private_metadata, sanitize_auth_object
    data = sanitize_auth_object(_auth({"org_id": "o"}))
    assert data["user_id"] == SUB and "has" not in data and "_token" not in data
    user = {"id": "u", "private_metadata": {"s": 1}, "_raw": {"organization_memberships": [{"private_metadata": 1, "k": 2}]}}
    assert prune_private_metadata(user) == {"id": "u", "_raw": {"organization_memberships": [{"k": 2}]}}


def test_split_cookie_header_fields_are_joined_with_semicolons(api):
    request = {"method": "GET", "url": "http://example.com/path",
               "headers": [("host", "example.com"), ("sec-fetch-dest", "document"), ("cookie", "a=1"),
                           ("cookie", "__client_uat=5")]}
    assert authn(api, request).reason == "client-uat-but-no-session-token"
