"""``RequestState`` — the outcome of ``authenticate_request`` (``tokens/authStatus.ts``)."""
from __future__ import annotations

from typing import Any, Optional

from ..fetch import Headers

__all__ = ["RequestState", "AuthStatus", "AuthErrorReason", "signed_in", "signed_out", "handshake",
           "signed_out_invalid_token"]


class AuthStatus:
    SIGNED_IN = "signed-in"
    SIGNED_OUT = "signed-out"
    HANDSHAKE = "handshake"


class AuthErrorReason:
    CLIENT_UAT_WITHOUT_SESSION_TOKEN = "client-uat-but-no-session-token"
    DEV_BROWSER_MISSING = "dev-browser-missing"
    DEV_BROWSER_SYNC = "dev-browser-sync"
    PRIMARY_RESPONDS_TO_SYNCING = "primary-responds-to-syncing"
    PRIMARY_DOMAIN_CROSS_ORIGIN_SYNC = "primary-domain-cross-origin-sync"
    SATELLITE_COOKIE_NEEDS_SYNCING = "satellite-needs-syncing"
    SESSION_TOKEN_AND_UAT_MISSING = "session-token-and-uat-missing"
    SESSION_TOKEN_MISSING = "session-token-missing"
    SESSION_TOKEN_EXPIRED = "session-token-expired"
    SESSION_TOKEN_IAT_BEFORE_CLIENT_UAT = "session-token-iat-before-client-uat"
    SESSION_TOKEN_NBF = "session-token-nbf"
    SESSION_TOKEN_IAT_IN_THE_FUTURE = "session-token-iat-in-the-future"
    SESSION_TOKEN_WITHOUT_CLIENT_UAT = "session-token-but-no-client-uat"
    ACTIVE_ORGANIZATION_MISMATCH = "active-organization-mismatch"
    TOKEN_TYPE_MISMATCH = "token-type-mismatch"
    UNEXPECTED_ERROR = "unexpected-error"


def _header_value_ok(value: str) -> bool:
    # what the WHATWG Headers.set accepts (a ByteString without NUL/CR/LF); Clerk skips the header otherwise
    return all(ord(c) <= 0xFF and c not in "\x00\r\n" for c in value)


class RequestState:
    """``status`` is ``'signed-in'``, ``'signed-out'`` or ``'handshake'``.

    ``headers`` (a :class:`clerk_edge.fetch.Headers`) must be copied onto your response — Location,
    Set-Cookie, Cache-Control and the ``x-clerk-auth-*`` debug headers (see
    :mod:`clerk_edge.adapters.headers`).  ``to_auth()`` gives the auth object (``None`` for a
    handshake)."""

    __slots__ = ("status", "reason", "message", "token", "token_type", "headers", "proxy_url", "publishable_key",
                 "is_satellite", "domain", "sign_in_url", "sign_up_url", "after_sign_in_url", "after_sign_up_url",
                 "is_signed_in", "is_authenticated", "_to_auth")

    def __init__(self, status: str, *, reason=None, message=None, token=None, token_type=None, headers=None,
                 ctx=None, to_auth=None):
        self.status = status
        self.reason = reason
        self.message = message
        self.token = token
        self.token_type = token_type
        self.headers = Headers(headers) if headers is not None else Headers()
        opts = getattr(ctx, "options", None)
        self.proxy_url = (getattr(ctx, "proxy_url", None) or "") if ctx is not None else ""
        self.publishable_key = (getattr(ctx, "publishable_key", None) or "") if ctx is not None else ""
        self.is_satellite = bool(getattr(opts, "is_satellite", False))
        self.domain = getattr(opts, "domain", None) or ""
        self.sign_in_url = getattr(opts, "sign_in_url", None) or ""
        self.sign_up_url = getattr(opts, "sign_up_url", None) or ""
        self.after_sign_in_url = getattr(opts, "after_sign_in_url", None) or ""
        self.after_sign_up_url = getattr(opts, "after_sign_up_url", None) or ""
        self.is_signed_in = status == AuthStatus.SIGNED_IN
        self.is_authenticated = status == AuthStatus.SIGNED_IN
        self._to_auth = to_auth
        if status != AuthStatus.SIGNED_IN:
            if message and _header_value_ok(message):
                self.headers.set("x-clerk-auth-message", message)
            if reason and _header_value_ok(reason):
                self.headers.set("x-clerk-auth-reason", reason)
            self.headers.set("x-clerk-auth-status", status)

    def to_auth(self, treat_pending_as_signed_out: bool = True):
        if self._to_auth is None:
            return None
        return self._to_auth(treat_pending_as_signed_out)

    def debug(self) -> dict:
        """``debugRequestState``."""
        return {"is_signed_in": self.is_signed_in, "is_authenticated": self.is_authenticated,
                "proxy_url": self.proxy_url, "reason": self.reason, "message": self.message,
                "publishable_key": self.publishable_key, "is_satellite": self.is_satellite, "domain": self.domain}

    def __repr__(self) -> str:
        return f"RequestState(status={self.status!r}, reason={self.reason!r}, token_type={self.token_type!r})"


def _api_of(ctx) -> dict:
    o = ctx.options
    rt = getattr(ctx, "runtime_options", None) or {}
    return {"api_url": o.api_url, "api_version": o.api_version, "secret_key": o.secret_key, **rt}


def signed_in(ctx, *, token: str, token_type: str = "session_token", claims: Optional[dict] = None,
              machine_data: Optional[dict] = None, headers=None) -> RequestState:
    from ..auth_objects import AuthenticatedMachineObject, SignedInAuthObject, SignedOutAuthObject

    def to_auth(treat_pending_as_signed_out: bool = True):
        if token_type == "session_token":
            obj = SignedInAuthObject(token, claims or {}, debug_data=ctx.debug_data(), api=_api_of(ctx))
            if treat_pending_as_signed_out and obj.session_status == "pending":
                return SignedOutAuthObject(None, obj.session_status)
            return obj
        return AuthenticatedMachineObject(token_type, token, machine_data or {}, ctx.debug_data())

    return RequestState(AuthStatus.SIGNED_IN, token=token, token_type=token_type, headers=headers, ctx=ctx,
                        to_auth=to_auth)


def signed_out(ctx, reason: str, message: str = "", *, token_type: Optional[str] = "session_token",
               headers=None) -> RequestState:
    from ..auth_objects import SignedOutAuthObject, UnauthenticatedMachineObject

    def to_auth(_treat_pending: bool = True):
        if token_type == "session_token":
            data = dict(ctx.debug_data(), status=AuthStatus.SIGNED_OUT, reason=reason, message=message)
            return SignedOutAuthObject(data)
        return UnauthenticatedMachineObject(token_type, {"reason": reason, "message": message})

    return RequestState(AuthStatus.SIGNED_OUT, reason=reason, message=message, token_type=token_type,
                        headers=headers, ctx=ctx, to_auth=to_auth)


def handshake(ctx, reason: str, message: str, headers) -> RequestState:
    return RequestState(AuthStatus.HANDSHAKE, reason=reason, message=message, token_type="session_token",
                        headers=headers, ctx=ctx, to_auth=None)


def signed_out_invalid_token() -> RequestState:
    from ..auth_objects import InvalidTokenAuthObject
    obj = InvalidTokenAuthObject()
    return RequestState(AuthStatus.SIGNED_OUT, reason=AuthErrorReason.TOKEN_TYPE_MISMATCH, message="",
                        token_type=None, ctx=None, to_auth=lambda _t=True: obj)
