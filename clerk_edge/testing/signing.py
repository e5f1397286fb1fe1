"""Mint keys and signed JWTs for tests and the local Clerk instance.

RSA works everywhere (including Pyodide): keys are generated with ``cryptography`` when it is
importable (fast), otherwise in pure Python (Miller-Rabin with :mod:`secrets`; a 2048-bit key takes a
second or two); signing is pure ``pow`` with CRT.  EC (P-256/384/521) and Ed25519 keys are pure Python
as well (:mod:`clerk_edge.crypto.pure`), slower but dependency-free.  Randomness is drawn only when a
key is generated or an ECDSA signature is made, never at import.

    key = generate_rsa_key(kid="ins_test")
    token = sign_jwt({"sub": "user_1", "iat": 1700000000}, key)
"""
from __future__ import annotations

import binascii
import json
from typing import Any, Mapping, Optional

from .. import base64url
from ..errors import ClerkEdgeError
from ..keys import PublicKey

__all__ = ["RsaPrivateKey", "EcPrivateKey", "Ed25519PrivateKey", "generate_rsa_key", "generate_ec_key",
           "generate_ed25519_key", "load_private_key", "sign_jwt"]


# --------------------------------------------------------------------------- RSA
class RsaPrivateKey:
    """An RSA private key (plain integers) that signs RS256/RS384/RS512."""

    __slots__ = ("n", "e", "d", "p", "q", "dp", "dq", "qinv", "kid", "_public")

    def __init__(self, n: int, e: int, d: int, p: int = 0, q: int = 0, *, kid: Optional[str] = None):
        if p and q:
            if p * q != n:
                raise ClerkEdgeError("inconsistent RSA private key (p*q != n)")
            if p < q:
                p, q = q, p
        self.n, self.e, self.d, self.p, self.q = n, e, d, p, q
        if p and q:
            self.dp, self.dq, self.qinv = d % (p - 1), d % (q - 1), pow(q, -1, p)
        else:
            self.dp = self.dq = self.qinv = 0
        self.kid = kid
        self._public = None

    @property
    def size_bits(self) -> int:
        return self.n.bit_length()

    @property
    def public_key(self) -> PublicKey:
        if self._public is None:
            self._public = PublicKey("RSA", n=self.n, e=self.e, kid=self.kid)  # any RS* alg
        return self._public

    def public_jwk(self) -> dict:
        jwk = {"kty": "RSA", "n": base64url.encode(_ub(self.n)), "e": base64url.encode(_ub(self.e))}
        if self.kid is not None:
            jwk["kid"] = self.kid
        jwk["alg"] = "RS256"
        jwk["use"] = "sig"
        return jwk

    def public_pem(self) -> str:
        from ..keys.parse import to_pem
        return to_pem(PublicKey("RSA", n=self.n, e=self.e))

    def private_pem(self) -> str:
        """PKCS#8 ``-----BEGIN PRIVATE KEY-----``."""
        from ..keys.parse import der_int, der_seq, der_tlv, pem_armor
        p, q = (self.p, self.q) if self.p else (0, 0)
        pkcs1 = der_seq(*(der_int(v) for v in (0, self.n, self.e, self.d, p, q, self.dp, self.dq, self.qinv)))
        alg = der_seq(der_tlv(0x06, bytes.fromhex("2a864886f70d010101")), der_tlv(0x05, b""))
        return pem_armor(der_seq(der_int(0), alg, der_tlv(0x04, pkcs1)), "PRIVATE KEY")

    def sign(self, alg: str, data: bytes) -> bytes:
        if alg not in ("RS256", "RS384", "RS512"):
            raise ClerkEdgeError(f"an RSA key cannot sign {alg!r} (use RS256, RS384 or RS512)")
        from ..crypto.pure import rsa_sign_pkcs1
        return rsa_sign_pkcs1(alg[2:], bytes(data), self.n, self.d, self.p, self.q, self.dp, self.dq, self.qinv)

    def __repr__(self) -> str:
        return f"RsaPrivateKey({self.size_bits} bits, kid={self.kid!r})"


def _ub(i: int) -> bytes:
    return i.to_bytes((i.bit_length() + 7) // 8 or 1, "big")


_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p ** 0.5) + 1, 2))]


def _probable_prime(n: int, rounds: int = 40) -> bool:
    import secrets
    for sp in _SMALL_PRIMES:
        if n % sp == 0:
            return n == sp
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = secrets.randbelow(n - 3) + 2
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(bits: int, e: int) -> int:
    import secrets
    while True:
        c = secrets.randbits(bits) | (0b11 << (bits - 2)) | 1   # top two bits set: p*q has exactly 2*bits
        if c % e != 1 and _probable_prime(c):
            return c


def _pure_rsa_numbers(bits: int, e: int):
    from math import gcd
    while True:
        p = _random_prime(bits - bits // 2, e)
        q = _random_prime(bits // 2, e)
        if p == q:
            continue
        n = p * q
        if n.bit_length() != bits:
            continue
        lam = (p - 1) * (q - 1) // gcd(p - 1, q - 1)
        if gcd(e, lam) != 1:
            continue
        return n, e, pow(e, -1, lam), p, q


def generate_rsa_key(bits: int = 2048, *, kid: Optional[str] = None, e: int = 65537,
                     pure: bool = False) -> RsaPrivateKey:
    """A fresh RSA key (``cryptography`` if importable unless ``pure=True``, else pure Python)."""
    if bits < 512 or bits % 8:
        raise ValueError("bits must be a multiple of 8 and at least 512")
    if not pure:
        try:
            from cryptography.hazmat.primitives.asymmetric import rsa
        except ImportError:
            pure = True
        else:
            numbers = rsa.generate_private_key(public_exponent=e, key_size=bits).private_numbers()
            pn = numbers.public_numbers
            return RsaPrivateKey(pn.n, pn.e, numbers.d, numbers.p, numbers.q, kid=kid)
    n, e, d, p, q = _pure_rsa_numbers(bits, e)
    return RsaPrivateKey(n, e, d, p, q, kid=kid)


# --------------------------------------------------------------------------- EC / Ed25519
_EC_ALG = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


class EcPrivateKey:
    """An EC private key on P-256/P-384/P-521 that signs ES256/ES384/ES512 (JWS ``r || s``)."""

    def __init__(self, crv: str, d: int, *, kid: Optional[str] = None):
        from ..crypto.pure import ec_public_point
        from ..keys.parse import CURVES
        if crv not in CURVES:
            raise ClerkEdgeError(f"unsupported curve {crv!r}")
        curve = CURVES[crv]
        if not 0 < d < curve.n:
            raise ClerkEdgeError("invalid EC private scalar")
        self.crv, self.d, self.kid = crv, d, kid
        x, y = ec_public_point(crv, d)
        self.alg = _EC_ALG[crv]
        self.public_key = PublicKey("EC", crv=crv, x=x.to_bytes(curve.size, "big"), y=y.to_bytes(curve.size, "big"),
                                    kid=kid, alg=self.alg)

    def public_jwk(self) -> dict:
        from ..keys.parse import to_jwk
        return dict(to_jwk(self.public_key), use="sig")

    def public_pem(self) -> str:
        from ..keys.parse import to_pem
        return to_pem(self.public_key)

    def sign(self, alg: str, data: bytes) -> bytes:
        if alg != self.alg:
            raise ClerkEdgeError(f"a {self.crv} key signs {self.alg}, not {alg!r}")
        from ..crypto.pure import ecdsa_sign
        return ecdsa_sign(self.crv, alg[2:], self.d, bytes(data))

    def __repr__(self) -> str:
        return f"EcPrivateKey({self.crv}, kid={self.kid!r})"


class Ed25519PrivateKey:
    """An Ed25519 private key (32-byte seed) that signs EdDSA."""

    alg = "EdDSA"

    def __init__(self, seed: bytes, *, kid: Optional[str] = None):
        from ..crypto.pure import ed25519_public_from_seed
        if len(seed) != 32:
            raise ClerkEdgeError("an Ed25519 seed is 32 bytes")
        self.seed, self.kid = bytes(seed), kid
        self.public_key = PublicKey("OKP", crv="Ed25519", x=ed25519_public_from_seed(self.seed), kid=kid, alg="EdDSA")

    def public_jwk(self) -> dict:
        from ..keys.parse import to_jwk
        return dict(to_jwk(self.public_key), use="sig")

    def public_pem(self) -> str:
        from ..keys.parse import to_pem
        return to_pem(self.public_key)

    def sign(self, alg: str, data: bytes) -> bytes:
        if alg not in ("EdDSA", "Ed25519"):
            raise ClerkEdgeError(f"an Ed25519 key signs EdDSA, not {alg!r}")
        from ..crypto.pure import ed25519_sign
        return ed25519_sign(self.seed, bytes(data))

    def __repr__(self) -> str:
        return f"Ed25519PrivateKey(kid={self.kid!r})"


def generate_ec_key(crv: str = "P-256", *, kid: Optional[str] = None) -> EcPrivateKey:
    import secrets
    from ..keys.parse import CURVES
    if crv not in CURVES:
        raise ClerkEdgeError(f"unsupported curve {crv!r} (P-256, P-384, P-521)")
    return EcPrivateKey(crv, secrets.randbelow(CURVES[crv].n - 1) + 1, kid=kid)


def generate_ed25519_key(*, kid: Optional[str] = None) -> Ed25519PrivateKey:
    import secrets
    return Ed25519PrivateKey(secrets.token_bytes(32), kid=kid)


# --------------------------------------------------------------------------- PEM loading
def _pem_der(pem) -> tuple:
    import re
    if isinstance(pem, (bytes, bytearray)):
        pem = bytes(pem).decode("ascii", "replace")
    pem = pem.replace("\\n", "\n")
    m = re.search(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", pem, re.S)
    if not m:
        raise ClerkEdgeError("not a PEM private key (no BEGIN/END lines)")
    try:
        return m.group(1), binascii.a2b_base64("".join(m.group(2).split()))
    except (binascii.Error, ValueError):
        raise ClerkEdgeError("the PEM body is not valid base64") from None


def _read_ints(der: bytes, start: int, end: int, count: int):
    from ..keys.parse import der_read, der_uint
    out, pos = [], start
    for i in range(count):
        _, s, e = der_read(der, pos, end, 0x02)
        out.append(der_uint(der, s, e, f"field {i}"))
        pos = e
    return out


def load_private_key(pem, *, kid: Optional[str] = None):
    """Load a PKCS#8 (``PRIVATE KEY``) or PKCS#1 (``RSA PRIVATE KEY``) RSA key, a PKCS#8 Ed25519 key,
    or a SEC1/PKCS#8 EC key, without any crypto library."""
    from ..keys.parse import CURVES, InvalidKeyError, der_read, der_uint
    label, der = _pem_der(pem)
    try:
        if label == "RSA PRIVATE KEY":
            _, s, e = der_read(der, 0, len(der), 0x30)
            version, n, ex, d, p, q = _read_ints(der, s, e, 6)
            return RsaPrivateKey(n, ex, d, p, q, kid=kid)
        if label == "EC PRIVATE KEY":
            return _load_sec1(der, 0, len(der), None, kid)
        if label != "PRIVATE KEY":
            raise ClerkEdgeError(f"unsupported PEM label {label!r} (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)")
        _, s, e = der_read(der, 0, len(der), 0x30)
        _, vs, ve = der_read(der, s, e, 0x02)
        _, as_, ae = der_read(der, ve, e, 0x30)
        _, os_, oe = der_read(der, as_, ae, 0x06)
        oid = der[os_:oe]
        _, ks, ke = der_read(der, ae, e, 0x04)
        if oid == bytes.fromhex("2a864886f70d010101"):
            _, s2, e2 = der_read(der, ks, ke, 0x30)
            version, n, ex, d, p, q = _read_ints(der, s2, e2, 6)
            return RsaPrivateKey(n, ex, d, p, q, kid=kid)
        if oid == bytes.fromhex("2b6570"):
            _, ss, se = der_read(der, ks, ke, 0x04)
            return Ed25519PrivateKey(der[ss:se], kid=kid)
        if oid == bytes.fromhex("2a8648ce3d0201"):
            _, cs, ce = der_read(der, oe, ae, 0x06)
            crv = next((c.name for c in CURVES.values() if c.oid == der[cs:ce]), None)
            return _load_sec1(der, ks, ke, crv, kid)
        raise ClerkEdgeError("unsupported private key algorithm")
    except InvalidKeyError as exc:
        raise ClerkEdgeError(f"malformed private key: {exc}") from None


def _load_sec1(der, start, end, crv, kid):
    from ..keys.parse import CURVES, der_read
    _, s, e = der_read(der, start, end, 0x30)
    _, vs, ve = der_read(der, s, e, 0x02)
    _, ds, de = der_read(der, ve, e, 0x04)
    pos = de
    while pos < e and crv is None:
        tag, cs, ce = der_read(der, pos, e)
        if tag == 0xA0:
            _, os_, oe = der_read(der, cs, ce, 0x06)
            crv = next((c.name for c in CURVES.values() if c.oid == der[os_:oe]), None)
        pos = ce
    if crv is None:
        raise ClerkEdgeError("EC private key without a supported named curve")
    return EcPrivateKey(crv, int.from_bytes(der[ds:de], "big"), kid=kid)


# --------------------------------------------------------------------------- JWT
def _json(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_jwt(payload: Any, key, *, alg: str = "RS256", headers: Optional[Mapping[str, Any]] = None,
             typ: Optional[str] = "JWT") -> str:
    """A compact JWS: header ``{alg, kid (if the key has one), typ (unless None)}`` updated with
    ``headers``; ``payload`` is a dict (compact JSON) or raw ``bytes``/``str``.  ``key`` is a private key
    object from this module or a private key PEM."""
    if isinstance(key, (str, bytes)):
        key = load_private_key(key)
    header = {"alg": alg}
    if getattr(key, "kid", None):
        header["kid"] = key.kid
    if typ is not None:
        header["typ"] = typ
    if headers:
        header.update(headers)
    if isinstance(payload, str):
        body = payload.encode("utf-8")
    elif isinstance(payload, (bytes, bytearray)):
        body = bytes(payload)
    else:
        body = _json(payload)
    signing_input = base64url.encode(_json(header)) + "." + base64url.encode(body)
    signature = key.sign(alg, signing_input.encode("ascii"))
    return signing_input + "." + base64url.encode(signature)
