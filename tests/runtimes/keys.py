"""Host-side test keys and tokens for the runtime tiers (workerd, Lambda): real RS256 tokens signed
with ``cryptography`` — these tests run on CPython and talk to a runtime over HTTP, so the runtime
itself never needs ``cryptography``.  Claims are Clerk-shaped and relative to *now* (the runtimes
use their real clocks)."""
from __future__ import annotations

import base64
import functools
import json
import time

ISS = "https://clerk.inspired.puma-74.lcl.dev"
AZP = "https://accounts.inspired.puma-74.lcl.dev"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class KeyPair:
    def __init__(self, kid: str):
        from cryptography.hazmat.primitives.asymmetric import rsa
        self.kid = kid
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def public_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def public_jwk(self) -> dict:
        nums = self._key.public_key().public_numbers()
        def enc(i: int) -> str:
            return b64url(i.to_bytes((i.bit_length() + 7) // 8, "big"))
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256", "n": enc(nums.n), "e": enc(nums.e)}

    def sign(self, payload: dict, *, kid=None, alg="RS256") -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        header = {"alg": alg, "typ": "JWT", "kid": self.kid if kid is None else kid}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
        sig = self._key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{b64url(sig)}"


@functools.lru_cache(maxsize=None)
def key(name: str = "main") -> KeyPair:
    return KeyPair(f"ins_runtime_{name}")


def claims(*, now=None, ttl=60, **overrides) -> dict:
    now = int(time.time() if now is None else now)
    out = {"azp": AZP, "exp": now + ttl, "iat": now, "iss": ISS, "nbf": now - 10,
           "sid": "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9", "sub": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"}
    out.update(overrides)
    return out


def valid_token(k: KeyPair = None, **overrides) -> str:
    return (k or key()).sign(claims(**overrides))


def expired_token(k: KeyPair = None) -> str:
    now = int(time.time())
    return (k or key()).sign(claims(now=now - 3600))


def forged_token() -> str:
    """Signed by a key that is not the instance's, under the instance key's kid."""
    return key("attacker").sign(claims(), kid=key().kid)
