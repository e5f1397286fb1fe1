"""``decode_jwt``: split, base64url-decode and JSON-parse a compact JWS.  Pure and synchronous."""
from __future__ import annotations

from typing import Any

import re

from .. import base64url
from ..jsonsafe import loads as json_loads
from ..errors import TokenVerificationError, TokenVerificationErrorReason as Reason

__all__ = ["Jwt", "RawJwt", "decode_jwt"]

MSG_PARTS = "Invalid JWT form. A JWT consists of three parts separated by dots."
MSG_DECODE = "Invalid JWT form. The header, payload, or signature could not be decoded."


class RawJwt:
    """The token's original base64url segments and its whole text."""

    __slots__ = ("header", "payload", "signature", "text")

    def __init__(self, header: str, payload: str, signature: str, text: str):
        self.header, self.payload, self.signature, self.text = header, payload, signature, text

    def __eq__(self, other) -> bool:
        return isinstance(other, RawJwt) and self.text == other.text

    __hash__ = None

    def __repr__(self) -> str:  # the raw token is a credential: never print it whole
        return f"RawJwt(text={self.text[:7]!r}…)"


class Jwt:
    """A decoded (not verified) JWT: ``header`` and ``payload`` dicts, ``signature`` bytes, ``raw`` text."""

    __slots__ = ("header", "payload", "signature", "raw")

    def __init__(self, header: dict, payload: dict, signature: bytes, raw: RawJwt):
        self.header, self.payload, self.signature, self.raw = header, payload, signature, raw

    def __eq__(self, other) -> bool:
        return isinstance(other, Jwt) and self.raw == other.raw

    __hash__ = None

    @property
    def signing_input(self) -> bytes:
        """The bytes the signature covers: the *original* base64url header and payload text."""
        return (self.raw.header + "." + self.raw.payload).encode("ascii")

    def __repr__(self) -> str:
        return f"Jwt(header={self.header!r}, sub={self.payload.get('sub')!r})"


_SHAPE = re.compile(r"[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}\Z")
_b64 = base64url.decode_unchecked
_HEADERS: dict = {}  # raw header text -> parsed header; tokens of one instance share a handful of headers


def _parse_json(segment: str) -> dict:
    value = json_loads(_b64(segment).decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("JWT header and payload must be JSON objects")
    return value


def _parse_header(segment: str) -> dict:
    header = _HEADERS.get(segment)
    if header is None:
        header = _parse_json(segment)
        if len(segment) <= 512:
            if len(_HEADERS) >= 256:
                _HEADERS.clear()
            _HEADERS[segment] = header
    return dict(header)  # callers may not mutate the cached one


def decode_jwt(token: Any) -> Jwt:
    """Decode without verifying.  Raises :class:`TokenVerificationError` (``token-invalid``) on any
    malformed input, never anything else."""
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise TokenVerificationError(Reason.TOKEN_INVALID, MSG_DECODE) from None
    elif not isinstance(token, str):
        token = ""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenVerificationError(Reason.TOKEN_INVALID, MSG_PARTS)
    if not _SHAPE.match(token):  # one alphabet check for the whole token
        raise TokenVerificationError(Reason.TOKEN_INVALID, MSG_DECODE)
    h, p, s = parts
    try:
        header = _parse_header(h)
        payload = _parse_json(p)
        signature = _b64(s)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise TokenVerificationError(Reason.TOKEN_INVALID, MSG_DECODE) from None
    return Jwt(header, payload, signature, RawJwt(h, p, s, token))
