"""Verify Clerk webhooks (Standard Webhooks / Svix signatures) without any dependency.

``verify_webhook(request)`` or ``verify_webhook(headers=..., body=...)`` returns the event
``{type, object: 'event', data, event_attributes, timestamp, instance_id}`` or raises
:class:`WebhookVerificationError` with @clerk/backend's messages:

* ``@clerk/backend: Missing webhook signing secret. Set the CLERK_WEBHOOK_SIGNING_SECRET ...``
* ``@clerk/backend: Missing required webhook headers: svix-id, svix-timestamp, svix-signature``
* ``@clerk/backend: Unable to verify incoming webhook: <No matching signature found | Message timestamp too old |
  Message timestamp too new | Invalid Signature Headers | ...>``

The secret is ``signing_secret`` or ``CLERK_WEBHOOK_SIGNING_SECRET`` (from ``env`` — a mapping or a
Workers binding — else ``os.environ``); ``whsec_`` prefix optional; base64 key.  Signed content is
``"{id}.{timestamp}.{body}"`` with HMAC-SHA256; the ``svix-signature`` header is a space-separated list
of ``v1,<base64>`` (other versions ignored), compared in constant time; tolerance ±300 s.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any, Callable, Optional

from .errors import ClerkEdgeError

__all__ = ["verify_webhook", "WebhookVerificationError", "sign_webhook_payload", "WEBHOOK_TOLERANCE_IN_SECONDS"]

WEBHOOK_TOLERANCE_IN_SECONDS = 5 * 60
_PREFIX = "@clerk/backend: "


class WebhookVerificationError(ClerkEdgeError):
    """``code`` is one of ``missing-secret``, ``missing-headers``, ``invalid-secret``,
    ``invalid-signature-headers``, ``timestamp-too-old``, ``timestamp-too-new``, ``no-matching-signature``,
    ``invalid-payload``."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __repr__(self) -> str:
        return f"WebhookVerificationError(code={self.code!r}, message={self.message!r})"


class _Inner(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _decode_secret(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        secret = secret[len("whsec_"):]
    try:
        key = base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise _Inner("Invalid signing secret (expected base64, optionally prefixed with whsec_)", "invalid-secret")
    if not key:
        raise _Inner("Secret can't be empty.", "invalid-secret")
    return key


def _sign(key: bytes, msg_id: str, timestamp: int, body: str) -> str:
    mac = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def sign_webhook_payload(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The ``svix-signature`` value (``v1,<base64>``) for a body — for tests and local tooling."""
    return "v1," + _sign(_decode_secret(secret), msg_id, int(timestamp), body)


def _parse_int(text: str) -> Optional[int]:
    """``parseInt(text, 10)``: optional whitespace and sign, then leading digits; else None (NaN)."""
    s = text.lstrip()
    sign = 1
    if s[:1] in "+-" and s:
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    digits = ""
    for c in s:
        if c.isdigit() and c.isascii():
            digits += c
        else:
            break
    return sign * int(digits) if digits else None


def _verify(key: bytes, body: str, msg_id: str, timestamp_header: str, signature_header: str, now: float):
    timestamp = _parse_int(timestamp_header)
    if timestamp is None:
        raise _Inner("Invalid Signature Headers", "invalid-signature-headers")
    now_s = int(now // 1)
    if now_s - timestamp > WEBHOOK_TOLERANCE_IN_SECONDS:
        raise _Inner("Message timestamp too old", "timestamp-too-old")
    if timestamp > now_s + WEBHOOK_TOLERANCE_IN_SECONDS:
        raise _Inner("Message timestamp too new", "timestamp-too-new")
    expected = _sign(key, msg_id, timestamp, body).encode("utf-8")
    matched = False
    for versioned in signature_header.split(" "):
        version, _, signature = versioned.partition(",")
        signature = signature.split(",")[0]
        if version != "v1":
            continue
        # constant time per candidate; keep looping so the position of a match does not leak
        if hmac.compare_digest(signature.encode("utf-8"), expected):
            matched = True
    if not matched:
        raise _Inner("No matching signature found", "no-matching-signature")
    if body == "":
        return None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise _Inner(f"Invalid JSON payload: {exc}", "invalid-payload")


def _header_getter(request: Any, headers: Any) -> Callable[[str], Optional[str]]:
    source = headers
    if source is None and request is not None:
        from .adapters.request import to_request_view
        source = to_request_view(request).headers
    if source is None:
        return lambda name: None
    from .fetch import Headers
    if not isinstance(source, Headers):
        source = Headers(source)
    return source.get


def _body_text(request: Any, body: Any) -> str:
    if body is None and request is not None:
        if isinstance(request, dict) and "body" in request:
            body = request.get("body")
            if request.get("isBase64Encoded") and isinstance(body, str):
                body = base64.b64decode(body)
        else:
            from .adapters.request import to_request_view
            body = to_request_view(request).body
    if body is None:
        return ""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body).decode("utf-8", "replace")
    return str(body)


def verify_webhook(request: Any = None, *, headers: Any = None, body: Any = None, signing_secret: Optional[str] = None,
                   env: Any = None, clock: Optional[Callable[[], float]] = None) -> dict:
    """Verify a Clerk webhook and return the event dict (see the module docstring).

    Pass the incoming ``request`` (any form :func:`clerk_edge.to_request_view` accepts that carries a
    body: a mapping with ``body``, a Lambda event, ...) or ``headers`` + the raw ``body`` (str/bytes;
    the exact bytes Clerk sent — don't re-serialise parsed JSON).  For async frameworks read the body
    first (``await request.body()``) and pass it as ``body=``."""
    secret = signing_secret
    if secret is None:
        from .env import get_env
        secret = get_env(env, "CLERK_WEBHOOK_SIGNING_SECRET")
    if not secret:
        raise WebhookVerificationError(
            _PREFIX + "Missing webhook signing secret. Set the CLERK_WEBHOOK_SIGNING_SECRET environment variable "
            "with the webhook secret from the Clerk Dashboard.", "missing-secret")
    get = _header_getter(request, headers)
    values = {}
    for name in ("svix-id", "svix-timestamp", "svix-signature"):
        v = get(name)
        values[name] = v.strip() if isinstance(v, str) else None
    missing = [n for n, v in values.items() if not v]
    if missing:
        raise WebhookVerificationError(_PREFIX + f"Missing required webhook headers: {', '.join(missing)}",
                                       "missing-headers")
    text = _body_text(request, body)
    now = (clock or time.time)()
    try:
        key = _decode_secret(secret)
        payload = _verify(key, text, values["svix-id"], values["svix-timestamp"], values["svix-signature"], now)
    except _Inner as inner:
        raise WebhookVerificationError(_PREFIX + f"Unable to verify incoming webhook: {inner}", inner.code) from None
    payload = payload if isinstance(payload, dict) else {}
    return {"type": payload.get("type"), "object": "event", "data": payload.get("data"),
            "event_attributes": payload.get("event_attributes"), "timestamp": payload.get("timestamp"),
            "instance_id": payload.get("instance_id")}
