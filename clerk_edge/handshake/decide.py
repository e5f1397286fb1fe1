"""The decision core of ``authenticate_request`` (``tokens/request.ts``): top-level dispatch, the
session-header path, the machine paths and the ordered cookie decision list (B.4), as one generator
over plain values.  All I/O (JWKS, Backend API, signature checks, the clock) is yielded."""
from __future__ import annotations

import logging
from typing import Any, Optional

from ..errors import ClerkEdgeError, MachineTokenVerificationError, TokenVerificationError, \
    TokenVerificationErrorReason as Reason
from ..fetch import Headers
from ..jwt.decode import decode_jwt
from ..runner import Now
from . import machine as m
from .context import AuthenticateContext, AuthenticateRequestOptions, ConfigurationError, TokenType, build_context
from .handshake import (HandshakeError, build_redirect_to_handshake, development_handshake_error,
                        is_eligible_for_handshake, resolve_handshake_core, track_redirect_loop)
from .org_sync import OrganizationMatcher
from .refresh import RefreshFailure, RefreshTokenErrorReason, attempt_refresh_core
from .state import AuthErrorReason as AR, RequestState, handshake, signed_in, signed_out, signed_out_invalid_token
from .url import parse_url

__all__ = ["authenticate_request_core"]

log = logging.getLogger("clerk_edge.handshake")

_SATELLITE_LOOP = ("Clerk: Satellite-domain authentication resulted in an infinite redirect loop. Check that this "
                   "request is using a configured primary or satellite domain for the production instance. For preview "
                   "deployments, use a development/staging Clerk instance or a supported configured preview-domain setup.")
_REFRESH_LOOP = ("Clerk: Refreshing the session token resulted in an infinite redirect loop. This usually means that "
                 "your Clerk instance keys do not match - make sure to copy the correct publishable and secret keys "
                 "from the Clerk dashboard.")
_AZP_WARNING = ("Clerk: Session token from cookie is missing the azp claim. In a future version of Clerk, this token "
                "will be considered invalid. Please contact Clerk support if you see this warning.")
_azp_warned = False


def _assert_options(ctx: AuthenticateContext, accepts: Any) -> None:
    o = ctx.options
    if accepts != TokenType.M2M_TOKEN:
        if not o.secret_key or not isinstance(o.secret_key, str):
            raise ConfigurationError(
                "Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your instance.")
        if o.is_satellite:
            if not o.sign_in_url and o.secret_key.startswith(("test_", "sk_test_")):
                raise ConfigurationError("Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite")
            if o.sign_in_url and ctx.origin:
                try:
                    sign_in = parse_url(o.sign_in_url)
                except ValueError:
                    raise ConfigurationError("The signInUrl needs to have a absolute url format.") from None
                if sign_in.origin == ctx.origin:
                    raise ConfigurationError(
                        "The signInUrl needs to be on a different origin than your satellite application.")
            if not (ctx.proxy_url or o.domain):
                raise ConfigurationError(
                    "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl")
    else:
        if not o.machine_secret_key and not o.secret_key:
            raise ConfigurationError(
                "Machine token authentication requires either a Machine secret key or a Clerk secret key. "
                "Ensure a Clerk secret key or Machine secret key is set.")


def authenticate_request_core(request: Any, options: AuthenticateRequestOptions, runtime_options: Optional[dict] = None):
    now = yield Now()
    ctx = build_context(request, options, now)
    ctx.runtime_options = runtime_options or {}
    accepts = options.accepts_token if options.accepts_token is not None else TokenType.SESSION_TOKEN
    _assert_options(ctx, accepts)
    flow = _Flow(ctx, accepts, OrganizationMatcher(options.organization_sync_options), now)
    return (yield from flow.run())


class _Flow:
    def __init__(self, ctx: AuthenticateContext, accepts, matcher: OrganizationMatcher, now: float):
        self.ctx = ctx
        self.accepts = accepts
        self.matcher = matcher
        self.now = now

    # ------------------------------------------------------------------ helpers
    def verify_core(self, token: str, **overrides):
        from ..tokens import VerifyTokenOptions, verify_token_core
        o = self.ctx.options
        opts = VerifyTokenOptions(
            jwt_key=o.jwt_key, secret_key=o.secret_key, api_url=o.api_url, api_version=o.api_version,
            issuer=o.issuer, authorized_parties=o.authorized_parties, audience=o.audience,
            clock_skew_in_ms=overrides.get("clock_skew_in_ms", o.clock_skew_in_ms), skip_jwks_cache=o.skip_jwks_cache,
            jwks_cache_ttl_in_ms=o.jwks_cache_ttl_in_ms, header_type=o.header_type, jwks_cache=o.jwks_cache, env=o.env)
        return (yield from verify_token_core(token, opts))

    def org_target(self):
        return self.matcher.find_target(self.ctx.clerk_url.path)

    def maybe_handshake(self, reason: str, message: str = "", headers: Optional[Headers] = None) -> RequestState:
        ctx = self.ctx
        if not is_eligible_for_handshake(ctx):
            return signed_out(ctx, reason, message)
        hs_headers = headers if headers is not None else build_redirect_to_handshake(ctx, reason, self.org_target())
        if hs_headers.get("location"):
            hs_headers.set("cache-control", "no-store")
        if track_redirect_loop(ctx, hs_headers):
            log.warning(_SATELLITE_LOOP if reason == AR.SATELLITE_COOKIE_NEEDS_SYNCING else _REFRESH_LOOP)
            return signed_out(ctx, reason, message)
        return handshake(ctx, reason, message, hs_headers)

    def session_token_error(self, err: BaseException, carrier: str):
        ctx = self.ctx
        if not isinstance(err, TokenVerificationError):
            log.error("Clerk: unexpected error while verifying the session token: %r", err)
            return signed_out(ctx, AR.UNEXPECTED_ERROR)
        refresh_error: Optional[str]
        if err.reason == Reason.TOKEN_EXPIRED and ctx.refresh_token_in_cookie and ctx.method == "GET":
            try:
                claims, token, headers = yield from attempt_refresh_core(ctx, self.verify_core)
                return signed_in(ctx, token=token, claims=claims, headers=headers)
            except RefreshFailure as failure:
                refresh_error = failure.reason or RefreshTokenErrorReason.UNEXPECTED_SDK_ERROR
        elif ctx.method != "GET":
            refresh_error = RefreshTokenErrorReason.NON_ELIGIBLE_NON_GET
        elif not ctx.refresh_token_in_cookie:
            refresh_error = RefreshTokenErrorReason.NON_ELIGIBLE_NO_COOKIE
        else:
            refresh_error = None
        err.token_carrier = carrier
        if err.reason == Reason.TOKEN_EXPIRED:
            return self.maybe_handshake(f"{AR.SESSION_TOKEN_EXPIRED}-refresh-{refresh_error if refresh_error is not None else 'null'}",
                                        err.full_message())
        if err.reason == Reason.TOKEN_NOT_ACTIVE_YET:
            return self.maybe_handshake(AR.SESSION_TOKEN_NBF, err.full_message())
        if err.reason == Reason.TOKEN_IAT_IN_THE_FUTURE:
            return self.maybe_handshake(AR.SESSION_TOKEN_IAT_IN_THE_FUTURE, err.full_message())
        return signed_out(ctx, err.reason, err.full_message())

    def machine_error(self, token_type: str, err: BaseException) -> RequestState:
        if not isinstance(err, MachineTokenVerificationError):
            return signed_out(self.ctx, AR.UNEXPECTED_ERROR, token_type=token_type)
        return signed_out(self.ctx, err.code, err.full_message(), token_type=token_type)

    def verify_session(self, token: str):
        """Core: ``(claims, None)`` or ``(None, error)``."""
        try:
            return (yield from self.verify_core(token)), None
        except TokenVerificationError as err:
            return None, err
        except (ClerkEdgeError, ValueError, TypeError, KeyError) as err:
            return None, err

    # ------------------------------------------------------------------ top level
    def run(self):
        ctx, accepts = self.ctx, self.accepts
        if isinstance(accepts, (list, tuple, set)):
            header = ctx.token_in_header
            parsed = (m.machine_token_type(header) if m.is_machine_token(header) else TokenType.SESSION_TOKEN) \
                if header else TokenType.SESSION_TOKEN
            if not m.is_token_type_accepted(parsed, accepts):
                return signed_out_invalid_token()
        if ctx.token_in_header:
            if accepts == "any" or isinstance(accepts, (list, tuple, set)):
                return (yield from self.any_in_header())
            if accepts == TokenType.SESSION_TOKEN:
                return (yield from self.session_in_header())
            return (yield from self.machine_in_header())
        if accepts in (TokenType.OAUTH_TOKEN, TokenType.API_KEY, TokenType.M2M_TOKEN):
            return signed_out(ctx, "No token in header", "", token_type=accepts)
        return (yield from self.cookie_path())

    def session_in_header(self):
        token = self.ctx.token_in_header
        if m.is_machine_jwt(token) or m.has_non_session_category(token):
            return signed_out(self.ctx, AR.TOKEN_TYPE_MISMATCH, "")
        claims, err = yield from self.verify_session(token)
        if err is not None:
            return (yield from self.session_token_error(err, "header"))
        return signed_in(self.ctx, token=token, claims=claims, headers=Headers())

    def _verify_machine(self, token: str):
        try:
            token_type, data = yield from m.verify_machine_token_core(token, self.ctx, self.now)
        except m.MachineFailure as failure:
            return self.machine_error(failure.token_type, failure.error)
        return signed_in(self.ctx, token=token, token_type=token_type, machine_data=data)

    def _mismatch(self, parsed: str):
        if not m.is_token_type_accepted(parsed, self.accepts):
            token_type = self.accepts if isinstance(self.accepts, str) else parsed
            return signed_out(self.ctx, AR.TOKEN_TYPE_MISMATCH, "", token_type=token_type)
        return None

    def machine_in_header(self):
        token = self.ctx.token_in_header
        if not m.is_machine_token(token):
            return signed_out(self.ctx, AR.TOKEN_TYPE_MISMATCH, "", token_type=self.accepts)
        mismatch = self._mismatch(m.machine_token_type(token))
        if mismatch is not None:
            return mismatch
        return (yield from self._verify_machine(token))

    def any_in_header(self):
        token = self.ctx.token_in_header
        if m.is_machine_token(token):
            mismatch = self._mismatch(m.machine_token_type(token))
            if mismatch is not None:
                return mismatch
            return (yield from self._verify_machine(token))
        if m.has_non_session_category(token):
            return signed_out(self.ctx, AR.TOKEN_TYPE_MISMATCH, "")
        claims, err = yield from self.verify_session(token)
        if err is not None:
            return (yield from self.session_token_error(err, "header"))
        return signed_in(self.ctx, token=token, claims=claims)

    # ------------------------------------------------------------------ cookies
    def cookie_path(self):
        global _azp_warned
        ctx = self.ctx
        o = ctx.options
        has_active_client = ctx.client_uat
        has_session = bool(ctx.session_token_in_cookie)
        has_dev_browser = bool(ctx.dev_browser_token)
        dev = ctx.instance_type == "development"
        prod = ctx.instance_type == "production"

        # 1. a handshake came back
        if ctx.handshake_nonce or ctx.handshake_token:
            try:
                return (yield from resolve_handshake_core(ctx, self.verify_core))
            except TokenVerificationError as error:
                if dev:
                    raise development_handshake_error(error) from None
                log.error("Clerk: unable to resolve handshake: %s", error.full_message())
            except HandshakeError as error:
                log.error("Clerk: unable to resolve handshake: %s", error)

        # 2.-4. multi-domain (satellite) sync
        eligible_md = ctx.is_satellite and ctx.sec_fetch_dest == "document" and ctx.method == "GET"
        synced = ctx.clerk_url.get("__clerk_synced")
        needs_sync = synced == "false"
        sync_completed = synced == "true"
        has_cookies = has_session or bool(has_active_client)
        skip = o.satellite_auto_sync is not True and not has_cookies and not needs_sync
        if prod and eligible_md and not sync_completed:
            if skip:
                return signed_out(ctx, AR.SESSION_TOKEN_AND_UAT_MISSING)
            if not has_cookies or needs_sync:
                return self.maybe_handshake(AR.SATELLITE_COOKIE_NEEDS_SYNCING, "")
        if dev and eligible_md and not sync_completed:
            if skip:
                return signed_out(ctx, AR.SESSION_TOKEN_AND_UAT_MISSING)
            if not has_cookies or needs_sync:
                try:
                    sign_in = parse_url(o.sign_in_url or "")
                except ValueError:
                    raise ConfigurationError(
                        "A development satellite needs an absolute sign_in_url to sync with its primary "
                        f"(got {o.sign_in_url!r}).") from None
                location = sign_in.append("__clerk_redirect_url", ctx.clerk_url.href)
                return self.maybe_handshake(AR.SATELLITE_COOKIE_NEEDS_SYNCING, "",
                                            Headers([("location", location.href)]))

        # 5. the primary answers a satellite's sync request
        redirect_back = ctx.clerk_url.get("__clerk_redirect_url")
        if dev and not ctx.is_satellite and redirect_back:
            try:
                target = parse_url(redirect_back)
            except ValueError:
                raise ClerkEdgeError(f"Invalid __clerk_redirect_url: {redirect_back[:200]!r}") from None
            if ctx.dev_browser_token:
                target = target.append("__clerk_db_jwt", ctx.dev_browser_token)
            target = target.set("__clerk_synced", "true")
            return self.maybe_handshake(AR.PRIMARY_RESPONDS_TO_SYNCING, "", Headers([("location", target.href)]))

        # 6.-7. development browser
        if dev and ctx.clerk_url.has("__clerk_db_jwt"):
            return self.maybe_handshake(AR.DEV_BROWSER_SYNC, "")
        if dev and not has_dev_browser:
            return self.maybe_handshake(AR.DEV_BROWSER_MISSING, "")

        # 8.-10. cookies present?
        if not has_active_client and not has_session:
            return signed_out(ctx, AR.SESSION_TOKEN_AND_UAT_MISSING)
        if not has_active_client and has_session:
            return self.maybe_handshake(AR.SESSION_TOKEN_WITHOUT_CLIENT_UAT, "")
        if has_active_client and not has_session:
            return self.maybe_handshake(AR.CLIENT_UAT_WITHOUT_SESSION_TOKEN, "")

        # 11.-13. decode, category, iat vs uat (before any signature check)
        token = ctx.session_token_in_cookie
        try:
            jwt = decode_jwt(token)
        except TokenVerificationError as err:
            return (yield from self.session_token_error(err, "cookie"))
        if m.is_machine_jwt(token) or m.has_non_session_category(token):
            return signed_out(ctx, AR.TOKEN_TYPE_MISMATCH, "")
        iat = jwt.payload.get("iat")
        if isinstance(iat, (int, float)) and not isinstance(iat, bool) and iat < ctx.client_uat:
            return self.maybe_handshake(AR.SESSION_TOKEN_IAT_BEFORE_CLIENT_UAT, "")

        # 14. verify
        claims, err = yield from self.verify_session(token)
        if err is not None:
            return (yield from self.session_token_error(err, "cookie"))
        if not claims.get("azp") and not _azp_warned:
            _azp_warned = True
            log.warning(_AZP_WARNING)
        state = signed_in(ctx, token=token, claims=claims, headers=Headers())

        # 16. cross-origin navigation from a satellite
        if (not ctx.is_satellite and ctx.method == "GET" and ctx.sec_fetch_dest == "document"
                and ctx.is_cross_origin_referrer() and not ctx.is_known_clerk_referrer()
                and ctx.handshake_redirect_loop_counter == 0):
            return self.maybe_handshake(AR.PRIMARY_DOMAIN_CROSS_ORIGIN_SYNC,
                                        "Cross-origin request from satellite domain requires handshake")

        # 17. organization sync
        auth = state.to_auth()
        if auth is not None and getattr(auth, "user_id", None):
            hs = self.org_sync(auth)
            if hs is not None:
                return hs
        return state

    def org_sync(self, auth) -> Optional[RequestState]:
        target = self.org_target()
        if not target:
            return None
        must = False
        if target["type"] == "organization":
            if target.get("organization_slug") and target["organization_slug"] != auth.org_slug:
                must = True
            if target.get("organization_id") and target["organization_id"] != auth.org_id:
                must = True
        if target["type"] == "personal_account" and auth.org_id:
            must = True
        if not must:
            return None
        if self.ctx.handshake_redirect_loop_counter >= 3:
            log.warning("Clerk: Organization activation handshake loop detected. This is likely due to an invalid "
                        "organization ID or slug. Skipping organization activation.")
            return None
        state = self.maybe_handshake(AR.ACTIVE_ORGANIZATION_MISMATCH, "")
        if state.status == "signed-out":
            return None
        return state
