"""Refreshing an expired session token with the suffixed ``__refresh`` cookie (``refreshToken`` /
``attemptRefresh`` in ``tokens/request.ts``)."""
from __future__ import annotations

from ..errors import FetchError, TokenVerificationError
from ..fetch import Headers
from ..jwt.decode import decode_jwt
from .bapi import BapiError, bapi_core
from .context import AuthenticateContext

__all__ = ["attempt_refresh_core", "RefreshTokenErrorReason", "RefreshFailure"]


class RefreshTokenErrorReason:
    NON_ELIGIBLE_NO_COOKIE = "non-eligible-no-refresh-cookie"
    NON_ELIGIBLE_NON_GET = "non-eligible-non-get"
    INVALID_SESSION_TOKEN = "invalid-session-token"
    MISSING_API_CLIENT = "missing-api-client"
    MISSING_SESSION_TOKEN = "missing-session-token"
    MISSING_REFRESH_TOKEN = "missing-refresh-token"
    EXPIRED_SESSION_TOKEN_DECODE_FAILED = "expired-session-token-decode-failed"
    EXPIRED_SESSION_TOKEN_MISSING_SID_CLAIM = "expired-session-token-missing-sid-claim"
    FETCH_ERROR = "fetch-error"
    UNEXPECTED_SDK_ERROR = "unexpected-sdk-error"
    UNEXPECTED_BAPI_ERROR = "unexpected-bapi-error"


class RefreshFailure(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _refresh_cookies_core(ctx: AuthenticateContext):
    R = RefreshTokenErrorReason
    expired = ctx.session_token
    refresh = ctx.refresh_token_in_cookie
    if not expired:
        raise RefreshFailure(R.MISSING_SESSION_TOKEN, "Session token must be provided.")
    if not refresh:
        raise RefreshFailure(R.MISSING_REFRESH_TOKEN, "Refresh token must be provided.")
    try:
        jwt = decode_jwt(expired)
    except TokenVerificationError:
        raise RefreshFailure(R.EXPIRED_SESSION_TOKEN_DECODE_FAILED, "Unable to decode the expired session token.")
    sid = jwt.payload.get("sid")
    if not sid:
        raise RefreshFailure(R.EXPIRED_SESSION_TOKEN_MISSING_SID_CLAIM,
                             "Expired session token is missing the `sid` claim.")
    o = ctx.options
    headers: dict = {}
    for k, v in ctx.view.headers.items():
        headers[k.lower()] = [v] if k.lower() not in headers else [headers[k.lower()][0] + ", " + v]
    body = {"format": "cookie", "expired_token": expired or "", "refresh_token": refresh or "",
            "request_origin": ctx.clerk_url.origin, "request_headers": headers}
    try:
        result = yield from bapi_core("POST", f"/sessions/{sid}/refresh", api_url=o.api_url, api_version=o.api_version,
                                      bearer=o.secret_key, query={"suffixed_cookies": ctx.uses_suffixed_cookies()},
                                      body=body)
    except BapiError as exc:
        first = exc.errors[0] if exc.errors and isinstance(exc.errors[0], dict) else None
        if first and first.get("code"):
            if first["code"] == "unexpected_error":
                raise RefreshFailure(R.FETCH_ERROR, "Fetch unexpected error")
            raise RefreshFailure(first["code"], first["code"])
        raise RefreshFailure(R.UNEXPECTED_BAPI_ERROR, "Unexpected Server/BAPI error")
    except FetchError:  # @clerk/backend's request() turns transport errors into code 'unexpected_error'
        raise RefreshFailure(R.FETCH_ERROR, "Fetch unexpected error")
    cookies = result.get("cookies") if isinstance(result, dict) else None
    return [str(c) for c in cookies] if isinstance(cookies, list) else []


def attempt_refresh_core(ctx: AuthenticateContext, verify_core):
    """Core: ``(claims, session_token, headers)``; raises :class:`RefreshFailure`."""
    cookies = yield from _refresh_cookies_core(ctx)
    if not cookies:
        raise RefreshFailure(RefreshTokenErrorReason.UNEXPECTED_SDK_ERROR, "no cookies returned")
    headers = Headers()
    token = ""
    for c in cookies:
        headers.add("set-cookie", c)
        first = c.split(";")[0].split("=")
        if first[0].startswith("__session"):
            token = first[1] if len(first) > 1 else ""
    try:
        claims = yield from verify_core(token)
    except TokenVerificationError:
        raise RefreshFailure(RefreshTokenErrorReason.INVALID_SESSION_TOKEN,
                             "Clerk: unable to verify refreshed session token.")
    return claims, token, headers
