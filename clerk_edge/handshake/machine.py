"""Machine tokens: API keys (``ak_``), M2M tokens (``mt_`` or a JWT whose ``sub`` starts ``mch_``)
and OAuth access tokens (``oat_`` or a JWT with ``typ`` ``at+jwt``) — ``tokens/machine.ts``,
``jwt/verifyMachineJwt.ts`` and the machine half of ``tokens/verify.ts``.

JWT-format tokens are verified locally (jwt_key or the instance JWKS); opaque ones by the Backend API
verify endpoints, which live **outside** ``/v1``."""
from __future__ import annotations

import json
import re
from typing import Any, Optional

from ..errors import FetchError, MachineTokenVerificationError, TokenVerificationError
from ..jwt.decode import decode_jwt
from .bapi import BapiError, bapi_core

__all__ = ["is_machine_token", "is_machine_jwt", "is_oauth_jwt", "is_m2m_jwt", "machine_token_type",
           "is_token_type_accepted", "verify_machine_token_core", "M2M_CATEGORY"]

M2M_CATEGORY = "cl_B7d4PD333AAA"
SESSION_CATEGORY = "cl_B7d4PD111AAA"
IGNORE_CATEGORY = "cl_I7d4PD111III"
OAUTH_TYPES = ("at+jwt", "application/at+jwt")
_JWT_FORMAT = re.compile(r"^[a-zA-Z0-9\-_]+\.[a-zA-Z0-9\-_]+\.[a-zA-Z0-9\-_]+\Z")


def is_jwt_format(token: str) -> bool:
    return bool(_JWT_FORMAT.match(token or ""))


def _decoded(token: str):
    try:
        return decode_jwt(token)
    except Exception:
        return None


def is_oauth_jwt(token: str) -> bool:
    if not is_jwt_format(token):
        return False
    jwt = _decoded(token)
    return jwt is not None and jwt.header.get("typ") in OAUTH_TYPES


def is_m2m_jwt(token: str) -> bool:
    if not is_jwt_format(token):
        return False
    jwt = _decoded(token)
    sub = jwt.payload.get("sub") if jwt is not None else None
    return isinstance(sub, str) and sub.startswith("mch_")


def is_machine_jwt(token: str) -> bool:
    return is_oauth_jwt(token) or is_m2m_jwt(token)


def is_machine_token(token: str) -> bool:
    return token.startswith(("mt_", "oat_", "ak_")) or is_machine_jwt(token)


def is_non_session_category(cat: Any) -> bool:
    return cat is not None and cat not in (SESSION_CATEGORY, IGNORE_CATEGORY)


def has_non_session_category(token: str) -> bool:
    jwt = _decoded(token)
    return jwt is not None and "cat" in jwt.header and jwt.header["cat"] not in (SESSION_CATEGORY, IGNORE_CATEGORY)


def machine_token_type(token: str) -> str:
    if token.startswith("mt_") or is_m2m_jwt(token):
        return "m2m_token"
    if token.startswith("oat_") or is_oauth_jwt(token):
        return "oauth_token"
    if token.startswith("ak_"):
        return "api_key"
    raise ValueError("Unknown machine token type")


def is_token_type_accepted(token_type: Optional[str], accepts_token: Any) -> bool:
    if not token_type:
        return False
    if accepts_token == "any":
        return True
    types = list(accepts_token) if isinstance(accepts_token, (list, tuple, set)) else [accepts_token]
    return token_type in types


# ------------------------------------------------------------------------------ verification
def _err(code: str, message: str, status: Optional[int] = None) -> MachineTokenVerificationError:
    return MachineTokenVerificationError(code, message, status)


def _js(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def assert_oauth_audience(aud: Any, audience: Any) -> None:
    """``assertOAuthAudienceClaim``; raises TokenVerificationError (token-verification-failed)."""
    expected = [a for a in (audience if isinstance(audience, (list, tuple)) else [audience]) if a]
    if not expected:
        return
    got = (aud if isinstance(aud, list) else [aud]) if aud else None
    if not isinstance(got, list) or not all(isinstance(a, str) for a in got) or any(len(a) == 0 for a in got):
        raise TokenVerificationError("token-verification-failed",
                                     f"Invalid OAuth audience claim (aud) {_js(aud) if aud is not None else 'undefined'}. "
                                     "Expected a non-empty string or a non-empty array of non-empty strings.")
    if not any(a in expected for a in got):
        raise TokenVerificationError("token-verification-failed",
                                     f"OAuth audience mismatch. Verification expected audience {_js(expected)}, "
                                     f"but incoming token has aud {_js(aud)}.")


def _verify_jwt_with_key_core(token, jwt, ctx, header_type=None, audience=None):
    from ..jwt.verify import VerifyJwtOptions, verify_jwt_core
    from ..tokens import VerifyTokenOptions, resolve_key_core
    o = ctx.options
    opts = VerifyTokenOptions(jwt_key=o.jwt_key, secret_key=o.secret_key, api_url=o.api_url,
                              api_version=o.api_version, skip_jwks_cache=o.skip_jwks_cache,
                              jwks_cache_ttl_in_ms=o.jwks_cache_ttl_in_ms, jwks_cache=o.jwks_cache,
                              env=o.env).resolved()
    if not opts.jwt_key and not opts.secret_key:
        raise _err("token-verification-failed", "Failed to resolve JWK during verification.")
    try:
        key = yield from resolve_key_core(jwt.header.get("kid"), opts)
        return (yield from verify_jwt_core(token, VerifyJwtOptions(
            key, None, None, audience, o.clock_skew_in_ms, header_type), decoded=jwt))
    except TokenVerificationError as exc:
        raise _err("token-verification-failed", exc.message) from None


def _skew(ctx) -> int:
    from ..jwt import claims
    return claims.clock_skew(ctx.options.clock_skew_in_ms)


def _m2m_from_payload(payload: dict, now: float, skew_ms: int) -> dict:
    scopes = payload.get("scopes")
    if isinstance(scopes, str):
        scope_list = scopes.split(" ")
    else:
        scope_list = payload.get("aud") if payload.get("aud") is not None else []
    reserved = {"iss", "sub", "exp", "nbf", "iat", "jti"}
    claims = {k: v for k, v in payload.items() if k not in reserved} or None
    exp = payload.get("exp")
    return {"object": "machine_to_machine_token", "id": payload.get("jti") or "", "subject": payload.get("sub"),
            "scopes": scope_list, "claims": claims, "revoked": False, "revocation_reason": None,
            "expired": isinstance(exp, (int, float)) and exp * 1000 <= now * 1000 - skew_ms,
            "expiration": exp * 1000 if isinstance(exp, (int, float)) else None}


def _oauth_from_payload(payload: dict, now: float, skew_ms: int) -> dict:
    scp = payload.get("scp")
    scope = payload.get("scope")
    scopes = scp if scp is not None else (scope.split(" ") if isinstance(scope, str) else [])
    exp = payload.get("exp")
    aud = payload.get("aud")
    return {"object": "clerk_idp_oauth_access_token", "id": payload.get("jti") or "", "client_id": payload.get("client_id") or "",
            "type": "oauth_token", "subject": payload.get("sub"), "scopes": scopes, "revoked": False,
            "expired": isinstance(exp, (int, float)) and exp * 1000 <= now * 1000 - skew_ms,
            "aud": None if aud is None else (aud if isinstance(aud, list) else [aud])}


def _api_error(exc: Exception, not_found: str) -> MachineTokenVerificationError:
    if isinstance(exc, BapiError):
        if exc.status == 401:
            first = exc.errors[0] if exc.errors else {}
            msg = (first.get("message") if isinstance(first, dict) else None) or "Invalid secret key"
            return _err("secret-key-invalid", msg, 401)
        if exc.status == 404:
            return _err("token-invalid", not_found, 404)
        return _err("unexpected-error", "Unexpected error", exc.status)
    return _err("unexpected-error", "Unexpected error")


def _bapi_verify_core(ctx, path: str, body: dict, bearer: Optional[str], not_found: str):
    o = ctx.options
    try:
        return (yield from bapi_core("POST", path, api_url=o.api_url, api_version=None, bearer=bearer, body=body,
                                     with_version=False))
    except (BapiError, FetchError) as exc:
        raise _api_error(exc, not_found) from None


def verify_machine_token_core(token: str, ctx, now: float):
    """Core: ``(token_type, data)`` or raises ``(token_type, MachineTokenVerificationError)`` packed in
    :class:`MachineFailure`."""
    o = ctx.options
    if is_jwt_format(token):
        try:
            jwt = decode_jwt(token)
        except TokenVerificationError as exc:
            raise MachineFailure("m2m_token", _err("token-invalid", exc.message))
        sub = jwt.payload.get("sub")
        if isinstance(sub, str) and sub.startswith("mch_"):
            cat = jwt.header.get("cat")
            if "cat" in jwt.header and cat != M2M_CATEGORY:
                raise MachineFailure("m2m_token", _err("token-invalid", "Invalid M2M JWT category."))
            try:
                payload = yield from _verify_jwt_with_key_core(token, jwt, ctx, audience=o.audience)
            except MachineTokenVerificationError as exc:
                raise MachineFailure("m2m_token", exc)
            return "m2m_token", _m2m_from_payload(payload, now, _skew(ctx))
        if jwt.header.get("typ") in OAUTH_TYPES:
            try:
                payload = yield from _verify_jwt_with_key_core(token, jwt, ctx, header_type=list(OAUTH_TYPES))
                assert_oauth_audience(payload.get("aud"), o.audience)
            except MachineTokenVerificationError as exc:
                raise MachineFailure("oauth_token", exc)
            except TokenVerificationError as exc:
                raise MachineFailure("oauth_token", _err("token-verification-failed", exc.message))
            return "oauth_token", _oauth_from_payload(payload, now, _skew(ctx))
        typ = jwt.header.get("typ")
        raise MachineFailure("oauth_token", _err(
            "token-verification-failed",
            f"Invalid JWT type: {typ if typ is not None else 'missing'}. Expected one of: "
            f"{', '.join(OAUTH_TYPES)} for OAuth, or sub starting with 'mch_' for M2M"))
    if token.startswith("mt_"):
        try:
            data = yield from _bapi_verify_core(ctx, "/m2m_tokens/verify", {"token": token},
                                                o.machine_secret_key or o.secret_key, "Machine token not found")
        except MachineTokenVerificationError as exc:
            raise MachineFailure("m2m_token", exc)
        return "m2m_token", data if isinstance(data, dict) else {}
    if token.startswith("oat_"):
        try:
            data = yield from _bapi_verify_core(ctx, "/oauth_applications/access_tokens/verify",
                                                {"access_token": token}, o.secret_key, "OAuth token not found")
            data = data if isinstance(data, dict) else {}
            assert_oauth_audience(data.get("aud"), o.audience)
        except MachineTokenVerificationError as exc:
            raise MachineFailure("oauth_token", exc)
        except TokenVerificationError as exc:
            raise MachineFailure("oauth_token", _err("token-verification-failed", exc.message))
        return "oauth_token", data
    if token.startswith("ak_"):
        try:
            data = yield from _bapi_verify_core(ctx, "/api_keys/verify", {"secret": token}, o.secret_key,
                                                "API key not found")
        except MachineTokenVerificationError as exc:
            raise MachineFailure("api_key", exc)
        return "api_key", data if isinstance(data, dict) else {}
    raise ValueError("Unknown machine token type")


class MachineFailure(Exception):
    def __init__(self, token_type: str, error: MachineTokenVerificationError):
        super().__init__(error.message)
        self.token_type = token_type
        self.error = error
