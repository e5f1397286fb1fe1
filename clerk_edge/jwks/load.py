"""Core that fetches ``GET {api_url}/{api_version}/jwks`` with retries inside a total deadline."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .._version import __version__
from ..errors import TokenVerificationError, TokenVerificationErrorAction as Action, \
    TokenVerificationErrorReason as Reason
from ..fetch import Headers, HttpRequest
from ..jsonsafe import loads as json_loads
from ..fetch.retry import RetryPolicy, send_core

CLERK_API_VERSION = "2026-05-12"
USER_AGENT = f"clerk-edge/{__version__}"


#: the JWKS loader's policy: like @clerk/backend, up to 5 attempts; unlike it, inside a total deadline
#: (edge runtimes have wall-time limits) with a per-attempt timeout
JWKS_RETRY = RetryPolicy(max_attempts=5, base_delay=0.25, max_delay=4.0, deadline=10.0, attempt_timeout=5.0)


def jwks_url(api_url: str, api_version: str) -> str:
    parts = urlsplit(api_url)
    path = "/".join(p for p in (parts.path.strip("/"), str(api_version).strip("/"), "jwks") if p)
    return urlunsplit((parts.scheme, parts.netloc, "/" + path, "", ""))


def _interpret(resp, failure, url: str, policy: RetryPolicy):
    """``(keys | error, retryable, retry_after)`` for one attempt."""
    if failure is not None:
        return TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD, f"Error loading Clerk JWKS from {url}: {failure.message}",
                                      Action.CONTACT_SUPPORT), True, None
    if not resp.ok:
        try:
            body = json_loads(resp.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list):
            for err in errors:
                if isinstance(err, dict) and err.get("code") == "clerk_key_invalid":
                    return TokenVerificationError(Reason.INVALID_SECRET_KEY, str(err.get("message") or "Invalid secret key"),
                                                  Action.CONTACT_SUPPORT), False, None
        error = TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD,
                                       f"Error loading Clerk JWKS from {url} with code={resp.status}", Action.CONTACT_SUPPORT)
        return error, policy.retryable_status(resp.status), _retry_after(resp)
    try:
        body = json_loads(resp.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD,
                                      f"Error loading Clerk JWKS from {url}: the response is not JSON.",
                                      Action.CONTACT_SUPPORT), True, None
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list) or not keys:
        return TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD,
                                      "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.",
                                      Action.CONTACT_SUPPORT), False, None
    return [k for k in keys if isinstance(k, dict)], False, None


def _retry_after(resp):
    value = resp.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def fetch_jwks_core(api_url: str, api_version: str, secret_key: str, policy: RetryPolicy = JWKS_RETRY):
    """Core: returns the list of JWK dicts or raises :class:`TokenVerificationError`.

    Retries 5xx, 429, non-JSON bodies and transport errors with jittered exponential backoff
    (:mod:`clerk_edge.fetch.retry`), never past the policy's deadline.  4xx answers are final (a wrong
    key will not heal)."""
    url = jwks_url(api_url, api_version)
    request = HttpRequest("GET", url, Headers({
        "Authorization": f"Bearer {secret_key}",
        "Clerk-API-Version": CLERK_API_VERSION,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }), None, policy.attempt_timeout or 5.0)
    result = yield from send_core(request, policy, lambda resp, failure: _interpret(resp, failure, url, policy),
                                  deadline=10.0)
    if isinstance(result, TokenVerificationError):
        raise result
    return result
