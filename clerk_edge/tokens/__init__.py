"""``verify_token``: resolve the key (``jwt_key`` > ``CLERK_JWT_KEY`` > the instance JWKS), then
``verify_jwt``.  Session tokens only: the M2M category is rejected before any key lookup."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence, Union

from ..env import get_env
from ..errors import ClerkEdgeError, TokenVerificationError, TokenVerificationErrorAction as Action, \
    TokenVerificationErrorReason as Reason
from ..faces import twins
from ..jwt import claims
from ..jwt.decode import decode_jwt
from ..jwt.verify import verify_jwt_core
from ..runner import Runtime

__all__ = ["verify_token", "verify_token_sync", "verify_token_core", "resolve_key_core", "VerifyTokenOptions",
           "build_runtime", "M2M_CATEGORY", "DEFAULT_API_URL"]

M2M_CATEGORY = "cl_B7d4PD333AAA"
DEFAULT_API_URL = "https://api.clerk.com"
DEFAULT_API_VERSION = "v1"


@dataclass
class VerifyTokenOptions:
    jwt_key: Any = None
    secret_key: Optional[str] = None
    api_url: Optional[str] = None
    api_version: Optional[str] = None
    issuer: Union[None, str, Sequence[str], Callable[[str], Any]] = None
    authorized_parties: Optional[Sequence[str]] = None
    audience: Union[None, str, Sequence[str]] = None
    clock_skew_in_ms: Any = claims.DEFAULT_CLOCK_SKEW_IN_MS
    skip_jwks_cache: bool = False
    jwks_cache_ttl_in_ms: float = 300_000
    header_type: Union[None, str, Sequence[str]] = None
    algorithms: Optional[Sequence[str]] = None
    jwks_cache: Any = None
    env: Any = None
    reject_m2m_category: bool = True

    def resolved(self) -> "VerifyTokenOptions":
        """Fill ``jwt_key``/``secret_key``/``api_url``/``api_version`` from the environment:
        argument > ``CLERK_JWT_KEY``; argument > ``CLERK_SECRET_KEY`` > ``CLERK_API_KEY``."""
        env = self.env
        out = object.__new__(VerifyTokenOptions)  # a plain copy (runs per JWKS-keyed verification)
        out.__dict__.update(self.__dict__)
        out.jwt_key = self.jwt_key or get_env(env, "CLERK_JWT_KEY")
        out.secret_key = self.secret_key or get_env(env, "CLERK_SECRET_KEY") or get_env(env, "CLERK_API_KEY")
        out.api_url = self.api_url or get_env(env, "CLERK_API_URL") or DEFAULT_API_URL
        out.api_version = self.api_version or get_env(env, "CLERK_API_VERSION") or DEFAULT_API_VERSION
        return out

    def __repr__(self) -> str:
        from ..errors import redact
        return (f"VerifyTokenOptions(jwt_key={redact(self.jwt_key) if isinstance(self.jwt_key, str) else type(self.jwt_key).__name__}, "
                f"secret_key={redact(self.secret_key)!r}, api_url={self.api_url!r})")


_DEFAULT_RUNTIME = Runtime()


def build_runtime(fetch=None, crypto=None, clock=None) -> Runtime:
    """A :class:`Runtime` for the given backends (names or objects); ``None`` means the runtime's
    default (resolved on first use and shared)."""
    if fetch is None and crypto is None and clock is None:
        return _DEFAULT_RUNTIME
    from ..crypto import resolve_crypto
    from ..fetch import resolve_fetch
    import time
    return Runtime(fetch=resolve_fetch(fetch) if fetch is not None else None,
                   crypto=resolve_crypto(crypto) if crypto is not None else None,
                   clock=clock or time.time)


def _jwks_cache(opts: VerifyTokenOptions):
    if opts.jwks_cache is not None:
        return opts.jwks_cache
    from ..jwks.cache import default_jwks_cache
    return default_jwks_cache()


def resolve_key_core(kid: Any, opts: VerifyTokenOptions):
    """Core: the key to verify with — the ``jwt_key`` as given, or the JWKS key for ``kid``."""
    if opts.jwt_key:
        return opts.jwt_key
    opts = opts.resolved()
    if opts.jwt_key:
        return opts.jwt_key
    if opts.secret_key:
        try:
            return (yield from _jwks_cache(opts).key_core(
                kid, api_url=opts.api_url, api_version=opts.api_version, secret_key=opts.secret_key,
                skip_cache=bool(opts.skip_jwks_cache), ttl_ms=opts.jwks_cache_ttl_in_ms))
        except TokenVerificationError:
            raise
        except ClerkEdgeError as exc:  # a JWK in the JWKS that cannot be parsed
            raise TokenVerificationError(Reason.REMOTE_JWK_INVALID, f"The JWKS contains an invalid key: {exc}",
                                         Action.CONTACT_SUPPORT) from None
    raise TokenVerificationError(Reason.JWK_FAILED_TO_RESOLVE, "Failed to resolve JWK during verification.",
                                 Action.SET_CLERK_JWT_KEY)


def verify_token_core(token, opts: VerifyTokenOptions, decoded=None):
    """Core: the verified payload, or :class:`TokenVerificationError`."""
    jwt = decoded if decoded is not None else decode_jwt(token)
    if opts.reject_m2m_category and jwt.header.get("cat") == M2M_CATEGORY:
        raise TokenVerificationError(Reason.TOKEN_INVALID, "Invalid session token category.", Action.ENSURE_CLERK_JWT)
    key = opts.jwt_key or (yield from resolve_key_core(jwt.header.get("kid"), opts))
    return (yield from verify_jwt_core(token, opts, decoded=jwt, key=key))


def _verify_token(token, *, jwt_key=None, secret_key=None, api_key=None, api_url=None, api_version=None,
                  issuer=None, authorized_parties=None, audience=None,
                  clock_skew_in_ms=claims.DEFAULT_CLOCK_SKEW_IN_MS, skip_jwks_cache=False,
                  jwks_cache_ttl_in_ms=300_000, header_type=None, algorithms=None, env=None,
                  fetch=None, crypto=None, clock=None, jwks_cache=None):
    """Verify a Clerk session token and return its claims.

    Key resolution: ``jwt_key`` > ``CLERK_JWT_KEY`` > the instance JWKS from the Backend API
    (``secret_key``/``api_key`` > ``CLERK_SECRET_KEY`` > ``CLERK_API_KEY``); the environment is
    ``env`` (a mapping or a Workers binding) or ``os.environ``.  ``api_url`` defaults to
    ``CLERK_API_URL`` or ``https://api.clerk.com``.  Raises :class:`clerk_edge.TokenVerificationError`.
    """
    opts = VerifyTokenOptions(jwt_key, secret_key or api_key, api_url, api_version, issuer, authorized_parties,
                              audience, clock_skew_in_ms, skip_jwks_cache, jwks_cache_ttl_in_ms, header_type,
                              algorithms, jwks_cache, env)
    return verify_token_core(token, opts), build_runtime(fetch, crypto, clock)


verify_token, verify_token_sync = twins(_verify_token)
