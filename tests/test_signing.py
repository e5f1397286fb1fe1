"""Token-minting helpers (clerk_edge.testing.signing) and the crypto backends' verdicts.

Round trips: sign with the pure helpers, verify with every backend available here (pure and
cryptography on CPython, pure and WebCrypto inside Pyodide); sign with ``cryptography`` and verify
with ours; PyJWT decodes our tokens.  Generated keys parse back through clerk_edge.keys.parse.
"""
from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_edge.errors import ClerkEdgeError
from clerk_edge.keys.parse import from_jwk, from_pem
from clerk_edge.testing.signing import (EcPrivateKey, Ed25519PrivateKey, RsaPrivateKey, generate_ec_key,
                                        generate_ed25519_key, generate_rsa_key, load_private_key, sign_jwt)
from tests.conftest import IN_PYODIDE

try:
    import cryptography  # noqa: F401
    HAVE_PYCA = True
except ImportError:
    HAVE_PYCA = False

needs_pyca = pytest.mark.skipif(not HAVE_PYCA, reason="cryptography is the oracle here and is not installed")


def _backends():
    from clerk_edge.crypto.pure import PureCrypto
    out = [PureCrypto()]
    if HAVE_PYCA:
        from clerk_edge.crypto.pyca import PycaCrypto
        out.append(PycaCrypto())
    if IN_PYODIDE:
        from clerk_edge.crypto.webcrypto import WebCrypto
        out.append(WebCrypto())
    return out


def _verify(backend, alg, key, data, sig):
    if backend.is_async_only:
        from tests.support.aio import run
        return run(backend.averify(alg, key, data, sig))
    return backend.verify(alg, key, data, sig)


_KEYS: dict = {}


def _key(kind):
    if kind not in _KEYS:
        if kind.startswith("RSA"):
            _KEYS[kind] = generate_rsa_key(int(kind[3:]), kid=f"kid-{kind}")
        elif kind == "Ed25519":
            _KEYS[kind] = generate_ed25519_key(kid="kid-ed")
        else:
            _KEYS[kind] = generate_ec_key(kind, kid=f"kid-{kind}")
    return _KEYS[kind]


CASES = [("RSA2048", "RS256"), ("RSA2048", "RS384"), ("RSA2048", "RS512"), ("RSA1024", "RS256"),
         ("P-256", "ES256"), ("P-384", "ES384"), ("P-521", "ES512"), ("Ed25519", "EdDSA")]


@pytest.mark.parametrize("kind,alg", CASES)
def test_sign_then_verify_with_every_backend(kind, alg):
    priv = _key(kind)
    data = b"header.payload \x00\xff" * 7
    sig = priv.sign(alg, data)
    pub = from_jwk(priv.public_jwk())
    assert pub == priv.public_key == from_pem(priv.public_pem())
    for backend in _backends():
        assert _verify(backend, alg, pub, data, sig) is True, backend
        assert _verify(backend, alg, pub, data + b"!", sig) is False, backend
        flipped = bytes([sig[0] ^ 1]) + sig[1:]
        assert _verify(backend, alg, pub, data, flipped) is False, backend
        assert _verify(backend, alg, pub, data, sig[:-1]) is False, backend
        assert _verify(backend, alg, pub, data, sig + b"\x00") is False, backend
        assert _verify(backend, alg, pub, data, b"") is False, backend
        # a different key of the same kind
        other = (generate_rsa_key(1024) if kind.startswith("RSA") else
                 generate_ed25519_key() if kind == "Ed25519" else generate_ec_key(kind))
        if kind.startswith("RSA") and kind != "RSA1024":
            continue  # signature length differs; covered by the length checks above
        assert _verify(backend, alg, other.public_key, data, sig) is False, backend


def test_rsa_signature_with_s_at_or_above_n_is_invalid():
    priv = _key("RSA1024")
    k = (priv.n.bit_length() + 7) // 8
    for backend in _backends():
        for s in (priv.n, priv.n + 1, 2 ** (8 * k) - 1):
            assert _verify(backend, "RS256", priv.public_key, b"x", s.to_bytes(k, "big")) is False


def test_ecdsa_zero_and_order_scalars_are_invalid():
    from clerk_edge.keys.parse import CURVES
    priv = _key("P-256")
    n = CURVES["P-256"].n
    for backend in _backends():
        for r, s in ((0, 1), (1, 0), (n, 1), (1, n), (0, 0)):
            sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
            assert _verify(backend, "ES256", priv.public_key, b"x", sig) is False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CASES), st.binary(max_size=600), st.binary(max_size=64), st.booleans())
def test_arbitrary_signatures_give_a_bool(case, sig, data, right_length):
    kind, alg = case
    priv = _key(kind)
    if right_length:  # random bytes of exactly the expected length reach the real math
        want = len(priv.sign(alg, b"probe"))
        sig = (sig * (want // max(len(sig), 1) + 1))[:want] if sig else b"\x00" * want
    for backend in _backends():
        assert _verify(backend, alg, priv.public_key, data, sig) is False


def test_key_type_mismatch_raises_typed_error():
    rsa, ec, ed = _key("RSA1024"), _key("P-256"), _key("Ed25519")
    for backend in _backends():
        for alg, key in (("ES256", rsa.public_key), ("RS256", ec.public_key), ("EdDSA", ec.public_key),
                         ("ES384", ec.public_key), ("RS256", ed.public_key)):
            with pytest.raises(ClerkEdgeError):
                _verify(backend, alg, key, b"x", b"\x00" * 64)
        with pytest.raises(ClerkEdgeError):
            _verify(backend, "HS256", rsa.public_key, b"x", b"\x00" * 32)


def test_webcrypto_sync_verify_says_async_only():
    from clerk_edge.crypto.webcrypto import WebCrypto
    with pytest.raises(ClerkEdgeError, match="async-only"):
        WebCrypto().verify("RS256", _key("RSA1024").public_key, b"x", b"y")


def test_runner_drives_verify_ops():
    from clerk_edge.runner import Runtime, Verify, run_sync

    priv = _key("RSA1024")
    sig = priv.sign("RS256", b"data")

    def core():
        good = yield Verify("RS256", priv.public_key, b"data", sig)
        bad = yield Verify("RS256", priv.public_key, b"date", sig)
        return good, bad

    assert run_sync(core(), Runtime(crypto=_backends()[0])) == (True, False)
    if IN_PYODIDE:
        from clerk_edge.crypto.webcrypto import WebCrypto
        from clerk_edge.runner import run_async
        from tests.support.aio import run
        assert run(run_async(core(), Runtime(crypto=WebCrypto()))) == (True, False)


# ---------------------------------------------------------------- sign_jwt
def _parts(token):
    def dec(s):
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    h, p, s = token.split(".")
    return json.loads(dec(h)), dec(p), dec(s), f"{h}.{p}".encode()


def test_sign_jwt_header_and_payload_shape():
    priv = _key("RSA1024")
    token = sign_jwt({"sub": "user_1", "n": 1}, priv)
    header, payload, sig, signing_input = _parts(token)
    assert list(header.items()) == [("alg", "RS256"), ("kid", "kid-RSA1024"), ("typ", "JWT")]
    assert payload == b'{"sub":"user_1","n":1}'
    assert _backends()[0].verify("RS256", priv.public_key, signing_input, sig)
    header, *_ = _parts(sign_jwt({}, priv, typ=None, alg="RS512", headers={"kid": "override", "x": [1]}))
    assert header == {"alg": "RS512", "kid": "override", "x": [1]}
    header, *_ = _parts(sign_jwt({}, RsaPrivateKey(priv.n, priv.e, priv.d, priv.p, priv.q)))
    assert "kid" not in header
    header, payload, *_ = _parts(sign_jwt(b"raw bytes", priv))
    assert payload == b"raw bytes"
    with pytest.raises(ClerkEdgeError):
        sign_jwt({}, priv, alg="ES256")
    with pytest.raises(ClerkEdgeError):
        sign_jwt({}, _key("P-256"), alg="ES384")


def test_sign_jwt_accepts_private_pem():
    priv = _key("RSA1024")
    header, _, sig, signing_input = _parts(sign_jwt({"a": 1}, priv.private_pem()))
    assert _backends()[0].verify("RS256", priv.public_key, signing_input, sig)


@pytest.mark.filterwarnings("ignore:The RSA key is")
@pytest.mark.no_pyodide(reason="PyJWT is not installed in the Pyodide tier")
@pytest.mark.parametrize("kind,alg", CASES)
def test_pyjwt_decodes_our_tokens(kind, alg):
    jwt = pytest.importorskip("jwt")
    priv = _key(kind)
    token = sign_jwt({"sub": "user_1"}, priv, alg=alg)
    assert jwt.decode(token, priv.public_pem(), algorithms=[alg]) == {"sub": "user_1"}
    assert jwt.get_unverified_header(token)["kid"] == priv.kid


# ---------------------------------------------------------------- keys
def test_pure_rsa_keygen_is_a_valid_key():
    from math import gcd
    priv = generate_rsa_key(1024, pure=True, kid="p")
    assert priv.n.bit_length() == 1024 and priv.p * priv.q == priv.n and priv.p != priv.q
    lam = (priv.p - 1) * (priv.q - 1) // gcd(priv.p - 1, priv.q - 1)
    assert priv.e * priv.d % lam == 1
    sig = priv.sign("RS256", b"m")
    for backend in _backends():
        assert _verify(backend, "RS256", priv.public_key, b"m", sig)
    again = load_private_key(priv.private_pem())
    assert (again.n, again.e, again.d) == (priv.n, priv.e, priv.d)


def test_import_draws_no_randomness(monkeypatch):
    import importlib
    import secrets

    import clerk_edge.testing.signing as signing

    def boom(*a, **k):
        raise AssertionError("randomness drawn at import")
    monkeypatch.setattr(secrets, "randbits", boom)
    monkeypatch.setattr(secrets, "randbelow", boom)
    monkeypatch.setattr(secrets, "token_bytes", boom)
    importlib.reload(signing)


def test_bad_private_keys_raise_typed_error():
    for pem in ("", "nonsense", "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----",
                "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----",
                "-----BEGIN FOO-----\nMAA=\n-----END FOO-----",
                _key("RSA1024").public_pem()):
        with pytest.raises(ClerkEdgeError):
            load_private_key(pem)
    with pytest.raises(ClerkEdgeError):
        RsaPrivateKey(15, 3, 3, 3, 7)  # p*q != n
    with pytest.raises(ClerkEdgeError):
        EcPrivateKey("P-256", 0)
    with pytest.raises(ClerkEdgeError):
        Ed25519PrivateKey(b"short")


@needs_pyca
def test_cryptography_private_keys_load_and_sign():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    cases = [
        (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256",
         [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL]),
        (ec.generate_private_key(ec.SECP384R1()), "ES384",
         [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL]),
        (ed25519.Ed25519PrivateKey.generate(), "EdDSA", [serialization.PrivateFormat.PKCS8]),
    ]
    for pyca_priv, alg, formats in cases:
        pub_pem = pyca_priv.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        for fmt in formats:
            pem = pyca_priv.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()
            ours = load_private_key(pem)
            assert ours.public_key == from_pem(pub_pem)
            token = sign_jwt({"k": str(fmt)}, ours, alg=alg)
            _, _, sig, signing_input = _parts(token)
            for backend in _backends():
                assert _verify(backend, alg, from_pem(pub_pem), signing_input, sig)


@needs_pyca
def test_cryptography_signatures_verify_with_pure():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from clerk_edge.crypto.pure import PureCrypto
    from clerk_edge.keys.parse import load_key
    pure = PureCrypto()
    r = rsa.generate_private_key(public_exponent=3, key_size=2048)
    for alg, h in (("RS256", hashes.SHA256()), ("RS384", hashes.SHA384()), ("RS512", hashes.SHA512())):
        sig = r.sign(b"msg", padding.PKCS1v15(), h)
        assert pure.verify(alg, load_key(r.public_key()), b"msg", sig)
    for crv, alg, h, size in ((ec.SECP256R1(), "ES256", hashes.SHA256(), 32),
                              (ec.SECP521R1(), "ES512", hashes.SHA512(), 66)):
        k = ec.generate_private_key(crv)
        rr, ss = decode_dss_signature(k.sign(b"msg", ec.ECDSA(h)))
        sig = rr.to_bytes(size, "big") + ss.to_bytes(size, "big")
        assert pure.verify(alg, load_key(k.public_key()), b"msg", sig)
    e = ed25519.Ed25519PrivateKey.generate()
    assert pure.verify("EdDSA", load_key(e.public_key()), b"msg", e.sign(b"msg"))
    # and our Ed25519 signer matches RFC 8032 determinism: same seed, same signature as cryptography
    from cryptography.hazmat.primitives import serialization
    seed = e.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    assert Ed25519PrivateKey(seed).sign("EdDSA", b"msg") == e.sign(b"msg")


@needs_pyca
def test_pyca_loads_each_key_once_across_instances(monkeypatch):
    import clerk_edge.crypto.pyca as pyca
    calls = []
    real = pyca._to_cryptography
    monkeypatch.setattr(pyca, "_to_cryptography", lambda key: calls.append(key) or real(key))
    priv = generate_rsa_key(1024)
    sig = priv.sign("RS256", b"m")
    for _ in range(5):
        assert pyca.PycaCrypto().verify("RS256", priv.public_key, b"m", sig)
    # an equal key parsed again (a different object) reuses the loaded handle too
    assert pyca.PycaCrypto().verify("RS256", from_pem(priv.public_pem()), b"m", sig)
    assert len(calls) == 1


@needs_pyca
@pytest.mark.parametrize("bits", [1025, 2047, 2049])
def test_rsa_modulus_not_a_multiple_of_8(bits):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from clerk_edge.testing.signing import _pure_rsa_numbers
    n, e, d, p, q = _pure_rsa_numbers(bits, 65537)
    priv = RsaPrivateKey(n, e, d, p, q)
    assert priv.size_bits == bits and len(priv.sign("RS256", b"m")) == (bits + 7) // 8
    pyca_priv = rsa.RSAPrivateNumbers(priv.p, priv.q, d, priv.dp, priv.dq, priv.qinv,
                                      rsa.RSAPublicNumbers(e, n)).private_key()
    pyca_sig = pyca_priv.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
    assert pyca_sig == priv.sign("RS256", b"m")   # PKCS#1 v1.5 is deterministic: byte-identical
    for backend in _backends():
        assert _verify(backend, "RS256", priv.public_key, b"m", pyca_sig)
        assert not _verify(backend, "RS256", priv.public_key, b"n", pyca_sig)


@pytest.mark.no_pyodide(reason="replaces the js/pyodide modules with fakes; the real WebCrypto runs above")
def test_webcrypto_backend_logic_with_a_fake_subtle(monkeypatch):
    """Import errors become ClerkEdgeError, a throwing subtle.verify means False, wrong-length
    signatures never reach subtle, and each (key, alg) is imported once."""
    import sys
    import types

    from clerk_edge.crypto.webcrypto import WebCrypto
    from tests.support.aio import run

    class FakeSubtle:
        def __init__(self):
            self.imports, self.verifies = [], []

        async def importKey(self, fmt, jwk, params, extractable, usages):
            self.imports.append((fmt, jwk, params, extractable, usages))
            if jwk.get("kty") == "OKP":
                raise RuntimeError("NotSupportedError: Ed25519 is not supported")
            return ("CryptoKey", jwk["kty"])

        async def verify(self, params, key, sig, data):
            self.verifies.append((params, key, sig, data))
            if sig == b"\xff" * len(sig):
                raise RuntimeError("OperationError")
            return sig[:1] == b"\x01"

    js = types.ModuleType("js")
    js.Object = types.SimpleNamespace(fromEntries=dict)
    ffi = types.ModuleType("pyodide.ffi")
    ffi.to_js = lambda obj, dict_converter=None: obj
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)

    subtle = FakeSubtle()
    wc = WebCrypto(subtle=subtle)
    rsa, ec, ed = _key("RSA1024"), _key("P-384"), _key("Ed25519")
    k = 128
    assert run(wc.averify("RS256", rsa.public_key, b"d", b"\x01" * k)) is True
    assert run(wc.averify("RS256", rsa.public_key, b"d", b"\x02" * k)) is False
    assert run(wc.averify("RS256", rsa.public_key, b"d", b"\xff" * k)) is False     # subtle threw
    assert run(wc.averify("RS256", rsa.public_key, b"d", b"\x01" * (k - 1))) is False  # never reaches subtle
    assert len(subtle.imports) == 1 and len(subtle.verifies) == 3
    fmt, jwk, params, extractable, usages = subtle.imports[0]
    assert fmt == "jwk" and params == {"name": "RSASSA-PKCS1-v1_5", "hash": "SHA-256"} and usages == ["verify"]
    assert jwk["kty"] == "RSA" and "kid" not in jwk and "alg" not in jwk
    assert run(wc.averify("RS512", rsa.public_key, b"d", b"\x01" * k)) is True
    assert subtle.imports[-1][2] == {"name": "RSASSA-PKCS1-v1_5", "hash": "SHA-512"}
    assert run(wc.averify("ES384", ec.public_key, b"d", b"\x01" * 96)) is True
    assert subtle.imports[-1][2] == {"name": "ECDSA", "namedCurve": "P-384"}
    assert subtle.verifies[-1][0] == {"name": "ECDSA", "hash": "SHA-384"}
    with pytest.raises(ClerkEdgeError, match="could not import"):
        run(wc.averify("EdDSA", ed.public_key, b"d", b"\x01" * 64))
    with pytest.raises(ClerkEdgeError):
        run(wc.averify("ES256", ec.public_key, b"d", b"\x01" * 64))                 # P-384 key, ES256
