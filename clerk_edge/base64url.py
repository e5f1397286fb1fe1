"""base64url without surprises: a compiled alphabet check, padding tolerated (``loose`` like
@clerk/backend), every failure a ``ValueError``."""
from __future__ import annotations

import binascii
import re
from base64 import urlsafe_b64decode, urlsafe_b64encode

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*={0,2}\Z")


def decode(text: str) -> bytes:
    if not _ALPHABET.match(text):
        raise ValueError("invalid base64url character")
    text = text.rstrip("=")
    if len(text) % 4 == 1:
        raise ValueError("invalid base64url length")
    try:
        return urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(str(exc)) from None


def encode(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
