"""``verify_jwt`` and ``has_valid_signature``: decode → typ → alg → **signature** → claims.

The signature is checked before any claim (as @clerk/backend 3.x does, to avoid acting as an oracle
for forged tokens).  Key material never comes from the token: ``jku``, ``x5u``, ``jwk`` and ``kid``
headers do not select keys here, ``alg: none`` and HMAC algorithms are never accepted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence, Union

from ..errors import ClerkEdgeError, TokenVerificationError, TokenVerificationErrorAction as Action, \
    TokenVerificationErrorReason as Reason
from ..faces import twins
from ..runner import Now, Runtime, Verify
from . import claims
from .decode import Jwt, decode_jwt

__all__ = ["verify_jwt", "verify_jwt_sync", "has_valid_signature", "has_valid_signature_sync",
           "verify_jwt_core", "signature_core", "normalize_algorithms", "VerifyJwtOptions"]

_KEY_TYPES = {"RS": "RSA", "ES": "EC", "Ed": "OKP"}
_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "EdDSA": "Ed25519"}


def normalize_algorithms(algorithms: Optional[Sequence[str]]) -> tuple:
    if algorithms is None:
        return claims.DEFAULT_ALGORITHMS
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    allowed = set(claims.DEFAULT_ALGORITHMS) | set(claims.OPTIONAL_ALGORITHMS)
    bad = [a for a in algorithms if a not in allowed]
    if bad:
        raise ClerkEdgeError(f"Unsupported algorithm(s) {bad!r}: clerk_edge verifies only {sorted(allowed)} "
                             "(never 'none' or HMAC).")
    return tuple(algorithms)


@dataclass
class VerifyJwtOptions:
    key: Any = None
    issuer: Union[None, str, Sequence[str], Callable[[str], Any]] = None
    authorized_parties: Optional[Sequence[str]] = None
    audience: Union[None, str, Sequence[str]] = None
    clock_skew_in_ms: Any = claims.DEFAULT_CLOCK_SKEW_IN_MS
    header_type: Union[None, str, Sequence[str]] = None
    algorithms: Optional[Sequence[str]] = None


_PARSED: dict = {}  # PEM/JWK text -> PublicKey: configured keys are parsed once per process

#: Positive verdicts of recent signature checks: token text -> the key that verified it.  A browser sends the
#: same session token with every request for its lifetime (60 s), so re-verifying it is wasted
#: work — on Workers an awaited WebCrypto round trip each time.  Only *valid* signatures are
#: remembered (a forged token is checked every time); claims are always re-checked.  Bounded; set
#: ``SIGNATURE_CACHE_SIZE = 0`` to disable.
SIGNATURE_CACHE_SIZE = 512
_VERDICTS: dict = {}


def _as_public_key(key):
    if isinstance(key, (str, bytes)):
        parsed = _PARSED.get(key)
        if parsed is None:
            from ..keys.parse import load_key
            parsed = load_key(key)
            if len(_PARSED) >= 64:
                _PARSED.clear()
            _PARSED[key] = parsed
        return parsed
    from ..keys import PublicKey
    if isinstance(key, PublicKey):
        return key
    from ..keys.parse import load_key
    return load_key(key)


def _signature_error(inner: str) -> TokenVerificationError:
    return TokenVerificationError(Reason.TOKEN_VERIFICATION_FAILED, f"Error verifying JWT signature. Error: {inner}",
                                  Action.ENSURE_CLERK_JWT)


def signature_core(jwt: Jwt, key, algorithms: Sequence[str] = claims.DEFAULT_ALGORITHMS):
    """Core: ``True``/``False`` for the signature; raises ``token-verification-failed`` when the key
    cannot be used at all (unparseable, wrong type for ``alg``, ``alg`` not allowed)."""
    alg = jwt.header.get("alg")
    if not isinstance(alg, str) or alg not in algorithms:
        raise _signature_error(f"Unsupported algorithm {alg}, expected one of {claims.js_list(algorithms)}.")
    try:
        public_key = _as_public_key(key)
    except ClerkEdgeError as exc:
        raise _signature_error(str(exc)) from None
    expected_kty = _KEY_TYPES[alg[:2]]
    if public_key.kty != expected_kty or (alg in _CURVES and public_key.crv != _CURVES[alg]):
        raise _signature_error(f"The {public_key.kty} key cannot verify {alg} signatures.")
    if public_key.alg and public_key.alg != alg:
        raise _signature_error(f"The key is restricted to {public_key.alg} and cannot verify {alg} signatures.")
    text = jwt.raw.text
    if _VERDICTS.get(text) is public_key:  # the entry holds the key object itself: no id reuse, no hashing
        return True
    try:
        valid = bool((yield Verify(alg, public_key, jwt.signing_input, jwt.signature)))
        if valid and SIGNATURE_CACHE_SIZE:
            if len(_VERDICTS) >= SIGNATURE_CACHE_SIZE:
                _VERDICTS.pop(next(iter(_VERDICTS)))
            _VERDICTS[text] = public_key
        return valid
    except TokenVerificationError:
        raise
    except ClerkEdgeError as exc:
        raise _signature_error(str(exc)) from None


def verify_jwt_core(token, opts: VerifyJwtOptions, decoded: Optional[Jwt] = None, key: Any = None):
    """Core: returns the payload or raises :class:`TokenVerificationError`.

    ``opts`` is anything with VerifyJwtOptions' attributes (``verify_token`` passes its own options and the
    resolved ``key``, which then stands in for ``opts.key``)."""
    jwt = decoded if decoded is not None else decode_jwt(token)
    if key is None:
        key = opts.key
    algorithms = normalize_algorithms(opts.algorithms)
    header = jwt.header
    claims.assert_header_type(header.get("typ", claims.MISSING), opts.header_type)
    claims.assert_header_algorithm(header.get("alg", claims.MISSING), algorithms)
    if not (yield from signature_core(jwt, key, algorithms)):
        raise TokenVerificationError(Reason.TOKEN_INVALID_SIGNATURE, "JWT signature is invalid.")
    now = yield Now()
    claims.assert_claims(jwt.payload, audience=opts.audience, authorized_parties=opts.authorized_parties,
                         issuer=opts.issuer, skew_ms=claims.clock_skew(opts.clock_skew_in_ms), now_ms=int(now * 1000))
    return jwt.payload


def _runtime(crypto=None, clock=None, fetch=None) -> Runtime:
    from ..tokens import build_runtime
    return build_runtime(fetch=fetch, crypto=crypto, clock=clock)


def _verify_jwt(token, *, key, issuer=None, authorized_parties=None, audience=None,
                clock_skew_in_ms=claims.DEFAULT_CLOCK_SKEW_IN_MS, header_type=None, algorithms=None,
                clock=None, crypto=None):
    """Verify ``token`` against ``key`` (PEM, JWK dict or :class:`PublicKey`) and return its payload.

    Raises :class:`clerk_edge.TokenVerificationError`."""
    opts = VerifyJwtOptions(key, issuer, authorized_parties, audience, clock_skew_in_ms, header_type, algorithms)
    return verify_jwt_core(token, opts), _runtime(crypto, clock)


def _has_valid_signature(jwt, key, *, algorithms=None, crypto=None):
    """``True`` if the signature of ``jwt`` (a token string or a decoded :class:`Jwt`) verifies with ``key``."""
    decoded = jwt if isinstance(jwt, Jwt) else decode_jwt(jwt)
    algorithms = normalize_algorithms(algorithms)
    return signature_core(decoded, key, algorithms), _runtime(crypto)


verify_jwt, verify_jwt_sync = twins(_verify_jwt)
has_valid_signature, has_valid_signature_sync = twins(_has_valid_signature)
