"""The authenticate context: everything ``authenticate_request`` derives from the request and the
options, as plain values, before any decision is made (``tokens/authenticateContext.ts``)."""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Union

from ..adapters.request import RequestView, to_request_view
from ..errors import ClerkEdgeError
from ..fetch import Headers
from ..jwt.decode import decode_jwt
from .url import Url, parse_url

__all__ = ["AuthenticateRequestOptions", "AuthenticateContext", "build_context", "parse_publishable_key",
           "cookie_suffix", "ConfigurationError", "PublishableKey", "TokenType", "SUPPORTED_BAPI_VERSION"]

SUPPORTED_BAPI_VERSION = "2026-05-12"

_KEY_SETUP_GUIDANCE = (
    "To create a new Clerk app, run:\nnpx clerk@latest init\n\n"
    "'npx clerk@latest init' does not need a Clerk account and writes temporary dev keys.\n\n"
    "To use an existing Clerk app, run:\nnpx clerk@latest link\nnpx clerk@latest env pull\n\n"
    "For production keys, run:\nnpx clerk@latest env pull --instance prod\n\n"
    "Or copy keys from https://dashboard.clerk.com/~/api-keys into your .env file."
)


class TokenType:
    SESSION_TOKEN = "session_token"
    API_KEY = "api_key"
    M2M_TOKEN = "m2m_token"
    OAUTH_TOKEN = "oauth_token"
    MACHINE = ("api_key", "m2m_token", "oauth_token")
    ALL = ("session_token", "api_key", "m2m_token", "oauth_token")


class ConfigurationError(ClerkEdgeError):
    """The options cannot work (missing/invalid keys, satellite without domain, ...).  Raised, never
    turned into a state, exactly where @clerk/backend throws."""


# ------------------------------------------------------------------------------ options
@dataclass
class AuthenticateRequestOptions:
    publishable_key: Optional[str] = None
    secret_key: Optional[str] = None
    jwt_key: Any = None
    machine_secret_key: Optional[str] = None
    api_url: Optional[str] = None
    api_version: Optional[str] = None
    domain: Optional[str] = None
    is_satellite: bool = False
    proxy_url: Optional[str] = None
    sign_in_url: Optional[str] = None
    sign_up_url: Optional[str] = None
    after_sign_in_url: Optional[str] = None
    after_sign_up_url: Optional[str] = None
    authorized_parties: Optional[Sequence[str]] = None
    audience: Union[None, str, Sequence[str]] = None
    issuer: Any = None
    clock_skew_in_ms: Any = 5000
    skip_jwks_cache: bool = False
    jwks_cache_ttl_in_ms: float = 300_000
    jwks_cache: Any = None
    header_type: Any = None
    organization_sync_options: Any = None
    accepts_token: Any = TokenType.SESSION_TOKEN
    satellite_auto_sync: Optional[bool] = None
    env: Any = None

    def __repr__(self) -> str:
        from ..errors import redact
        return (f"AuthenticateRequestOptions(publishable_key={self.publishable_key!r}, "
                f"secret_key={redact(self.secret_key)!r}, is_satellite={self.is_satellite!r}, "
                f"domain={self.domain!r}, proxy_url={self.proxy_url!r})")


# ------------------------------------------------------------------------------ keys
@dataclass(frozen=True)
class PublishableKey:
    instance_type: str      # 'development' | 'production'
    frontend_api: str


def _atob(data: str) -> str:
    """``atob``: forgiving base64 → a latin-1 "binary string"; ValueError where atob throws."""
    data = "".join(c for c in data if c not in " \t\n\f\r")
    if len(data) % 4 == 0 and data.endswith("="):
        data = data[:-2] if data.endswith("==") else data[:-1]
    if len(data) % 4 == 1 or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                                 for c in data):
        raise ValueError("invalid base64")
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4)).decode("latin-1")
    except (binascii.Error, ValueError):
        raise ValueError("invalid base64") from None


def _valid_decoded(decoded: str) -> bool:
    if not decoded.endswith("$"):
        return False
    body = decoded[:-1]
    return "$" not in body and "." in body


def is_publishable_key(key: Any) -> bool:
    if not isinstance(key, str) or not (key.startswith("pk_live_") or key.startswith("pk_test_")):
        return False
    parts = key.split("_")
    if len(parts) != 3 or not parts[2]:
        return False
    try:
        return _valid_decoded(_atob(parts[2]))
    except ValueError:
        return False


def parse_publishable_key(key: Any, *, proxy_url: Optional[str] = None, domain: Optional[str] = None,
                          is_satellite: bool = False) -> PublishableKey:
    """Fatal parsing, with @clerk/shared's exact messages."""
    key = key if isinstance(key, str) else ""
    if not key:
        raise ConfigurationError(f"Publishable key is missing.\n\n{_KEY_SETUP_GUIDANCE}")
    if not is_publishable_key(key):
        raise ConfigurationError(
            f"Publishable key not valid (expected format: pk_test_... or pk_live_...).\n\n{_KEY_SETUP_GUIDANCE}")
    instance_type = "production" if key.startswith("pk_live_") else "development"
    frontend_api = _atob(key.split("_")[2])[:-1]
    if proxy_url:
        frontend_api = proxy_url
    elif instance_type != "development" and domain and is_satellite:
        frontend_api = f"clerk.{domain}"
    return PublishableKey(instance_type, frontend_api)


def cookie_suffix(publishable_key: str) -> str:
    """``base64url(SHA-1(publishable_key))[:8]`` (Clerk's multi-app cookie suffix)."""
    digest = hashlib.sha1(publishable_key.encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii").replace("+", "-").replace("/", "_")[:8]


def _auto_proxy_path(publishable_key: str, has_proxy_url: bool, has_domain: bool, env: Any) -> str:
    """``getAutoProxyUrlFromEnvironment``: production keys on a Vercel production deployment whose
    hostname ends in ``.vercel.app`` are proxied through ``/__clerk``."""
    if has_proxy_url or has_domain or not (publishable_key.startswith("pk_live_") or publishable_key.startswith("live_")):
        return ""
    from ..env import get_env
    if (get_env(env, "CLERK_DISABLE_AUTO_PROXY") or "").lower() in ("true", "1", "yes", "on"):
        return ""
    if get_env(env, "VERCEL_TARGET_ENV") != "production":
        return ""
    host = get_env(env, "VERCEL_PROJECT_PRODUCTION_URL") or ""
    if host.startswith("http://") or host.startswith("https://"):
        try:
            host = parse_url(host).hostname
        except ValueError:
            host = ""
    else:
        host = host.split("/")[0]
    return "/__clerk" if host.endswith(".vercel.app") else ""


# ------------------------------------------------------------------------------ the request
def _first(value: Optional[str]) -> Optional[str]:
    return None if value is None else value.split(",")[0]


def _header(view: RequestView, name: str) -> Optional[str]:
    values = view.headers.get_all(name)
    if not values:
        return None
    return ", ".join(values) or None


def derive_clerk_url(view: RequestView) -> Url:
    """``ClerkRequest.deriveUrlFromHeaders``: forwarded proto/host win over the request URL."""
    initial = parse_url(view.url)
    forwarded_proto = view.headers.get_all("x-forwarded-proto")
    forwarded_host = view.headers.get_all("x-forwarded-host")
    host = _header(view, "host")
    resolved_host = _first(", ".join(forwarded_host)) if forwarded_host else host
    resolved_proto = _first(", ".join(forwarded_proto)) if forwarded_proto else initial.scheme
    if not (resolved_host and resolved_proto):
        return initial
    origin = f"{resolved_proto}://{resolved_host}"
    if origin == initial.origin:
        return initial
    try:
        derived = parse_url(initial.path + ("?" + initial.query if initial.query is not None else ""), origin)
    except ValueError:
        return initial
    return derived


@dataclass
class AuthenticateContext:
    options: AuthenticateRequestOptions
    view: RequestView
    clerk_url: Url
    method: str
    token_in_header: Optional[str] = None
    origin: Optional[str] = None
    host: Optional[str] = None
    forwarded_host: Optional[str] = None
    forwarded_proto: Optional[str] = None
    referrer: Optional[str] = None
    user_agent: Optional[str] = None
    sec_fetch_dest: Optional[str] = None
    accept: Optional[str] = None
    publishable_key: Optional[str] = None
    instance_type: Optional[str] = None
    frontend_api: str = ""
    original_frontend_api: str = ""
    suffix: str = ""
    proxy_url: Optional[str] = None
    session_token_in_cookie: Optional[str] = None
    refresh_token_in_cookie: Optional[str] = None
    client_uat: int = 0
    dev_browser_token: Optional[str] = None
    handshake_token: Optional[str] = None
    handshake_nonce: Optional[str] = None
    handshake_redirect_loop_counter: int = 0
    now: float = 0.0
    cookies: dict = field(default_factory=dict)

    # ---- convenience pass-throughs
    @property
    def secret_key(self):
        return self.options.secret_key

    @property
    def is_satellite(self) -> bool:
        return bool(self.options.is_satellite)

    @property
    def domain(self):
        return self.options.domain

    @property
    def sign_in_url(self):
        return self.options.sign_in_url

    @property
    def session_token(self) -> Optional[str]:
        return self.session_token_in_cookie or self.token_in_header

    # ---- cookies
    def cookie(self, name: str) -> Optional[str]:
        return self.cookies.get(name) or None

    def suffixed_cookie(self, name: str) -> Optional[str]:
        return self.cookie(f"{name}_{self.suffix}")

    def suffixed_or_unsuffixed_cookie(self, name: str) -> Optional[str]:
        return self.suffixed_cookie(name) if self.uses_suffixed_cookies() else self.cookie(name)

    def _decoded_payload(self, token: str) -> Optional[dict]:
        try:
            return decode_jwt(token).payload
        except Exception:
            return None

    def uses_suffixed_cookies(self) -> bool:
        """The first matching rule decides (B.4)."""
        suffixed_uat = self.suffixed_cookie("__client_uat")
        uat = self.cookie("__client_uat")
        suffixed_session = self.suffixed_cookie("__session") or ""
        session = self.cookie("__session") or ""
        if session:
            payload = self._decoded_payload(session)
            if payload is None or not payload.get("iss"):
                return False
            iss = payload.get("iss")
            if not isinstance(iss, str) or _strip_scheme(iss) != self.original_frontend_api:
                return True
        if not suffixed_uat and not suffixed_session:
            return False
        session_payload = self._decoded_payload(session) if session else None
        suffixed_payload = self._decoded_payload(suffixed_session) if suffixed_session else None
        session_iat = _num(session_payload.get("iat")) if session_payload else 0
        suffixed_iat = _num(suffixed_payload.get("iat")) if suffixed_payload else 0
        if suffixed_uat != "0" and uat != "0" and session_iat > suffixed_iat:
            return False
        if suffixed_uat == "0" and uat != "0":
            return False
        if self.instance_type != "production":
            expired = suffixed_payload is not None and _js_le(suffixed_payload.get("exp"), int(self.now))
            if suffixed_uat != "0" and uat == "0" and expired:
                return False
        if not suffixed_uat and suffixed_session:
            return False
        return True

    # ---- referrer
    def is_cross_origin_referrer(self) -> bool:
        if not self.referrer:
            return False
        try:
            return parse_url(self.referrer).origin != self.clerk_url.origin
        except ValueError:
            return False

    def is_known_clerk_referrer(self) -> bool:
        if not self.referrer:
            return False
        try:
            ref = parse_url(self.referrer)
        except ValueError:
            return False
        host = ref.hostname
        if self.frontend_api:
            try:
                fapi_host = parse_url(self.frontend_api).hostname if self.frontend_api.startswith("http") \
                    else self.frontend_api
            except ValueError:
                return False
            if host == fapi_host:
                return True
        if self.instance_type != "production" and (_is_legacy_dev_portal(host) or _is_current_dev_portal(host)):
            return True
        accounts = _accounts_base_url(self.frontend_api)
        if accounts:
            try:
                if ref.origin == parse_url(accounts).origin:
                    return True
            except ValueError:
                return False
        return False

    def debug_data(self) -> dict:
        o = self.options
        return {
            "publishableKey": self.publishable_key, "secretKey": o.secret_key,
            "jwtKey": o.jwt_key if isinstance(o.jwt_key, str) else None,
            "tokenInHeader": self.token_in_header, "sessionTokenInCookie": self.session_token_in_cookie,
            "refreshTokenInCookie": self.refresh_token_in_cookie, "devBrowserToken": self.dev_browser_token,
            "handshakeToken": self.handshake_token, "clientUat": self.client_uat,
            "instanceType": self.instance_type, "frontendApi": self.frontend_api, "isSatellite": self.is_satellite,
            "domain": o.domain, "proxyUrl": self.proxy_url, "signInUrl": o.sign_in_url, "signUpUrl": o.sign_up_url,
            "clerkUrl": self.clerk_url.href, "method": self.method,
        }

    def __repr__(self) -> str:
        return f"AuthenticateContext({self.method} {self.clerk_url.href}, instance={self.instance_type})"


def _num(v: Any) -> float:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and v else 0


def _js_le(a: Any, b: float) -> bool:
    return isinstance(a, (int, float)) and not isinstance(a, bool) and a <= b


def _strip_scheme(iss: str) -> str:
    import re
    return re.sub(r"https?://", "", iss, flags=re.I)


_LEGACY_DEV = (".lcl.dev", ".lclstage.dev", ".lclclerk.com")
_CURRENT_DEV = (".accounts.dev", ".accountsstage.dev", ".accounts.lclclerk.com")


def _is_legacy_dev_portal(host: str) -> bool:
    return host.startswith("accounts.") and host.endswith(_LEGACY_DEV)


def _is_current_dev_portal(host: str) -> bool:
    return any(host.endswith(s) and not host.endswith(".clerk" + s) for s in _CURRENT_DEV)


def _accounts_base_url(frontend_api: str) -> str:
    import re
    if not frontend_api:
        return ""
    out = re.sub(r"clerk\.accountsstage\.", "accountsstage.", frontend_api, count=1)
    out = re.sub(r"clerk\.accounts\.|clerk\.", "accounts.", out, count=1)
    return f"https://{out}"


def parse_authorization(value: Optional[str]) -> Optional[str]:
    """``Bearer <t>`` → t; a single value without a space → itself; any other scheme → None."""
    if not value:
        return None
    parts = value.split(" ")
    scheme = parts[0]
    token = parts[1] if len(parts) > 1 else None
    if not token:
        return scheme or None
    if scheme == "Bearer":
        return token
    return None


def build_context(request: Any, options: AuthenticateRequestOptions, now: float) -> AuthenticateContext:
    view = to_request_view(request)
    try:
        clerk_url = derive_clerk_url(view)
    except ValueError:
        raise ConfigurationError(f"Invalid request URL: {view.url!r}") from None
    ctx = AuthenticateContext(options=options, view=view, clerk_url=clerk_url, method=view.method, now=now)
    # several Cookie header fields (HTTP/2, Lambda multiValueHeaders) are one list: join with '; '
    # (RFC 9113 8.2.3; JavaScript's Headers.get would join them with ', ' and merge two cookies)
    ctx.cookies = parse_cookie_header("; ".join(view.headers.get_all("cookie")) or None)
    pk = options.publishable_key
    auto = _auto_proxy_path(pk or "", bool(options.proxy_url), bool(options.domain), options.env)
    proxy_url = f"{clerk_url.origin}{auto}" if auto else options.proxy_url
    if pk:
        ctx.suffix = cookie_suffix(pk)
    accepts = options.accepts_token
    # header values
    ctx.token_in_header = parse_authorization(_header(view, "authorization"))
    ctx.origin = _header(view, "origin")
    ctx.host = _header(view, "host")
    ctx.forwarded_host = _header(view, "x-forwarded-host")
    ctx.forwarded_proto = _header(view, "cloudfront-forwarded-proto") or _header(view, "x-forwarded-proto")
    ctx.referrer = _header(view, "referer")
    ctx.user_agent = _header(view, "user-agent")
    ctx.sec_fetch_dest = _header(view, "sec-fetch-dest")
    ctx.accept = _header(view, "accept")
    if accepts not in (TokenType.M2M_TOKEN, TokenType.API_KEY):
        resolved_proxy = proxy_url
        if resolved_proxy and resolved_proxy.startswith("/"):
            resolved_proxy = f"{clerk_url.origin}{resolved_proxy}"
        original = parse_publishable_key(pk, domain=options.domain, is_satellite=options.is_satellite)
        parsed = parse_publishable_key(pk, proxy_url=resolved_proxy, domain=options.domain,
                                       is_satellite=options.is_satellite)
        ctx.publishable_key = pk
        ctx.original_frontend_api = original.frontend_api
        ctx.instance_type = parsed.instance_type
        ctx.frontend_api = parsed.frontend_api
        # cookies
        ctx.session_token_in_cookie = ctx.suffixed_or_unsuffixed_cookie("__session")
        ctx.refresh_token_in_cookie = ctx.suffixed_cookie("__refresh")
        ctx.client_uat = _parse_int(ctx.suffixed_or_unsuffixed_cookie("__client_uat"))
        # handshake values
        ctx.dev_browser_token = clerk_url.get("__clerk_db_jwt") or ctx.suffixed_or_unsuffixed_cookie("__clerk_db_jwt")
        ctx.handshake_token = clerk_url.get("__clerk_handshake") or ctx.cookie("__clerk_handshake")
        ctx.handshake_redirect_loop_counter = _js_number(ctx.cookie("__clerk_redirect_count"))
        ctx.handshake_nonce = clerk_url.get("__clerk_handshake_nonce") or ctx.cookie("__clerk_handshake_nonce")
    else:
        ctx.publishable_key = pk
    if proxy_url and proxy_url.startswith("/"):
        proxy_url = f"{clerk_url.origin}{proxy_url}"
    ctx.proxy_url = proxy_url
    return ctx


def _decode_uri_component(value: str) -> str:
    """``decodeURIComponent`` wrapped as the ``cookie`` package does: any malformed escape → the raw value."""
    if "%" not in value:
        return value
    import re
    if re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return value
    out = bytearray()
    i = 0
    try:
        while i < len(value):
            if value[i] == "%":
                out.append(int(value[i + 1:i + 3], 16))
                i += 3
            else:
                out += value[i].encode("utf-8")
                i += 1
        return out.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return value


def parse_cookie_header(header: Optional[str]) -> dict:
    """The ``cookie`` package (1.1.1) ``parse``, which @clerk/backend uses: pairs split on ``;``, names
    and values trimmed of spaces/tabs, quotes kept, values URI-decoded, the first occurrence wins."""
    out: dict = {}
    if not header or len(header) < 2:
        return out

    def trimmed(a: int, b: int) -> str:
        return header[a:b].strip(" \t")

    index, n = 0, len(header)
    while index < n:
        eq = header.find("=", index)
        if eq == -1:
            break
        end = header.find(";", index)
        end = n if end == -1 else end
        if eq > end:
            index = header.rfind(";", 0, eq) + 1
            continue
        key = trimmed(index, eq)
        if key not in out:
            out[key] = _decode_uri_component(trimmed(eq + 1, end))
        index = end + 1
    return out


def _parse_int(value: Optional[str]) -> int:
    """``Number.parseInt(v) || 0``: leading whitespace, sign, digits; anything else → 0."""
    import re
    if not value:
        return 0
    m = re.match(r"\s*([+-]?\d+)", value)
    return int(m.group(1)) if m else 0


_JS_WS = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
         "\u2028\u2029\u202f\u205f\u3000\ufeff"


def _js_number(value: Optional[str]):
    """``Number(v) || 0`` (the redirect-counter cookie): JavaScript's string-to-number rules —
    whitespace trimmed, '' → 0, 0x/0o/0b literals, decimals with exponents, ±Infinity, else NaN → 0."""
    import re
    if value is None:
        return 0
    text = value.strip(_JS_WS)
    if text == "":
        return 0
    number: float
    if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
        number = int(text[2:], 16)
    elif re.fullmatch(r"0[oO][0-7]+", text):
        number = int(text[2:], 8)
    elif re.fullmatch(r"0[bB][01]+", text):
        number = int(text[2:], 2)
    elif re.fullmatch(r"[+-]?Infinity", text):
        number = float("-inf") if text.startswith("-") else float("inf")
    elif re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        number = float(text)
    else:
        return 0
    if number != number or number == 0:
        return 0
    if isinstance(number, float) and number.is_integer() and abs(number) < 2 ** 53:
        return int(number)
    return number
