"""Public keys as plain values.

:class:`PublicKey` is a frozen, hashable value: RSA (``n``, ``e``), EC (``crv``, ``x``, ``y``) or OKP
(``crv``, ``x``).  It is parsed from PEM/DER SPKI (:func:`from_pem`, :func:`from_der`) or a JWK dict
(:func:`from_jwk`), with no crypto library involved, so every backend sees the same key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

__all__ = ["PublicKey", "from_pem", "from_der", "from_jwk", "load_key", "to_jwk", "to_pem", "to_der", "InvalidKeyError"]


@dataclass(frozen=True)
class PublicKey:
    kty: str                      # 'RSA' | 'EC' | 'OKP'
    n: int = 0                    # RSA modulus
    e: int = 0                    # RSA public exponent
    crv: Optional[str] = None     # 'P-256' | 'P-384' | 'P-521' | 'Ed25519'
    x: bytes = b""                # EC / OKP public point (x coordinate, or the raw Ed25519 key)
    y: bytes = b""                # EC y coordinate
    kid: Optional[str] = field(default=None, compare=False)
    alg: Optional[str] = field(default=None, compare=False)

    @property
    def size_bits(self) -> int:
        if self.kty == "RSA":
            return self.n.bit_length()
        return {"P-256": 256, "P-384": 384, "P-521": 521, "Ed25519": 256}.get(self.crv or "", 0)

    def __repr__(self) -> str:
        if self.kty == "RSA":
            return f"PublicKey(RSA {self.size_bits} bits, kid={self.kid!r})"
        return f"PublicKey({self.kty} {self.crv}, kid={self.kid!r})"


def __getattr__(name):  # parsing lives in parse.py, loaded on first use
    if name in ("from_pem", "from_der", "from_jwk", "load_key", "to_jwk", "to_pem", "to_der", "InvalidKeyError"):
        from . import parse
        return getattr(parse, name)
    raise AttributeError(name)
