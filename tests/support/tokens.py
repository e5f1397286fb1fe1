"""Test keys and Clerk-shaped tokens, made once per test session.

The claims follow Clerk's own fixtures (``mockJwtPayload``): iat = 1666648250, exp = iat + 60,
nbf = iat - 10, and every test freezes the clock at iat.
"""
from __future__ import annotations

import functools

IAT = 1_666_648_250
ISS = "https://clerk.inspired.puma-74.lcl.dev"
AZP = "https://accounts.inspired.puma-74.lcl.dev"
KID = "ins_2GIoQhbUpy0hX7B2cVkuTMinXoD"


def clerk_claims(**overrides) -> dict:
    claims = {"azp": AZP, "exp": IAT + 60, "iat": IAT, "iss": ISS, "nbf": IAT - 10,
              "sid": "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9", "sub": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"}
    for k, v in overrides.items():
        if v is DROP:
            claims.pop(k, None)
        else:
            claims[k] = v
    return claims


DROP = object()


@functools.lru_cache(maxsize=None)
def rsa_key(name: str = "main", bits: int = 2048):
    from clerk_edge.testing.signing import generate_rsa_key
    kid = KID if name == "main" else f"ins_{name}"
    return generate_rsa_key(bits, kid=kid)


def sign(payload=None, key=None, **kw) -> str:
    from clerk_edge.testing.signing import sign_jwt
    return sign_jwt(clerk_claims() if payload is None else payload, key or rsa_key(), **kw)


def jwks(*keys) -> dict:
    return {"keys": [k.public_jwk() for k in (keys or (rsa_key(),))]}
