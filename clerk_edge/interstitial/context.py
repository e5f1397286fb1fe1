"""The inputs of one ``auth_state`` decision, as one frozen value.

:func:`build_context` takes explicit values and/or a ``request`` (anything
:func:`clerk_edge.adapters.request.to_request_view` accepts) and returns an
:class:`InterstitialContext`.  Explicit values win over the request (an empty explicit value falls
back to the request, as ``a || b`` does in @clerk/backend 0.38).  It also checks the 0.38
preconditions and raises :class:`AuthStateOptionsError` with Clerk's messages.

From the request: cookies ``__session`` / ``__client_uat`` (URL-decoded), the search params and the
headers ``authorization`` (only a literal ``Bearer `` prefix is removed), ``origin``, ``host``,
``x-forwarded-host``, ``x-forwarded-port``, ``cloudfront-forwarded-proto`` (before
``x-forwarded-proto``), ``referer`` and ``user-agent``.  Empty header values count as absent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Tuple

from ..errors import ClerkEdgeError
from .instance import (PublishableKeyError, is_development_key, is_production_key, parse_publishable_key)
from .origins import url_origin

__all__ = ["InterstitialContext", "build_context", "AuthStateOptionsError", "normalize_search_params",
           "strip_bearer", "DEFAULT_API_URL", "DEFAULT_API_VERSION"]

DEFAULT_API_URL = "https://api.clerk.com"
DEFAULT_API_VERSION = "v1"

MISSING_SECRET_KEY = ("Missing Clerk Secret Key or API Key. Go to https://dashboard.clerk.com and get your key "
                      "for your instance.")
MISSING_SIGN_IN_URL = "Missing signInUrl. Pass a signInUrl for dev instances if an app is satellite"
SIGN_IN_URL_NOT_ABSOLUTE = "The signInUrl needs to have a absolute url format."
SIGN_IN_URL_SAME_ORIGIN = "The signInUrl needs to be on a different origin than your satellite application."
MISSING_DOMAIN_OR_PROXY = "Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl"


class AuthStateOptionsError(ClerkEdgeError, ValueError):
    """``auth_state`` was called with options that cannot work (raised, never turned into a state).

    ``code`` is stable: ``secret-key-missing``, ``publishable-key-invalid``, ``sign-in-url-missing``,
    ``sign-in-url-invalid``, ``sign-in-url-same-origin``, ``domain-or-proxy-url-missing``,
    ``clerk-js-url-invalid``, ``api-url-invalid``, ``request-invalid``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"AuthStateOptionsError(code={self.code!r}, message={self.message!r})"


@dataclass(frozen=True)
class InterstitialContext:
    # keys and instance
    secret_key: str
    publishable_key: Optional[str] = None
    frontend_api: str = ""
    api_url: str = DEFAULT_API_URL
    api_version: str = DEFAULT_API_VERSION
    jwt_key: Any = None
    # the request
    cookie_token: Optional[str] = None
    client_uat: Optional[str] = None
    header_token: Optional[str] = None
    origin: Optional[str] = None
    host: Optional[str] = None
    forwarded_host: Optional[str] = None
    forwarded_port: Optional[str] = None
    forwarded_proto: Optional[str] = None
    referrer: Optional[str] = None
    user_agent: Optional[str] = None
    search_params: Tuple[Tuple[str, str], ...] = ()
    # multi-domain
    domain: Optional[str] = None
    is_satellite: bool = False
    proxy_url: Optional[str] = None
    sign_in_url: Optional[str] = None
    sign_up_url: Optional[str] = None
    after_sign_in_url: Optional[str] = None
    after_sign_up_url: Optional[str] = None
    # verification
    authorized_parties: Optional[Tuple[str, ...]] = None
    audience: Any = None
    clock_skew_in_ms: Any = None
    skip_jwks_cache: bool = False
    jwks_cache_ttl_in_ms: float = 300_000
    jwks_cache: Any = field(default=None, compare=False)
    env: Any = field(default=None, compare=False)
    # resources
    load_user: bool = False
    load_session: bool = False
    load_organization: bool = False

    @property
    def is_development(self) -> bool:
        return is_development_key(self.secret_key)

    @property
    def is_production(self) -> bool:
        return is_production_key(self.secret_key)

    def query(self, name: str) -> Optional[str]:
        """The first value of search param ``name`` (``URLSearchParams.get``)."""
        for k, v in self.search_params:
            if k == name:
                return v
        return None

    def __repr__(self) -> str:  # never print secrets or tokens
        from ..errors import redact
        return (f"InterstitialContext(secret_key={redact(self.secret_key)!r}, frontend_api={self.frontend_api!r}, "
                f"host={self.host!r}, origin={self.origin!r}, header_token={'…' if self.header_token else None}, "
                f"cookie_token={'…' if self.cookie_token else None}, client_uat={self.client_uat!r})")


def strip_bearer(value: Optional[str]) -> Optional[str]:
    """Remove a literal ``Bearer `` prefix (case-sensitive, as Clerk 0.38); anything else is kept."""
    if value is None:
        return None
    return value[len("Bearer "):] if value.startswith("Bearer ") else value


def normalize_search_params(value: Any) -> Tuple[Tuple[str, str], ...]:
    """Accept a query string (with or without ``?``), a mapping (list values repeat), pairs, a
    ``URLSearchParams`` (JS proxy) or any object with ``multi_items()``/``items()``."""
    if value is None:
        return ()
    from urllib.parse import parse_qsl
    if isinstance(value, (str, bytes)):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        return tuple(parse_qsl(text[1:] if text.startswith("?") else text, keep_blank_values=True))
    pairs = []
    if hasattr(value, "multi_items") and callable(value.multi_items):
        items = value.multi_items()
    elif hasattr(value, "entries") and callable(value.entries) and not hasattr(value, "items"):
        items = [(e[0], e[1]) for e in value.entries()]  # JS URLSearchParams
    elif hasattr(value, "items") and callable(value.items):
        items = value.items()
    else:
        items = value
    for k, v in items:
        if isinstance(v, (list, tuple)):
            pairs.extend((str(k), str(x)) for x in v)
        else:
            pairs.append((str(k), str(v)))
    return tuple(pairs)


def _first(*values):
    for v in values:
        if v:
            return v
    return None


def build_context(*, request: Any = None, cookie_token=None, client_uat=None, header_token=None, origin=None,
                  host=None, forwarded_host=None, forwarded_port=None, forwarded_proto=None, referrer=None,
                  user_agent=None, search_params=None, publishable_key=None, frontend_api=None, secret_key=None,
                  api_key=None, api_url=None, api_version=None, jwt_key=None, domain=None, is_satellite=False,
                  proxy_url=None, sign_in_url=None, sign_up_url=None, after_sign_in_url=None, after_sign_up_url=None,
                  authorized_parties=None, audience=None, clock_skew_in_ms=None, skip_jwks_cache=False,
                  jwks_cache_ttl_in_ms=300_000, jwks_cache=None, load_user=False, load_session=False,
                  load_organization=False, env=None) -> InterstitialContext:
    """Build the context and check the preconditions (see the module docstring)."""
    from ..env import get_env

    view, cookies, query = None, {}, ()
    if request is not None:
        from ..adapters.request import to_request_view
        try:
            view = to_request_view(request)
            cookies, query = view.cookies, tuple(view.query)
        except AuthStateOptionsError:
            raise
        except Exception as exc:  # whatever the request object does wrong, the caller gets one typed error
            raise AuthStateOptionsError("request-invalid", f"The request cannot be read: {exc}") from None

    def header(name):
        if view is None:
            return None
        return view.header(name) or None

    def text(name, value):
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (bytes, bytearray)):
            return bytes(value).decode("utf-8", "replace")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise AuthStateOptionsError("request-invalid", f"{name} must be a string, got {type(value).__name__}")

    header_token, origin, host = text("header_token", header_token), text("origin", origin), text("host", host)
    forwarded_host, forwarded_port = text("forwarded_host", forwarded_host), text("forwarded_port", forwarded_port)
    forwarded_proto, referrer = text("forwarded_proto", forwarded_proto), text("referrer", referrer)
    user_agent, cookie_token = text("user_agent", user_agent), text("cookie_token", cookie_token)
    client_uat = text("client_uat", client_uat)
    header_token = strip_bearer(_first(header_token, header("authorization")))
    origin = _first(origin, header("origin"))
    host = _first(host, header("host"))
    forwarded_host = _first(forwarded_host, header("x-forwarded-host"))
    forwarded_port = _first(forwarded_port, header("x-forwarded-port"))
    forwarded_proto = _first(forwarded_proto, header("cloudfront-forwarded-proto"), header("x-forwarded-proto"))
    referrer = _first(referrer, header("referer"))
    user_agent = _first(user_agent, header("user-agent"))
    cookie_token = _first(cookie_token, cookies.get("__session"))
    client_uat = _first(client_uat, cookies.get("__client_uat"))
    try:
        params = normalize_search_params(search_params) if search_params else ()
    except (TypeError, ValueError) as exc:
        raise AuthStateOptionsError("request-invalid", f"search_params cannot be read: {exc}") from None
    if not params:
        params = query

    publishable_key = publishable_key or get_env(env, "CLERK_PUBLISHABLE_KEY")
    try:
        parsed = parse_publishable_key(publishable_key)
    except PublishableKeyError as exc:
        raise AuthStateOptionsError("publishable-key-invalid", str(exc)) from None
    frontend_api = (parsed or {}).get("frontend_api") or frontend_api or ""

    secret_key = secret_key or api_key or get_env(env, "CLERK_SECRET_KEY") or get_env(env, "CLERK_API_KEY")
    if not secret_key or not isinstance(secret_key, str):
        raise AuthStateOptionsError("secret-key-missing", MISSING_SECRET_KEY)

    is_satellite = bool(is_satellite)
    if is_satellite:
        if not sign_in_url and is_development_key(secret_key):
            raise AuthStateOptionsError("sign-in-url-missing", MISSING_SIGN_IN_URL)
        if sign_in_url and origin:
            sign_in_origin = url_origin(sign_in_url)
            if sign_in_origin is None:
                raise AuthStateOptionsError("sign-in-url-invalid", SIGN_IN_URL_NOT_ABSOLUTE)
            if sign_in_origin == origin:
                raise AuthStateOptionsError("sign-in-url-same-origin", SIGN_IN_URL_SAME_ORIGIN)
        if not (proxy_url or domain):
            raise AuthStateOptionsError("domain-or-proxy-url-missing", MISSING_DOMAIN_OR_PROXY)

    if isinstance(authorized_parties, str):
        authorized_parties = (authorized_parties,)
    return InterstitialContext(
        secret_key=secret_key, publishable_key=publishable_key or None, frontend_api=frontend_api,
        api_url=api_url or get_env(env, "CLERK_API_URL") or DEFAULT_API_URL,
        api_version=api_version or get_env(env, "CLERK_API_VERSION") or DEFAULT_API_VERSION,
        jwt_key=jwt_key, cookie_token=cookie_token, client_uat=client_uat, header_token=header_token or None,
        origin=origin, host=host, forwarded_host=forwarded_host, forwarded_port=forwarded_port,
        forwarded_proto=forwarded_proto, referrer=referrer, user_agent=user_agent, search_params=params,
        domain=domain or None, is_satellite=is_satellite, proxy_url=proxy_url or None, sign_in_url=sign_in_url,
        sign_up_url=sign_up_url, after_sign_in_url=after_sign_in_url, after_sign_up_url=after_sign_up_url,
        authorized_parties=tuple(authorized_parties) if authorized_parties else None, audience=audience,
        clock_skew_in_ms=clock_skew_in_ms, skip_jwks_cache=bool(skip_jwks_cache),
        jwks_cache_ttl_in_ms=jwks_cache_ttl_in_ms, jwks_cache=jwks_cache, env=env, load_user=bool(load_user),
        load_session=bool(load_session), load_organization=bool(load_organization))
