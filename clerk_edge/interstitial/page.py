"""The local interstitial page (0.38 ``loadInterstitialFromLocal``), with every value escaped.

The page loads ClerkJS, lets it refresh the session cookies (``Clerk.load({isInterstitial: true})``)
and reloads the original URL.  Behaviour follows 0.38; the difference is escaping: 0.38 pasted the
frontend API, publishable key, proxy URL, domain and sign-in URL between single quotes inside a
``<script>``, so a value containing ``'`` or ``</script>`` could run code.  Here every value reaches
the page only as a JSON literal inside the script, with ``<``, ``>``, ``&``, U+2028 and U+2029
escaped (so nothing can close the script element or the string), and the ClerkJS URL must be an
absolute ``http(s)`` URL.  No interpolated value is placed in HTML markup or an HTML attribute.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from .context import AuthStateOptionsError
from .instance import add_clerk_prefix, clerk_js_major_or_tag, is_dev_or_staging_url, parse_publishable_key, \
    PublishableKeyError
from .origins import url_origin

__all__ = ["local_interstitial", "script_url", "js_literal", "CLERK_JS_PACKAGE_VERSION"]

#: The ClerkJS version bundled with @clerk/backend 0.38.15's ``@clerk/shared`` (its default ``pkgVersion``).
CLERK_JS_PACKAGE_VERSION = "4.73.9"


def js_literal(value: Any) -> str:
    """A JavaScript expression for ``value`` that is safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _frontend_api(publishable_key: Optional[str], frontend_api: Optional[str]) -> str:
    try:
        parsed = parse_publishable_key(publishable_key)
    except PublishableKeyError as exc:
        raise AuthStateOptionsError("publishable-key-invalid", str(exc)) from None
    return (parsed or {}).get("frontend_api") or frontend_api or ""


def script_url(*, frontend_api: str, proxy_url: Optional[str] = None, domain: Optional[str] = None,
               clerk_js_url: Optional[str] = None, clerk_js_version: Optional[str] = None,
               pkg_version: Optional[str] = CLERK_JS_PACKAGE_VERSION) -> str:
    """The ClerkJS URL: ``clerk_js_url``, else ``https://<host>/npm/@clerk/clerk-js@<tag>/dist/clerk.browser.js``
    with host = proxy URL (scheme stripped) || ``clerk.<domain>`` (production only) || frontend API."""
    if clerk_js_url:
        url = clerk_js_url
    else:
        domain_only_in_prod = add_clerk_prefix(domain) if not is_dev_or_staging_url(frontend_api) else ""
        base = proxy_url or domain_only_in_prod or frontend_api
        host = base
        for prefix in ("https://", "http://"):
            i = host.find(prefix)
            if i != -1:
                host = host[:i] + host[i + len(prefix):]
                break
        tag = clerk_js_version or clerk_js_major_or_tag(base, pkg_version)
        url = f"https://{host}/npm/@clerk/clerk-js@{tag}/dist/clerk.browser.js"
    origin = url_origin(url)
    if origin is None or not (origin.startswith("https://") or origin.startswith("http://")) or any(
            ch in "\"'<>`\\" or not (0x20 < ord(ch) < 0x7f) for ch in url):
        raise AuthStateOptionsError("clerk-js-url-invalid",
                                    f"The ClerkJS script URL {url!r} is not a valid absolute http(s) URL of printable ASCII without quotes, angle brackets or backslashes.")
    return url


_TEMPLATE = """<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <style>
          @media (prefers-color-scheme: dark) {
            body {
              background-color: black;
            }
          }
        </style>
    </head>
    <body>
        <script>
            window.__clerk_frontend_api = %(frontend_api)s;
            window.__clerk_debug = %(debug)s;
            %(proxy_line)s
            %(domain_line)s
            window.startClerk = async () => {
                function formRedirect(){
                    const form = '<form method="get" action="" name="redirect"></form>';
                    document.body.innerHTML = document.body.innerHTML + form;

                    const searchParams = new URLSearchParams(window.location.search);
                    for (let paramTuple of searchParams) {
                        const input = document.createElement("input");
                        input.type = "hidden";
                        input.name = paramTuple[0];
                        input.value = paramTuple[1];
                        document.forms.redirect.appendChild(input);
                    }
                    const url = new URL(window.location.origin + window.location.pathname + window.location.hash);
                    window.history.pushState({}, '', url);

                    document.forms.redirect.action = window.location.pathname + window.location.hash;
                    document.forms.redirect.submit();
                }

                const Clerk = window.Clerk;
                try {
                    await Clerk.load({
                        isSatellite: %(is_satellite)s,
                        isInterstitial: true,
                        signInUrl: %(sign_in_url)s
                    });
                    if (Clerk.loaded) {
                        if (window.location.href.indexOf("#") === -1) {
                            window.location.href = window.location.href;
                        } else if (window.navigator.userAgent.toLowerCase().includes("firefox/")) {
                            formRedirect();
                        } else {
                            window.location.reload();
                        }
                    }
                } catch (err) {
                    console.error('Clerk: ', err);
                }
            };
            (() => {
                const script = document.createElement('script');
                %(key_attribute)s
                %(domain_attribute)s
                %(proxy_attribute)s
                script.async = true;
                script.src = %(src)s;
                script.crossOrigin = 'anonymous';
                script.addEventListener('load', startClerk);
                document.body.appendChild(script);
            })();
        </script>
    </body>
</html>
"""


def local_interstitial(*, publishable_key: Optional[str] = None, frontend_api: Optional[str] = None,
                       proxy_url: Optional[str] = None, domain: Optional[str] = None, is_satellite: bool = False,
                       sign_in_url: Optional[str] = None, clerk_js_url: Optional[str] = None,
                       clerk_js_version: Optional[str] = None, pkg_version: Optional[str] = None,
                       debug_data: Optional[Mapping[str, Any]] = None) -> str:
    """The interstitial HTML page (a ``str``; serve it with status 401 and ``text/html``).

    ``debug_data`` (e.g. ``debug_auth_state(state)``) is exposed as ``window.__clerk_debug`` with
    camelCase keys.  Raises :class:`AuthStateOptionsError` (``clerk-js-url-invalid``) for a ClerkJS URL
    that is not an absolute http(s) URL."""
    fapi = _frontend_api(publishable_key, frontend_api)
    src = script_url(frontend_api=fapi, proxy_url=proxy_url, domain=domain, clerk_js_url=clerk_js_url,
                     clerk_js_version=clerk_js_version, pkg_version=pkg_version or CLERK_JS_PACKAGE_VERSION)
    debug = {(_camel(k) if isinstance(k, str) else str(k)): v for k, v in dict(debug_data or {}).items()}
    if publishable_key:
        key_attribute = f"script.setAttribute('data-clerk-publishable-key', {js_literal(publishable_key)});"
    else:
        key_attribute = f"script.setAttribute('data-clerk-frontend-api', {js_literal(fapi)});"
    return _TEMPLATE % {
        "frontend_api": js_literal(fapi),
        "debug": js_literal(debug),
        "proxy_line": f"window.__clerk_proxy_url = {js_literal(proxy_url)};" if proxy_url else "",
        "domain_line": f"window.__clerk_domain = {js_literal(domain)};" if domain else "",
        "is_satellite": "true" if is_satellite else "false",
        "sign_in_url": js_literal(sign_in_url) if sign_in_url else "undefined",
        "key_attribute": key_attribute,
        "domain_attribute": f"script.setAttribute('data-clerk-domain', {js_literal(domain)});" if domain else "",
        "proxy_attribute": f"script.setAttribute('data-clerk-proxy-url', {js_literal(proxy_url)});" if proxy_url else "",
        "src": js_literal(src),
    }
