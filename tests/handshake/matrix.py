"""The request matrix shared by the handshake rule tests and the @clerk/backend 3.25 differential.

A *case* is plain JSON: ``{id, method, url, headers: [[k, v]...], options: {snake_case...}, now}``.
``api_url`` in the options is a path prefix on the loopback mock (``/ok``, ``/missing``, ``/unauth``)
that ``install_routes`` scripts: JWKS, the machine-token verify endpoints, refresh and the handshake
payload.  Every token is signed here with the test key; the clock is frozen per case.
"""
from __future__ import annotations

import functools
import random
from urllib.parse import quote

from tests.support.tokens import AZP, DROP, IAT, ISS, KID, clerk_claims, jwks, rsa_key, sign

PK_TEST = "pk_test_Y2xlcmsuaW5zcGlyZWQucHVtYS03NC5sY2wuZGV2JA"
PK_LIVE = "pk_live_Y2xlcmsuaW5zcGlyZWQucHVtYS03NC5sY2wuZGV2JA"
SID = "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9"
LATER = IAT + 3600          # "clock +1 h": every IAT-based session token is expired then


def suffix(pk: str) -> str:
    from clerk_edge.handshake.context import cookie_suffix
    return cookie_suffix(pk)


@functools.lru_cache(maxsize=None)
def tokens() -> dict:
    other = rsa_key("other")
    impostor = _impostor_key()
    t = {
        "valid": sign(),
        "forged": sign(key=impostor),                    # same kid, wrong key
        "other_kid": sign(key=other),                    # a kid the JWKS does not have
        "nbf_future": sign(clerk_claims(nbf=IAT + 600, exp=IAT + 1200)),
        "iat_future": sign(clerk_claims(iat=IAT + 600, nbf=DROP, exp=IAT + 1200)),
        "no_sub": sign(clerk_claims(sub=DROP)),
        "no_azp": sign(clerk_claims(azp=DROP)),
        "other_iss": sign(clerk_claims(iss="https://clerk.other-app.dev")),
        "pending": sign(clerk_claims(sts="pending")),
        "m2m_cat": sign(headers={"cat": "cl_B7d4PD333AAA"}),
        "template_cat": sign(headers={"cat": "cl_B7d4PD222AAA"}),
        "v1_org": sign(clerk_claims(org_id="org_1", org_slug="acme", org_role="org:admin",
                                    org_permissions=["org:sys:read"])),
        "v2_org": sign(clerk_claims(v=2, o={"id": "org_2", "slg": "beta", "rol": "admin", "per": "read,manage",
                                            "fpm": "2,3"}, fea="o:reservations,u:dashboard,uo:support-chat")),
        "refreshed": sign(clerk_claims(iat=LATER - 5, nbf=LATER - 15, exp=LATER + 55)),
        "m2m_jwt": sign({"sub": "mch_1", "aud": ["mch_2"], "scopes": "read write", "jti": "mt_jti1",
                         "iat": IAT, "exp": IAT + 60, "iss": ISS}, headers={"cat": "cl_B7d4PD333AAA"}),
        "m2m_jwt_nocat": sign({"sub": "mch_1", "aud": ["mch_2"], "iat": IAT, "exp": IAT + 60, "jti": "mt_jti2"}),
        "oauth_jwt": sign({"sub": "user_9", "client_id": "client_1", "scope": "read", "jti": "oat_jti",
                           "iat": IAT, "exp": IAT + 60, "aud": "api"}, typ="at+jwt"),
        "oauth_jwt_app": sign({"sub": "user_9", "client_id": "client_1", "scp": ["a"], "iat": IAT, "exp": IAT + 60},
                              typ="application/at+jwt"),
        "malformed": "test_header_token",
        "garbage3": "aaa.bbb.ccc",
    }
    t["hs_token"] = sign({"handshake": [f"__session={t['valid']}; Path=/; SameSite=Lax",
                                        f"__client_uat={IAT - 10}; Path=/; SameSite=Lax"]})
    t["hs_token_nosession"] = sign({"handshake": ["__client_uat=0; Path=/"]})
    t["hs_token_forged"] = sign({"handshake": [f"__session={t['valid']}; Path=/"]}, key=impostor)
    t["hs_token_other_kid"] = sign({"handshake": [f"__session={t['valid']}; Path=/"]}, key=other)
    return t


@functools.lru_cache(maxsize=None)
def _impostor_key():
    from clerk_edge.testing.signing import generate_rsa_key
    return generate_rsa_key(2048, kid=KID)


def install_routes(server) -> None:
    """Script the loopback Backend API for every prefix the matrix uses."""
    t = tokens()
    body_jwks = jwks()
    for prefix in ("/ok", "/missing", "/unauth", "/boom"):
        server.on("GET", f"{prefix}/v1/jwks", json=body_jwks)
    api_key = {"object": "api_key", "id": "ak_id_1", "type": "api_key", "name": "ci", "subject": "user_42",
               "scopes": ["read"], "claims": {"team": "a"}, "revoked": False, "expired": False}
    m2m = {"object": "machine_to_machine_token", "id": "mt_id_1", "subject": "mch_7", "scopes": ["mch_8"],
           "claims": None, "revoked": False, "expired": False}
    oauth = {"object": "clerk_idp_oauth_access_token", "id": "oat_id_1", "client_id": "client_3", "type": "oauth_token",
             "subject": "user_5", "scopes": ["email"], "revoked": False, "expired": False}
    for path, body in (("/api_keys/verify", api_key), ("/m2m_tokens/verify", m2m),
                       ("/oauth_applications/access_tokens/verify", oauth)):
        server.on("POST", "/ok" + path, json=body)
        server.on("POST", "/missing" + path, status=404,
                  json={"errors": [{"code": "resource_not_found", "message": "not found"}]})
        server.on("POST", "/unauth" + path, status=401,
                  json={"errors": [{"code": "authentication_invalid", "message": "The secret key is invalid"}]})
        server.on("POST", "/boom" + path, status=500, json={"errors": [{"code": "internal", "message": "boom"}]})
    server.on("POST", f"/ok/v1/sessions/{SID}/refresh",
              json={"object": "cookies", "cookies": [f"__session={t['refreshed']}; Path=/; SameSite=Lax",
                                                     f"__client_uat={LATER - 5}; Path=/"]})
    server.on("POST", f"/missing/v1/sessions/{SID}/refresh", status=404,
              json={"errors": [{"code": "resource_not_found", "message": "nope"}]})
    server.on("POST", f"/unauth/v1/sessions/{SID}/refresh", status=400,
              json={"errors": [{"code": "unexpected_error", "message": "x"}]})
    server.on("POST", f"/boom/v1/sessions/{SID}/refresh", status=500, body="oops")
    server.on("GET", "/ok/v1/clients/handshake_payload",
              json={"directives": [f"__session={t['valid']}; Path=/", f"__client_uat={IAT - 10}; Path=/"]})
    server.on("GET", "/missing/v1/clients/handshake_payload", json={"directives": ["__client_uat=0; Path=/"]})
    server.on("GET", "/unauth/v1/clients/handshake_payload", status=401, json={"errors": []})
    server.on("GET", "/boom/v1/clients/handshake_payload", json={"directives": [f"__session={t['forged']}; Path=/"]})


# ---------------------------------------------------------------------------------------------- cases
def _cookie_header(pairs) -> str:
    return "; ".join(f"{k}={v}" for k, v in pairs)


COOKIE_SETS = {
    # name -> (session token key | None, uat, suffixed, refresh, db cookie)
    "none": (None, None, False, False, False),
    "uat0": (None, "0", False, False, False),
    "uat_only": (None, str(IAT - 10), False, False, False),
    "session_only": ("valid", None, False, False, False),
    "valid": ("valid", str(IAT - 10), False, False, False),
    "valid_suffixed": ("valid", str(IAT - 10), True, False, False),
    "valid_refresh": ("valid", str(IAT - 10), True, True, False),
    "iat_before_uat": ("valid", str(IAT + 10), False, False, False),
    "forged": ("forged", str(IAT - 10), False, False, False),
    "other_kid": ("other_kid", str(IAT - 10), False, False, False),
    "nbf_future": ("nbf_future", str(IAT - 10), False, False, False),
    "iat_future": ("iat_future", str(IAT - 10), False, False, False),
    "no_sub": ("no_sub", str(IAT - 10), False, False, False),
    "no_azp": ("no_azp", str(IAT - 10), False, False, False),
    "other_iss": ("other_iss", str(IAT - 10), False, False, False),
    "pending": ("pending", str(IAT - 10), False, False, False),
    "m2m_cat": ("m2m_cat", str(IAT - 10), False, False, False),
    "template_cat": ("template_cat", str(IAT - 10), False, False, False),
    "m2m_jwt_cookie": ("m2m_jwt", str(IAT - 10), False, False, False),
    "malformed": ("malformed", str(IAT - 10), False, False, False),
    "garbage3": ("garbage3", str(IAT - 10), False, False, False),
    "v1_org": ("v1_org", str(IAT - 10), False, False, False),
    "v2_org": ("v2_org", str(IAT - 10), False, False, False),
    "mixed_suffix": ("valid", "0", "mixed", False, False),
}

HEADER_TOKENS = [None, "Bearer valid", "valid", "Basic dXNlcjpwdw==", "Bearer forged", "Bearer other_kid", "Bearer malformed",
                 "Bearer nbf_future", "Bearer m2m_cat", "Bearer template_cat", "Bearer m2m_jwt", "Bearer oauth_jwt",
                 "Bearer ak_live_secret", "Bearer mt_opaque", "Bearer oat_opaque", "Bearer m2m_jwt_nocat",
                 "Bearer oauth_jwt_app", "Bearer garbage3", "Bearer v2_org"]


def _token(name):
    t = tokens()
    return t.get(name, name)


def _cookies(pk: str, set_name: str, *, db: bool, redirect_count, extra=()) -> list:
    session, uat, suffixed, refresh, _ = COOKIE_SETS[set_name]
    sfx = suffix(pk)
    pairs = []
    if suffixed == "mixed":   # suffixed uat 0 + unsuffixed session/uat
        pairs += [(f"__client_uat_{sfx}", "0"), ("__client_uat", str(IAT - 10)), ("__session", _token(session))]
    else:
        name = (lambda n: f"{n}_{sfx}") if suffixed else (lambda n: n)
        if session:
            pairs.append((name("__session"), _token(session)))
        if uat is not None:
            pairs.append((name("__client_uat"), uat))
        if refresh:
            pairs.append((f"__refresh_{sfx}", "refresh-token-value"))
    if db:
        pairs.append(("__clerk_db_jwt", "dbjwt_cookie"))
    if redirect_count is not None:
        pairs.append(("__clerk_redirect_count", str(redirect_count)))
    pairs += list(extra)
    return pairs


DESTS = [("document", None), ("empty", None), (None, "text/html,application/xhtml+xml"), (None, "application/json"),
         ("iframe", None), (None, None)]
QUERIES = ["", "?a=1&b=two%20words", "?__clerk_db_jwt=dbjwt_query", "?__clerk_redirect_url=" + quote("https://sat.dev/x?y=1", safe=""),
           "?__clerk_synced=false", "?__clerk_synced=true", "?__clerk_handshake=HS", "?__clerk_handshake_nonce=n1",
           "?__clerk_handshake=HS_NOSESSION", "?__clerk_handshake=HS_FORGED", "?x=~*'&__dev_session=old"]
SATELLITES = [
    {},
    {"is_satellite": True, "domain": "satellite.dev", "sign_in_url": "https://primary.dev/sign-in"},
    {"is_satellite": True, "domain": "satellite.dev", "sign_in_url": "https://primary.dev/sign-in",
     "satellite_auto_sync": True},
    {"proxy_url": "/__clerk"},
    {"proxy_url": "https://proxy.example.com/__clerk//"},
]
REFERERS = [None, "https://satellite.dev/page", "http://example.com/other", "https://accounts.inspired.puma-74.lcl.dev/x",
            "https://clerk.inspired.puma-74.lcl.dev/", "https://foo-bar-13.accounts.dev/x", "not a url"]
ACCEPTS = [None, "any", "api_key", "m2m_token", "oauth_token", ["session_token", "api_key"], ["m2m_token"]]
PREFIXES = ["/ok", "/missing", "/unauth", "/boom"]
ORG_SYNC = [None, {"organization_patterns": ["/orgs/:slug", "/orgs/:slug/(.*)", "/o/:id"],
                   "personal_account_patterns": ["/me", "/me/(.*)"]}]
PATHS = ["/path", "/orgs/acme/settings", "/orgs/beta", "/o/org_1", "/me", "/"]


def _case(cid, *, pk, method="GET", dest="document", accept=None, cookie_set="none", db=False, header=None,
          query="", path="/path", sat=None, referer=None, accepts=None, prefix="/ok", later=False, redirect_count=None,
          org_sync=None, host="example.com", url_host="clerk.com", extra_headers=(), extra_options=None,
          authorized_parties=None):
    query = (query.replace("HS_NOSESSION", tokens()["hs_token_nosession"])
             .replace("HS_FORGED", tokens()["hs_token_forged"]).replace("HS_OTHERKID", tokens()["hs_token_other_kid"]).replace("=HS", "=" + tokens()["hs_token"]))
    headers = [["host", host], ["user-agent", "Mozilla/TestAgent"]]
    if dest:
        headers.append(["sec-fetch-dest", dest])
    if accept:
        headers.append(["accept", accept])
    if referer:
        headers.append(["referer", referer])
    if header:
        scheme, _, name = header.partition(" ")
        headers.append(["authorization", f"{scheme} {_token(name)}" if name else _token(scheme)])
    cookies = _cookies(pk, cookie_set, db=db, redirect_count=redirect_count)
    if cookies:
        headers.append(["cookie", _cookie_header(cookies)])
    headers += [list(h) for h in extra_headers]
    options = {"publishable_key": pk, "secret_key": "sk_test_deadbeef" if pk == PK_TEST else "sk_live_deadbeef",
               "api_url": prefix, "skip_jwks_cache": True}
    options.update(sat or {})
    if accepts is not None:
        options["accepts_token"] = accepts
    if org_sync:
        options["organization_sync_options"] = org_sync
    if authorized_parties:
        options["authorized_parties"] = authorized_parties
    options.update(extra_options or {})
    return {"id": cid, "method": method, "url": f"http://{url_host}{path}{query}", "headers": headers,
            "options": options, "now": LATER if later else IAT}


def targeted_cases() -> list:
    """The B.9 current matrix and checklist items 25–50, one case each (ids are descriptive)."""
    L, T = PK_LIVE, PK_TEST
    c = [
        _case("b9-header-schemeless", pk=L, header="valid"),
        _case("b9-header-basic", pk=L, header="Basic dXNlcjpwdw=="),
        _case("b9-header-valid", pk=L, header="Bearer valid"),
        _case("b9-header-azp-mismatch", pk=L, header="Bearer valid", authorized_parties=["whatever"]),
        _case("b9-header-expired", pk=L, header="Bearer valid", later=True),
        _case("b9-header-bad-signature", pk=L, header="Bearer forged"),
        _case("b9-header-malformed", pk=L, header="Bearer malformed"),
        _case("b9-sat-uat0-autosync-dev", pk=T, cookie_set="uat0", db=True, sat=SATELLITES[2]),
        _case("b9-sat-prod-nonbrowser", pk=L, dest="empty", sat=SATELLITES[1]),
        _case("b9-sat-dev-synced-dbjwt", pk=T, query="?__clerk_synced=true&__clerk_db_jwt=dbq", sat=SATELLITES[1]),
        _case("b9-sat-just-synced-no-cookies", pk=L, query="?__clerk_synced=true", sat=SATELLITES[1]),
        _case("b9-sat-no-autosync-prod", pk=L, sat=SATELLITES[1]),
        _case("b9-sat-no-autosync-dev", pk=T, sat=SATELLITES[1]),
        _case("b9-sat-needs-sync-prod", pk=L, query="?__clerk_synced=false", sat=SATELLITES[1]),
        _case("b9-sat-needs-sync-dev", pk=T, query="?__clerk_synced=false", sat=SATELLITES[1]),
        _case("b9-sat-loop", pk=L, query="?__clerk_synced=false", sat=SATELLITES[1], redirect_count=3),
        _case("b9-primary-responds", pk=T, query=QUERIES[3] + "&__clerk_db_jwt=dbq", db=True),
        _case("b9-prod-no-cookies", pk=L),
        _case("b9-dev-session-no-db", pk=T, cookie_set="session_only"),
        _case("b9-dev-no-cookies", pk=T),
        _case("b9-dev-db-session-no-uat", pk=T, cookie_set="session_only", db=True),
        _case("b9-sat-valid-nonbrowser", pk=L, cookie_set="valid", dest="empty", sat=SATELLITES[1]),
        _case("b9-prod-uat-no-session", pk=L, cookie_set="uat_only"),
        _case("b9-prod-uat0", pk=L, cookie_set="uat0"),
        _case("b9-iat-before-uat", pk=L, cookie_set="iat_before_uat"),
        _case("b9-no-sub", pk=L, cookie_set="no_sub"),
        _case("b9-valid-cookie", pk=L, cookie_set="valid"),
        _case("b9-m2m-cat-cookie", pk=L, cookie_set="m2m_cat"),
        _case("b9-template-cat-cookie", pk=L, cookie_set="template_cat"),
        _case("b9-cookie-expired", pk=L, cookie_set="valid", later=True),
        _case("b9-cloudfront-ua", pk=L, cookie_set="valid", extra_headers=[("user-agent", "Amazon CloudFront")]),
        _case("b9-refresh-ok", pk=L, cookie_set="valid_refresh", later=True),
        _case("b9-refresh-404", pk=L, cookie_set="valid_refresh", later=True, prefix="/missing"),
        _case("b9-refresh-fetch-error-code", pk=L, cookie_set="valid_refresh", later=True, prefix="/unauth"),
        _case("b9-refresh-bapi-500", pk=L, cookie_set="valid_refresh", later=True, prefix="/boom"),
        _case("b9-refresh-not-expired", pk=L, cookie_set="valid_refresh"),
        _case("b9-refresh-post", pk=L, cookie_set="valid_refresh", later=True, method="POST"),
        _case("b9-api-key-valid", pk=L, header="Bearer ak_live_secret", accepts="api_key"),
        _case("b9-m2m-opaque-valid", pk=L, header="Bearer mt_opaque", accepts="m2m_token"),
        _case("b9-oauth-opaque-valid", pk=L, header="Bearer oat_opaque", accepts="oauth_token"),
        _case("b9-m2m-jwt-valid", pk=L, header="Bearer m2m_jwt", accepts="m2m_token"),
        _case("b9-oauth-jwt-valid", pk=L, header="Bearer oauth_jwt", accepts="oauth_token"),
        _case("b9-api-key-404", pk=L, header="Bearer ak_live_secret", accepts="api_key", prefix="/missing"),
        _case("b9-m2m-404", pk=L, header="Bearer mt_opaque", accepts="m2m_token", prefix="/missing"),
        _case("b9-oauth-404", pk=L, header="Bearer oat_opaque", accepts="oauth_token", prefix="/missing"),
        _case("b9-api-key-401", pk=L, header="Bearer ak_live_secret", accepts="api_key", prefix="/unauth"),
        _case("b9-api-key-500", pk=L, header="Bearer ak_live_secret", accepts="api_key", prefix="/boom"),
        _case("b9-m2m-machine-secret", pk=L, header="Bearer mt_opaque", accepts="m2m_token",
              extra_options={"machine_secret_key": "ak_machine_secret", "secret_key": None}),
        _case("b9-m2m-no-keys", pk=L, header="Bearer mt_opaque", accepts="m2m_token", extra_options={"secret_key": None}),
        _case("b9-type-mismatch-apikey-vs-oauth", pk=L, header="Bearer ak_live_secret", accepts="oauth_token"),
        _case("b9-array-without-type", pk=L, header="Bearer ak_live_secret", accepts=["m2m_token"]),
        _case("b9-machine-in-cookie", pk=L, cookie_set="valid", accepts="api_key"),
        _case("b9-cross-origin", pk=L, cookie_set="valid", referer="https://satellite.dev/page"),
        _case("b9-same-origin", pk=L, cookie_set="valid", referer="http://example.com/other"),
        _case("b9-cross-origin-post", pk=L, cookie_set="valid", referer="https://satellite.dev/page", method="POST"),
        _case("b9-cross-origin-empty", pk=L, cookie_set="valid", referer="https://satellite.dev/page", dest="empty"),
        _case("b9-referer-invalid", pk=L, cookie_set="valid", referer="not a url"),
        _case("b9-referer-fapi", pk=L, cookie_set="valid", referer="https://clerk.inspired.puma-74.lcl.dev/"),
        _case("b9-referer-accounts", pk=L, cookie_set="valid", referer="https://accounts.inspired.puma-74.lcl.dev/x"),
        _case("b9-referer-devportal-dev", pk=T, cookie_set="valid", db=True, referer="https://foo-bar-13.accounts.dev/x"),
        _case("b9-referer-devportal-prod", pk=L, cookie_set="valid", referer="https://foo-bar-13.accounts.dev/x"),
        _case("b9-referer-unrelated-accounts", pk=L, cookie_set="valid", referer="https://accounts.other.dev/x"),
        _case("b9-post-uat-no-session", pk=L, cookie_set="uat_only", method="POST"),
        _case("b9-post-sat-sync", pk=L, query="?__clerk_synced=false", sat=SATELLITES[1], method="POST"),
        _case("b9-post-iat-before-uat", pk=L, cookie_set="iat_before_uat", method="POST"),
        _case("c31-accept-html", pk=L, cookie_set="uat_only", dest=None, accept="text/html"),
        _case("c31-accept-json", pk=L, cookie_set="uat_only", dest=None, accept="application/json"),
        _case("c32-loop", pk=L, cookie_set="uat_only", redirect_count=3),
        _case("c32-counter-2", pk=L, cookie_set="uat_only", redirect_count=2),
        _case("c34-dev-browser-sync", pk=T, query="?__clerk_db_jwt=dbq", cookie_set="valid"),
        _case("c35-expired-post", pk=L, cookie_set="valid", later=True, method="POST"),
        _case("c35-header-expired-post", pk=L, header="Bearer valid", later=True, method="POST"),
        _case("c36-nbf", pk=L, cookie_set="nbf_future"),
        _case("c36-iat-future", pk=L, cookie_set="iat_future"),
        _case("c42-header-oauth-default", pk=L, header="Bearer oauth_jwt"),
        _case("c42-header-m2m-default", pk=L, header="Bearer m2m_jwt"),
        _case("c45-handshake-token-prod", pk=L, query="?__clerk_handshake=HS"),
        _case("c45-handshake-token-dev", pk=T, query="?__clerk_handshake=HS"),
        _case("c45-handshake-nonce-prod", pk=L, query="?__clerk_handshake_nonce=n1"),
        _case("c45-handshake-nonce-dev", pk=T, query="?__clerk_handshake_nonce=n1&__clerk_db_jwt=d&keep=1"),
        _case("c45-handshake-no-session", pk=L, query="?__clerk_handshake=HS_NOSESSION"),
        _case("c45-handshake-nonce-no-session", pk=T, query="?__clerk_handshake_nonce=n1", prefix="/missing"),
        _case("c45-handshake-forged-prod", pk=L, query="?__clerk_handshake=HS_FORGED", cookie_set="valid"),
        _case("c45-handshake-forged-dev", pk=T, query="?__clerk_handshake=HS_FORGED"),
        _case("c45-handshake-other-kid-prod", pk=L, query="?__clerk_handshake=HS_OTHERKID"),
        _case("c45-handshake-other-kid-dev", pk=T, query="?__clerk_handshake=HS_OTHERKID"),
        _case("c45-handshake-nonce-401", pk=L, query="?__clerk_handshake_nonce=n1", prefix="/unauth"),
        _case("c45-handshake-nonce-forged-session", pk=L, query="?__clerk_handshake_nonce=n1", prefix="/boom"),
        _case("c45-handshake-dev-expired-skew", pk=T, query="?__clerk_handshake=HS", later=True),
        _case("org-sync-slug-mismatch", pk=L, cookie_set="v1_org", path="/orgs/other", org_sync=ORG_SYNC[1]),
        _case("org-sync-slug-match", pk=L, cookie_set="v1_org", path="/orgs/acme/settings", org_sync=ORG_SYNC[1]),
        _case("org-sync-id-mismatch", pk=L, cookie_set="v2_org", path="/o/org_1", org_sync=ORG_SYNC[1]),
        _case("org-sync-personal", pk=L, cookie_set="v1_org", path="/me", org_sync=ORG_SYNC[1]),
        _case("org-sync-loop", pk=L, cookie_set="v1_org", path="/orgs/other", org_sync=ORG_SYNC[1], redirect_count=3),
        _case("proxy-relative", pk=L, cookie_set="uat_only", sat={"proxy_url": "/__clerk"}),
        _case("proxy-absolute-slashes", pk=L, cookie_set="uat_only", sat={"proxy_url": "https://proxy.example.com/__clerk//"}),
        _case("forwarded-headers", pk=L, cookie_set="uat_only",
              extra_headers=[("x-forwarded-proto", "https, http"), ("x-forwarded-host", "app.example.org, internal")]),
        _case("forwarded-host-port", pk=L, cookie_set="uat_only", host="example.com:443",
              extra_headers=[("x-forwarded-proto", "https")]),
        _case("redirect-url-cleanup", pk=T, cookie_set="valid", query="?x=~*'&__dev_session=old", db=True, later=True),
        _case("mixed-suffix", pk=L, cookie_set="mixed_suffix"),
        _case("suffixed-valid", pk=L, cookie_set="valid_suffixed"),
        _case("other-iss-suffix", pk=L, cookie_set="other_iss"),
        _case("pending-session", pk=L, cookie_set="pending"),
        _case("no-azp-cookie", pk=L, cookie_set="no_azp"),
        _case("missing-secret", pk=L, extra_options={"secret_key": None}),
        _case("missing-pk", pk=L, extra_options={"publishable_key": None}),
        _case("invalid-pk", pk=L, extra_options={"publishable_key": "pk_live_bm90LWEta2V5"}),
        _case("sat-missing-domain", pk=L, sat={"is_satellite": True, "sign_in_url": "https://primary.dev/sign-in"}),
        _case("sat-dev-missing-signin", pk=T, sat={"is_satellite": True, "domain": "s.dev"}),
        _case("sat-signin-same-origin", pk=L, sat=SATELLITES[1], extra_headers=[("origin", "https://primary.dev")]),
        _case("any-session", pk=L, header="Bearer valid", accepts="any"),
        _case("any-m2m-cat", pk=L, header="Bearer m2m_cat", accepts="any"),
        _case("any-api-key", pk=L, header="Bearer ak_live_secret", accepts="any"),
        _case("array-session", pk=L, header="Bearer valid", accepts=["session_token", "api_key"]),
        _case("array-no-header", pk=L, cookie_set="valid", accepts=["session_token", "api_key"]),
        _case("m2m-jwt-nocat", pk=L, header="Bearer m2m_jwt_nocat", accepts="m2m_token"),
        _case("oauth-jwt-app", pk=L, header="Bearer oauth_jwt_app", accepts="oauth_token"),
        _case("oauth-jwt-audience-mismatch", pk=L, header="Bearer oauth_jwt", accepts="oauth_token",
              extra_options={"audience": "other"}),
        _case("machine-garbage-jwt", pk=L, header="Bearer garbage3", accepts="m2m_token"),
        _case("machine-session-jwt-any", pk=L, header="Bearer v2_org", accepts="oauth_token"),
        _case("api-key-no-pk", pk=L, header="Bearer ak_live_secret", accepts="api_key",
              extra_options={"publishable_key": None}),
    ]
    return c


def edge_cases() -> list:
    """Odd but legal inputs: cookie/URL/header parsing corners and hostile query parameters."""
    L, T = PK_LIVE, PK_TEST
    v = tokens()["valid"]
    raw = lambda cid, cookie, **kw: _case(cid, pk=kw.pop("pk", L), extra_headers=[("cookie", cookie)], **kw)
    return [
        raw("edge-uat-trailing-garbage", "__client_uat=12abc"),
        raw("edge-uat-leading-space", "__client_uat= 7"),
        raw("edge-uat-negative", "__client_uat=-5"),
        raw("edge-uat-float", f"__session={v}; __client_uat={IAT - 10}.9"),
        raw("edge-uat-huge", f"__session={v}; __client_uat=99999999999999999999"),
        raw("edge-duplicate-cookie-first-wins", f"__client_uat=0; __client_uat=5"),
        raw("edge-quoted-cookie", f'__session="{v}"; __client_uat="{IAT - 10}"'),
        raw("edge-encoded-cookie", "__client_uat=%31%32"),
        raw("edge-redirect-count-text", "__client_uat=5; __clerk_redirect_count=abc"),
        raw("edge-redirect-count-float", "__client_uat=5; __clerk_redirect_count=3.0"),
        raw("edge-redirect-count-space", "__client_uat=5; __clerk_redirect_count= 3 "),
        raw("edge-redirect-count-hex", "__client_uat=5; __clerk_redirect_count=0x3"),
        raw("edge-empty-session", "__session=; __client_uat=5"),
        _case("edge-bearer-extra-parts", pk=L, extra_headers=[("authorization", f"Bearer {v} extra")]),
        _case("edge-bearer-lowercase", pk=L, extra_headers=[("authorization", f"bearer {v}")]),
        _case("edge-bearer-empty", pk=L, extra_headers=[("authorization", "Bearer ")]),
        _case("edge-bearer-double-space", pk=L, extra_headers=[("authorization", f"Bearer  {v}")]),
        _case("edge-upper-host", pk=L, cookie_set="uat_only", host="Example.COM"),
        _case("edge-default-port", pk=L, cookie_set="uat_only", host="example.com:80"),
        _case("edge-odd-port", pk=L, cookie_set="uat_only", host="example.com:8080"),
        _case("edge-path-space", pk=L, cookie_set="uat_only", path="/a%20b/c"),
        _case("edge-query-plus", pk=L, cookie_set="uat_only", query="?q=a+b&r=%2B&s"),
        _case("edge-query-unicode", pk=L, cookie_set="uat_only", query="?n=%C3%A9t%C3%A9"),
        _case("edge-query-empty-pairs", pk=T, cookie_set="valid", db=True, query="?&&a=1&&__clerk_db_jwt=x&"),
        _case("edge-redirect-url-invalid", pk=T, db=True, query="?__clerk_redirect_url=not%20a%20url"),
        _case("edge-redirect-url-empty", pk=T, db=True, query="?__clerk_redirect_url="),
        _case("edge-redirect-url-has-synced", pk=T, db=True,
              query="?__clerk_redirect_url=" + quote("https://s.dev/p?__clerk_synced=false&__clerk_synced=x&z=1", safe="")),
        _case("edge-sat-dev-no-signin-live-secret", pk=T, query="?__clerk_synced=false",
              sat={"is_satellite": True, "domain": "s.dev"}, extra_options={"secret_key": "sk_live_x"}),
        _case("edge-sat-signin-relative", pk=L, sat={"is_satellite": True, "domain": "s.dev", "sign_in_url": "/sign-in"},
              extra_headers=[("origin", "https://s.dev")]),
        _case("edge-forwarded-proto-only", pk=L, cookie_set="uat_only", extra_headers=[("x-forwarded-proto", "https")]),
        _case("edge-cloudfront-proto", pk=L, cookie_set="uat_only",
              extra_headers=[("cloudfront-forwarded-proto", "https")]),
        _case("edge-handshake-garbage-token", pk=L, query="?__clerk_handshake=abc"),
        _case("edge-handshake-garbage-token-dev", pk=T, query="?__clerk_handshake=abc"),
        _case("edge-handshake-cookie", pk=L, extra_headers=[("cookie", "__clerk_handshake=" + tokens()["hs_token"])]),
        _case("edge-nonce-cookie", pk=L, extra_headers=[("cookie", "__clerk_handshake_nonce=n1")]),
        _case("edge-accepts-unknown", pk=L, header="Bearer valid", accepts="bogus_token"),
        _case("edge-accepts-empty-list", pk=L, header="Bearer valid", accepts=[]),
    ]


def random_cases(n: int, seed: int = 325) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        pk = rng.choice([PK_LIVE, PK_TEST])
        dest, accept = rng.choice(DESTS)
        header = rng.choice(HEADER_TOKENS) if rng.random() < 0.35 else None
        sat = rng.choice(SATELLITES) if rng.random() < 0.3 else {}
        out.append(_case(
            f"gen-{i:03d}", pk=pk, method=rng.choice(["GET", "GET", "GET", "POST", "PUT"]), dest=dest, accept=accept,
            cookie_set=rng.choice(list(COOKIE_SETS)), db=rng.random() < 0.5, header=header,
            query=rng.choice(QUERIES) if rng.random() < 0.4 else "",
            path=rng.choice(PATHS), sat=sat, referer=rng.choice(REFERERS) if rng.random() < 0.3 else None,
            accepts=rng.choice(ACCEPTS) if header and rng.random() < 0.5 else None,
            prefix=rng.choice(PREFIXES) if rng.random() < 0.3 else "/ok",
            later=rng.random() < 0.25, redirect_count=rng.choice([None, None, 1, 3]),
            org_sync=rng.choice(ORG_SYNC)))
    return out


def browser_cases(n: int, seed: int = 2503) -> list:
    """Browser navigations (GET document, dev browser present): where handshakes happen."""
    rng = random.Random(seed)
    out = []
    names = list(COOKIE_SETS)
    for i in range(n):
        pk = rng.choice([PK_LIVE, PK_TEST])
        out.append(_case(
            f"nav-{i:03d}", pk=pk, dest=rng.choice(["document", "document", "iframe"]), cookie_set=names[i % len(names)],
            db=rng.random() < 0.85, query=rng.choice(QUERIES) if rng.random() < 0.5 else "",
            path=rng.choice(PATHS), sat=rng.choice(SATELLITES) if rng.random() < 0.4 else {},
            referer=rng.choice(REFERERS) if rng.random() < 0.4 else None, prefix=rng.choice(PREFIXES),
            later=rng.random() < 0.35, redirect_count=rng.choice([None, 0, 1, 2, 3]), org_sync=rng.choice(ORG_SYNC)))
    return out


def all_cases(n_random: int = 330, n_browser: int = 180) -> list:
    return targeted_cases() + edge_cases() + random_cases(n_random) + browser_cases(n_browser)
