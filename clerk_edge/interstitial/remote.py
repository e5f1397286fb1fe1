"""The remote interstitial pages (0.38 ``buildPublicInterstitialUrl`` / ``loadInterstitialFromBAPI``).

``remote_public_interstitial_url`` builds ``{api_url}/v1/public/interstitial?…`` with the parameters
in 0.38's order: ``clerk_js_version``, ``publishable_key`` (or ``frontend_api``), ``proxy_url`` (if
set), ``is_satellite=true`` (if set), ``sign_in_url`` (always, maybe empty),
``use_domain_for_script=true`` (production FAPIs), ``domain`` (if set).

``remote_public_interstitial`` fetches it with ``Clerk-Backend-SDK: <user agent>``; a transport
failure or a 5xx is retried (5 attempts, waiting 200, 400, 800, 1600 ms).  A final non-2xx raises
``TokenVerificationError('interstitial-remote-failed-to-load', 'Error loading Clerk Interstitial from
<url> with code=<status>')``.  ``remote_private_interstitial`` is the deprecated
``GET {api_url}/v1/internal/interstitial`` with the secret key.
"""
from __future__ import annotations

from typing import Optional
from urllib.parse import quote, urlsplit, urlunsplit

from ..errors import FetchError, TokenVerificationError, TokenVerificationErrorAction as Action, \
    TokenVerificationErrorReason as Reason
from ..fetch.retry import RetryPolicy, send_core
from .context import DEFAULT_API_URL, AuthStateOptionsError
from .instance import clerk_js_major_or_tag, is_dev_or_staging_url
from .page import _frontend_api
from .resources import USER_AGENT

__all__ = ["remote_public_interstitial_url", "public_interstitial_core", "private_interstitial_core",
           "MAX_ATTEMPTS", "form_encode"]

MAX_ATTEMPTS = 5


def form_encode(value: str) -> str:
    """``application/x-www-form-urlencoded`` as ``URLSearchParams`` writes it."""
    return quote(str(value), safe="*").replace("~", "%7E").replace("%20", "+")


def _join_path(*parts: str) -> str:
    import re
    return re.sub(r"/+", "/", "/".join(p for p in parts if p))


def remote_public_interstitial_url(*, api_url: str = DEFAULT_API_URL, publishable_key: Optional[str] = None,
                                   frontend_api: Optional[str] = None, proxy_url: Optional[str] = None,
                                   is_satellite: bool = False, sign_in_url: Optional[str] = None,
                                   domain: Optional[str] = None, clerk_js_version: Optional[str] = None,
                                   pkg_version: Optional[str] = None) -> str:
    """The public interstitial URL (pure)."""
    fapi = _frontend_api(publishable_key, frontend_api)
    parts = urlsplit(api_url or DEFAULT_API_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AuthStateOptionsError("api-url-invalid", f"The api_url {api_url!r} is not an absolute http(s) URL.")
    path = _join_path(parts.path or "/", "v1", "/public/interstitial")
    params = [("clerk_js_version", clerk_js_version or clerk_js_major_or_tag(fapi, pkg_version))]
    params.append(("publishable_key", publishable_key) if publishable_key else ("frontend_api", fapi))
    if proxy_url:
        params.append(("proxy_url", proxy_url))
    if is_satellite:
        params.append(("is_satellite", "true"))
    params.append(("sign_in_url", sign_in_url or ""))
    if not is_dev_or_staging_url(fapi):
        params.append(("use_domain_for_script", "true"))
    if domain:
        params.append(("domain", domain))
    existing = parts.query + "&" if parts.query else ""
    query = existing + "&".join(f"{form_encode(k)}={form_encode(v)}" for k, v in params)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def _failed(url: str, status) -> TokenVerificationError:
    return TokenVerificationError(Reason.REMOTE_INTERSTITIAL_FAILED_TO_LOAD,
                                  f"Error loading Clerk Interstitial from {url} with code={status}",
                                  Action.CONTACT_SUPPORT)


#: 0.38's ``callWithRetry``: 5 attempts, waits of 200, 400, 800 and 1600 ms (transport errors and 5xx)
REMOTE_RETRY = RetryPolicy(max_attempts=MAX_ATTEMPTS, base_delay=0.2, max_delay=1.6, jitter=False, deadline=30.0,
                           retry_statuses=frozenset())


def _get_with_retry_core(url: str, headers: dict):
    from ..fetch import HttpRequest

    def interpret(response, failure):
        if failure is not None:
            return failure, True, None
        return response, response.status >= 500, None

    result = yield from send_core(HttpRequest("GET", url, headers), REMOTE_RETRY, interpret)
    if isinstance(result, FetchError):
        raise result
    if not result.ok:
        raise _failed(url, result.status)
    return result.text()


def public_interstitial_core(url: str, user_agent: Optional[str] = None):
    """Core: the page text at ``url``."""
    return (yield from _get_with_retry_core(url, {"Clerk-Backend-SDK": user_agent or USER_AGENT}))


def private_interstitial_core(*, secret_key: str, api_url: str = DEFAULT_API_URL, user_agent: Optional[str] = None):
    """Core: the page text of ``GET {api_url}/v1/internal/interstitial`` (deprecated by Clerk)."""
    from .resources import join_url
    if not secret_key:
        from .context import MISSING_SECRET_KEY
        raise AuthStateOptionsError("secret-key-missing", MISSING_SECRET_KEY)
    url = join_url(api_url or DEFAULT_API_URL, "v1", "internal/interstitial")
    return (yield from _get_with_retry_core(url, {"Authorization": f"Bearer {secret_key}",
                                                  "Content-Type": "text/html",
                                                  "User-Agent": user_agent or USER_AGENT}))
