"""Key parsing (clerk_edge.keys.parse): PEM/DER/JWK in every shape people paste, and every malformed
input raises the typed InvalidKeyError.

Oracles: ``cryptography`` (OpenSSL) serialises keys we then parse (skipped where it is not installed,
e.g. inside Pyodide), Wycheproof's PEM/DER/JWK triples, and @clerk/backend's own fixtures read from
``node_modules`` at test time.
"""
from __future__ import annotations

import base64
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_edge.keys import PublicKey
from clerk_edge.keys.parse import (InvalidKeyError, from_der, from_jwk, from_pem, load_key, to_der, to_jwk,
                                   to_pem)
from tests.conftest import ROOT, SHARED

try:
    import cryptography  # noqa: F401
    HAVE_PYCA = True
except ImportError:
    HAVE_PYCA = False

needs_pyca = pytest.mark.skipif(not HAVE_PYCA, reason="cryptography is the oracle here and is not installed")


def _pyca_pem(priv) -> str:
    from cryptography.hazmat.primitives import serialization
    return priv.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _body(pem: str) -> str:
    return "".join(l for l in pem.splitlines() if not l.startswith("-----"))


# ---------------------------------------------------------------- RSA via cryptography
_RSA_CACHE: dict = {}


def _pyca_rsa(bits, e):
    if (bits, e) not in _RSA_CACHE:
        from cryptography.hazmat.primitives.asymmetric import rsa
        _RSA_CACHE[(bits, e)] = rsa.generate_private_key(public_exponent=e, key_size=bits)
    return _RSA_CACHE[(bits, e)]


@needs_pyca
@pytest.mark.parametrize("bits,e", [(1024, 65537), (2048, 65537), (2048, 3), (3072, 65537), (4096, 65537)])
def test_rsa_pem_shapes(bits, e):
    priv = _pyca_rsa(bits, e)
    nums = priv.public_key().public_numbers()
    pem = _pyca_pem(priv)
    body = _body(pem)
    shapes = [
        pem,
        pem.encode(),
        pem.replace("\n", "\r\n"),
        pem.replace("\n", "\\n"),                       # literal backslash-n from an env var
        "  \n" + pem + "\n\n  ",
        body,                                            # bare body (Clerk's CLERK_JWT_KEY form)
        "".join(body.split()),
        " ".join(body[i:i + 10] for i in range(0, len(body), 10)),
        "-----BEGIN PUBLIC KEY-----" + "".join(body.split()) + "-----END PUBLIC KEY-----",  # one line
        "\t" + pem.replace("\n", "\\r\\n"),
        "\ufeff" + pem,                                  # a byte-order mark from a Windows editor
    ]
    for shape in shapes:
        key = from_pem(shape)
        assert (key.kty, key.n, key.e) == ("RSA", nums.n, nums.e), repr(shape[:40])
        assert key.size_bits == bits
        assert load_key(shape) == key


@needs_pyca
def test_rsa_pkcs1_and_der():
    from cryptography.hazmat.primitives import serialization
    priv = _pyca_rsa(2048, 65537)
    nums = priv.public_key().public_numbers()
    pkcs1 = priv.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    assert "BEGIN RSA PUBLIC KEY" in pkcs1
    assert from_pem(pkcs1).n == nums.n
    assert from_pem(_body(pkcs1)).n == nums.n       # bare PKCS#1 body
    der = priv.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    assert from_der(der).n == nums.n
    assert load_key(der).n == nums.n
    assert load_key(priv.public_key()).n == nums.n  # a cryptography key object
    assert to_der(from_der(der)) == der             # our encoder is byte-identical to OpenSSL's


@needs_pyca
@pytest.mark.parametrize("crv", ["P-256", "P-384", "P-521"])
def test_ec_keys(crv):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[crv]
    priv = ec.generate_private_key(curve)
    nums = priv.public_key().public_numbers()
    size = (curve.key_size + 7) // 8
    pem = _pyca_pem(priv)
    key = from_pem(pem)
    assert (key.kty, key.crv) == ("EC", crv)
    assert key.x == nums.x.to_bytes(size, "big") and key.y == nums.y.to_bytes(size, "big")
    assert from_pem(_body(pem)) == key
    der = priv.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert to_der(key) == der
    assert from_jwk(to_jwk(key)) == key
    # compressed points are refused with a clear message
    from clerk_edge.keys.parse import der_seq, der_tlv
    point = priv.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    alg_id = der[2:] if der[1] < 0x80 else der[3:]
    alg_len = 2 + alg_id[1]
    bad = der_seq(alg_id[:alg_len], der_tlv(0x03, b"\x00" + point))
    with pytest.raises(InvalidKeyError, match="compressed"):
        from_der(bad)


@needs_pyca
def test_ed25519_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    priv = ed25519.Ed25519PrivateKey.generate()
    raw = priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = from_pem(_pyca_pem(priv))
    assert (key.kty, key.crv, key.x) == ("OKP", "Ed25519", raw)
    assert to_pem(key) == _pyca_pem(priv)
    assert from_jwk(to_jwk(key)) == key


# ---------------------------------------------------------------- without cryptography (runs in Pyodide too)
def test_generated_keys_round_trip():
    from clerk_edge.testing.signing import generate_ec_key, generate_ed25519_key, generate_rsa_key
    for priv in (generate_rsa_key(1024, kid="r"), generate_ec_key("P-256", kid="e"), generate_ed25519_key(kid="o")):
        pub = priv.public_key
        assert from_pem(priv.public_pem()) == pub
        jwk = priv.public_jwk()
        parsed = from_jwk(jwk)
        assert parsed == pub and parsed.kid == jwk["kid"] and parsed.alg == jwk["alg"]
        assert from_der(to_der(pub)) == pub
        assert load_key(json.dumps(jwk)) == pub
        assert load_key(pub) is pub


def test_cache_returns_same_object():
    from clerk_edge.testing.signing import generate_rsa_key
    pem = generate_rsa_key(1024).public_pem()
    assert from_pem(pem) is from_pem(pem)
    assert from_pem(pem) is from_pem(pem.replace("\n", "\\n"))   # same normalised text


def _clerk_fixtures():
    path = os.path.join(ROOT, "node_modules", "@clerk", "backend", "dist", "fixtures", "index.d.ts")
    if not os.path.exists(path):
        pytest.skip(f"@clerk/backend fixtures not installed at {path}")
    with open(path) as fh:
        src = fh.read()
    return {k: json.loads(f'"{v}"') for k, v in re.findall(r'export declare const (\w+) = "((?:[^"\\]|\\.)*)";', src)}


def test_clerk_fixture_keys():
    fx = _clerk_fixtures()
    bare = from_pem(fx["mockPEMKey"])                      # Clerk's bare-body jwtKey
    full = from_pem("-----BEGIN PUBLIC KEY-----\n" + fx["mockPEMKey"] + "\n-----END PUBLIC KEY-----")
    assert bare == full and bare.kty == "RSA" and bare.e == 65537 and bare.size_bits == 2048
    # Clerk's loadClerkJWKFromLocal derives n by text surgery (drop the 44-char SPKI prefix and the
    # 6-char "IDAQAB" suffix, base64 -> base64url); for this 2048-bit e=65537 key it must agree with us
    body = fx["mockPEMKey"]
    assert body.startswith("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA") and body.endswith("IDAQAB")
    clerk_n = body[44:-6].replace("+", "-").replace("/", "_")
    assert to_jwk(bare) == {"kty": "RSA", "n": clerk_n, "e": "AQAB"} and clerk_n.startswith("8Z1oLQba")
    pub = from_pem(fx["pemEncodedPublicKey"])
    from clerk_edge.testing.signing import load_private_key
    assert load_private_key(fx["pemEncodedSignKey"]).public_key == pub
    assert from_pem(fx["someOtherPublicKey"]) != pub
    # Clerk's own signed fixture token verifies with their public key through our parser + pure backend
    from clerk_edge.crypto.pure import PureCrypto
    h, p, s = fx["signedJwt"].split(".")
    sig = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    alg = json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))["alg"]
    assert PureCrypto().verify(alg, pub, f"{h}.{p}".encode(), sig)
    assert not PureCrypto().verify(alg, from_pem(fx["someOtherPublicKey"]), f"{h}.{p}".encode(), sig)


def test_wycheproof_pem_der_jwk_agree():
    import glob
    files = sorted(glob.glob(os.path.join(SHARED, "vectors", "wycheproof", "*_test.json")))
    if not files:
        pytest.skip("Wycheproof vectors not available")
    n = 0
    for path in files:
        with open(path) as fh:
            data = json.load(fh)
        for group in data["testGroups"]:
            key = from_der(bytes.fromhex(group["publicKeyDer"]))
            assert from_pem(group["publicKeyPem"]) == key
            jwk = group.get("publicKeyJwk") or group.get("keyJwk")
            if jwk:
                assert from_jwk({k: v for k, v in jwk.items() if k in ("kty", "crv", "n", "e", "x", "y")}) == key
            assert to_der(key) == bytes.fromhex(group["publicKeyDer"])
            n += 1
    assert n > 400


# ---------------------------------------------------------------- JWKs
def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def test_jwk_keeps_kid_and_alg():
    from clerk_edge.testing.signing import generate_rsa_key
    k = generate_rsa_key(1024)
    jwk = {"kty": "RSA", "n": _b64u(k.n.to_bytes(128, "big")), "e": "AQAB", "kid": "ins_1", "alg": "RS256", "use": "sig"}
    key = from_jwk(jwk)
    assert (key.kid, key.alg, key.n, key.e) == ("ins_1", "RS256", k.n, 65537)
    # n with a leading zero byte is the same key
    assert from_jwk(dict(jwk, n=_b64u(b"\x00" + k.n.to_bytes(128, "big")))) == key


# ---------------------------------------------------------------- malformed input → InvalidKeyError
def _good():
    from clerk_edge.testing.signing import generate_ec_key, generate_rsa_key
    return generate_rsa_key(1024), generate_ec_key("P-256")


BAD_TEXT = [
    "", "   ", "\\n", "abc", "====", "A", "MIIB", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n",                                     # no END
    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----",               # mismatched labels
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
    "not base64 at all!", "MIIB\u00e9", "AAAA", "MA==", "MAA=", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
    "x" * 100_000,
]


@pytest.mark.parametrize("text", BAD_TEXT, ids=range(len(BAD_TEXT)))
def test_bad_pem_text(text):
    with pytest.raises(InvalidKeyError) as info:
        from_pem(text)
    assert str(info.value)
    with pytest.raises(InvalidKeyError):
        load_key(text)


def test_private_key_pem_is_refused_clearly():
    from clerk_edge.testing.signing import generate_rsa_key
    with pytest.raises(InvalidKeyError, match="private key"):
        from_pem(generate_rsa_key(1024).private_pem())


def test_bad_der_structures():
    from clerk_edge.keys.parse import der_int, der_seq, der_tlv
    rsa, ec = _good()
    good_rsa, good_ec = to_der(rsa.public_key), to_der(ec.public_key)
    rsa_alg = der_seq(der_tlv(6, bytes.fromhex("2a864886f70d010101")), der_tlv(5, b""))
    ec_alg = der_seq(der_tlv(6, bytes.fromhex("2a8648ce3d0201")), der_tlv(6, bytes.fromhex("2a8648ce3d030107")))
    point = b"\x04" + ec.public_key.x + ec.public_key.y
    bad = {
        "truncated": good_rsa[:-1],
        "trailing": good_rsa + b"\x00",
        "indefinite": b"\x30\x80" + good_rsa[4:] + b"\x00\x00",
        "non-minimal length": b"\x30\x82\x00\x05" + b"\x00" * 5,
        "wrong outer tag": b"\x31" + good_rsa[1:],
        "unknown oid": der_seq(der_seq(der_tlv(6, b"\x2a\x03"), der_tlv(5, b"")), der_tlv(3, b"\x00\x01")),
        "dsa oid": der_seq(der_seq(der_tlv(6, bytes.fromhex("2a8648ce380401"))), der_tlv(3, b"\x00\x01")),
        "rsa-pss oid": der_seq(der_seq(der_tlv(6, bytes.fromhex("2a864886f70d01010a"))), der_tlv(3, b"\x00")),
        "ed448": der_seq(der_seq(der_tlv(6, bytes.fromhex("2b6571"))), der_tlv(3, b"\x00" + b"\x01" * 57)),
        "x25519": der_seq(der_seq(der_tlv(6, bytes.fromhex("2b656e"))), der_tlv(3, b"\x00" + b"\x09" * 32)),
        "unused bits": der_seq(rsa_alg, der_tlv(3, b"\x01" + der_seq(der_int(rsa.n), der_int(3)))),
        "negative modulus": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_tlv(2, b"\x80" + b"\x01" * 127),
                                                                           der_int(3)))),
        "even modulus": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_int(rsa.n + 1), der_int(65537)))),
        "exponent 1": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_int(rsa.n), der_int(1)))),
        "even exponent": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_int(rsa.n), der_int(65536)))),
        "tiny modulus": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_int(3233), der_int(17)))),
        "huge modulus": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_int(2 ** 16400 + 1), der_int(3)))),
        "non-minimal int": der_seq(rsa_alg, der_tlv(3, b"\x00" + der_seq(der_tlv(2, b"\x00\x01"), der_int(3)))),
        "rsa params not null": der_seq(der_seq(der_tlv(6, bytes.fromhex("2a864886f70d010101")), der_int(0)),
                                       der_tlv(3, b"\x00" + der_seq(der_int(rsa.n), der_int(3)))),
        "ec no curve": der_seq(der_seq(der_tlv(6, bytes.fromhex("2a8648ce3d0201"))), der_tlv(3, b"\x00" + point)),
        "ec unknown curve": der_seq(der_seq(der_tlv(6, bytes.fromhex("2a8648ce3d0201")),
                                            der_tlv(6, bytes.fromhex("2b8104000a"))), der_tlv(3, b"\x00" + point)),
        "ec short point": der_seq(ec_alg, der_tlv(3, b"\x00" + point[:-1])),
        "ec long point": der_seq(ec_alg, der_tlv(3, b"\x00" + point + b"\x00")),
        "ec off-curve": der_seq(ec_alg, der_tlv(3, b"\x00" + point[:-1] + bytes([point[-1] ^ 1]))),
        "ec hybrid prefix": der_seq(ec_alg, der_tlv(3, b"\x00\x06" + point[1:])),
        "ec empty point": der_seq(ec_alg, der_tlv(3, b"\x00")),
        "ed25519 short": der_seq(der_seq(der_tlv(6, bytes.fromhex("2b6570"))), der_tlv(3, b"\x00" + b"\x01" * 31)),
        "empty": b"",
        "high tag": b"\x1f\x01\x00",
    }
    assert from_der(good_rsa) == rsa.public_key and from_der(good_ec) == ec.public_key
    for name, der in bad.items():
        with pytest.raises(InvalidKeyError):
            from_der(der)
            pytest.fail(name)
        # the same DER as a PEM body fails the same typed way
        with pytest.raises(InvalidKeyError):
            from_pem(base64.b64encode(der).decode() or "=")


def test_bad_jwks():
    rsa, ec = _good()
    rj, ej = rsa.public_jwk(), ec.public_jwk()
    with pytest.raises(InvalidKeyError, match="JWKS"):
        load_key({"keys": [rj]})
    bad = [
        None, [], "x", 1, {}, {"kty": "RSA"}, {"kty": "RSA", "n": rj["n"]}, dict(rj, e=""), dict(rj, n="!!!"),
        dict(rj, n=5), dict(rj, e="AA"), dict(rj, e="Ag"), dict(rj, n="AQ"), dict(rj, kid=5), dict(rj, alg=["RS256"]),
        dict(rj, use="enc"), {"kty": "oct", "k": "AAAA"}, {"kty": "DSA"}, {"kty": None},
        dict(ej, crv="P-192"), dict(ej, crv="secp256k1"), dict(ej, crv=None), dict(ej, x=ej["x"][:-2]),
        dict(ej, y=ej["y"] + "AA"), dict(ej, y=ej["x"]), {k: v for k, v in ej.items() if k != "y"},
        {"kty": "OKP", "crv": "Ed448", "x": "A" * 76}, {"kty": "OKP", "crv": "X25519", "x": "A" * 43},
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, {"kty": "OKP", "crv": "Ed25519"},
    ]
    for jwk in bad:
        with pytest.raises(InvalidKeyError):
            from_jwk(jwk)
            pytest.fail(repr(jwk))
        if isinstance(jwk, dict):
            with pytest.raises(InvalidKeyError):
                load_key(jwk)
                pytest.fail(repr(jwk))


@pytest.mark.parametrize("value", [None, 1, 1.5, object(), ["a"], b"\x30\x00", "{not json", b"{}", "{}", "[]",
                                   "{" + "[" * 100_000 + "]" * 100_000 + "}", '{"kty": "RSA", "n": 1e999}',
                                   '{"kty":"RSA","n":' + "9" * 5000 + "}"])
def test_load_key_rejects_other_things(value):
    with pytest.raises(InvalidKeyError):
        load_key(value)


# ---------------------------------------------------------------- property tests
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_only_raises_typed_error(value):
    for fn in (from_pem, load_key):
        try:
            result = fn(value)
        except InvalidKeyError:
            continue
        assert isinstance(result, PublicKey)


@_SETTINGS
@given(st.binary())
def test_arbitrary_der_only_raises_typed_error(value):
    try:
        from_der(value)
    except InvalidKeyError:
        pass


_MUTATE_BASE = []


def _base_ders():
    if not _MUTATE_BASE:
        from clerk_edge.testing.signing import generate_ec_key, generate_ed25519_key, generate_rsa_key
        _MUTATE_BASE.extend(to_der(k.public_key) for k in (generate_rsa_key(1024), generate_ec_key("P-384"),
                                                            generate_ed25519_key()))
    return _MUTATE_BASE


@_SETTINGS
@given(st.integers(0, 2), st.integers(0, 10_000), st.integers(1, 255), st.integers(0, 600))
def test_mutated_der_only_raises_typed_error(which, pos, xor, cut):
    der = bytearray(_base_ders()[which])
    der[pos % len(der)] ^= xor
    for candidate in (bytes(der), bytes(der[: len(der) - cut % len(der)])):
        try:
            key = from_der(candidate)
        except InvalidKeyError:
            continue
        assert isinstance(key, PublicKey)
        assert from_der(to_der(key)) == key


@_SETTINGS
@given(st.dictionaries(st.sampled_from(["kty", "n", "e", "crv", "x", "y", "kid", "alg", "use"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=20),
                                 st.sampled_from(["RSA", "EC", "OKP", "P-256", "Ed25519", "AQAB", "sig"]))))
def test_arbitrary_jwk_only_raises_typed_error(jwk):
    try:
        from_jwk(jwk)
    except InvalidKeyError:
        pass
