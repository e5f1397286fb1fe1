"""base64url without surprises: a compiled alphabet check, padding tolerated (``loose`` like
@clerk/backend), every failure a ``ValueError``."""
from __future__ import annotations

import binascii
import re
from base64 import urlsafe_b64encode

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*={0,2}\Z")


_TO_STD = bytes.maketrans(b"-_", b"+/")
_a2b = binascii.a2b_base64


def decode(text: str) -> bytes:
    if not _ALPHABET.match(text):
        raise ValueError("invalid base64url character")
    return decode_unchecked(text)


def decode_unchecked(text: str) -> bytes:
    """:func:`decode` for text already known to be in the base64url alphabet."""
    text = text.rstrip("=")
    rem = len(text) % 4
    if rem == 1:
        raise ValueError("invalid base64url length")
    try:
        return _a2b(text.encode("ascii").translate(_TO_STD) + b"=="[: (4 - rem) % 4])
    except (binascii.Error, ValueError) as exc:
        raise ValueError(str(exc)) from None


def encode(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
