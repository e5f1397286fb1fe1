"""Differential test against Clerk's own JS SDKs (Node): the same calls made with @clerk/backend 0.38.15 (the
0.x methods and paths) and 3.25.0 (today's client) and with clerk_edge reach a loopback server; the requests it
received must agree on method, path, query, JSON body and bearer key.

Known, deliberate differences are not in the corpus but asserted separately: clerk_edge keeps explicit
``False``/``0`` query values that both JS clients drop.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.api.conftest import ROOT

pytestmark = pytest.mark.no_pyodide(reason="runs Node subprocesses (Clerk's JS SDK) on the host")

ORACLE = os.path.join(ROOT, "tests", "api", "oracle_bapi.mjs")
SK = "sk_test_oracle_0123456789abcdef"

# (js group, js method, js args) — the Python call is derived: non-dict args positional, dict args as keywords
# (camelCase, exactly as given to the JS SDK), group/method snake_cased.
CALLS_038 = [
    ("allowlistIdentifiers", "getAllowlistIdentifierList", []),
    ("allowlistIdentifiers", "createAllowlistIdentifier", [{"identifier": "a@b.co", "notify": True}]),
    ("allowlistIdentifiers", "deleteAllowlistIdentifier", ["alid_1"]),
    ("clients", "getClientList", []),
    ("clients", "getClient", ["client_1"]),
    ("clients", "verifyClient", ["client_token_1"]),
    ("domains", "deleteDomain", ["dmn_1"]),
    ("emailAddresses", "getEmailAddress", ["idn_1"]),
    ("emailAddresses", "createEmailAddress",
     [{"userId": "user_1", "emailAddress": "a@b.co", "verified": True, "primary": True}]),
    ("emailAddresses", "updateEmailAddress", ["idn_1", {"verified": True}]),
    ("emailAddresses", "deleteEmailAddress", ["idn_1"]),
    ("emails", "createEmail", [{"fromEmailName": "noreply", "emailAddressId": "idn_1", "subject": "Hi",
                                "body": "Body"}]),
    ("interstitial", "getInterstitial", []),
    ("invitations", "getInvitationList", [{"status": "pending"}]),
    ("invitations", "createInvitation", [{"emailAddress": "a@b.co", "redirectUrl": "https://x.example/cb",
                                          "publicMetadata": {"camelKey": {"innerKey": 1}}}]),
    ("invitations", "revokeInvitation", ["inv_1"]),
    ("organizations", "getOrganizationList", [{"limit": 3, "offset": 1, "includeMembersCount": True,
                                               "query": "acme"}]),
    ("organizations", "createOrganization", [{"name": "Acme", "slug": "acme", "createdBy": "user_1",
                                              "publicMetadata": {"someKey": 1}}]),
    ("organizations", "getOrganization", [{"organizationId": "org_1"}]),
    ("organizations", "updateOrganization", ["org_1", {"name": "New name", "maxAllowedMemberships": 5}]),
    ("organizations", "updateOrganizationMetadata", ["org_1", {"publicMetadata": {"a": 1},
                                                               "privateMetadata": {"B": 2}}]),
    ("organizations", "deleteOrganizationLogo", ["org_1"]),
    ("organizations", "deleteOrganization", ["org_1"]),
    ("organizations", "getOrganizationMembershipList", [{"organizationId": "org_1", "limit": 5, "offset": 2}]),
    ("organizations", "createOrganizationMembership", [{"organizationId": "org_1", "userId": "user_2",
                                                        "role": "admin"}]),
    ("organizations", "updateOrganizationMembership", [{"organizationId": "org_1", "userId": "user_2",
                                                        "role": "basic_member"}]),
    ("organizations", "updateOrganizationMembershipMetadata", [{"organizationId": "org_1", "userId": "user_2",
                                                                "publicMetadata": {"x": 1}}]),
    ("organizations", "deleteOrganizationMembership", [{"organizationId": "org_1", "userId": "user_2"}]),
    ("organizations", "getOrganizationInvitationList", [{"organizationId": "org_1", "status": ["pending", "accepted"],
                                                         "limit": 4}]),
    ("organizations", "getPendingOrganizationInvitationList", [{"organizationId": "org_1", "limit": 2}]),
    ("organizations", "createOrganizationInvitation", [{"organizationId": "org_1", "inviterUserId": "user_1",
                                                        "emailAddress": "a@b.co", "role": "admin",
                                                        "redirectUrl": "https://x.example/accept"}]),
    ("organizations", "getOrganizationInvitation", [{"organizationId": "org_1", "invitationId": "orginv_1"}]),
    ("organizations", "revokeOrganizationInvitation", [{"organizationId": "org_1", "invitationId": "orginv_1",
                                                        "requestingUserId": "user_1"}]),
    ("phoneNumbers", "getPhoneNumber", ["idn_2"]),
    ("phoneNumbers", "createPhoneNumber", [{"userId": "user_1", "phoneNumber": "+15555550100", "primary": True}]),
    ("phoneNumbers", "updatePhoneNumber", ["idn_2", {"verified": True}]),
    ("phoneNumbers", "deletePhoneNumber", ["idn_2"]),
    ("redirectUrls", "getRedirectUrlList", []),
    ("redirectUrls", "getRedirectUrl", ["ru_1"]),
    ("redirectUrls", "createRedirectUrl", [{"url": "https://x.example/cb"}]),
    ("redirectUrls", "deleteRedirectUrl", ["ru_1"]),
    ("sessions", "getSessionList", [{"clientId": "client_1", "userId": "user_1"}]),
    ("sessions", "getSession", ["sess_1"]),
    ("sessions", "revokeSession", ["sess_1"]),
    ("sessions", "verifySession", ["sess_1", "session_token"]),
    ("sessions", "getToken", ["sess_1", "supabase"]),
    ("sessions", "getToken", ["sess_1"]),
    ("signInTokens", "createSignInToken", [{"userId": "user_1", "expiresInSeconds": 600}]),
    ("signInTokens", "revokeSignInToken", ["sit_1"]),
    ("smsMessages", "createSMSMessage", [{"phoneNumberId": "idn_2", "message": "Hi"}]),
    ("users", "getUserList", [{"emailAddress": ["a@b.c", "d@e.f"], "limit": 2, "orderBy": "-created_at",
                               "userId": ["user_1", "user_2"]}]),
    ("users", "getUser", ["user_1"]),
    ("users", "createUser", [{"emailAddress": ["a@b.co"], "firstName": "Ada", "publicMetadata": {"camelKey": 1},
                              "skipPasswordChecks": True}]),
    ("users", "updateUser", ["user_1", {"firstName": "Ada", "primaryEmailAddressID": "idn_1"}]),
    ("users", "updateUserMetadata", ["user_1", {"publicMetadata": {"someKey": 1}, "privateMetadata": {"Other": 2}}]),
    ("users", "deleteUser", ["user_1"]),
    ("users", "getCount", [{"query": "ada", "emailAddress": ["a@b.c"]}]),
    ("users", "getUserOauthAccessToken", ["user_1", "oauth_google"]),
    ("users", "disableUserMFA", ["user_1"]),
    ("users", "getOrganizationMembershipList", [{"userId": "user_1", "limit": 5}]),
    ("users", "verifyPassword", [{"userId": "user_1", "password": "correct horse"}]),
    ("users", "verifyTOTP", [{"userId": "user_1", "code": "123456"}]),
]

# @clerk/backend 3.25: (js group, js method, js args, py group, py method, py args, py kwargs)
CALLS_325 = [
    ("users", "getUser", ["user_1"], "users", "get_user", ["user_1"], {}),
    ("users", "getUserList", [{"emailAddress": ["a@b.c"], "limit": 2, "orderBy": "-created_at"}],
     "users", "get_user_list", [], {"email_address": ["a@b.c"], "limit": 2, "order_by": "-created_at"}),
    ("users", "createUser", [{"emailAddress": ["a@b.co"], "firstName": "Ada", "publicMetadata": {"camelKey": 1}}],
     "users", "create_user", [], {"emailAddress": ["a@b.co"], "firstName": "Ada", "publicMetadata": {"camelKey": 1}}),
    ("users", "updateUserMetadata", ["user_1", {"publicMetadata": {"someKey": {"deepCamel": 1}}}],
     "users", "update_user_metadata", ["user_1"], {"public_metadata": {"someKey": {"deepCamel": 1}}}),
    ("users", "banUser", ["user_1"], "users", "ban_user", ["user_1"], {}),
    ("users", "lockUser", ["user_1"], "users", "lock_user", ["user_1"], {}),
    ("users", "getOrganizationMembershipList", [{"userId": "user_1", "limit": 5}],
     "users", "users_get_organization_memberships", ["user_1"], {"limit": 5}),
    ("users", "getUserOauthAccessToken", ["user_1", "google"],
     "users", "get_oauth_access_token", ["user_1", "oauth_google"], {"paginated": True}),
    ("organizations", "getOrganizationList", [{"limit": 3, "query": "acme"}],
     "organizations", "list_organizations", [], {"limit": 3, "query": "acme"}),
    ("organizations", "createOrganizationMembership", [{"organizationId": "org_1", "userId": "user_2",
                                                        "role": "org:admin"}],
     "organization_memberships", "create_organization_membership", ["org_1"], {"user_id": "user_2",
                                                                              "role": "org:admin"}),
    ("organizations", "updateOrganizationMetadata", ["org_1", {"publicMetadata": {"a": 1}}],
     "organizations", "merge_organization_metadata", ["org_1"], {"public_metadata": {"a": 1}}),
    ("organizations", "getOrganizationMembershipList", [{"organizationId": "org_1", "limit": 5}],
     "organization_memberships", "list_organization_memberships", ["org_1"], {"limit": 5}),
    ("sessions", "getToken", ["sess_1", "supabase"],
     "sessions", "create_session_token_from_template", ["sess_1", "supabase"], {}),
    ("sessions", "revokeSession", ["sess_1"], "sessions", "revoke_session", ["sess_1"], {}),
    ("sessions", "refreshSession", ["sess_1", {"expired_token": "e", "refresh_token": "r", "request_origin": "o",
                                               "suffixed_cookies": True}],
     "sessions", "refresh_session", ["sess_1"], {"expired_token": "e", "refresh_token": "r", "request_origin": "o",
                                                 "suffixed_cookies": True}),
    ("clients", "verifyClient", ["client_token_1"], "clients", "verify_client", ["client_token_1"], {}),
    ("clients", "getHandshakePayload", [{"nonce": "n0nce"}], "clients", "get_handshake_payload", [],
     {"nonce": "n0nce"}),
    ("invitations", "createInvitation", [{"emailAddress": "a@b.co", "redirectUrl": "https://x.example/cb",
                                          "publicMetadata": {"k": 1}}],
     "invitations", "create_invitation", [], {"email_address": "a@b.co", "redirect_url": "https://x.example/cb",
                                              "public_metadata": {"k": 1}}),
    ("invitations", "getInvitationList", [{"status": "pending", "limit": 2}],
     "invitations", "list_invitations", [], {"status": "pending", "limit": 2, "paginated": True}),
    ("allowlistIdentifiers", "createAllowlistIdentifier", [{"identifier": "a@b.co", "notify": True}],
     "allowlist_identifiers", "create_allowlist_identifier", [], {"identifier": "a@b.co", "notify": True}),
    ("signInTokens", "createSignInToken", [{"userId": "user_1", "expiresInSeconds": 600}],
     "sign_in_tokens", "create_sign_in_token", [], {"user_id": "user_1", "expires_in_seconds": 600}),
    ("redirectUrls", "createRedirectUrl", [{"url": "https://x.example/cb"}],
     "redirect_urls", "create_redirect_url", [], {"url": "https://x.example/cb"}),
    ("emailAddresses", "createEmailAddress", [{"userId": "user_1", "emailAddress": "a@b.co", "verified": True}],
     "email_addresses", "create_email_address", [], {"user_id": "user_1", "email_address": "a@b.co",
                                                     "verified": True}),
    ("phoneNumbers", "updatePhoneNumber", ["idn_2", {"primary": True}],
     "phone_numbers", "update_phone_number", ["idn_2"], {"primary": True}),
    ("domains", "deleteDomain", ["dmn_1"], "domains", "delete_domain", ["dmn_1"], {}),
    ("jwtTemplates", "get", ["jtmp_1"], "jwt_templates", "get_jwt_template", ["jtmp_1"], {}),
    ("apiKeys", "list", [{"subject": "user_1"}], "api_keys", "get_api_keys", [], {"subject": "user_1"}),
    ("waitlistEntries", "invite", ["wle_1", {"ignoreExisting": True}],
     "waitlist_entries", "invite_waitlist_entry", ["wle_1"], {"ignore_existing": True}),
]


def _need_node():
    if not shutil.which("node") or not os.path.isdir(os.path.join(ROOT, "node_modules", "@clerk", "backend")):
        if os.environ.get("CI"):
            pytest.fail("node / node_modules missing")
        pytest.skip("node / node_modules missing")


def _run_js(which, server, calls):
    payload = {"apiUrl": server.url, "secretKey": SK,
               "calls": [{"tag": f"js{i}", "group": g, "method": m, "args": a} for i, (g, m, a) in enumerate(calls)]}
    proc = subprocess.run(["node", ORACLE, which], input=json.dumps(payload), capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def _split(entries, prefix):
    """server log → {tag: [requests after the /__mark__/tag entry]} for tags starting with prefix."""
    out, current = {}, None
    for e in entries:
        if e["path"].startswith("/__mark__/"):
            tag = e["path"][len("/__mark__/"):]
            current = tag if tag.startswith(prefix) else None
            if current:
                out[current] = []
        elif current is not None:
            out[current].append(e)
    return out


def _norm(entry, *, api_version_header=False):
    body = entry["body"]
    ctype = entry["headers"].get("content-type", "")
    parsed = json.loads(body) if body and "json" in ctype else (body or None)
    out = {"method": entry["method"], "path": entry["path"], "query": sorted(tuple(q) for q in entry["query"]),
           "body": parsed, "authorization": entry["headers"].get("authorization")}
    if api_version_header:
        out["clerk-api-version"] = entry["headers"].get("clerk-api-version")
    return out


def _py_calls(server, calls):
    from clerk_edge.api.client import SyncClerk
    from clerk_edge.fetch.urllib import UrllibFetch
    from clerk_edge.fetch import HttpRequest

    clerk = SyncClerk(secret_key=SK, api_url=server.url, fetch="urllib", retry=False, timeout=10)
    marker = UrllibFetch()
    for i, (group, method, args, kwargs) in enumerate(calls):
        marker.fetch(HttpRequest("GET", f"{server.url}/__mark__/py{i}"))
        getattr(getattr(clerk, group), method)(*args, **kwargs)


def _snake(name):
    from clerk_edge.api.request import snake_case
    return snake_case(name)


def test_0x_methods_match_clerk_backend_038(mock_server):
    _need_node()
    results = _run_js("038", mock_server, CALLS_038)
    assert len(results) == len(CALLS_038)
    py = []
    for group, method, args in CALLS_038:
        pos = [a for a in args if not isinstance(a, dict)]
        kw = {}
        for a in args:
            if isinstance(a, dict):
                kw.update(a)
        py.append((_snake(group), _snake(method), pos, kw))
    _py_calls(mock_server, py)
    log = mock_server.requests()
    js, ours = _split(log, "js"), _split(log, "py")
    mismatches = []
    for i, (group, method, args) in enumerate(CALLS_038):
        assert js[f"js{i}"], f"{group}.{method}: the JS SDK sent nothing ({results[i]})"
        a, b = _norm(js[f"js{i}"][0]), _norm(ours[f"py{i}"][0])
        if a != b:
            mismatches.append((f"{group}.{method}", a, b))
    assert mismatches == []


def test_current_client_matches_clerk_backend_325(mock_server):
    _need_node()
    calls = [(g, m, a) for g, m, a, *_ in CALLS_325]
    results = _run_js("325", mock_server, calls)
    assert len(results) == len(calls)
    _py_calls(mock_server, [(pg, pm, pa, pk) for *_, pg, pm, pa, pk in CALLS_325])
    log = mock_server.requests()
    js, ours = _split(log, "js"), _split(log, "py")
    mismatches = []
    for i, row in enumerate(CALLS_325):
        assert js[f"js{i}"], f"{row[0]}.{row[1]}: the JS SDK sent nothing ({results[i]})"
        # getUserList also fetches /users/count concurrently: match ours against any request JS sent
        sent = [_norm(e, api_version_header=True) for e in js[f"js{i}"]]
        b = _norm(ours[f"py{i}"][0], api_version_header=True)
        if b not in sent:
            mismatches.append((f"{row[0]}.{row[1]}", sent, b))
    assert mismatches == []


def test_deviation_falsy_query_values_kept(mock_server):
    """0.38 and 3.25 drop ``offset=0`` / ``banned=false`` (``if (val)``); clerk_edge sends them (documented fix)."""
    _need_node()
    call = ("users", "getUserList", [{"limit": 0, "offset": 0, "banned": False, "query": "ada"}])
    _run_js("325", mock_server, [call])
    _py_calls(mock_server, [("users", "get_user_list", [], {"limit": 0, "offset": 0, "banned": False,
                                                             "query": "ada"})])
    log = mock_server.requests()
    js, ours = _split(log, "js"), _split(log, "py")
    assert [tuple(q) for q in js["js0"][0]["query"]] == [("query", "ada")]
    assert [tuple(q) for q in ours["py0"][0]["query"]] == [("limit", "0"), ("offset", "0"), ("banned", "false"),
                                                           ("query", "ada")]
