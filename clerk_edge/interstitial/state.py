"""The result of ``auth_state``: one of four states (0.38 ``tokens/authStatus.ts``).

=============  ==========  ==========  ==============================  =========
status         is_signed_in is_interstitial is_unknown                  to_auth()
=============  ==========  ==========  ==============================  =========
signed-in      True        False       False                           SignedInAuthObject
signed-out     False       False       False                           SignedOutAuthObject
interstitial   False       True        False                           None
unknown        False       False       True                            None
=============  ==========  ==========  ==============================  =========

``reason``/``message`` are ``None`` when signed in, ``''`` (message) for a rule hit and the error's
full message for a verification error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .auth_objects import SignedInAuthObject, SignedOutAuthObject
from .rules import INTERSTITIAL, SIGNED_IN, SIGNED_OUT, UNKNOWN

__all__ = ["AuthState", "debug_auth_state", "AuthStatus"]


class AuthStatus:
    SIGNED_IN = SIGNED_IN
    SIGNED_OUT = SIGNED_OUT
    INTERSTITIAL = INTERSTITIAL
    UNKNOWN = UNKNOWN


@dataclass(frozen=True)
class AuthState:
    status: str
    reason: Optional[str] = None
    message: Optional[str] = None
    frontend_api: str = ""
    proxy_url: Optional[str] = None
    publishable_key: Optional[str] = None
    is_satellite: bool = False
    domain: Optional[str] = None
    sign_in_url: Optional[str] = None
    sign_up_url: Optional[str] = None
    after_sign_in_url: Optional[str] = None
    after_sign_up_url: Optional[str] = None
    token: Optional[str] = field(default=None, repr=False)
    _auth: Any = field(default=None, repr=False, compare=False)

    @property
    def is_signed_in(self) -> bool:
        return self.status == SIGNED_IN

    @property
    def is_interstitial(self) -> bool:
        return self.status == INTERSTITIAL

    @property
    def is_unknown(self) -> bool:
        return self.status == UNKNOWN

    @property
    def is_signed_out(self) -> bool:
        return self.status == SIGNED_OUT

    def to_auth(self):
        """The auth object: signed-in/signed-out objects, ``None`` for interstitial and unknown."""
        if self.status in (SIGNED_IN, SIGNED_OUT):
            return self._auth
        return None

    def debug(self) -> dict:
        return debug_auth_state(self)


def debug_auth_state(state: AuthState) -> dict:
    """0.38 ``debugRequestState``: the state's public, non-secret fields."""
    return {
        "frontend_api": state.frontend_api,
        "is_signed_in": state.is_signed_in,
        "proxy_url": state.proxy_url,
        "is_interstitial": state.is_interstitial,
        "reason": state.reason,
        "message": state.message,
        "publishable_key": state.publishable_key,
        "is_satellite": state.is_satellite,
        "domain": state.domain,
    }


def _common(ctx) -> dict:
    return dict(frontend_api=ctx.frontend_api, proxy_url=ctx.proxy_url, publishable_key=ctx.publishable_key,
                is_satellite=ctx.is_satellite, domain=ctx.domain, sign_in_url=ctx.sign_in_url,
                sign_up_url=ctx.sign_up_url, after_sign_in_url=ctx.after_sign_in_url,
                after_sign_up_url=ctx.after_sign_up_url)


def context_debug_data(ctx) -> dict:
    """The request/option values an auth object's ``debug()`` reports (secrets are cut there)."""
    data = _common(ctx)
    data.update(secret_key=ctx.secret_key, jwt_key=ctx.jwt_key if isinstance(ctx.jwt_key, str) else None,
                api_url=ctx.api_url, api_version=ctx.api_version, cookie_token=ctx.cookie_token,
                header_token=ctx.header_token, client_uat=ctx.client_uat, origin=ctx.origin, host=ctx.host,
                forwarded_host=ctx.forwarded_host, forwarded_port=ctx.forwarded_port,
                forwarded_proto=ctx.forwarded_proto, referrer=ctx.referrer, user_agent=ctx.user_agent,
                audience=ctx.audience, authorized_parties=list(ctx.authorized_parties or []) or None)
    return data


def signed_in(ctx, claims: dict, token: str, *, session=None, user=None, organization=None,
              runtime=None) -> AuthState:
    debug = context_debug_data(ctx)
    debug["status"] = SIGNED_IN
    auth = SignedInAuthObject(claims, token=token, secret_key=ctx.secret_key, api_url=ctx.api_url,
                              api_version=ctx.api_version, session=session, user=user, organization=organization,
                              runtime=runtime, debug_data=debug)
    return AuthState(SIGNED_IN, None, None, token=token, _auth=auth, **_common(ctx))


def signed_out(ctx, reason: str, message: str = "") -> AuthState:
    debug = context_debug_data(ctx)
    debug.update(status=SIGNED_OUT, reason=reason, message=message)
    return AuthState(SIGNED_OUT, reason, message, _auth=SignedOutAuthObject(debug), **_common(ctx))


def interstitial(ctx, reason: str, message: str = "") -> AuthState:
    return AuthState(INTERSTITIAL, reason, message, **_common(ctx))


def unknown(ctx, reason: str, message: str = "") -> AuthState:
    return AuthState(UNKNOWN, reason, message, **_common(ctx))


def make_state(ctx, status: str, reason: str, message: str = "") -> AuthState:
    return {SIGNED_OUT: signed_out, INTERSTITIAL: interstitial, UNKNOWN: unknown}[status](ctx, reason, message)
