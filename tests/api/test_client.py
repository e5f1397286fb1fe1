"""The REST client with an in-process fake fetch: error bodies, retries, deadlines, encodings, keys.

No sockets: these run in every tier, Pyodide included (the fake fetch has both ``fetch`` and ``afetch``).
"""
from __future__ import annotations

import json

import pytest

from clerk_edge.api.client import Clerk, SyncClerk
from clerk_edge.api.request import INVALID_ID, MISSING_SECRET_KEY, ClerkArgumentError
from clerk_edge.api.resources import DeletedObject, EmailAddress, Organization, Token, User
from clerk_edge.api.response import ApiResponse, ClerkAPIError, ClerkAPIResponseError
from clerk_edge.api.retry import RetryPolicy
from clerk_edge.errors import ClerkEdgeError, FetchError
from clerk_edge.fetch import HttpResponse
from tests.api._run import run
from tests.api.conftest import FakeFetch, json_response

SK = "sk_test_0123456789abcdefABCDEF"
USER = {"object": "user", "id": "user_1", "first_name": "Ada", "primary_email_address_id": "idn_1",
        "email_addresses": [{"object": "email_address", "id": "idn_1", "email_address": "ada@example.com"}],
        "public_metadata": {"someKey": {"innerCamel": 1}}, "brand_new_field": 7}
ERR_422 = {"errors": [{"code": "form_param_format_invalid", "message": "is invalid",
                       "long_message": "email_address must be a valid email address.",
                       "meta": {"param_name": "email_address"}}], "clerk_trace_id": "trace_1"}


def sync_client(fetch, **kw):
    kw.setdefault("secret_key", SK)
    return SyncClerk(fetch=fetch, **kw)


def both(fetch, call, **kw):
    """Run ``call(client)`` on the sync face and on the async face; return both results."""
    kw.setdefault("secret_key", SK)
    s = call(SyncClerk(fetch=fetch, **kw))
    a = run(call(Clerk(fetch=fetch, **kw)))
    return s, a


# ------------------------------------------------------------------------------------------ success paths
def test_get_user_typed_and_request_shape():
    fetch = FakeFetch(json_response(200, USER))
    s, a = both(fetch, lambda c: c.users.get_user("user_1"))
    for res in (s, a):
        assert res.ok and res.errors is None and res.status == 200
        user = res.data
        assert isinstance(user, User) and user.id == "user_1" and user.first_name == "Ada"
        assert isinstance(user.email_addresses[0], EmailAddress)
        assert user.primary_email_address.email_address == "ada@example.com"
        assert user.public_metadata == {"someKey": {"innerCamel": 1}}
        assert user.brand_new_field == 7 and user.raw == USER
        assert res.unwrap() is user
    for req in fetch.requests:
        assert req.method == "GET" and req.url == "https://api.clerk.com/v1/users/user_1"
        assert req.headers.get("authorization") == f"Bearer {SK}"
        assert req.headers.get("user-agent").startswith("clerk-edge/")
        assert req.headers.get("clerk-api-version") == "2026-05-12"
        assert req.body is None and req.headers.get("content-type") is None


def test_query_snake_case_arrays_and_falsy_values_kept():
    fetch = FakeFetch(json_response(200, [USER]))
    res = sync_client(fetch).users.get_user_list(emailAddress=["a@b.c", "d@e.f"], limit=2, order_by="-created_at",
                                                 offset=0, banned=False, query="")
    assert isinstance(res.data[0], User)
    url = fetch.requests[0].url
    assert url == ("https://api.clerk.com/v1/users?email_address=a%40b.c&email_address=d%40e.f&limit=2"
                   "&order_by=-created_at&offset=0&banned=false&query=")
    # None means "not given"
    sync_client(fetch).users.get_user_list(limit=None, email_address=[])
    assert fetch.requests[1].url == "https://api.clerk.com/v1/users"


def test_body_top_level_snake_case_metadata_untouched():
    fetch = FakeFetch(json_response(200, USER))
    sync_client(fetch).users.update_user_metadata(
        "user_1", publicMetadata={"someKey": 1, "nested_key": {"camelCase": True}}, private_metadata={})
    req = fetch.requests[0]
    assert req.method == "PATCH" and req.url.endswith("/v1/users/user_1/metadata")
    assert req.headers.get("content-type") == "application/json"
    assert json.loads(req.body) == {"public_metadata": {"someKey": 1, "nested_key": {"camelCase": True}},
                                    "private_metadata": {}}
    sync_client(fetch).users.update_user("user_1", first_name="", skip_password_checks=False,
                                         primaryEmailAddressID="idn_2")
    assert json.loads(fetch.requests[1].body) == {"first_name": "", "skip_password_checks": False,
                                                  "primary_email_address_id": "idn_2"}


def test_bulk_body_formatted_item_by_item():
    fetch = FakeFetch(json_response(200, []))
    sync_client(fetch).invitations.create_bulk_invitations(
        body=[{"emailAddress": "a@b.co", "publicMetadata": {"camelKey": 1}}, {"email_address": "c@d.co"}])
    assert json.loads(fetch.requests[0].body) == [
        {"email_address": "a@b.co", "public_metadata": {"camelKey": 1}}, {"email_address": "c@d.co"}]


def test_paginated_and_total_count_and_deleted_and_204():
    org = {"object": "organization", "id": "org_1", "name": "Acme"}
    fetch = FakeFetch(json_response(200, {"data": [org, org], "total_count": 12}),
                      json_response(200, {"object": "total_count", "total_count": 5}),
                      json_response(200, {"object": "user", "id": "user_1", "deleted": True}),
                      HttpResponse(204, {}, b""))
    c = sync_client(fetch)
    res = c.organizations.list_organizations(limit=2)
    assert res.total_count == 12 and [type(o) for o in res.data] == [Organization, Organization]
    res = c.users.get_count()
    assert res.data == 5 and res.total_count == 5
    res = c.users.delete_user("user_1")
    assert isinstance(res.data, DeletedObject) and res.data.deleted is True and res.data.id == "user_1"
    res = c.users.delete_user("user_1")
    assert res.ok and res.data is None and res.status == 204


def test_unknown_objects_stay_plain_and_token_never_printed():
    fetch = FakeFetch(json_response(200, {"object": "machine", "id": "mch_1"}),
                      json_response(200, {"object": "token", "jwt": "eyJhbGciOiJSUzI1NiJ9.secret.sig"}))
    c = sync_client(fetch)
    assert c.machines.get_machine("mch_1").data == {"object": "machine", "id": "mch_1"}
    tok = c.sessions.get_token("sess_1", "supabase").data
    assert isinstance(tok, Token) and tok.jwt.startswith("eyJ") and "secret" not in repr(tok)
    assert fetch.requests[1].url == "https://api.clerk.com/v1/sessions/sess_1/tokens/supabase"
    c.sessions.get_token("sess_1")
    assert fetch.requests[2].url == "https://api.clerk.com/v1/sessions/sess_1/tokens"


# ------------------------------------------------------------------------------------------ error paths
def test_4xx_error_body_parsed_never_raised():
    fetch = FakeFetch(json_response(422, ERR_422, {"cf-ray": "ray-ignored"}))
    s, a = both(fetch, lambda c: c.invitations.create_invitation(email_address="nope"))
    for res in (s, a):
        assert not res.ok and res.data is None and res.status == 422
        assert res.clerk_trace_id == "trace_1"  # body wins over cf-ray
        assert res.errors == [ClerkAPIError("form_param_format_invalid", "is invalid",
                                            "email_address must be a valid email address.",
                                            {"param_name": "email_address"})]
        assert res.errors[0].param_name == "email_address"
        with pytest.raises(ClerkAPIResponseError) as info:
            res.unwrap()
        err = info.value
        assert err.status == 422 and err.clerk_trace_id == "trace_1" and err.message == "Unprocessable Entity"
        assert err.errors == res.errors and "email_address must be a valid email address." in str(err)
    assert len(fetch.requests) == 2  # POST: no retry


def test_trace_id_from_cf_ray_else_empty():
    fetch = FakeFetch(json_response(404, {"errors": [{"code": "resource_not_found", "message": "not found"}]},
                                    {"cf-ray": "8a1b2c3d4e5f-FRA"}),
                      json_response(404, {"errors": [{"code": "resource_not_found", "message": "not found"}]}))
    c = sync_client(fetch)
    assert c.users.get_user("user_x").clerk_trace_id == "8a1b2c3d4e5f-FRA"
    assert c.users.get_user("user_x").clerk_trace_id == ""


def test_non_json_bodies():
    html = b"<html><body>502 Bad Gateway</body></html>"
    fetch = FakeFetch(HttpResponse(502, {"content-type": "text/html"}, html),
                      HttpResponse(200, {"content-type": "text/html"}, b"<html>interstitial</html>"),
                      HttpResponse(400, {"content-type": "application/json"}, b"{not json"),
                      HttpResponse(401, {}, b""))
    c = sync_client(fetch, retry=False)
    res = c.users.get_user("user_1")
    assert res.status == 502 and res.errors[0].code == "unexpected_response"
    assert res.errors[0].message == "502 Bad Gateway" and "502 Bad Gateway" in res.errors[0].long_message
    res = c.interstitial.get_interstitial()
    assert res.ok and res.data == "<html>interstitial</html>"
    assert fetch.requests[1].url == "https://api.clerk.com/v1/internal/interstitial"
    res = c.users.get_user("user_1")
    assert res.status == 400 and res.errors[0].code == "unexpected_response" and res.errors[0].long_message == "{not json"
    res = c.users.get_user("user_1")
    assert res.status == 401 and res.errors[0].message == "401 Unauthorized" and res.errors[0].long_message is None


def test_transport_failure_is_one_unexpected_error_entry():
    fetch = FakeFetch(FetchError("Request to x failed: refused", kind="connection"))
    res = sync_client(fetch, retry=False).users.get_user("user_1")
    assert res.status is None and res.data is None
    assert [(e.code, e.message, e.meta) for e in res.errors] == [
        ("unexpected_error", "Request to x failed: refused", {"kind": "connection"})]
    # a custom backend raising anything else is a transport failure too, not a stack trace
    fetch = FakeFetch(RuntimeError("socket exploded"))
    res = run(Clerk(secret_key=SK, fetch=fetch, retry=False).users.get_user("user_1"))
    assert res.errors[0].code == "unexpected_error" and "socket exploded" in res.errors[0].message


# ------------------------------------------------------------------------------------------ retries
def test_429_retry_after_honoured_for_get(sleeps):
    fetch = FakeFetch(json_response(429, {"errors": [{"code": "too_many_requests", "message": "slow down"}]},
                                    {"Retry-After": "3"}),
                      json_response(200, USER))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock).users.get_user("user_1")
    assert res.ok and isinstance(res.data, User)
    assert sleeps.calls == [3.0] and len(fetch.requests) == 2


def test_429_not_retried_for_post_and_retry_after_reported(sleeps):
    fetch = FakeFetch(json_response(429, {"errors": [{"code": "too_many_requests", "message": "slow down"}]},
                                    {"Retry-After": "7"}))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock).users.create_user(email_address=["a@b.co"])
    assert res.status == 429 and res.retry_after == 7 and sleeps.calls == [] and len(fetch.requests) == 1
    with pytest.raises(ClerkAPIResponseError) as info:
        res.unwrap()
    assert info.value.retry_after == 7


def test_5xx_retried_with_jittered_backoff_then_gives_up(sleeps):
    policy = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8.0)
    fetch = FakeFetch(json_response(503, {"errors": [{"code": "unavailable", "message": "down"}]}))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock, retry=policy).users.get_user("user_1")
    assert res.status == 503 and res.errors[0].code == "unavailable"
    assert len(fetch.requests) == 4 and len(sleeps.calls) == 3
    for attempt, wait in enumerate(sleeps.calls):
        assert 0 <= wait <= 0.5 * 2 ** attempt
    # then success on the second try; PUT and DELETE are idempotent too
    fetch = FakeFetch(json_response(500, {"errors": []}), json_response(200, {"object": "user", "id": "u"}))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock).users.replace_user_metadata("u", public_metadata={})
    assert res.ok and [r.method for r in fetch.requests] == ["PUT", "PUT"]
    # PATCH is not retried
    fetch = FakeFetch(json_response(500, {"errors": []}), json_response(200, USER))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock).users.update_user("u", first_name="A")
    assert res.status == 500 and len(fetch.requests) == 1


def test_transport_errors_retried_for_get_only(sleeps):
    fetch = FakeFetch(FetchError("timed out", kind="timeout"), json_response(200, USER))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock).users.get_user("user_1")
    assert res.ok and len(fetch.requests) == 2
    fetch = FakeFetch(FetchError("timed out", kind="timeout"), json_response(200, USER))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock).sessions.revoke_session("sess_1")
    assert res.errors[0].code == "unexpected_error" and res.errors[0].meta == {"kind": "timeout"}
    assert len(fetch.requests) == 1


def test_total_deadline_bounds_attempts_and_waits(sleeps):
    # Retry-After beyond the deadline: give up at once, report the 429
    fetch = FakeFetch(json_response(429, {"errors": [{"code": "too_many_requests", "message": "x"}]},
                                    {"Retry-After": "120"}))
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock, timeout=30).users.get_user("user_1")
    assert res.status == 429 and res.retry_after == 120 and sleeps.calls == [] and len(fetch.requests) == 1

    # every attempt's own timeout is the time left
    def slow(request):
        sleeps.t += 4.0  # each attempt "takes" 4 s of the budget
        raise FetchError("timed out", kind="timeout")

    fetch = FakeFetch(slow)
    res = sync_client(fetch, sleep=sleeps, clock=sleeps.clock, timeout=10,
                      retry=RetryPolicy(max_attempts=10, base_delay=0.0)).users.get_user("user_1")
    assert res.errors[0].meta == {"kind": "timeout"}
    assert 2 <= len(fetch.requests) <= 3
    assert fetch.requests[0].timeout == pytest.approx(10.0)
    assert all(r.timeout <= 10.0 for r in fetch.requests)
    assert fetch.requests[1].timeout == pytest.approx(6.0, abs=0.01)


def test_timeout_validation():
    with pytest.raises(ClerkEdgeError):
        SyncClerk(secret_key=SK, timeout=0)
    with pytest.raises(ClerkEdgeError):
        SyncClerk(secret_key=SK, timeout="soon")


# ------------------------------------------------------------------------------------------ input checks
@pytest.mark.parametrize("bad", ["", None, ".", ".."])
def test_empty_ids_rejected_before_any_request(bad):
    fetch = FakeFetch(json_response(200, USER))
    with pytest.raises(ClerkEdgeError) as info:
        sync_client(fetch).users.get_user(bad)
    assert str(info.value) == INVALID_ID
    with pytest.raises(ClerkEdgeError) as info:
        run(Clerk(secret_key=SK, fetch=fetch).organizations.get_organization_membership_list(organization_id=bad))
    assert str(info.value) == INVALID_ID
    assert fetch.requests == []


def test_ids_are_path_encoded():
    fetch = FakeFetch(json_response(200, USER))
    sync_client(fetch).users.get_user("user_1/../../jwks?x=1")
    assert fetch.requests[0].url == "https://api.clerk.com/v1/users/user_1%2F..%2F..%2Fjwks%3Fx%3D1"


def test_argument_errors_are_clear():
    c = sync_client(FakeFetch(json_response(200, USER)))
    with pytest.raises(ClerkArgumentError, match="unexpected argument 'nickname'.*accepts: user_id"):
        c.users.get_user("user_1", nickname="x")
    with pytest.raises(ClerkArgumentError, match="missing required argument 'user_id'"):
        c.users.get_user()
    with pytest.raises(ClerkArgumentError, match="positional"):
        c.users.get_user("a", "b")
    with pytest.raises(ClerkArgumentError, match="multiple values"):
        c.users.get_user("a", user_id="b")
    with pytest.raises(AttributeError, match="no method 'get_usr'"):
        c.users.get_usr
    with pytest.raises(AttributeError, match="resource group 'userz'"):
        c.userz
    assert isinstance(c.users.get_user("user_1"), ApiResponse)


def test_path_params_by_name_and_0x_aliases():
    fetch = FakeFetch(json_response(200, {"object": "organization_membership", "id": "m"}))
    c = sync_client(fetch)
    c.organizations.update_organization_membership(organization_id="org_1", user_id="user_2", role="admin")
    c.organization_memberships.update_organization_membership("org_1", "user_2", role="admin")
    c.redirect_urls.get_redirect_url(redirect_url_id="ru_1")   # 0.x name of the spec's {id}
    c.clients.verify_client("client_token")                   # 0.x: token positional, sent in the body
    assert [r.url for r in fetch.requests] == [
        "https://api.clerk.com/v1/organizations/org_1/memberships/user_2",
        "https://api.clerk.com/v1/organizations/org_1/memberships/user_2",
        "https://api.clerk.com/v1/redirect_urls/ru_1",
        "https://api.clerk.com/v1/clients/verify"]
    assert json.loads(fetch.requests[0].body) == json.loads(fetch.requests[1].body) == {"role": "admin"}
    assert json.loads(fetch.requests[3].body) == {"token": "client_token"}


def test_multipart_upload():
    from email.parser import BytesParser
    from email.policy import HTTP

    fetch = FakeFetch(json_response(200, {"object": "organization", "id": "org_1"}))
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    sync_client(fetch).organizations.upload_organization_logo("org_1", file=("logo.png", png, "image/png"),
                                                              uploader_user_id="user_1")
    req = fetch.requests[0]
    assert req.method == "PUT" and req.url.endswith("/v1/organizations/org_1/logo")
    ctype = req.headers.get("content-type")
    assert ctype.startswith("multipart/form-data; boundary=")
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + req.body)
    parts = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
    assert parts["file"].get_content_type() == "image/png" and parts["file"].get_filename() == "logo.png"
    assert parts["file"].get_payload(decode=True) == png
    assert parts["uploader_user_id"].get_payload(decode=True) == b"user_1"
    # same input, same bytes (the boundary comes from the content, not from randomness)
    sync_client(fetch).organizations.upload_organization_logo("org_1", file=("logo.png", png, "image/png"),
                                                              uploader_user_id="user_1")
    assert fetch.requests[1].body == req.body


# ------------------------------------------------------------------------------------------ keys & config
def test_missing_secret_key_raises_before_request(monkeypatch):
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    monkeypatch.delenv("CLERK_API_KEY", raising=False)
    fetch = FakeFetch(json_response(200, USER))
    c = SyncClerk(fetch=fetch, env={})
    with pytest.raises(ClerkEdgeError) as info:
        c.users.get_user("user_1")
    assert str(info.value) == MISSING_SECRET_KEY and fetch.requests == []
    # the public interstitial needs no key; a per-call key works on a keyless client
    c.miscellaneous.get_public_interstitial(publishable_key="pk_test_x")
    assert fetch.requests[0].headers.get("authorization") is None
    c.users.get_user("user_1", secret_key="sk_test_per_call")
    assert fetch.requests[1].headers.get("authorization") == "Bearer sk_test_per_call"


def test_two_clients_side_by_side_and_per_call_override():
    fetch = FakeFetch(json_response(200, USER))
    a = SyncClerk(secret_key="sk_test_instance_a", fetch=fetch)
    b = Clerk(api_key="sk_test_instance_b", fetch=fetch, api_url="https://api.eu.example.com/", api_version="v9")
    a.users.get_user("u1")
    run(b.users.get_user("u2"))
    a.users.get_user("u3", secret_key="sk_test_override")
    a.users.get_user("u4")
    got = [(r.url, r.headers.get("authorization")) for r in fetch.requests]
    assert got == [("https://api.clerk.com/v1/users/u1", "Bearer sk_test_instance_a"),
                   ("https://api.eu.example.com/v9/users/u2", "Bearer sk_test_instance_b"),
                   ("https://api.clerk.com/v1/users/u3", "Bearer sk_test_override"),
                   ("https://api.clerk.com/v1/users/u4", "Bearer sk_test_instance_a")]


def test_keys_from_env_mapping_and_binding_object():
    fetch = FakeFetch(json_response(200, USER))

    class Binding:  # a Workers `env`: attribute access
        CLERK_SECRET_KEY = "sk_test_from_binding"
        CLERK_API_URL = "https://api.binding.example"

    c = SyncClerk.from_env(Binding(), fetch=fetch)
    c.users.get_user("u")
    assert fetch.requests[-1].headers.get("authorization") == "Bearer sk_test_from_binding"
    assert fetch.requests[-1].url.startswith("https://api.binding.example/v1/")
    c = Clerk.from_env({"CLERK_API_KEY": "sk_test_legacy_api_key"}, fetch=fetch)
    run(c.users.get_user("u"))
    assert fetch.requests[-1].headers.get("authorization") == "Bearer sk_test_legacy_api_key"
    c = SyncClerk(env={"CLERK_SECRET_KEY": "sk_test_new", "CLERK_API_KEY": "sk_test_old"}, fetch=fetch)
    assert c.secret_key == "sk_test_new"
    c = SyncClerk(secret_key="sk_test_arg", env={"CLERK_SECRET_KEY": "sk_test_env"}, fetch=fetch)
    assert c.secret_key == "sk_test_arg"


def test_no_secret_in_repr():
    c = SyncClerk(secret_key="sk_live_supersecretvalue", fetch=FakeFetch(json_response(200, USER)))
    assert "supersecret" not in repr(c) and "supersecret" not in repr(c.config)
    assert "sk_live" in repr(c)


def test_url_join_collapses_slashes_but_keeps_scheme():
    fetch = FakeFetch(json_response(200, USER))
    SyncClerk(secret_key=SK, fetch=fetch, api_url="http://127.0.0.1:9//base/", api_version="/v1/").users.get_user("u")
    assert fetch.requests[0].url == "http://127.0.0.1:9/base/v1/users/u"
    # unversioned resources (as @clerk/backend calls them)
    SyncClerk(secret_key=SK, fetch=fetch).api_keys.get_api_keys(subject="user_1")
    assert fetch.requests[1].url == "https://api.clerk.com/api_keys?subject=user_1"


def test_raw_request_escape_hatch():
    fetch = FakeFetch(json_response(200, {"object": "user", "id": "u"}))
    res = sync_client(fetch).request("POST", "/users/u/custom_action", query={"dryRun": False},
                                     body={"someField": {"keepCase": 1}})
    assert isinstance(res.data, User)
    req = fetch.requests[0]
    assert req.url == "https://api.clerk.com/v1/users/u/custom_action?dry_run=false"
    assert json.loads(req.body) == {"some_field": {"keepCase": 1}}


def test_sync_face_refuses_async_only_fetch_clearly():
    class AsyncOnly(FakeFetch):
        is_async_only = True
        name = "async-only"

        def fetch(self, request):
            raise ClerkEdgeError("The 'async-only' fetch backend is async-only")

    with pytest.raises(ClerkEdgeError, match="async-only"):
        SyncClerk(secret_key=SK, fetch=AsyncOnly(json_response(200, USER))).users.get_user("u")


def test_every_0x_method_present_with_0x_path():
    from clerk_edge.api.seed import SEED
    from clerk_edge.api.table import groups

    c = SyncClerk(secret_key=SK, fetch=FakeFetch(json_response(200, {})))
    t = groups()
    for group, name, method, path, *_ in SEED:
        op = getattr(getattr(c, group), name).operation
        assert op is t[group][name]
        assert op.method == method
        import re
        assert re.sub(r"\{[^}]+\}", "{}", op.path) == re.sub(r"\{[^}]+\}", "{}", path.replace("?}", "}"))
    assert sum(len(v) for v in t.values()) == 249 + len(SEED) + 1 - sum(
        1 for r in SEED if r[1] in t[r[0]] and t[r[0]][r[1]].operation_id)


def test_bad_inputs_are_typed_errors_not_stray_exceptions():
    fetch = FakeFetch(json_response(200, USER))
    c = sync_client(fetch)
    with pytest.raises(ClerkArgumentError, match="cannot be sent as JSON"):
        c.users.update_user_metadata("u", public_metadata={"x": object()})
    with pytest.raises(ClerkArgumentError, match="cannot be sent as JSON"):
        c.users.update_user_metadata("u", public_metadata={"x": float("nan")})
    with pytest.raises(ClerkArgumentError, match="query parameter 'email_address'"):
        c.users.get_user_list(email_address={"a": 1})
    with pytest.raises(ClerkEdgeError, match=INVALID_ID):
        c.users.get_user({"id": "u"})
    with pytest.raises(ClerkEdgeError, match=INVALID_ID):
        c.users.get_user(True)
    with pytest.raises(ClerkArgumentError, match="must be a list"):
        c.invitations.create_bulk_invitations(body={"email_address": "a@b.co"})
    for bad_key in ("sk_test_with space", "sk_test_\r\nX-Evil: 1", "sk_test_ünïcode"):
        with pytest.raises(ClerkEdgeError, match="printable ASCII") as info:
            c.users.get_user("u", secret_key=bad_key)
        assert bad_key not in str(info.value)
    assert fetch.requests == []
    # a hostile server: deeply nested JSON is kept as text, not a RecursionError
    deep = b"[" * 100_000 + b"]" * 100_000
    res = sync_client(FakeFetch(HttpResponse(200, {"content-type": "application/json"}, deep))).users.get_user("u")
    assert res.ok and isinstance(res.data, str)
    res = sync_client(FakeFetch(HttpResponse(500, {"content-type": "application/json"}, deep)), retry=False) \
        .users.get_user("u")
    assert res.errors[0].code == "unexpected_response"
    # dates in bodies are ISO strings
    import datetime
    sync_client(fetch).users.update_user("u", created_at=datetime.datetime(2026, 1, 2, 3, 4, 5,
                                                                          tzinfo=datetime.timezone.utc))
    assert json.loads(fetch.requests[-1].body) == {"created_at": "2026-01-02T03:04:05Z"}


def test_json_nesting_guard():
    from clerk_edge.api.response import _nesting_ok

    assert _nesting_ok("[" * 128 + "]" * 128) and not _nesting_ok("[" * 129 + "]" * 129)
    # brackets inside strings (escaped quotes included) do not count; wide documents are fine
    assert _nesting_ok(json.dumps({"a": "[" * 500, "b": '\\"' + "{" * 500, "c": [[1]]}))
    assert _nesting_ok(json.dumps([{"x": "\\", "y": [1, 2]}] * 500))
    assert not _nesting_ok(json.dumps({"s": "]" * 300, "deep": [[[[[[[[[[]]]]]]]]]]}).replace("[]", "[" * 200 + "]" * 200))
