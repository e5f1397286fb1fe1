"""``auth_state``: the 0.38 request-authentication flow as one core, plus its async/sync faces.

Header token present → verify it (row "header"); otherwise the cookie rule table
(:mod:`.rules`), then verification of the cookie token.  The state is built by :mod:`.state`.
"""
from __future__ import annotations

from typing import Any

from ..faces import twins
from ..jwt import claims as _claims
from .context import InterstitialContext, build_context
from .rules import error_outcome, first_hit, is_cookie_outdated, issuer_for, AuthErrorReason, INTERSTITIAL
from . import state as _state

__all__ = ["auth_state", "auth_state_sync", "auth_state_core", "verify_core", "remote_public_interstitial",
           "remote_public_interstitial_sync", "remote_private_interstitial", "remote_private_interstitial_sync"]


def verify_core(ctx: InterstitialContext, token: str):
    """Core: the claims of ``token`` verified with the context's key, issuer, parties, audience and skew."""
    from ..tokens import VerifyTokenOptions, verify_token_core
    skew = ctx.clock_skew_in_ms if ctx.clock_skew_in_ms is not None else _claims.DEFAULT_CLOCK_SKEW_IN_MS
    opts = VerifyTokenOptions(
        jwt_key=ctx.jwt_key, secret_key=ctx.secret_key, api_url=ctx.api_url, api_version=ctx.api_version,
        issuer=issuer_for(ctx), authorized_parties=list(ctx.authorized_parties) if ctx.authorized_parties else None,
        audience=ctx.audience, clock_skew_in_ms=skew, skip_jwks_cache=ctx.skip_jwks_cache,
        jwks_cache_ttl_in_ms=ctx.jwks_cache_ttl_in_ms, jwks_cache=ctx.jwks_cache, env=ctx.env)
    return (yield from verify_token_core(token, opts))


def _signed_in_core(ctx: InterstitialContext, claims: dict, token: str, runtime):
    from .resources import load_resources_core
    session, user, organization = yield from load_resources_core(
        claims, secret_key=ctx.secret_key, api_url=ctx.api_url, api_version=ctx.api_version,
        load_session=ctx.load_session, load_user=ctx.load_user, load_organization=ctx.load_organization)
    return _state.signed_in(ctx, claims, token, session=session, user=user, organization=organization,
                            runtime=runtime)


def auth_state_core(ctx: InterstitialContext, runtime=None):
    """Core: the :class:`~clerk_edge.interstitial.state.AuthState` for ``ctx`` (never raises for a bad
    token or a failed call: those become states)."""
    if ctx.header_token:
        try:
            claims = yield from verify_core(ctx, ctx.header_token)
            return (yield from _signed_in_core(ctx, claims, ctx.header_token, runtime))
        except Exception as err:  # every failure becomes a state
            return _state.make_state(ctx, *error_outcome(err, "header"))
    try:
        rule = first_hit(ctx)
        if rule is not None:
            return _state.make_state(ctx, rule.status, rule.reason)
        token = ctx.cookie_token or ""
        claims = yield from verify_core(ctx, token)
        if is_cookie_outdated(ctx, claims):
            return _state.make_state(ctx, INTERSTITIAL, AuthErrorReason.COOKIE_OUTDATED)
        return (yield from _signed_in_core(ctx, claims, token, runtime))
    except Exception as err:
        return _state.make_state(ctx, *error_outcome(err, "cookie"))


def _auth_state(request: Any = None, *, fetch=None, crypto=None, clock=None, **options):
    """Authenticate a request the 0.x way and return an :class:`AuthState`.

    Pass the request (``request=``: a Workers ``Request``, Lambda event, ASGI scope, WSGI environ or a
    mapping ``{"method", "url", "headers"}``) and/or the explicit values ``cookie_token``,
    ``client_uat``, ``header_token``, ``origin``, ``host``, ``forwarded_host``, ``forwarded_port``,
    ``forwarded_proto``, ``referrer``, ``user_agent``, ``search_params`` (explicit values win).
    Options: ``secret_key`` (or ``api_key``; else ``CLERK_SECRET_KEY``), ``publishable_key`` (or
    ``frontend_api``), ``jwt_key``, ``api_url``, ``api_version``, ``domain``, ``is_satellite``,
    ``proxy_url``, ``sign_in_url``, ``sign_up_url``, ``after_sign_in_url``, ``after_sign_up_url``,
    ``authorized_parties``, ``audience``, ``clock_skew_in_ms``, ``skip_jwks_cache``, ``jwks_cache``,
    ``load_user``, ``load_session``, ``load_organization``, ``env``; runtime boundaries ``fetch``,
    ``crypto``, ``clock``.

    Raises :class:`~clerk_edge.interstitial.context.AuthStateOptionsError` for a missing secret key or
    an invalid satellite setup; every token problem becomes a state instead.
    """
    from ..tokens import build_runtime
    ctx = build_context(request=request, **options)
    runtime = build_runtime(fetch, crypto, clock)
    return auth_state_core(ctx, runtime), runtime


auth_state, auth_state_sync = twins(_auth_state)


def _remote_public_interstitial(*, fetch=None, user_agent=None, **options):
    """Fetch the public interstitial page from the Backend API (see :func:`remote_public_interstitial_url`)."""
    from ..tokens import build_runtime
    from .remote import public_interstitial_core, remote_public_interstitial_url
    url = remote_public_interstitial_url(**options)
    return public_interstitial_core(url, user_agent), build_runtime(fetch)


remote_public_interstitial, remote_public_interstitial_sync = twins(_remote_public_interstitial)


def _remote_private_interstitial(*, secret_key=None, api_key=None, api_url=None, env=None, fetch=None,
                                 user_agent=None):
    """``GET {api_url}/v1/internal/interstitial`` with the secret key (deprecated by Clerk)."""
    from ..env import get_env
    from ..tokens import build_runtime
    from .remote import private_interstitial_core
    key = secret_key or api_key or get_env(env, "CLERK_SECRET_KEY") or get_env(env, "CLERK_API_KEY")
    url = api_url or get_env(env, "CLERK_API_URL")
    from .context import DEFAULT_API_URL
    return (private_interstitial_core(secret_key=key, api_url=url or DEFAULT_API_URL, user_agent=user_agent),
            build_runtime(fetch))


remote_private_interstitial, remote_private_interstitial_sync = twins(_remote_private_interstitial)
