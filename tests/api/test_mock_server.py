"""The async client over real HTTP on loopback, with the runtime's default fetch backend.

Runs in every tier: on CPython the default fetch is urllib (in a worker thread); inside Pyodide it is the
runtime's JS ``fetch`` and ``mock_server`` is remote-controlled from the host.  Also covers the 0.x methods whose
endpoints are gone from today's spec (so Prism cannot serve them).
"""
from __future__ import annotations

import json


from clerk_edge.api.client import Clerk
from clerk_edge.api.resources import Email, Invitation, Session, SMSMessage, Token, User
from clerk_edge.api.retry import RetryPolicy
from tests.api._run import run

SK = "sk_test_mockserver_0123456789"
USER = {"object": "user", "id": "user_1", "first_name": "Ada", "public_metadata": {"camelKey": 1},
        "email_addresses": [{"object": "email_address", "id": "idn_1", "email_address": "ada@example.com"}]}


def client(mock_server, **kw):
    kw.setdefault("secret_key", SK)
    return Clerk(api_url=mock_server.url, **kw)


def test_get_user_over_loopback(mock_server):
    mock_server.on("GET", "/v1/users/user_1", json=USER)
    res = run(client(mock_server).users.get_user("user_1"))
    assert res.ok and isinstance(res.data, User) and res.data.first_name == "Ada"
    assert res.data.email_addresses[0].email_address == "ada@example.com"
    [req] = mock_server.requests("/v1/users/user_1")
    assert req["method"] == "GET"
    assert req["headers"]["authorization"] == f"Bearer {SK}"
    assert req["headers"]["user-agent"].startswith("clerk-edge/")
    assert req["headers"]["clerk-api-version"] == "2026-05-12"


def test_query_and_body_encoding_over_loopback(mock_server):
    mock_server.on("GET", "/v1/users", json=[USER, USER])
    mock_server.on("POST", "/v1/users", json=USER)
    c = client(mock_server)
    res = run(c.users.get_user_list(email_address=["a@b.c", "d@e.f"], limit=2, offset=0, banned=False))
    assert [type(u) for u in res.data] == [User, User]
    [req] = mock_server.requests("/v1/users")
    assert [tuple(q) for q in req["query"]] == [("email_address", "a@b.c"), ("email_address", "d@e.f"),
                                               ("limit", "2"), ("offset", "0"), ("banned", "false")]
    run(c.users.create_user(emailAddress=["a@b.c"], firstName="Ada", publicMetadata={"camelKey": {"x": 1}},
                            skip_password_checks=False))
    post = [r for r in mock_server.requests("/v1/users") if r["method"] == "POST"][0]
    assert post["headers"]["content-type"] == "application/json"
    assert json.loads(post["body"]) == {"email_address": ["a@b.c"], "first_name": "Ada",
                                        "public_metadata": {"camelKey": {"x": 1}}, "skip_password_checks": False}


def test_error_body_and_trace_over_loopback(mock_server):
    mock_server.on("GET", "/v1/users/user_404", status=404, headers={"cf-ray": "ray-123"},
                   json={"errors": [{"code": "resource_not_found", "message": "not found",
                                     "long_message": "User not found", "meta": {}}]})
    res = run(client(mock_server).users.get_user("user_404"))
    assert res.status == 404 and res.clerk_trace_id == "ray-123"
    assert [(e.code, e.long_message) for e in res.errors] == [("resource_not_found", "User not found")]


def test_429_then_success_over_loopback(mock_server):
    mock_server.on("GET", "/v1/sessions/sess_1", status=429, headers={"Retry-After": "0"},
                   json={"errors": [{"code": "too_many_requests", "message": "x"}]}, times=1)
    mock_server.on("GET", "/v1/sessions/sess_1", json={"object": "session", "id": "sess_1", "status": "active"})
    res = run(client(mock_server, retry=RetryPolicy(max_attempts=2)).sessions.get_session("sess_1"))
    assert res.ok and isinstance(res.data, Session) and res.data.status == "active"
    assert mock_server.count("/v1/sessions/sess_1") == 2


def test_non_json_error_over_loopback(mock_server):
    mock_server.on("GET", "/v1/clients/client_1", status=502, body="<html>bad gateway</html>",
                   headers={"content-type": "text/html"})
    res = run(client(mock_server, retry=False).clients.get_client("client_1"))
    assert res.status == 502 and res.errors[0].code == "unexpected_response"
    assert res.errors[0].long_message == "<html>bad gateway</html>"


def test_timeout_over_loopback(mock_server):
    mock_server.on("GET", "/v1/users/slow", json=USER, delay=1.5)
    res = run(client(mock_server, timeout=0.3, retry=False).users.get_user("slow"))
    assert res.errors[0].code == "unexpected_error" and res.errors[0].meta.get("kind") == "timeout"


def test_0x_methods_removed_from_the_spec(mock_server):
    """The 0.x methods with their 0.x paths, for endpoints today's spec no longer lists."""
    mock_server.on("POST", "/v1/emails", json={"object": "email", "id": "ema_1", "subject": "Hi"})
    mock_server.on("POST", "/v1/sms_messages", json={"object": "sms_message", "id": "sms_1", "message": "Hi"})
    mock_server.on("POST", "/v1/sessions/sess_1/verify", json={"object": "session", "id": "sess_1"})
    mock_server.on("GET", "/v1/internal/interstitial", body="<html>interstitial</html>",
                   headers={"content-type": "text/html"})
    mock_server.on("POST", "/v1/sessions/sess_1/tokens", json={"object": "token", "jwt": "eyJ.x.y"})
    mock_server.on("GET", "/v1/invitations", json=[{"object": "invitation", "id": "inv_1", "status": "pending"}])
    c = client(mock_server)
    email = run(c.emails.create_email(from_email_name="noreply", email_address_id="idn_1", subject="Hi", body="B"))
    assert isinstance(email.data, Email) and email.data.subject == "Hi"
    sms = run(c.sms_messages.create_sms_message(phone_number_id="idn_2", message="Hi"))
    assert isinstance(sms.data, SMSMessage)
    sess = run(c.sessions.verify_session("sess_1", "token_value"))
    assert isinstance(sess.data, Session)
    page = run(c.interstitial.get_interstitial())
    assert page.data == "<html>interstitial</html>"
    tok = run(c.sessions.get_token("sess_1"))
    assert isinstance(tok.data, Token) and tok.data.jwt == "eyJ.x.y"
    inv = run(c.invitations.get_invitation_list(status="pending"))
    assert isinstance(inv.data[0], Invitation)
    bodies = {r["path"]: (json.loads(r["body"]) if r["body"] else None, r["query"]) for r in mock_server.requests()}
    assert bodies["/v1/emails"][0] == {"from_email_name": "noreply", "email_address_id": "idn_1", "subject": "Hi",
                                       "body": "B"}
    assert bodies["/v1/sms_messages"][0] == {"phone_number_id": "idn_2", "message": "Hi"}
    assert bodies["/v1/sessions/sess_1/verify"][0] == {"token": "token_value"}
    assert bodies["/v1/sessions/sess_1/tokens"][0] is None
    assert [tuple(q) for q in bodies["/v1/invitations"][1]] == [("status", "pending")]


def test_handshake_payload_and_refresh(mock_server):
    """What the handshake engineers call: clients.get_handshake_payload(nonce=…), sessions.refresh_session."""
    mock_server.on("GET", "/v1/clients/handshake_payload", json={"directives": ["__session=x; Path=/"]})
    mock_server.on("POST", "/v1/sessions/sess_1/refresh", json={"object": "session_refresh", "jwt": "eyJ"})
    c = client(mock_server)
    res = run(c.clients.get_handshake_payload(nonce="n0nce"))
    assert res.data == {"directives": ["__session=x; Path=/"]}
    res = run(c.sessions.refresh_session("sess_1", expired_token="e", refresh_token="r", request_origin="o"))
    assert res.ok
    [hp] = mock_server.requests("/v1/clients/handshake_payload")
    assert [tuple(q) for q in hp["query"]] == [("nonce", "n0nce")]
    [rf] = mock_server.requests("/v1/sessions/sess_1/refresh")
    assert json.loads(rf["body"]) == {"expired_token": "e", "refresh_token": "r", "request_origin": "o"}


def test_concurrent_clients_with_different_keys(mock_server):
    import asyncio

    mock_server.on("GET", "/v1/users/u", json=USER)
    a = client(mock_server, secret_key="sk_test_instance_aaaa")
    b = client(mock_server, secret_key="sk_test_instance_bbbb")

    async def both():
        return await asyncio.gather(a.users.get_user("u"), b.users.get_user("u"),
                                    a.users.get_user("u", secret_key="sk_test_override"))

    results = run(both())
    assert all(r.ok for r in results)
    keys = sorted(r["headers"]["authorization"] for r in mock_server.requests("/v1/users/u"))
    assert keys == ["Bearer sk_test_instance_aaaa", "Bearer sk_test_instance_bbbb", "Bearer sk_test_override"]
