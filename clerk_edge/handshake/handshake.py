"""The handshake (``tokens/handshake.ts``): when a request may be redirected, where to, the loop
counter, and resolving a handshake that came back (by signed token or by nonce)."""
from __future__ import annotations

import logging
from typing import Optional

from ..errors import FetchError, TokenVerificationError, TokenVerificationErrorAction as Action, \
    TokenVerificationErrorReason as Reason
from ..fetch import Headers
from ..jwt import claims
from ..jwt.decode import decode_jwt
from .bapi import BapiError, bapi_core
from .context import SUPPORTED_BAPI_VERSION, AuthenticateContext
from .state import AuthErrorReason, RequestState, signed_in, signed_out
from .url import parse_url

__all__ = ["is_eligible_for_handshake", "build_redirect_to_handshake", "track_redirect_loop",
           "resolve_handshake_core", "verify_handshake_token_core", "HandshakeError"]

log = logging.getLogger("clerk_edge.handshake")


class HandshakeError(Exception):
    """A handshake could not be resolved (plain ``Error`` in @clerk/backend)."""


def is_eligible_for_handshake(ctx: AuthenticateContext) -> bool:
    if ctx.method != "GET":
        return False
    if ctx.sec_fetch_dest in ("document", "iframe"):
        return True
    return not ctx.sec_fetch_dest and bool(ctx.accept) and ctx.accept.startswith("text/html")


def org_sync_params(target: Optional[dict]) -> list:
    if not target:
        return []
    if target["type"] == "personal_account":
        return [("organization_id", "")]
    value = None
    if target.get("organization_id"):
        value = target["organization_id"]
    if target.get("organization_slug"):
        value = target["organization_slug"]
    return [] if value is None else [("organization_id", value)]


def build_redirect_to_handshake(ctx: AuthenticateContext, reason: str, org_target: Optional[dict]) -> Headers:
    redirect_url = ctx.clerk_url.delete("__clerk_db_jwt", "__dev_session")
    base = ctx.frontend_api if ctx.frontend_api.startswith("http") else f"https://{ctx.frontend_api}"
    base = base.rstrip("/") + "/"
    url = parse_url(base + "v1/client/handshake")
    params = [("redirect_url", redirect_url.href), ("__clerk_api_version", SUPPORTED_BAPI_VERSION),
              ("suffixed_cookies", "true" if ctx.uses_suffixed_cookies() else "false"),
              ("__clerk_hs_reason", reason), ("format", "nonce")]
    if ctx.session_token:
        params.append(("__session", ctx.session_token))
    if ctx.instance_type == "development" and ctx.dev_browser_token:
        params.append(("__clerk_db_jwt", ctx.dev_browser_token))
    params.extend(org_sync_params(org_target))
    return Headers([("location", url.with_params(url.params() + params).href)])


def track_redirect_loop(ctx: AuthenticateContext, headers: Headers) -> bool:
    """True when the counter is exactly 3 (a loop); otherwise appends the incremented counter cookie."""
    if ctx.handshake_redirect_loop_counter == 3:
        return True
    n = ctx.handshake_redirect_loop_counter + 1
    headers.add("set-cookie", f"__clerk_redirect_count={_js_num(n)}; SameSite=Lax; HttpOnly; Max-Age=2")
    return False


def _js_num(n) -> str:
    """``String(number)`` for the counter cookie."""
    if isinstance(n, float):
        if n == float("inf"):
            return "Infinity"
        if n == float("-inf"):
            return "-Infinity"
        if n.is_integer() and abs(n) < 1e21:
            return str(int(n))
        return repr(n)
    return str(n)


def _cookie_name(directive: str) -> str:
    return directive.split(";")[0].split("=")[0]


def _cookie_value(directive: str) -> str:
    parts = directive.split(";")[0].split("=")
    return parts[1] if len(parts) > 1 else ""


def verify_handshake_token_core(token: str, ctx: AuthenticateContext):
    """Core: the handshake payload.  Checks typ, alg, category and the signature — not exp."""
    from ..jwt.verify import signature_core
    from ..tokens import VerifyTokenOptions, resolve_key_core
    jwt = decode_jwt(token)
    o = ctx.options
    opts = VerifyTokenOptions(jwt_key=o.jwt_key, secret_key=o.secret_key, api_url=o.api_url, api_version=o.api_version,
                              skip_jwks_cache=o.skip_jwks_cache, jwks_cache_ttl_in_ms=o.jwks_cache_ttl_in_ms,
                              jwks_cache=o.jwks_cache, env=o.env).resolved()
    if not opts.jwt_key and not opts.secret_key:
        raise TokenVerificationError(Reason.JWK_FAILED_TO_RESOLVE,
                                     "Failed to resolve JWK during handshake verification.", Action.SET_CLERK_JWT_KEY)
    key = yield from resolve_key_core(jwt.header.get("kid"), opts)
    claims.assert_header_type(jwt.header.get("typ", claims.MISSING), None)
    claims.assert_header_algorithm(jwt.header.get("alg", claims.MISSING), claims.DEFAULT_ALGORITHMS)
    if "cat" in jwt.header and jwt.header["cat"] not in ("cl_B7d4PD111AAA", "cl_I7d4PD111III"):
        raise TokenVerificationError(Reason.TOKEN_INVALID, "Invalid handshake token category.", Action.ENSURE_CLERK_JWT)
    try:
        ok = yield from signature_core(jwt, key)
    except TokenVerificationError as exc:
        raise TokenVerificationError(Reason.TOKEN_VERIFICATION_FAILED,
                                     f"Error verifying handshake token. {exc.message}") from None
    if not ok:
        raise TokenVerificationError(Reason.TOKEN_INVALID_SIGNATURE, "Handshake signature is invalid.")
    return jwt.payload


def _directives_core(ctx: AuthenticateContext):
    if ctx.handshake_nonce:
        o = ctx.options
        try:
            payload = yield from bapi_core("GET", "/clients/handshake_payload", api_url=o.api_url,
                                           api_version=o.api_version, bearer=o.secret_key,
                                           query={"nonce": ctx.handshake_nonce})
        except (BapiError, FetchError) as exc:
            log.error("Clerk: HandshakeService: error getting handshake payload: %s", exc)
            return []
        directives = payload.get("directives") if isinstance(payload, dict) else None
        return [str(d) for d in directives] if isinstance(directives, list) else []
    if ctx.handshake_token:
        payload = yield from verify_handshake_token_core(ctx.handshake_token, ctx)
        hs = payload.get("handshake")
        return [str(d) for d in hs] if isinstance(hs, list) else []
    return []


def resolve_handshake_core(ctx: AuthenticateContext, verify_core):
    """Core: a signed-in or signed-out :class:`RequestState`.  ``verify_core(token, **overrides)``
    verifies the session token from the directives.  Raises TokenVerificationError (handshake token)
    or :class:`HandshakeError`."""
    headers = Headers([("Access-Control-Allow-Origin", "null"), ("Access-Control-Allow-Credentials", "true")])
    directives = yield from _directives_core(ctx)
    session_token = ""
    for d in directives:
        headers.add("set-cookie", d)
        if _cookie_name(d).startswith("__session"):
            session_token = _cookie_value(d)
    if ctx.instance_type == "development":
        cleaned = ctx.clerk_url.delete("__clerk_handshake", "__clerk_help", "__clerk_db_jwt", "__clerk_handshake_nonce")
        headers.add("location", cleaned.href)
        headers.set("cache-control", "no-store")
    if session_token == "":
        return signed_out(ctx, AuthErrorReason.SESSION_TOKEN_MISSING, "", headers=headers)
    try:
        payload = yield from verify_core(session_token)
        return signed_in(ctx, token=session_token, claims=payload, headers=headers)
    except TokenVerificationError as error:
        if ctx.instance_type == "development" and error.reason in (
                Reason.TOKEN_EXPIRED, Reason.TOKEN_NOT_ACTIVE_YET, Reason.TOKEN_IAT_IN_THE_FUTURE):
            log.error("Clerk: Clock skew detected. This usually means that your system clock is inaccurate. "
                      "Clerk will attempt to account for the clock skew in development. %s", error.message)
            try:
                payload = yield from verify_core(session_token, clock_skew_in_ms=86_400_000)
            except TokenVerificationError as retry_error:
                raise HandshakeError(retry_error.message or "Clerk: Handshake retry failed.") from None
            return signed_in(ctx, token=session_token, claims=payload, headers=headers)
        raise HandshakeError(error.message or "Clerk: Handshake failed.") from None


def development_handshake_error(error: TokenVerificationError) -> Exception:
    from .context import ConfigurationError
    if error.reason == Reason.TOKEN_INVALID_SIGNATURE:
        return ConfigurationError("Clerk: Handshake token verification failed due to an invalid signature. If you "
                                  "have switched Clerk keys locally, clear your cookies and try again.")
    return ConfigurationError(f"Clerk: Handshake token verification failed: {error.full_message()}.")
