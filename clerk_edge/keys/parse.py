"""Parse public keys from PEM/DER (SubjectPublicKeyInfo or PKCS#1) and JWK, and write them back.

A small, strict DER reader does the work; no crypto library is involved, so every backend sees the
same :class:`~clerk_edge.keys.PublicKey`.  Accepted:

* SPKI (``-----BEGIN PUBLIC KEY-----``) for RSA (rsaEncryption, any modulus size and exponent),
  EC (id-ecPublicKey on P-256/P-384/P-521, uncompressed points that lie on the curve) and Ed25519;
* PKCS#1 ``-----BEGIN RSA PUBLIC KEY-----``;
* the bare base64 body of either (what ``CLERK_JWT_KEY`` often holds), with any whitespace, CRLF,
  or literal ``\\n`` escape sequences as they come out of environment variables;
* JWK dicts: ``RSA`` (n, e), ``EC`` (crv, x, y), ``OKP`` Ed25519 (x); ``kid`` and ``alg`` are kept.

Every problem raises :class:`InvalidKeyError` with a message that says what was wrong.  Parsed keys
are cached (by normalised text / DER bytes), so passing the same PEM per call costs a dict lookup.
"""
from __future__ import annotations

import binascii
import functools
import re
from typing import Any, Optional, Tuple

from ..errors import ClerkEdgeError
from . import PublicKey

__all__ = ["InvalidKeyError", "from_pem", "from_der", "from_jwk", "load_key", "to_jwk", "to_pem", "to_der",
           "CURVES", "is_on_curve"]


class InvalidKeyError(ClerkEdgeError):
    """Key material could not be parsed or is not a usable public key."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- curve parameters
class Curve:
    __slots__ = ("name", "p", "a", "b", "n", "gx", "gy", "size", "oid")

    def __init__(self, name, p, a, b, n, gx, gy, size, oid):
        self.name, self.p, self.a, self.b, self.n = name, p, a, b, n
        self.gx, self.gy, self.size, self.oid = gx, gy, size, oid

    def __repr__(self):
        return f"Curve({self.name})"


_P256 = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_P384 = 2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1
_P521 = 2 ** 521 - 1

CURVES = {
    "P-256": Curve(
        "P-256", _P256, _P256 - 3,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
        0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
        32, bytes.fromhex("2a8648ce3d030107")),
    "P-384": Curve(
        "P-384", _P384, _P384 - 3,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
        0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
        48, bytes.fromhex("2b81040022")),
    "P-521": Curve(
        "P-521", _P521, _P521 - 3,
        int("0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573"
            "DF883D2C34F1EF451FD46B503F00", 16),
        int("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5"
            "C9B8899C47AEBB6FB71E91386409", 16),
        int("00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348"
            "B3C1856A429BF97E7E31C2E5BD66", 16),
        int("011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C"
            "7086A272C24088BE94769FD16650", 16),
        66, bytes.fromhex("2b81040023")),
}
_CURVE_BY_OID = {c.oid: c for c in CURVES.values()}


def is_on_curve(curve: Curve, x: int, y: int) -> bool:
    p = curve.p
    if not (0 <= x < p and 0 <= y < p):
        return False
    return (y * y - (x * x * x + curve.a * x + curve.b)) % p == 0


# --------------------------------------------------------------------------- DER reading
_OID_RSA = bytes.fromhex("2a864886f70d010101")
_OID_EC = bytes.fromhex("2a8648ce3d0201")
_OID_ED25519 = bytes.fromhex("2b6570")
_OID_ED448 = bytes.fromhex("2b6571")
_OID_X25519 = bytes.fromhex("2b656e")
_OID_RSA_PSS = bytes.fromhex("2a864886f70d01010a")

_SEQUENCE, _INTEGER, _BIT_STRING, _OCTET_STRING, _NULL, _OID = 0x30, 0x02, 0x03, 0x04, 0x05, 0x06


def der_read(buf: bytes, pos: int, end: int, expect: Optional[int] = None) -> Tuple[int, int, int]:
    """Read one TLV at ``pos`` (must lie within ``end``); return ``(tag, value_start, value_end)``."""
    if pos + 2 > end:
        raise InvalidKeyError("truncated DER data")
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        raise InvalidKeyError("unsupported DER tag")
    first = buf[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise InvalidKeyError("indefinite-length DER encoding is not allowed")
    else:
        count = first & 0x7F
        if count > 4 or pos + count > end:
            raise InvalidKeyError("invalid DER length")
        length = int.from_bytes(buf[pos:pos + count], "big")
        if length < 0x80 or buf[pos] == 0:
            raise InvalidKeyError("non-minimal DER length")
        pos += count
    if pos + length > end:
        raise InvalidKeyError("DER length runs past the end of the data")
    if expect is not None and tag != expect:
        raise InvalidKeyError(f"unexpected DER tag 0x{tag:02x} (expected 0x{expect:02x})")
    return tag, pos, pos + length


def der_uint(buf: bytes, start: int, end: int, what: str) -> int:
    """A DER INTEGER body that must be non-negative and minimally encoded."""
    if start == end:
        raise InvalidKeyError(f"empty INTEGER for {what}")
    if buf[start] & 0x80:
        raise InvalidKeyError(f"negative {what}")
    if end - start > 1 and buf[start] == 0 and not buf[start + 1] & 0x80:
        raise InvalidKeyError(f"non-minimal INTEGER encoding for {what}")
    return int.from_bytes(buf[start:end], "big")


_MAX_RSA_BITS = 16384   # OpenSSL's limit too; bounds the work an attacker-supplied JWKS can cause


def _rsa_key(n: int, e: int, kid=None, alg=None) -> PublicKey:
    if n.bit_length() < 256:
        raise InvalidKeyError(f"RSA modulus too small ({n.bit_length()} bits)")
    if n.bit_length() > _MAX_RSA_BITS:
        raise InvalidKeyError(f"RSA modulus too large ({n.bit_length()} bits; at most {_MAX_RSA_BITS})")
    if n % 2 == 0:
        raise InvalidKeyError("RSA modulus must be odd")
    if e < 3 or e % 2 == 0 or e >= n:
        raise InvalidKeyError("invalid RSA public exponent")
    return PublicKey("RSA", n=n, e=e, kid=kid, alg=alg)


def _parse_pkcs1(der: bytes, start: int, end: int) -> PublicKey:
    _, s, e = der_read(der, start, end, _SEQUENCE)
    if e != end:
        raise InvalidKeyError("trailing data after RSAPublicKey")
    _, ns, ne = der_read(der, s, e, _INTEGER)
    n = der_uint(der, ns, ne, "RSA modulus")
    _, es, ee = der_read(der, ne, e, _INTEGER)
    exp = der_uint(der, es, ee, "RSA exponent")
    if ee != e:
        raise InvalidKeyError("unexpected data in RSAPublicKey")
    return _rsa_key(n, exp)


def _ec_key(curve: Curve, point: bytes, kid=None, alg=None) -> PublicKey:
    size = curve.size
    if not point:
        raise InvalidKeyError("empty EC point")
    if point[0] in (2, 3):
        raise InvalidKeyError("compressed EC points are not supported; use an uncompressed (04) point")
    if point[0] != 4:
        raise InvalidKeyError("invalid EC point encoding")
    if len(point) != 1 + 2 * size:
        raise InvalidKeyError(f"EC point has {len(point)} bytes, expected {1 + 2 * size} for {curve.name}")
    return _ec_from_coords(curve, point[1:1 + size], point[1 + size:], kid, alg)


def _ec_from_coords(curve: Curve, x: bytes, y: bytes, kid=None, alg=None) -> PublicKey:
    xi, yi = int.from_bytes(x, "big"), int.from_bytes(y, "big")
    if not is_on_curve(curve, xi, yi):
        raise InvalidKeyError(f"the EC point is not on curve {curve.name}")
    return PublicKey("EC", crv=curve.name, x=bytes(x), y=bytes(y), kid=kid, alg=alg)


def _parse_spki(der: bytes) -> PublicKey:
    end = len(der)
    _, s, e = der_read(der, 0, end, _SEQUENCE)
    if e != end:
        raise InvalidKeyError("trailing data after SubjectPublicKeyInfo")
    _, a_s, a_e = der_read(der, s, e, _SEQUENCE)          # AlgorithmIdentifier
    _, o_s, o_e = der_read(der, a_s, a_e, _OID)
    oid = der[o_s:o_e]
    params = None
    if o_e < a_e:
        params = der_read(der, o_e, a_e)
        if params[2] != a_e:
            raise InvalidKeyError("unexpected data in AlgorithmIdentifier")
    _, b_s, b_e = der_read(der, a_e, e, _BIT_STRING)
    if b_e != e:
        raise InvalidKeyError("unexpected data after the public key BIT STRING")
    if b_s == b_e or der[b_s] != 0:
        raise InvalidKeyError("invalid BIT STRING for the public key")
    b_s += 1
    if oid == _OID_RSA:
        if params is not None and (params[0] != _NULL or params[1] != params[2]):
            raise InvalidKeyError("rsaEncryption parameters must be NULL")
        return _parse_pkcs1(der, b_s, b_e)
    if oid == _OID_EC:
        if params is None or params[0] != _OID:
            raise InvalidKeyError("EC keys must name their curve (explicit curve parameters are not supported)")
        curve = _CURVE_BY_OID.get(der[params[1]:params[2]])
        if curve is None:
            raise InvalidKeyError("unsupported EC curve (supported: P-256, P-384, P-521)")
        return _ec_key(curve, der[b_s:b_e])
    if oid == _OID_ED25519:
        if params is not None:
            raise InvalidKeyError("Ed25519 keys take no parameters")
        if b_e - b_s != 32:
            raise InvalidKeyError("Ed25519 public keys are 32 bytes")
        return PublicKey("OKP", crv="Ed25519", x=der[b_s:b_e])
    if oid == _OID_ED448:
        raise InvalidKeyError("Ed448 keys are not supported")
    if oid == _OID_X25519:
        raise InvalidKeyError("X25519 keys cannot verify signatures")
    if oid == _OID_RSA_PSS:
        raise InvalidKeyError("RSASSA-PSS-restricted keys are not supported; use an rsaEncryption key")
    raise InvalidKeyError("unsupported public key algorithm")


# --------------------------------------------------------------------------- PEM / DER entry points
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", re.S)
_B64_BODY = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")


def _normalise(text) -> str:
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise InvalidKeyError("PEM key text must be ASCII") from None
    if not isinstance(text, str):
        raise InvalidKeyError(f"expected PEM text, got {type(text).__name__}")
    # literal escape sequences from env files, then all whitespace
    text = text.replace("\\r", "\n").replace("\\n", "\n").replace("\\t", "\n").strip().lstrip("\ufeff")
    if len(text) > 64 * 1024:
        raise InvalidKeyError("key text is too long")
    return text


def from_pem(text) -> PublicKey:
    """Parse a PEM public key (SPKI or PKCS#1 RSA), with or without its BEGIN/END lines."""
    if type(text) is str and len(text) <= 16 * 1024:
        return _from_pem_raw(text)
    return _from_pem_normalised(_normalise(text))


@functools.lru_cache(maxsize=64)
def _from_pem_raw(text: str) -> PublicKey:  # the per-call fast path: the exact same string again
    return _from_pem_normalised(_normalise(text))


@functools.lru_cache(maxsize=256)
def _from_pem_normalised(text: str) -> PublicKey:
    if not text:
        raise InvalidKeyError("empty key")
    label = None
    if "-----" in text:
        blocks = _PEM_BLOCK.findall(text)
        if not blocks:
            raise InvalidKeyError("malformed PEM: BEGIN/END lines do not match")
        label, body, end_label = blocks[0]
        if label != end_label:
            raise InvalidKeyError(f"malformed PEM: BEGIN {label} does not match END {end_label}")
        if label not in ("PUBLIC KEY", "RSA PUBLIC KEY"):
            if "PRIVATE" in label:
                raise InvalidKeyError(f"expected a public key, got a PEM {label} (never pass a private key)")
            raise InvalidKeyError(f"expected a PEM PUBLIC KEY, got a PEM {label}")
        text = body
        lines = text.strip().splitlines()
        if lines and ":" in lines[0]:  # RFC 1421 headers are not used for public keys
            raise InvalidKeyError("PEM headers are not supported")
    body = "".join(text.split())
    if not body or not _B64_BODY.match(body) or len(body) % 4 == 1:
        raise InvalidKeyError("the key is not valid base64")
    try:
        der = binascii.a2b_base64(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise InvalidKeyError("the key is not valid base64") from None
    if label == "RSA PUBLIC KEY":
        return _parse_pkcs1(der, 0, len(der))
    if label is None:  # a bare body: SPKI (usual) or PKCS#1
        try:
            return _from_der_cached(der)
        except InvalidKeyError as exc:
            try:
                return _parse_pkcs1(der, 0, len(der))
            except InvalidKeyError:
                raise exc from None
    return _from_der_cached(der)


def from_der(der) -> PublicKey:
    """Parse a DER SubjectPublicKeyInfo."""
    if not isinstance(der, (bytes, bytearray, memoryview)):
        raise InvalidKeyError(f"expected DER bytes, got {type(der).__name__}")
    return _from_der_cached(bytes(der))


@functools.lru_cache(maxsize=256)
def _from_der_cached(der: bytes) -> PublicKey:
    return _parse_spki(der)


# --------------------------------------------------------------------------- JWK
def _b64url(jwk: dict, name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidKeyError(f"JWK member {name!r} is missing or not a string")
    from .. import base64url
    try:
        return base64url.decode(value)
    except ValueError:
        raise InvalidKeyError(f"JWK member {name!r} is not valid base64url") from None


def _opt_str(jwk: dict, name: str) -> Optional[str]:
    value = jwk.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidKeyError(f"JWK member {name!r} must be a string")
    return value


def from_jwk(jwk) -> PublicKey:
    """Parse a public JWK (RSA, EC P-256/384/521, OKP Ed25519).  ``kid``/``alg`` are kept."""
    if not isinstance(jwk, dict):
        raise InvalidKeyError(f"expected a JWK object, got {type(jwk).__name__}")
    kty = jwk.get("kty")
    if kty is None and isinstance(jwk.get("keys"), list):
        raise InvalidKeyError("got a JWKS (a set of keys); pass one JWK from its 'keys' list")
    kid, alg = _opt_str(jwk, "kid"), _opt_str(jwk, "alg")
    use = jwk.get("use")
    if use is not None and use != "sig":
        raise InvalidKeyError(f"JWK 'use' is {use!r}; only signature keys can verify tokens")
    if kty == "RSA":
        n = int.from_bytes(_b64url(jwk, "n"), "big")
        e = int.from_bytes(_b64url(jwk, "e"), "big")
        return _rsa_key(n, e, kid, alg)
    if kty == "EC":
        crv = jwk.get("crv")
        curve = CURVES.get(crv) if isinstance(crv, str) else None
        if curve is None:
            raise InvalidKeyError(f"unsupported JWK curve {crv!r} (supported: P-256, P-384, P-521)")
        x, y = _b64url(jwk, "x"), _b64url(jwk, "y")
        if len(x) != curve.size or len(y) != curve.size:
            raise InvalidKeyError(f"JWK EC coordinates must be {curve.size} bytes for {crv}")
        return _ec_from_coords(curve, x, y, kid, alg)
    if kty == "OKP":
        crv = jwk.get("crv")
        if crv != "Ed25519":
            raise InvalidKeyError(f"unsupported OKP curve {crv!r} (supported: Ed25519)")
        x = _b64url(jwk, "x")
        if len(x) != 32:
            raise InvalidKeyError("Ed25519 JWK 'x' must be 32 bytes")
        return PublicKey("OKP", crv="Ed25519", x=x, kid=kid, alg=alg)
    if kty == "oct":
        raise InvalidKeyError("symmetric (oct) keys are not supported")
    raise InvalidKeyError(f"unsupported JWK key type {kty!r}")


def load_key(key: Any) -> PublicKey:
    """Accept a :class:`PublicKey`, a JWK dict (or its JSON text), PEM text/bytes, a bare base64 SPKI
    body, DER bytes, or a ``cryptography`` public key object."""
    if isinstance(key, PublicKey):
        return key
    if isinstance(key, dict):
        return from_jwk(key)
    if isinstance(key, (bytes, bytearray, memoryview)):
        key = bytes(key)
        if key[:1] == b"\x30":
            return from_der(key)
    if isinstance(key, (str, bytes)):
        stripped = key.strip()
        if stripped[:1] in ("{", b"{"):
            import json
            if len(stripped) > 64 * 1024:
                raise InvalidKeyError("the JWK text is too long")
            try:
                obj = json.loads(stripped)
            except (ValueError, RecursionError):
                raise InvalidKeyError("the key looks like a JWK but is not valid JSON") from None
            return from_jwk(obj)
        return from_pem(key)
    if key is None:
        raise InvalidKeyError("no key given")
    if hasattr(key, "public_bytes"):  # a cryptography public key object
        try:
            from cryptography.hazmat.primitives import serialization
            der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        except Exception as exc:  # noqa: BLE001 - any failure means "not a usable public key"
            raise InvalidKeyError(f"cannot export the key object: {type(exc).__name__}") from None
        return from_der(der)
    raise InvalidKeyError(f"unsupported key type {type(key).__name__}")


# --------------------------------------------------------------------------- writing
def _uint_bytes(i: int, size: int = 0) -> bytes:
    return i.to_bytes(max(size, (i.bit_length() + 7) // 8 or 1), "big")


def der_tlv(tag: int, value: bytes) -> bytes:
    n = len(value)
    if n < 0x80:
        head = bytes([tag, n])
    else:
        lb = _uint_bytes(n)
        head = bytes([tag, 0x80 | len(lb)]) + lb
    return head + value


def der_int(i: int) -> bytes:
    if i < 0:
        raise ValueError("negative INTEGER")
    body = _uint_bytes(i)
    if body[0] & 0x80:
        body = b"\x00" + body
    return der_tlv(_INTEGER, body)


def der_seq(*items: bytes) -> bytes:
    return der_tlv(_SEQUENCE, b"".join(items))


def to_der(key: PublicKey) -> bytes:
    """Encode a :class:`PublicKey` as DER SubjectPublicKeyInfo."""
    if key.kty == "RSA":
        alg = der_seq(der_tlv(_OID, _OID_RSA), der_tlv(_NULL, b""))
        body = der_seq(der_int(key.n), der_int(key.e))
    elif key.kty == "EC":
        curve = CURVES[key.crv]
        alg = der_seq(der_tlv(_OID, _OID_EC), der_tlv(_OID, curve.oid))
        body = b"\x04" + key.x + key.y
    elif key.kty == "OKP" and key.crv == "Ed25519":
        alg = der_seq(der_tlv(_OID, _OID_ED25519))
        body = key.x
    else:
        raise InvalidKeyError(f"cannot encode {key!r}")
    return der_seq(alg, der_tlv(_BIT_STRING, b"\x00" + body))


def pem_armor(der: bytes, label: str) -> str:
    b64 = binascii.b2a_base64(der, newline=False).decode("ascii")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def to_pem(key: PublicKey) -> str:
    """Encode a :class:`PublicKey` as a ``-----BEGIN PUBLIC KEY-----`` PEM (SPKI)."""
    return pem_armor(to_der(key), "PUBLIC KEY")


def to_jwk(key: PublicKey) -> dict:
    """A public JWK for ``key`` (``kid``/``alg`` included when set)."""
    from .. import base64url
    if key.kty == "RSA":
        jwk = {"kty": "RSA", "n": base64url.encode(_uint_bytes(key.n)), "e": base64url.encode(_uint_bytes(key.e))}
    elif key.kty == "EC":
        jwk = {"kty": "EC", "crv": key.crv, "x": base64url.encode(key.x), "y": base64url.encode(key.y)}
    elif key.kty == "OKP":
        jwk = {"kty": "OKP", "crv": key.crv, "x": base64url.encode(key.x)}
    else:
        raise InvalidKeyError(f"cannot encode {key!r}")
    if key.kid is not None:
        jwk["kid"] = key.kid
    if key.alg is not None:
        jwk["alg"] = key.alg
    return jwk
