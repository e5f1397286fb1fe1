"""Signature verification with the ``cryptography`` package (OpenSSL) — the CPython/Lambda default.

``cryptography`` is imported on first use, never at ``import clerk_edge``.  Loaded key objects are
cached per :class:`~clerk_edge.keys.PublicKey` (by identity first, then by value; bounded; shared by
all instances, so ``crypto='cryptography'`` resolved per call still hits it), so the hot path of
``verify_token`` is one dict lookup plus OpenSSL's verify.

JWS ECDSA signatures are raw ``r || s`` (IEEE P1363); they are converted to DER for OpenSSL, and a
signature of the wrong length is simply invalid.
"""
from __future__ import annotations

from ..errors import ClerkEdgeError

__all__ = ["PycaCrypto"]

_MAX_CACHE = 256
_BY_ID: dict = {}      # id(PublicKey) -> (PublicKey, loaded key object); the entry keeps the key alive
_BY_VALUE: dict = {}   # PublicKey -> loaded key object
_OPS = None            # alg -> (kty, crv, verify function), built on first use


class PycaCrypto:
    """The ``cryptography`` backend (RS256/384/512, ES256/384/512, EdDSA)."""

    name = "cryptography"
    is_async_only = False
    algorithms = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"})

    # -- setup --------------------------------------------------------------
    @staticmethod
    def _init_ops():
        global _OPS
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, padding
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        pkcs1 = padding.PKCS1v15()
        sha = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}
        ecdsa = {bits: ec.ECDSA(h) for bits, h in sha.items()}

        def rsa(bits):
            h = sha[bits]

            def verify(pub, data, sig):
                try:
                    pub.verify(sig, data, pkcs1, h)
                    return True
                except InvalidSignature:
                    return False
            return verify

        def ecdsa_verify(bits, size):
            algo = ecdsa[bits]

            def verify(pub, data, sig):
                if len(sig) != 2 * size:
                    return False
                der = encode_dss_signature(int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big"))
                try:
                    pub.verify(der, data, algo)
                    return True
                except InvalidSignature:
                    return False
            return verify

        def eddsa(pub, data, sig):
            try:
                pub.verify(sig, data)
                return True
            except InvalidSignature:
                return False

        _OPS = {
            "RS256": ("RSA", None, rsa("256")), "RS384": ("RSA", None, rsa("384")), "RS512": ("RSA", None, rsa("512")),
            "ES256": ("EC", "P-256", ecdsa_verify("256", 32)),
            "ES384": ("EC", "P-384", ecdsa_verify("384", 48)),
            "ES512": ("EC", "P-521", ecdsa_verify("512", 66)),
            "EdDSA": ("OKP", "Ed25519", eddsa), "Ed25519": ("OKP", "Ed25519", eddsa),
        }
        return _OPS

    @staticmethod
    def _load(key):
        obj = _BY_VALUE.get(key)
        if obj is None:
            obj = _to_cryptography(key)
            if len(_BY_VALUE) >= _MAX_CACHE:
                _BY_VALUE.clear()
            _BY_VALUE[key] = obj
        if len(_BY_ID) >= _MAX_CACHE:
            _BY_ID.clear()
        entry = _BY_ID[id(key)] = (key, obj)
        return entry

    # -- the boundary ---------------------------------------------------------
    def verify(self, alg, key, data, signature) -> bool:
        ops = _OPS or self._init_ops()
        op = ops.get(alg)
        if op is None:
            raise ClerkEdgeError(f"Unsupported algorithm {alg!r} (the cryptography backend supports "
                                 f"{sorted(self.algorithms)}).")
        kty, crv, fn = op
        if key.kty != kty or (crv is not None and key.crv != crv):
            raise ClerkEdgeError(f"The {key.kty} key cannot verify {alg} signatures.")
        entry = _BY_ID.get(id(key))
        if entry is None or entry[0] is not key:
            entry = self._load(key)
        return fn(entry[1], data, signature)

    async def averify(self, alg, key, data, signature) -> bool:
        return self.verify(alg, key, data, signature)

    def __repr__(self):
        return "PycaCrypto()"


def _to_cryptography(key):
    try:
        if key.kty == "RSA":
            from cryptography.hazmat.primitives.asymmetric import rsa
            return rsa.RSAPublicNumbers(key.e, key.n).public_key()
        if key.kty == "EC":
            from cryptography.hazmat.primitives.asymmetric import ec
            curve = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}[key.crv]()
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + key.x + key.y)
        if key.kty == "OKP" and key.crv == "Ed25519":
            from cryptography.hazmat.primitives.asymmetric import ed25519
            return ed25519.Ed25519PublicKey.from_public_bytes(key.x)
    except (ValueError, KeyError, TypeError) as exc:
        raise ClerkEdgeError(f"The key cannot be loaded by cryptography: {exc}") from None
    raise ClerkEdgeError(f"Unsupported key {key!r}")
