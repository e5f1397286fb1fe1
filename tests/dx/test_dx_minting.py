"""LocalClerk's offline parts — minting, cookies, webhooks, keys — with no server, so they run in every tier
(CPython and Pyodide): users can mint tokens for their own tests anywhere clerk_edge runs."""
from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

import clerk_edge
from clerk_edge import TokenVerificationError, decode_jwt
from clerk_edge.testing import LocalClerk, generate_rsa_key
from tests.support.aio import run

_KEY = []


def _clerk(**kw):
    if not _KEY:
        _KEY.append(generate_rsa_key(2048, kid="ins_offline"))
    return LocalClerk(frontend_api="clerk.offline.test", key=_KEY[0], **kw)


def test_offline_mint_verifies_with_jwt_key():
    clerk = _clerk()
    token = clerk.mint_session_token(user_id="user_off", azp="https://app.test")
    claims = run(clerk_edge.verify_token(token, jwt_key=clerk.jwt_key, authorized_parties=["https://app.test"],
                                         issuer=clerk.issuer))
    assert claims["sub"] == "user_off" and claims["iss"] == "https://clerk.offline.test"
    assert claims["sid"] in clerk.sessions and clerk.sessions[claims["sid"]]["user_id"] == "user_off"
    for kwargs, reason in (({"expired": True}, "token-expired"), ({"forged": True}, "token-invalid-signature")):
        with pytest.raises(TokenVerificationError) as exc:
            run(clerk_edge.verify_token(clerk.mint_session_token(**kwargs), jwt_key=clerk.jwt_key))
        assert exc.value.reason == reason


def test_offline_keys_and_suffix():
    clerk = _clerk(instance_type="production")
    pk = clerk.publishable_key
    assert pk == "pk_live_" + base64.b64encode(b"clerk.offline.test$").decode().rstrip("=")
    expected = base64.urlsafe_b64encode(hashlib.sha1(pk.encode()).digest()).decode()[:8]
    assert clerk.cookie_suffix == expected
    assert clerk.jwks()["keys"][0]["kid"] == "ins_offline"
    assert "sk_live" in repr(clerk) and clerk.secret_key not in repr(clerk)


def test_offline_webhook_signature_is_standard_webhooks():
    clerk = _clerk()
    headers, body = clerk.sign_webhook({"type": "user.deleted"}, msg_id="msg_1", timestamp=1_700_000_000)
    key = base64.b64decode(clerk.webhook_secret[len("whsec_"):])
    mac = base64.b64encode(hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert headers["svix-signature"] == "v1," + mac and body == b'{"type":"user.deleted"}'


def test_offline_cookies_need_no_server():
    clerk = _clerk()
    token = clerk.mint_session_token(issued_at=1_700_000_000)
    assert clerk.cookies_for(token, dev_browser=False) == f"__session={token}; __client_uat=1700000000"
    assert decode_jwt(token).header == {"alg": "RS256", "kid": "ins_offline", "typ": "JWT"}


def test_offline_webhook_passes_clerk_edge_verify_webhook():
    clerk = _clerk()
    payload = {"type": "user.created", "object": "event", "data": {"id": "user_w"}}
    headers, body = clerk.sign_webhook(payload)
    event = clerk_edge.verify_webhook(headers=headers, body=body, signing_secret=clerk.webhook_secret)
    assert event["type"] == "user.created" and event["data"] == {"id": "user_w"}
    with pytest.raises(clerk_edge.WebhookVerificationError):
        clerk_edge.verify_webhook(headers=headers, body=body + b" ", signing_secret=clerk.webhook_secret)


def test_unstarted_instance_generates_a_key_with_a_kid():
    clerk = LocalClerk(frontend_api="clerk.lazy.test", key_bits=1024)
    kid = decode_jwt(clerk.mint_session_token()).header["kid"]
    assert kid.startswith("ins_") and kid == clerk.kid == clerk.jwks()["keys"][0]["kid"]
