"""verify_webhook: Standard Webhooks / Svix signatures, tolerance, multiple signatures, messages."""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json

import pytest

from clerk_edge.webhooks import WebhookVerificationError, sign_webhook_payload, verify_webhook

SECRET = "whsec_" + base64.b64encode(b"clerk-edge-webhook-test-key!").decode()
NOW = 1_700_000_000
BODY = json.dumps({"type": "user.created", "object": "event", "data": {"id": "user_1"}, "timestamp": NOW * 1000,
                   "instance_id": "ins_1", "event_attributes": {"http_request": {"client_ip": "1.2.3.4"}}})
PREFIX = "@clerk/backend: Unable to verify incoming webhook: "


def _hmac_sig(secret: str, msg_id: str, ts: int, body: str) -> str:
    # computed independently of clerk_edge.webhooks (the Standard Webhooks definition)
    key = base64.b64decode(secret[len("whsec_"):])
    return "v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()


def headers(sig, ts=NOW, msg_id="msg_1"):
    return {"svix-id": msg_id, "svix-timestamp": str(ts), "svix-signature": sig}


def verify(h, body=BODY, secret=SECRET, now=NOW, **kw):
    return verify_webhook(headers=h, body=body, signing_secret=secret, clock=lambda: now, **kw)


def test_round_trip_and_event_shape():
    event = verify(headers(_hmac_sig(SECRET, "msg_1", NOW, BODY)))
    assert event == {"type": "user.created", "object": "event", "data": {"id": "user_1"},
                     "event_attributes": {"http_request": {"client_ip": "1.2.3.4"}}, "timestamp": NOW * 1000,
                     "instance_id": "ins_1"}
    assert sign_webhook_payload(SECRET, "msg_1", NOW, BODY) == _hmac_sig(SECRET, "msg_1", NOW, BODY)


def test_bytes_body_request_mapping_and_unprefixed_secret():
    sig = _hmac_sig(SECRET, "msg_1", NOW, BODY)
    assert verify(headers(sig), body=BODY.encode())["type"] == "user.created"
    assert verify(headers(sig), secret=SECRET[len("whsec_"):])["data"] == {"id": "user_1"}
    request = {"method": "POST", "url": "https://app.dev/webhooks", "headers": headers(sig), "body": BODY}
    assert verify_webhook(request, signing_secret=SECRET, clock=lambda: NOW)["instance_id"] == "ins_1"


def test_multiple_signatures_only_v1_counts():
    good = _hmac_sig(SECRET, "msg_1", NOW, BODY)
    assert verify(headers(f"v1,AAAA v2,{good[3:]} {good}"))["type"] == "user.created"
    with pytest.raises(WebhookVerificationError) as exc:
        verify(headers(f"v2,{good[3:]} v1a,{good[3:]}"))
    assert exc.value.message == PREFIX + "No matching signature found"


@pytest.mark.parametrize("mutate,message", [
    (lambda h, b: (h, b.replace("user_1", "user_2")), "No matching signature found"),
    (lambda h, b: (dict(h, **{"svix-timestamp": str(NOW + 1)}), b), "No matching signature found"),
    (lambda h, b: (dict(h, **{"svix-id": "msg_2"}), b), "No matching signature found"),
    (lambda h, b: (dict(h, **{"svix-timestamp": "soon"}), b), "Invalid Signature Headers"),
])
def test_tampering_fails(mutate, message):
    h, b = mutate(headers(_hmac_sig(SECRET, "msg_1", NOW, BODY)), BODY)
    with pytest.raises(WebhookVerificationError) as exc:
        verify(h, body=b)
    assert exc.value.message == PREFIX + message


def test_wrong_secret_fails():
    other = "whsec_" + base64.b64encode(b"another-key").decode()
    with pytest.raises(WebhookVerificationError, match="No matching signature found$"):
        verify(headers(_hmac_sig(SECRET, "msg_1", NOW, BODY)), secret=other)


def test_tolerance_is_300_seconds_both_ways():
    for ts in (NOW - 300, NOW + 300):
        assert verify(headers(_hmac_sig(SECRET, "m", ts, BODY), ts=ts, msg_id="m"))["type"] == "user.created"
    with pytest.raises(WebhookVerificationError) as old:
        verify(headers(_hmac_sig(SECRET, "m", NOW - 301, BODY), ts=NOW - 301, msg_id="m"))
    assert (old.value.message, old.value.code) == (PREFIX + "Message timestamp too old", "timestamp-too-old")
    with pytest.raises(WebhookVerificationError) as new:
        verify(headers(_hmac_sig(SECRET, "m", NOW + 301, BODY), ts=NOW + 301, msg_id="m"))
    assert new.value.message == PREFIX + "Message timestamp too new"


def test_missing_headers_and_secret():
    with pytest.raises(WebhookVerificationError) as exc:
        verify({"svix-id": " ", "svix-signature": "v1,x"})
    assert exc.value.message == "@clerk/backend: Missing required webhook headers: svix-id, svix-timestamp"
    with pytest.raises(WebhookVerificationError) as exc:
        verify_webhook(headers=headers("v1,x"), body=BODY, env={})
    assert exc.value.message == ("@clerk/backend: Missing webhook signing secret. Set the CLERK_WEBHOOK_SIGNING_SECRET "
                                 "environment variable with the webhook secret from the Clerk Dashboard.")


def test_env_fallback():
    sig = _hmac_sig(SECRET, "msg_1", NOW, BODY)
    assert verify_webhook(headers=headers(sig), body=BODY, env={"CLERK_WEBHOOK_SIGNING_SECRET": SECRET},
                          clock=lambda: NOW)["type"] == "user.created"


@pytest.mark.no_pyodide(reason="the standardwebhooks package is installed in the CPython venv only")
def test_signatures_from_the_standardwebhooks_package():
    from standardwebhooks.webhooks import Webhook
    wh = Webhook(SECRET)
    ts = datetime.datetime.fromtimestamp(NOW, tz=datetime.timezone.utc)
    sig = wh.sign("msg_sw", ts, BODY)
    assert verify(headers(sig, msg_id="msg_sw"))["data"] == {"id": "user_1"}
    with pytest.raises(WebhookVerificationError, match="No matching signature found$"):
        verify(headers(sig, msg_id="msg_sw"), body=BODY + " ")
    # and the package accepts what we sign
    ours = sign_webhook_payload(SECRET, "msg_x", NOW, BODY)
    wh_now = Webhook(SECRET)
    import standardwebhooks.webhooks as mod
    real = mod.datetime
    try:
        class _Frozen(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.datetime.fromtimestamp(NOW, tz=tz or datetime.timezone.utc)
        mod.datetime = _Frozen
        assert wh_now.verify(BODY, {"webhook-id": "msg_x", "webhook-timestamp": str(NOW), "webhook-signature": ours})
    finally:
        mod.datetime = real
