"""The 0.38 interstitial rule table, as data, and its pure predicates.

Cookie path (no header token): the rows of :data:`COOKIE_RULES` are tried in order and the first
whose predicate holds decides the state.  When none holds, the cookie token is verified
(:data:`VERIFY_COOKIE`, row 10) and then :func:`is_cookie_outdated` decides between
``signed-in`` and ``interstitial cookie-outdated``.  Header path: the header token is verified.
Verification errors map to a state with :func:`error_outcome`.

Everything here is a pure function of an :class:`~clerk_edge.interstitial.context.InterstitialContext`
(and claims / an exception) — no I/O, no clock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

from ..errors import TokenVerificationError
from .context import InterstitialContext
from .instance import js_parse_int
from .origins import check_cross_origin

__all__ = [
    "SIGNED_IN", "SIGNED_OUT", "INTERSTITIAL", "UNKNOWN", "AuthErrorReason", "Rule", "COOKIE_RULES",
    "VERIFY_COOKIE", "first_hit", "is_browser", "is_cross_origin_request", "has_cross_origin_referrer",
    "is_cookie_outdated", "error_outcome", "issuer_for", "clerk_issuer",
]

SIGNED_IN = "signed-in"
SIGNED_OUT = "signed-out"
INTERSTITIAL = "interstitial"
UNKNOWN = "unknown"


class AuthErrorReason:
    COOKIE_AND_UAT_MISSING = "cookie-and-uat-missing"
    COOKIE_MISSING = "cookie-missing"
    COOKIE_OUTDATED = "cookie-outdated"
    UAT_MISSING = "uat-missing"
    CROSS_ORIGIN_REFERRER = "cross-origin-referrer"
    HEADER_MISSING_CORS = "header-missing-cors"
    HEADER_MISSING_NON_BROWSER = "header-missing-non-browser"
    SATELLITE_NEEDS_SYNCING = "satellite-needs-syncing"
    SATELLITE_RETURNS_FROM_PRIMARY = "satellite-returns-from-primary"
    PRIMARY_RESPONDS_TO_SYNCING = "primary-responds-to-syncing"
    STANDARD_SIGNED_IN = "standard-signed-in"
    STANDARD_SIGNED_OUT = "standard-signed-out"
    UNEXPECTED_ERROR = "unexpected-error"
    UNKNOWN = "unknown"


_BROWSER = re.compile(r"^Mozilla/|(Amazon CloudFront)")


def is_browser(user_agent: Optional[str]) -> bool:
    """A ``Mozilla/…`` user agent, or one containing ``Amazon CloudFront``."""
    return bool(_BROWSER.search(user_agent or ""))


def is_cross_origin_request(ctx: InterstitialContext) -> bool:
    """An ``Origin`` header from another origin than the one this request was served on.

    An ``Origin`` that cannot be parsed (e.g. ``null``) counts as cross-origin (0.38 threw and
    answered ``unexpected-error``; documented deviation)."""
    if not ctx.origin:
        return False
    cross = check_cross_origin(ctx.origin, ctx.host, ctx.forwarded_host, ctx.forwarded_proto)
    return True if cross is None else cross


def has_cross_origin_referrer(ctx: InterstitialContext) -> bool:
    """A ``Referer`` from another origin.  An unparseable referrer is ignored (0.38 threw, for
    every instance type, and answered ``unexpected-error``; documented deviation)."""
    if not ctx.referrer:
        return False
    return check_cross_origin(ctx.referrer, ctx.host, ctx.forwarded_host, ctx.forwarded_proto) is True


def _uat_signed_out(ctx: InterstitialContext) -> bool:
    return not ctx.client_uat or ctx.client_uat == "0"


@dataclass(frozen=True)
class Rule:
    """One row of the table: ``when(ctx)`` → state ``status`` with ``reason`` (message ``''``)."""
    row: str
    name: str  # the rule's name in @clerk/backend 0.38 (tokens/interstitialRule.ts)
    status: str
    reason: str
    when: Callable[[InterstitialContext], bool]


COOKIE_RULES: Tuple[Rule, ...] = (
    Rule("1", "crossOriginRequestWithoutHeader", SIGNED_OUT, AuthErrorReason.HEADER_MISSING_CORS,
         is_cross_origin_request),
    Rule("2", "nonBrowserRequestInDevRule", SIGNED_OUT, AuthErrorReason.HEADER_MISSING_NON_BROWSER,
         lambda c: c.is_development and not is_browser(c.user_agent)),
    Rule("3", "isSatelliteAndNeedsSyncing (non-browser)", SIGNED_OUT, AuthErrorReason.SATELLITE_NEEDS_SYNCING,
         lambda c: c.is_satellite and _uat_signed_out(c) and not is_browser(c.user_agent)),
    Rule("3b", "isSatelliteAndNeedsSyncing", INTERSTITIAL, AuthErrorReason.SATELLITE_NEEDS_SYNCING,
         lambda c: c.is_satellite and _uat_signed_out(c) and c.query("__clerk_synced") != "true"),
    Rule("4", "isPrimaryInDevAndRedirectsToSatellite", INTERSTITIAL, AuthErrorReason.PRIMARY_RESPONDS_TO_SYNCING,
         lambda c: c.is_development and not c.is_satellite and bool(c.query("__clerk_satellite_url"))),
    Rule("5", "potentialFirstRequestOnProductionEnvironment", SIGNED_OUT, AuthErrorReason.COOKIE_AND_UAT_MISSING,
         lambda c: c.is_production and not c.client_uat and not c.cookie_token),
    Rule("6", "potentialFirstLoadInDevWhenUATMissing", INTERSTITIAL, AuthErrorReason.UAT_MISSING,
         lambda c: c.is_development and not c.client_uat),
    Rule("7", "potentialRequestAfterSignInOrOutFromClerkHostedUiInDev", INTERSTITIAL,
         AuthErrorReason.CROSS_ORIGIN_REFERRER, lambda c: c.is_development and has_cross_origin_referrer(c)),
    Rule("8", "hasPositiveClientUatButCookieIsMissing", INTERSTITIAL, AuthErrorReason.COOKIE_MISSING,
         lambda c: bool(c.client_uat) and (js_parse_int(c.client_uat) or 0) > 0 and not c.cookie_token),
    Rule("9", "isNormalSignedOutState", SIGNED_OUT, AuthErrorReason.STANDARD_SIGNED_OUT,
         lambda c: c.client_uat == "0"),
)

#: Row 10, ``hasValidCookieToken``: verify the cookie token, then :func:`is_cookie_outdated`.
VERIFY_COOKIE = "10"


def first_hit(ctx: InterstitialContext) -> Optional[Rule]:
    """The first row of :data:`COOKIE_RULES` that holds, or ``None`` (go on to verify the cookie)."""
    for rule in COOKIE_RULES:
        if rule.when(ctx):
            return rule
    return None


def is_cookie_outdated(ctx: InterstitialContext, claims: dict) -> bool:
    """Row 10's second half: no uat at all, or the token was issued before the uat."""
    if not ctx.client_uat:
        return True
    iat = claims.get("iat")
    uat = js_parse_int(ctx.client_uat)
    if uat is None or isinstance(iat, bool) or not isinstance(iat, (int, float)):
        return False
    return iat < uat


def clerk_issuer(iss: str) -> bool:
    """The default issuer predicate of 0.38."""
    return isinstance(iss, str) and (iss.startswith("https://clerk.") or ".clerk.accounts" in iss)


def issuer_for(ctx: InterstitialContext) -> Any:
    """Satellite: no issuer check; a proxy URL: exactly that string; else :func:`clerk_issuer`."""
    if ctx.is_satellite:
        return None
    if ctx.proxy_url:
        return ctx.proxy_url
    return clerk_issuer


_RETRY_LATER = ("token-expired", "token-not-active-yet", "token-iat-in-the-future")


def error_outcome(err: BaseException, carrier: str) -> Tuple[str, str, str]:
    """``(status, reason, message)`` for an error met while authenticating.

    A token that is expired or not active yet (``token-iat-in-the-future`` included) gives
    ``interstitial`` in a cookie and ``unknown`` in a header; any other token error gives
    ``signed-out`` with its reason; anything else ``signed-out unexpected-error``."""
    if isinstance(err, TokenVerificationError):
        err.token_carrier = carrier
        if err.reason in _RETRY_LATER:
            return (UNKNOWN if carrier == "header" else INTERSTITIAL), err.reason, err.full_message()
        return SIGNED_OUT, err.reason, err.full_message()
    return SIGNED_OUT, AuthErrorReason.UNEXPECTED_ERROR, str(err) or type(err).__name__
