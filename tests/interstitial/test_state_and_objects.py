"""auth_state inputs (request forms, explicit values, preconditions), states, auth objects, has(),
get_token() and resource loading against the loopback mock Backend API.  Pyodide-compatible."""
from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from clerk_edge.interstitial import (AuthStateOptionsError, HasParametersError, SignedInAuthObject, SignedOutAuthObject,
                                     auth_state, build_context, debug_auth_state, make_serializable,
                                     sanitize_auth_object)
from clerk_edge.interstitial.auth_objects import MISSING_HAS_PARAMETERS
from tests.support.aio import run
from tests.support.tokens import IAT, clerk_claims, rsa_key, sign

PROD = "sk_live_0123456789abcdef"
DEV = "sk_test_0123456789abcdef"
PK = "pk_live_" + base64.b64encode(b"clerk.example.com$").decode()
HOST = "app.example.com"
BROWSER = "Mozilla/5.0 (X11) Gecko/20100101 Firefox/120.0"
SID = "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9"
SUB = "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"


def _auth(request=None, **kw):
    opts = dict(secret_key=PROD, publishable_key=PK, jwt_key=rsa_key().public_pem(), env={}, clock=lambda: IAT)
    opts.update(kw)
    return run(auth_state(request, **opts))


def _cookie_headers(token=None, uat=str(IAT - 100)):
    return {"Host": HOST, "User-Agent": BROWSER,
            "Cookie": f"other=1; __session={token or sign()}; __client_uat={uat}"}


# ------------------------------------------------------------------------------- request forms
def _forms():
    token = sign()
    headers = _cookie_headers(token)
    lower = {k.lower(): v for k, v in headers.items()}
    return {
        "mapping": {"method": "GET", "url": f"https://{HOST}/p?x=1", "headers": headers},
        "mapping-lowercase": {"method": "GET", "url": f"https://{HOST}/p", "headers": lower},
        "lambda-v2": {"version": "2.0", "rawPath": "/p", "rawQueryString": "x=1",
                      "headers": {"host": HOST, "user-agent": BROWSER},
                      "cookies": [f"__session={token}", f"__client_uat={IAT - 100}"],
                      "requestContext": {"http": {"method": "GET", "path": "/p"}, "domainName": HOST}},
        "lambda-v1": {"httpMethod": "GET", "path": "/p", "headers": headers, "requestContext": {"path": "/p"}},
        "asgi": {"type": "http", "asgi": {"version": "3.0"}, "method": "GET", "scheme": "https", "path": "/p",
                 "query_string": b"x=1", "headers": [(k.encode(), v.encode()) for k, v in lower.items()]},
        "wsgi": {"REQUEST_METHOD": "GET", "wsgi.url_scheme": "https", "PATH_INFO": "/p", "QUERY_STRING": "",
                 "HTTP_HOST": HOST, "HTTP_USER_AGENT": BROWSER, "HTTP_COOKIE": headers["Cookie"]},
    }


@pytest.mark.parametrize("form", list(_forms()))
def test_every_request_form_authenticates(form):
    state = _auth(_forms()[form])
    assert (state.status, state.reason) == ("signed-in", None)
    assert state.to_auth().user_id == SUB and state.to_auth().session_id == SID


def test_explicit_values_win_over_the_request():
    req = {"method": "GET", "url": f"https://{HOST}/", "headers": _cookie_headers()}
    assert _auth(req, client_uat="0").reason == "standard-signed-out"
    assert _auth(req, origin="https://evil.example.com").reason == "header-missing-cors"
    expired = sign(clerk_claims(exp=IAT - 3600))
    assert _auth(req, cookie_token=expired).reason == "token-expired"
    # an empty explicit value falls back to the request (``a || b``)
    assert _auth(req, client_uat="", user_agent="").status == "signed-in"


def test_request_headers_are_read_as_0_38_reads_them():
    ctx = build_context(request={"method": "GET", "url": "https://h.example/p?a=1&__clerk_synced=true&a=2", "headers": {
        "Authorization": "Bearer abc.def.ghi", "Origin": "https://o.example", "Host": "h.example",
        "X-Forwarded-Host": "f.example", "X-Forwarded-Port": "8443", "X-Forwarded-Proto": "http",
        "CloudFront-Forwarded-Proto": "https", "Referer": "https://r.example/x", "User-Agent": "UA",
        "Cookie": "__session=s%2Fess; __client_uat=%31%32"}}, secret_key=PROD, env={})
    assert ctx.header_token == "abc.def.ghi"
    assert (ctx.origin, ctx.host, ctx.forwarded_host, ctx.forwarded_port) == (
        "https://o.example", "h.example", "f.example", "8443")
    assert ctx.forwarded_proto == "https"  # cloudfront-forwarded-proto before x-forwarded-proto
    assert (ctx.referrer, ctx.user_agent) == ("https://r.example/x", "UA")
    assert (ctx.cookie_token, ctx.client_uat) == ("s/ess", "12")  # cookie values are URL-decoded
    assert ctx.query("a") == "1" and ctx.query("__clerk_synced") == "true"
    assert ctx.is_production and not ctx.is_development
    # only a literal "Bearer " prefix is removed
    for raw, token in (("Bearer x.y.z", "x.y.z"), ("bearer x.y.z", "bearer x.y.z"), ("Basic dXNlcg==", "Basic dXNlcg=="),
                       ("x.y.z", "x.y.z")):
        assert build_context(header_token=raw, secret_key=PROD, env={}).header_token == token


@pytest.mark.parametrize("key,dev,prod", [("test_x", True, False), ("sk_test_x", True, False), ("live_x", False, True),
                                          ("sk_live_x", False, True), ("deadbeef", False, False),
                                          ("pk_test_x", False, False)])
def test_instance_type_comes_from_the_secret_key(key, dev, prod):
    ctx = build_context(secret_key=key, env={})
    assert (ctx.is_development, ctx.is_production) == (dev, prod)


def test_frontend_api_comes_from_the_publishable_key():
    assert build_context(secret_key=PROD, publishable_key=PK, env={}).frontend_api == "clerk.example.com"
    assert build_context(secret_key=PROD, frontend_api="clerk.legacy.dev", env={}).frontend_api == "clerk.legacy.dev"
    # a pk whose payload does not end with '$' is not a publishable key (frontend_api option used)
    no_dollar = "pk_live_" + base64.b64encode(b"clerk.example.com").decode()
    assert build_context(secret_key=PROD, publishable_key=no_dollar, frontend_api="f", env={}).frontend_api == "f"
    with pytest.raises(AuthStateOptionsError) as err:
        build_context(secret_key=PROD, publishable_key="pk_live_***", env={})
    assert err.value.code == "publishable-key-invalid"


# ------------------------------------------------------------------------------- preconditions
@pytest.mark.parametrize("kw,code,message", [
    (dict(secret_key=None), "secret-key-missing",
     "Missing Clerk Secret Key or API Key. Go to https://dashboard.clerk.com and get your key for your instance."),
    (dict(secret_key=DEV, is_satellite=True, domain="s.example.com"), "sign-in-url-missing",
     "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"),
    (dict(secret_key=DEV, is_satellite=True, domain="s.example.com", sign_in_url="/sign-in", origin=f"https://{HOST}"),
     "sign-in-url-invalid", "The signInUrl needs to have a absolute url format."),
    (dict(secret_key=DEV, is_satellite=True, domain="s.example.com", sign_in_url=f"https://{HOST}/sign-in",
          origin=f"https://{HOST}"),
     "sign-in-url-same-origin", "The signInUrl needs to be on a different origin than your satellite application."),
    (dict(secret_key=PROD, is_satellite=True), "domain-or-proxy-url-missing",
     "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl"),
])
def test_preconditions_raise_the_documented_errors(kw, code, message):
    with pytest.raises(AuthStateOptionsError) as err:
        _auth(**kw)
    assert (err.value.code, str(err.value)) == (code, message)


def test_secret_key_comes_from_env_when_not_given():
    state = _auth(secret_key=None, env={"CLERK_SECRET_KEY": PROD}, host=HOST)
    assert state.reason == "cookie-and-uat-missing"
    with pytest.raises(AuthStateOptionsError) as err:
        _auth(request={"method": "GET", "url": "https://a.example/"}, secret_key=None, env={"CLERK_API_KEY": ""})
    assert err.value.code == "secret-key-missing"
    assert _auth(secret_key=None, env={"CLERK_API_KEY": PROD}, host=HOST).reason == "cookie-and-uat-missing"


def test_a_request_the_adapters_cannot_read_is_a_typed_error():
    with pytest.raises(AuthStateOptionsError) as err:
        _auth(request=42)
    assert err.value.code == "request-invalid"


# ------------------------------------------------------------------------------- states
def test_state_shapes_and_debug():
    sat = dict(is_satellite=True, domain="sat.example.com", sign_in_url="https://p.example.com/sign-in",
               sign_up_url="https://p.example.com/sign-up", after_sign_in_url="/a", after_sign_up_url="/b")
    signed_in = _auth(cookie_token=sign(), client_uat=str(IAT - 1), host=HOST, user_agent=BROWSER, **sat)
    signed_out = _auth(client_uat="0", host=HOST, user_agent=BROWSER, search_params="__clerk_synced=true", **sat)
    inter = _auth(host=HOST, user_agent=BROWSER, **sat)
    unknown = _auth(header_token=sign(clerk_claims(exp=IAT - 3600)), **sat)
    for s in (signed_in, signed_out, inter, unknown):
        assert (s.frontend_api, s.publishable_key, s.is_satellite, s.domain) == ("clerk.example.com", PK, True,
                                                                                   "sat.example.com")
        assert (s.sign_in_url, s.sign_up_url, s.after_sign_in_url, s.after_sign_up_url) == (
            "https://p.example.com/sign-in", "https://p.example.com/sign-up", "/a", "/b")
    assert signed_in.status == "signed-in" and signed_in.token and signed_in.reason is None and signed_in.message is None
    assert isinstance(signed_in.to_auth(), SignedInAuthObject)
    assert (signed_out.status, signed_out.reason, signed_out.message, signed_out.token) == (
        "signed-out", "standard-signed-out", "", None)
    assert isinstance(signed_out.to_auth(), SignedOutAuthObject)
    assert (inter.status, inter.reason, inter.is_interstitial, inter.to_auth(), inter.token) == (
        "interstitial", "satellite-needs-syncing", True, None, None)
    assert (unknown.status, unknown.is_unknown, unknown.to_auth()) == ("unknown", True, None)
    assert unknown.message.startswith("JWT is expired.") and unknown.message.endswith(
        "(reason=token-expired, token-carrier=header)")
    assert debug_auth_state(inter) == {
        "frontend_api": "clerk.example.com", "is_signed_in": False, "proxy_url": None, "is_interstitial": True,
        "reason": "satellite-needs-syncing", "message": "", "publishable_key": PK, "is_satellite": True,
        "domain": "sat.example.com"}
    # the token never shows in a repr
    assert signed_in.token not in repr(signed_in)


# ------------------------------------------------------------------------------- auth objects
def _signed_in(claims=None, **kw):
    token = sign(claims or clerk_claims())
    state = _auth(header_token=token, **kw)
    assert state.status == "signed-in", state.message
    return state.to_auth(), token


def test_signed_in_object_reads_the_claims():
    act = {"sub": "user_admin"}
    auth, token = _signed_in(clerk_claims(act=act, org_id="org_1", org_role="org:admin", org_slug="acme",
                                          org_permissions=["org:posts:edit"]))
    assert (auth.actor, auth.session_id, auth.user_id, auth.org_id, auth.org_role, auth.org_slug,
            auth.org_permissions) == (act, SID, SUB, "org_1", "org:admin", "acme", ["org:posts:edit"])
    assert auth.session_claims["iss"] == "https://clerk.inspired.puma-74.lcl.dev"
    assert (auth.session, auth.user, auth.organization) == (None, None, None)
    assert run(auth.get_token()) == token
    ser = make_serializable(auth)
    assert ser["user_id"] == SUB and not {"debug", "get_token", "has"} & set(ser)


def test_has_is_0_38_exact_match():
    auth, _ = _signed_in(clerk_claims(org_id="org_1", org_role="admin", org_permissions=["org:posts:edit"]))
    assert auth.has(permission="org:posts:edit") is True
    assert auth.has(permission="org:posts:delete") is False
    assert auth.has(role="admin") is True
    assert auth.has(role="org:admin") is False  # no org: normalisation in 0.x
    assert auth.has(permission="org:posts:edit", role="nope") is True  # permission is checked first
    with pytest.raises(HasParametersError) as err:
        auth.has()
    assert str(err.value) == MISSING_HAS_PARAMETERS
    with pytest.raises(HasParametersError):
        auth.has(role="", permission="")
    # any of org id / user id / role / permissions missing -> False; an empty permission list is present
    no_perms, _ = _signed_in(clerk_claims(org_id="org_1", org_role="admin"))
    assert no_perms.has(role="admin") is False
    empty_perms, _ = _signed_in(clerk_claims(org_id="org_1", org_role="admin", org_permissions=[]))
    assert empty_perms.has(role="admin") is True and empty_perms.has(permission="x") is False
    no_org, _ = _signed_in()
    assert no_org.has(role="admin") is False
    out = _auth(client_uat="0").to_auth()
    assert out.has(role="admin") is False and out.has() is False
    assert run(out.get_token()) is None and run(out.get_token(template="t")) is None
    assert (out.user_id, out.org_permissions, out.session_claims) == (None, None, None)


def test_debug_cuts_keys_and_tokens_to_7_characters():
    auth, token = _signed_in(secret_key="sk_live_" + "s" * 40)
    dbg = auth.debug()
    assert dbg["secret_key"] == "sk_live" and dbg["token"] == token[:7] and dbg["header_token"] == token[:7]
    assert dbg["jwt_key"] == "-----BE" and dbg["api_key"] == "" and dbg["status"] == "signed-in"
    text = repr(dbg) + repr(auth)
    assert "s" * 20 not in text and token not in text and token[8:40] not in text
    out = _auth(cookie_token=sign(), client_uat="0").to_auth().debug()
    assert out["secret_key"] == "sk_live" and out["cookie_token"] == sign()[:7] and out["reason"] == "standard-signed-out"


def test_sanitize_auth_object_prunes_private_metadata():
    auth = {"user_id": "u", "user": {"id": "u", "private_metadata": {"s": 1}, "public_metadata": {}},
            "organization": {"id": "o", "privateMetadata": {"s": 1}}, "has": None}
    clean = sanitize_auth_object(auth)
    assert clean["user"] == {"id": "u", "public_metadata": {}} and clean["organization"] == {"id": "o"}
    assert "has" not in clean
    assert auth["user"]["private_metadata"] == {"s": 1}  # the original is untouched


# ------------------------------------------------------------------------------- Backend API calls
def test_get_token_with_template_posts_to_the_backend_api(mock_server):
    mock_server.on("POST", f"/v1/sessions/{SID}/tokens/supabase", json={"object": "token", "jwt": "tpl.jwt.value"})
    auth, _ = _signed_in(api_url=mock_server.url)
    assert run(auth.get_token(template="supabase")) == "tpl.jwt.value"
    (req,) = mock_server.requests(f"/v1/sessions/{SID}/tokens/supabase")
    assert req["method"] == "POST"
    headers = {k.lower(): v for k, v in req["headers"].items()}
    assert headers["authorization"] == f"Bearer {PROD}"


def test_get_token_failure_is_a_typed_error(mock_server):
    from clerk_edge.interstitial import BackendApiError
    mock_server.on("POST", f"/v1/sessions/{SID}/tokens/nope", status=404,
                   json={"errors": [{"code": "resource_not_found", "message": "not found"}]})
    auth, _ = _signed_in(api_url=mock_server.url)
    with pytest.raises(BackendApiError) as err:
        run(auth.get_token(template="nope"))
    assert err.value.status == 404 and PROD not in str(err.value)


def test_load_user_session_organization(mock_server):
    mock_server.on("GET", f"/v1/sessions/{SID}", json={"object": "session", "id": SID})
    mock_server.on("GET", f"/v1/users/{SUB}", json={"object": "user", "id": SUB, "private_metadata": {"a": 1}})
    mock_server.on("GET", "/v1/organizations/org_9", json={"object": "organization", "id": "org_9"})
    token = sign(clerk_claims(org_id="org_9", org_role="admin"))
    state = _auth(cookie_token=token, client_uat=str(IAT - 1), host=HOST, api_url=mock_server.url, load_user=True,
                  load_session=True, load_organization=True)
    auth = state.to_auth()
    assert auth.session["id"] == SID and auth.user["id"] == SUB and auth.organization["id"] == "org_9"
    assert mock_server.count(f"/v1/users/{SUB}") == 1 and mock_server.count(f"/v1/sessions/{SID}") == 1
    assert "private_metadata" not in sanitize_auth_object(auth)["user"]
    assert "private_metadata" in auth.user  # sanitize copies


def test_no_resources_are_fetched_unless_asked(mock_server):
    state = _auth(cookie_token=sign(clerk_claims(org_id="org_9")), client_uat=str(IAT - 1), host=HOST,
                  api_url=mock_server.url, load_user=True)
    assert mock_server.count() == 1 and state.to_auth().organization is None and state.to_auth().session is None


def test_a_failed_resource_load_is_signed_out_unexpected_error(mock_server):
    mock_server.on("GET", f"/v1/users/{SUB}", status=500, json={"errors": [{"code": "x", "message": "boom"}]})
    state = _auth(header_token=sign(), api_url=mock_server.url, load_user=True)
    assert (state.status, state.reason) == ("signed-out", "unexpected-error")
    assert "boom" in state.message and PROD not in state.message


def test_cookie_outdated_does_not_load_resources(mock_server):
    state = _auth(cookie_token=sign(), client_uat=str(IAT + 100), host=HOST, api_url=mock_server.url, load_user=True)
    assert state.reason == "cookie-outdated" and mock_server.count() == 0


def test_jwks_from_the_backend_api(mock_server):
    from clerk_edge.jwks.cache import JwksCache
    from tests.support.tokens import jwks
    mock_server.on("GET", "/v1/jwks", json=jwks())
    state = _auth(jwt_key=None, header_token=sign(), api_url=mock_server.url, jwks_cache=JwksCache())
    assert state.status == "signed-in"
    (req,) = mock_server.requests("/v1/jwks")
    assert {k.lower(): v for k, v in req["headers"].items()}["authorization"] == f"Bearer {PROD}"


def test_cookie_values_are_url_decoded():
    uat = quote(str(IAT - 5))
    req = {"method": "GET", "url": f"https://{HOST}/", "headers": {
        "host": HOST, "cookie": f"__session={sign()}; __client_uat={uat.replace('1', '%31')}"}}
    assert _auth(req).status == "signed-in"


@pytest.mark.parametrize("kw", [dict(host=object()), dict(user_agent=["Mozilla"]), dict(search_params=42),
                                dict(search_params=[("a",)])])
def test_unreadable_explicit_inputs_are_typed_errors(kw):
    with pytest.raises(AuthStateOptionsError) as err:
        _auth(**kw)
    assert err.value.code == "request-invalid"


def test_numbers_and_bytes_are_accepted_as_text():
    state = _auth(cookie_token=sign().encode(), client_uat=IAT - 100, host=HOST)
    assert state.status == "signed-in"


@pytest.mark.parametrize("request_", [{"method": "GET", "url": "http://[bad/", "headers": {}}, {"requestContext": 5},
                                      {"type": "http", "asgi": {}, "headers": [(1, 2)]}])
def test_a_broken_request_is_one_typed_error(request_):
    with pytest.raises(AuthStateOptionsError) as err:
        _auth(request_)
    assert err.value.code == "request-invalid"
