"""LocalClerk over real loopback HTTP: Backend API routes, Frontend API handshake, keys, minting, cookies, webhooks."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

pytestmark = pytest.mark.no_pyodide(reason="LocalClerk listens on a loopback socket")

import clerk_edge.sync as ce
from clerk_edge import TokenVerificationError, decode_jwt

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ---------------------------------------------------------------- keys and URLs
def test_publishable_key_encodes_frontend_api(local_clerk):
    pk = local_clerk.publishable_key
    assert pk.startswith("pk_test_") and pk.count("_") == 2
    encoded = pk.split("_")[2]
    decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    assert decoded == f"127.0.0.1:{local_clerk.port}$"
    assert local_clerk.secret_key.startswith("sk_test_") and len(local_clerk.secret_key) > 30
    assert local_clerk.secret_key not in repr(local_clerk)


def test_secret_keys_are_random_per_instance(local_clerk):
    from clerk_edge.testing.instance import LocalClerk
    other = LocalClerk(key=local_clerk.key)  # not started: no port, but the secret exists
    assert other.secret_key != local_clerk.secret_key
    with pytest.raises(RuntimeError, match="not running"):
        other.api_url


def test_cookie_suffix_matches_clerk_vectors():
    # vectors from the behaviour notes (B.4), computed by @clerk/shared
    from clerk_edge.testing.instance import cookie_suffix
    assert cookie_suffix("pk_live_Y2xlcmsuY2xlcmsuZGV2JA") == "1Z8AzTQD"
    assert cookie_suffix("pk_test_Y2xlcmsuY2xlcmsuZGV2JA") == "QvfNY2dr"


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_publishable_key_parses_in_clerk_shared(local_clerk):
    """Clerk's own JS parses our publishable key to the same frontend API and cookie suffix."""
    script = (
        "const k=require('@clerk/shared/keys');"
        "(async()=>{const pk=process.argv[1];"
        "const p=k.parsePublishableKey(pk,{fatal:true});"
        "const s=await k.getCookieSuffix(pk);"
        "console.log(JSON.stringify({p,s}))})()"
    )
    out = subprocess.run(["node", "-e", script, local_clerk.publishable_key], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["p"] == {"instanceType": "development", "frontendApi": local_clerk.frontend_api}
    assert res["s"] == local_clerk.cookie_suffix


def test_production_instance_keys():
    from clerk_edge.testing.instance import LocalClerk
    with LocalClerk(instance_type="production", frontend_api="clerk.example.test") as c:
        assert c.publishable_key.startswith("pk_live_") and c.secret_key.startswith("sk_live_")
        assert c.issuer == "https://clerk.example.test"
        assert "__clerk_db_jwt" not in c.cookies_for(c.mint_session_token())
        assert c.loopback_url("https://clerk.example.test/v1/client/handshake?x=1") == f"{c.api_url}/v1/client/handshake?x=1"
    with pytest.raises(ValueError):
        LocalClerk(instance_type="staging")


# ---------------------------------------------------------------- Backend API
def test_jwks_routes_and_secret_key_check(local_clerk, bapi):
    status, body, _ = bapi.call("GET", "/v1/jwks")
    assert status == 200 and body["keys"][0]["kid"] == local_clerk.kid and body["keys"][0]["kty"] == "RSA"
    status, fapi, _ = bapi.call("GET", "/.well-known/jwks.json", key=None)
    assert status == 200 and fapi == body
    for key in (None, "sk_test_wrong", local_clerk.secret_key + "x"):
        status, err, _ = bapi.call("GET", "/v1/jwks", key=key)
        assert status == 401 and err["errors"][0]["code"] == "clerk_key_invalid"


def test_users_crud(bapi):
    status, user, _ = bapi.call("POST", "/v1/users", {"email_address": ["grace@example.com"], "first_name": "Grace",
                                                     "public_metadata": {"plan": "pro"}})
    assert status == 200 and user["id"].startswith("user_") and user["object"] == "user"
    assert user["email_addresses"][0]["email_address"] == "grace@example.com"
    assert user["primary_email_address_id"] == user["email_addresses"][0]["id"]
    assert user["public_metadata"] == {"plan": "pro"}
    status, err, _ = bapi.call("POST", "/v1/users", {"email_address": ["grace@example.com"]})
    assert status == 422 and err["errors"][0]["code"] == "form_identifier_exists"
    status, got, _ = bapi.call("GET", f"/v1/users/{user['id']}")
    assert status == 200 and got == user
    status, found, _ = bapi.call("GET", "/v1/users?email_address=grace@example.com")
    assert [u["id"] for u in found] == [user["id"]]
    status, count, _ = bapi.call("GET", "/v1/users/count")
    assert count["object"] == "total_count" and count["total_count"] >= 1
    status, deleted, _ = bapi.call("DELETE", f"/v1/users/{user['id']}")
    assert status == 200 and deleted == {"object": "user", "id": user["id"], "deleted": True}
    status, err, _ = bapi.call("GET", f"/v1/users/{user['id']}")
    assert status == 404 and err["errors"][0]["code"] == "resource_not_found"


def test_invalid_json_body_is_a_400(local_clerk):
    import urllib.error
    import urllib.request
    req = urllib.request.Request(local_clerk.api_url + "/v1/users", method="POST", data=b"{not json",
                                 headers={"Authorization": "Bearer " + local_clerk.secret_key})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=10)
    assert exc.value.code == 400 and json.loads(exc.value.read())["errors"][0]["code"] == "request_body_invalid"


def test_sessions_tokens_templates_and_revoke(local_clerk, bapi):
    local_clerk.jwt_templates["supabase"] = {"role": "authenticated", "aud": "supabase"}
    user = local_clerk.create_user(email_address="s@example.com")
    status, session, _ = bapi.call("POST", "/v1/sessions", {"user_id": user["id"]})
    assert status == 200 and session["status"] == "active" and session["user_id"] == user["id"]
    assert "_refresh_token" not in session
    status, got, _ = bapi.call("GET", f"/v1/sessions/{session['id']}")
    assert got["id"] == session["id"]
    status, listed, _ = bapi.call("GET", f"/v1/sessions?user_id={user['id']}")
    assert [s["id"] for s in listed] == [session["id"]]

    status, tok, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/tokens", {"expires_in_seconds": 120})
    assert status == 200 and tok["object"] == "token"
    claims = decode_jwt(tok["jwt"]).payload
    assert claims["sid"] == session["id"] and claims["sub"] == user["id"] and claims["exp"] - claims["iat"] == 120
    status, tok, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/tokens/supabase", {})
    claims = decode_jwt(tok["jwt"]).payload
    assert claims["role"] == "authenticated" and claims["aud"] == "supabase"
    status, err, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/tokens/missing", {})
    assert status == 404
    status, err, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/tokens", {"expires_in_seconds": -1})
    assert status == 422

    status, revoked, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/revoke", {})
    assert status == 200 and revoked["status"] == "revoked"
    status, err, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/tokens", {})
    assert status == 400 and err["errors"][0]["code"] == "session_not_active"
    status, err, _ = bapi.call("GET", "/v1/sessions/sess_nope")
    assert status == 404


def test_session_refresh_cookie_format(local_clerk, bapi):
    session = local_clerk.create_session()
    refresh = local_clerk.refresh_token_for(session["id"])
    status, body, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/refresh?suffixed_cookies=true",
                                {"format": "cookie", "refresh_token": refresh, "expired_token": "x",
                                 "request_origin": "http://app.test"})
    assert status == 200 and body["object"] == "cookies"
    names = [c.split("=", 1)[0] for c in body["cookies"]]
    sfx = local_clerk.cookie_suffix
    assert {"__session", f"__session_{sfx}", "__client_uat", f"__client_uat_{sfx}"} <= set(names)
    token = [c for c in body["cookies"] if c.startswith("__session=")][0].split(";")[0].split("=", 1)[1]
    assert decode_jwt(token).payload["azp"] == "http://app.test"
    status, err, _ = bapi.call("POST", f"/v1/sessions/{session['id']}/refresh", {"refresh_token": "wrong"})
    assert status == 400 and err["errors"][0]["code"] == "refresh_token_invalid"


def test_clients_verify(local_clerk, bapi):
    session = local_clerk.create_session()
    token = local_clerk.mint_session_token(session_id=session["id"])
    status, client, _ = bapi.call("POST", "/v1/clients/verify", {"token": token})
    assert status == 200 and client["object"] == "client" and client["id"] == session["client_id"]
    assert [s["id"] for s in client["sessions"]] == [session["id"]]
    status, same, _ = bapi.call("GET", f"/v1/clients/{client['id']}")
    assert same["id"] == client["id"]
    for bad in (local_clerk.mint_session_token(forged=True), "junk"):
        status, err, _ = bapi.call("POST", "/v1/clients/verify", {"token": bad})
        assert status == 400
    status, err, _ = bapi.call("POST", "/v1/clients/verify", {"token": local_clerk.mint_session_token(expired=True)})
    assert status == 401


def test_unknown_routes_and_methods(bapi):
    assert bapi.call("GET", "/v1/nope")[0] == 404
    assert bapi.call("GET", "/nope", key=None)[0] == 404
    assert bapi.call("PATCH", "/v1/users", {})[0] == 405


# ---------------------------------------------------------------- Frontend API handshake
def _handshake(bapi, local_clerk, **params):
    q = {"redirect_url": "http://app.test/dashboard?tab=1", "__clerk_api_version": "2026-05-12",
         "suffixed_cookies": "false", "__clerk_hs_reason": "session-token-expired", "format": "nonce"}
    q.update(params)
    return bapi.call("GET", "/v1/client/handshake?" + urlencode(q), key=None)


def test_handshake_nonce_round_trip(local_clerk, bapi):
    session = local_clerk.sign_in()
    status, _, headers = _handshake(bapi, local_clerk)
    assert status == 307
    loc = urlsplit(headers["Location"])
    assert (loc.scheme, loc.netloc, loc.path) == ("http", "app.test", "/dashboard")
    q = parse_qs(loc.query)
    assert q["tab"] == ["1"] and len(q["__clerk_handshake_nonce"]) == 1
    nonce = q["__clerk_handshake_nonce"][0]
    status, payload, _ = bapi.call("GET", "/v1/clients/handshake_payload?nonce=" + nonce)
    assert status == 200
    directives = payload["directives"]
    session_cookie = [d for d in directives if d.startswith("__session=")][0]
    token = session_cookie.split(";")[0].split("=", 1)[1]
    claims = ce.verify_token(token, jwt_key=local_clerk.jwt_key)
    assert claims["sid"] == session["id"] and claims["azp"] == "http://app.test"
    uat = [d for d in directives if d.startswith("__client_uat=")][0].split(";")[0].split("=", 1)[1]
    assert int(uat) == claims["iat"]
    assert any(d.startswith("__clerk_db_jwt=" + local_clerk.dev_browser_token) for d in directives)
    # a nonce is single-use
    assert bapi.call("GET", "/v1/clients/handshake_payload?nonce=" + nonce)[0] == 404
    local_clerk.sign_out()


def test_handshake_token_format_and_signed_out(local_clerk, bapi):
    local_clerk.sign_out()
    status, _, headers = _handshake(bapi, local_clerk, format="token", suffixed_cookies="true")
    assert status == 307
    hs = parse_qs(urlsplit(headers["Location"]).query)["__clerk_handshake"][0]
    assert ce.has_valid_signature(hs, local_clerk.jwt_key) is True
    claims = decode_jwt(hs).payload
    sfx = local_clerk.cookie_suffix
    names = {d.split("=", 1)[0]: d for d in claims["handshake"]}
    assert "Max-Age=0" in names["__session"] and "Max-Age=0" in names[f"__session_{sfx}"]
    assert names[f"__client_uat_{sfx}"].startswith(f"__client_uat_{sfx}=0;")


def test_handshake_refreshes_the_session_in_the_token(local_clerk, bapi):
    session = local_clerk.create_session()
    expired = local_clerk.mint_session_token(session_id=session["id"], expired=True)
    status, _, headers = _handshake(bapi, local_clerk, __session=expired)
    nonce = parse_qs(urlsplit(headers["Location"]).query)["__clerk_handshake_nonce"][0]
    directives = bapi.call("GET", "/v1/clients/handshake_payload?nonce=" + nonce)[1]["directives"]
    token = [d for d in directives if d.startswith("__session=")][0].split(";")[0].split("=", 1)[1]
    assert ce.verify_token(token, jwt_key=local_clerk.jwt_key)["sid"] == session["id"]
    # a revoked session gets signed-out directives
    local_clerk.revoke_session(session["id"])
    status, _, headers = _handshake(bapi, local_clerk, __session=expired)
    nonce = parse_qs(urlsplit(headers["Location"]).query)["__clerk_handshake_nonce"][0]
    directives = bapi.call("GET", "/v1/clients/handshake_payload?nonce=" + nonce)[1]["directives"]
    assert any(d.startswith("__session=;") for d in directives)


def test_handshake_rejects_bad_redirect_url(bapi, local_clerk):
    assert _handshake(bapi, local_clerk, redirect_url="javascript:alert(1)")[0] == 400
    assert _handshake(bapi, local_clerk, redirect_url="")[0] == 400


# ---------------------------------------------------------------- minting + verify_token against the JWKS
def test_minted_tokens_verify_against_local_jwks(local_clerk):
    token = local_clerk.mint_session_token(user_id="user_abc", azp="http://localhost:3000")
    claims = ce.verify_token(token, secret_key=local_clerk.secret_key, api_url=local_clerk.api_url,
                             authorized_parties=["http://localhost:3000"])
    assert claims["sub"] == "user_abc" and claims["iss"] == local_clerk.issuer
    assert claims["sid"] in local_clerk.sessions
    assert ce.verify_token(token, jwt_key=local_clerk.jwt_key)["sub"] == "user_abc"


@pytest.mark.parametrize("kwargs, reason", [
    ({"expired": True}, "token-expired"),
    ({"forged": True}, "token-invalid-signature"),
    ({"kid": "ins_unknown"}, "jwk-kid-mismatch"),
    ({"azp": "https://evil.test"}, "token-invalid-authorized-parties"),
    ({"not_before": time.time() + 3600}, "token-not-active-yet"),
])
def test_minted_bad_tokens_fail_with_clerk_reasons(local_clerk, kwargs, reason):
    token = local_clerk.mint_session_token(user_id="user_abc", **kwargs)
    with pytest.raises(TokenVerificationError) as exc:
        ce.verify_token(token, secret_key=local_clerk.secret_key, api_url=local_clerk.api_url,
                        authorized_parties=["http://localhost:3000"])
    assert exc.value.reason == reason


def test_mint_claim_shapes(local_clerk):
    t = local_clerk.mint_session_token(user_id="user_1", org={"id": "org_1", "slug": "acme", "role": "org:admin",
                                                              "permissions": ["org:billing:read"]},
                                       actor={"sub": "user_admin"}, azp=None, expires_in=300, issued_at=1_700_000_000,
                                       extra_claims={"email": "a@b.c", "fva": None})
    c = decode_jwt(t).payload
    assert c["org_id"] == "org_1" and c["org_slug"] == "acme" and c["org_role"] == "org:admin"
    assert c["org_permissions"] == ["org:billing:read"] and c["act"] == {"sub": "user_admin"}
    assert "azp" not in c and "fva" not in c and c["email"] == "a@b.c"
    assert (c["iat"], c["exp"], c["nbf"]) == (1_700_000_000, 1_700_000_300, 1_700_000_000 - 10)
    t2 = local_clerk.mint_session_token(user_id="user_1", org_v2={"id": "org_2", "slug": "beta", "role": "admin",
                                                                  "per": ["read", "manage"], "fpm": "2,3",
                                                                  "fea": "o:reservations,u:dashboard"})
    c2 = decode_jwt(t2).payload
    assert c2["v"] == 2 and c2["o"] == {"id": "org_2", "slg": "beta", "rol": "admin", "per": "read,manage", "fpm": "2,3"}
    assert c2["fea"] == "o:reservations,u:dashboard" and "org_id" not in c2
    h = decode_jwt(local_clerk.mint_session_token(kid="k2", typ=None, headers={"cat": "cl_B7d4PD111AAA"})).header
    assert h["kid"] == "k2" and "typ" not in h and h["cat"] == "cl_B7d4PD111AAA"


def test_frozen_clock_instance(frozen_clock):
    from clerk_edge.testing.instance import LocalClerk
    with LocalClerk(clock=frozen_clock) as c:
        t = c.mint_session_token()
        c_claims = decode_jwt(t).payload
        assert c_claims["iat"] == int(frozen_clock())
        assert ce.verify_token(t, jwt_key=c.jwt_key, clock=frozen_clock)["exp"] == int(frozen_clock()) + 60
        frozen_clock.advance(120)
        with pytest.raises(TokenVerificationError) as exc:
            ce.verify_token(t, jwt_key=c.jwt_key, clock=frozen_clock)
        assert exc.value.reason == "token-expired"


# ---------------------------------------------------------------- cookies and webhooks
def test_cookies_for(local_clerk):
    token = local_clerk.mint_session_token()
    iat = decode_jwt(token).payload["iat"]
    plain = dict(p.split("=", 1) for p in local_clerk.cookies_for(token).split("; "))
    assert plain == {"__session": token, "__client_uat": str(iat), "__clerk_db_jwt": local_clerk.dev_browser_token}
    sfx = local_clerk.cookie_suffix
    suffixed = dict(p.split("=", 1) for p in local_clerk.cookies_for(token, suffixed=True, dev_browser=False,
                                                                     refresh="r1").split("; "))
    assert suffixed == {f"__session_{sfx}": token, f"__client_uat_{sfx}": str(iat), f"__refresh_{sfx}": "r1"}
    assert local_clerk.cookies_for(None, dev_browser=False) == "__client_uat=0"


def test_sign_webhook_verifies_with_standardwebhooks(local_clerk):
    pytest.importorskip("standardwebhooks")
    from standardwebhooks.webhooks import Webhook
    payload = {"type": "user.created", "object": "event", "data": {"id": "user_1"}}
    headers, body = local_clerk.sign_webhook(payload)
    assert headers["svix-signature"].startswith("v1,")
    assert Webhook(local_clerk.webhook_secret).verify(body, {"webhook-id": headers["svix-id"],
                                                             "webhook-timestamp": headers["svix-timestamp"],
                                                             "webhook-signature": headers["svix-signature"]}) == payload
    other = "whsec_" + base64.b64encode(b"another secret of 24 b!!").decode()
    h2, b2 = local_clerk.sign_webhook(b'{"a":1}', other, msg_id="msg_1", timestamp=int(time.time()))
    assert h2["svix-id"] == "msg_1" and b2 == b'{"a":1}'
    from standardwebhooks.webhooks import WebhookVerificationError
    with pytest.raises(WebhookVerificationError):
        Webhook(local_clerk.webhook_secret).verify(b2, {"webhook-id": "msg_1", "webhook-timestamp": h2["svix-timestamp"],
                                                        "webhook-signature": h2["svix-signature"]})


def test_request_log_and_stop_restart():
    from clerk_edge.testing.instance import LocalClerk
    import urllib.request
    c = LocalClerk()
    c.start()
    url = c.api_url
    urllib.request.urlopen(url + "/.well-known/jwks.json", timeout=5).read()
    assert ("GET", "/.well-known/jwks.json") in c.request_log
    c.stop()
    c.stop()  # idempotent
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/.well-known/jwks.json", timeout=2)


# ---------------------------------------------------------------- Clerk's own SDK against LocalClerk
@pytest.mark.skipif(shutil.which("node") is None or not os.path.exists(os.path.join(ROOT, "node_modules", "@clerk", "backend")),
                    reason="node or node_modules/@clerk/backend missing (run `npm ci`)")
def test_clerk_backend_js_sdk_talks_to_local_clerk(local_clerk, bapi):
    """@clerk/backend 3.25.0 (client, verifyToken, authenticateRequest with a handshake nonce) accepts LocalClerk."""
    user = local_clerk.create_user(email_address="js@example.com", first_name="Js", public_metadata={"a": 1})
    session = local_clerk.sign_in(user["id"])
    token = local_clerk.mint_session_token(session_id=session["id"])
    app = "http://app.test/dashboard"
    status, _, headers = _handshake(bapi, local_clerk, redirect_url=app)
    nonce = parse_qs(urlsplit(headers["Location"]).query)["__clerk_handshake_nonce"][0]
    local_clerk.sign_out()
    payload = {"secretKey": local_clerk.secret_key, "publishableKey": local_clerk.publishable_key,
               "apiUrl": local_clerk.api_url, "userId": user["id"], "sessionId": session["id"], "token": token,
               "appUrl": app, "nonce": nonce, "cookie": f"__clerk_db_jwt={local_clerk.dev_browser_token}"}
    out = subprocess.run(["node", os.path.join(ROOT, "tests", "dx", "local_clerk_oracle.mjs")], input=json.dumps(payload),
                         capture_output=True, text=True, timeout=60, cwd=ROOT,
                         env=dict(os.environ, CLERK_TELEMETRY_DISABLED="1"))
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["getUser"] == {"id": user["id"], "email": "js@example.com", "firstName": "Js",
                              "primaryEmailAddressId": user["primary_email_address_id"], "publicMetadata": {"a": 1}}
    assert user["id"] in res["getUserList"]["ids"] and res["getUserList"]["totalCount"] == len(local_clerk.users)
    assert res["getSession"] == {"id": session["id"], "userId": user["id"], "status": "active"}
    assert res["getToken"] == {"sub": user["id"]}
    assert res["verifyToken"] == session["id"]
    assert res["badKey"] == {"error": "clerk_key_invalid", "status": 401}
    hs = res["handshake"]
    assert (hs["status"], hs["userId"]) == ("signed-in", user["id"]), hs
    assert {"__session", "__client_uat", "__clerk_db_jwt"} <= set(hs["setCookies"])


def test_clerk_edge_api_client_talks_to_local_clerk(local_clerk):
    """clerk_edge's own Backend API client against LocalClerk (what users do in their tests)."""
    user = local_clerk.create_user(email_address="py@example.com")
    client = ce.Clerk(secret_key=local_clerk.secret_key, api_url=local_clerk.api_url)
    got = client.users.get_user(user["id"])
    assert got.data.id == user["id"] and got.data.email_addresses[0].email_address == "py@example.com"
    session = local_clerk.create_session(user["id"])
    token = client.sessions.get_token(session["id"]).data.jwt
    assert ce.verify_token(token, jwt_key=local_clerk.jwt_key)["sid"] == session["id"]
    missing = client.users.get_user("user_missing")
    assert missing.status == 404 and missing.errors[0].code == "resource_not_found"
    wrong = ce.Clerk(secret_key="sk_test_nope", api_url=local_clerk.api_url).users.get_user(user["id"])
    assert wrong.status == 401 and wrong.errors[0].code == "clerk_key_invalid"


def test_user_list_filters_repeat_like_clerk_sends_them(local_clerk, bapi):
    a = local_clerk.create_user(email_address="multi-a@example.com")
    b = local_clerk.create_user(email_address="multi-b@example.com")
    local_clerk.create_user(email_address="multi-c@example.com")
    _, found, _ = bapi.call("GET", "/v1/users?email_address=multi-a@example.com&email_address=multi-b@example.com&limit=50")
    assert sorted(u["id"] for u in found) == sorted([a["id"], b["id"]])
    _, found, _ = bapi.call(f"GET", f"/v1/users?user_id={a['id']}&user_id={b['id']}&limit=x")
    assert sorted(u["id"] for u in found) == sorted([a["id"], b["id"]])


from hypothesis import HealthCheck, given, settings, strategies as st

_SEGMENTS = st.sampled_from(["v1", "users", "sessions", "clients", "tokens", "revoke", "refresh", "verify", "jwks",
                             "count", "handshake_payload", "client", "handshake", ".well-known", "jwks.json",
                             "user_x", "sess_x", "%00", "..", "a" * 300, "SESSION"])


@pytest.fixture(scope="module")
def _fuzz_session(local_clerk):
    return local_clerk.create_session()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "DELETE", "PATCH", "PUT"]),
       segments=st.lists(_SEGMENTS, max_size=5),
       query=st.text(alphabet="abc=&%_-0123456789", max_size=40),
       body=st.one_of(st.none(), st.binary(max_size=64), st.just(b"[]"), st.just(b'{"token": 5}'),
                      st.sampled_from([b'{"user_id": null, "expires_in_seconds": "x", "email_address": 3}',
                                       b'{"email_address": [3], "first_name": true, "public_metadata": 5}',
                                       b'{"user_id": ["x"], "token": ["a"], "refresh_token": 5}',
                                       b'{"expires_in_seconds": true, "format": "cookie"}']),
                      st.dictionaries(st.sampled_from(["user_id", "token", "email_address", "refresh_token",
                                                       "expires_in_seconds", "first_name", "public_metadata"]),
                                      st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                                                st.lists(st.integers(), max_size=2), st.just({})),
                                      max_size=4).map(lambda d: json.dumps(d).encode())),
       authed=st.booleans())
def test_routes_never_fail_with_a_500(local_clerk, _fuzz_session, method, segments, query, body, authed):
    """Any method, path, query and body: a Clerk-shaped 2xx/3xx/4xx answer, never a 500 or a dropped connection."""
    import http.client
    segments = [_fuzz_session["id"] if s == "SESSION" else s for s in segments]
    conn = http.client.HTTPConnection("127.0.0.1", local_clerk.port, timeout=10)
    headers = {"Authorization": f"Bearer {local_clerk.secret_key}"} if authed else {}
    path = "/" + "/".join(segments) + ("?" + query if query else "")
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    assert resp.status < 500, (method, path, body, data)
    if resp.status >= 400:
        assert json.loads(data)["errors"][0]["code"]


@pytest.mark.parametrize("method, path, body, status", [
    ("POST", "/v1/users", {"email_address": 3}, 422),
    ("POST", "/v1/users", {"email_address": [3]}, 422),
    ("POST", "/v1/users", {"first_name": True}, 422),
    ("POST", "/v1/users", {"public_metadata": 5}, 422),
    ("POST", "/v1/sessions", {"user_id": ["x"]}, 422),
    ("POST", "/v1/sessions/SESSION/tokens", {"expires_in_seconds": True}, 422),
    ("POST", "/v1/sessions/SESSION/refresh", {"refresh_token": 5}, 422),
    ("POST", "/v1/clients/verify", {"token": ["a"]}, 422),
    ("GET", "/v1/client/handshake?redirect_url=http://[::1", None, 400),
    ("GET", "/v1/client/handshake?redirect_url=http://a:99999/", None, 400),
])
def test_bad_parameters_are_clerk_shaped_errors(local_clerk, bapi, _fuzz_session, method, path, body, status):
    got, err, _ = bapi.call(method, path.replace("SESSION", _fuzz_session["id"]), body)
    assert got == status and err["errors"][0]["code"] in ("form_param_format_invalid", "form_param_value_invalid")
