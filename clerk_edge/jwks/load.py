"""Core that fetches ``GET {api_url}/{api_version}/jwks`` with retries inside a total deadline."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from .._version import __version__
from ..errors import FetchError, TokenVerificationError, TokenVerificationErrorAction as Action, \
    TokenVerificationErrorReason as Reason
from ..fetch import Headers, HttpRequest
from ..jsonsafe import loads as json_loads
from ..runner import Fetch, Now, Sleep

CLERK_API_VERSION = "2026-05-12"
USER_AGENT = f"clerk-edge/{__version__}"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5            # like @clerk/backend
    base_delay: float = 0.125    # seconds; delay n = base * 2**n * (1 + jitter)
    deadline: float = 10.0       # total seconds for all attempts (edge runtimes have wall-time limits)
    timeout: float = 5.0         # seconds for one attempt


class _Retryable(Exception):
    def __init__(self, error: TokenVerificationError):
        self.error = error


def jwks_url(api_url: str, api_version: str) -> str:
    parts = urlsplit(api_url)
    path = "/".join(p for p in (parts.path.strip("/"), str(api_version).strip("/"), "jwks") if p)
    return urlunsplit((parts.scheme, parts.netloc, "/" + path, "", ""))


def _interpret(resp, url: str) -> list:
    if not resp.ok:
        try:
            body = json_loads(resp.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list):
            for err in errors:
                if isinstance(err, dict) and err.get("code") == "clerk_key_invalid":
                    raise TokenVerificationError(Reason.INVALID_SECRET_KEY, str(err.get("message") or "Invalid secret key"),
                                                 Action.CONTACT_SUPPORT)
        error = TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD,
                                       f"Error loading Clerk JWKS from {url} with code={resp.status}", Action.CONTACT_SUPPORT)
        if resp.status == 429 or resp.status >= 500:
            raise _Retryable(error)
        raise error
    try:
        body = json_loads(resp.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _Retryable(TokenVerificationError(
            Reason.REMOTE_JWK_FAILED_TO_LOAD, f"Error loading Clerk JWKS from {url}: the response is not JSON.",
            Action.CONTACT_SUPPORT)) from None
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list) or not keys:
        raise TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD,
                                     "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.",
                                     Action.CONTACT_SUPPORT)
    return [k for k in keys if isinstance(k, dict)]


def fetch_jwks_core(api_url: str, api_version: str, secret_key: str, policy: RetryPolicy):
    """Core: returns the list of JWK dicts or raises :class:`TokenVerificationError`.

    Retries 5xx, 429, non-JSON bodies and transport errors with jittered exponential backoff; never
    past ``policy.deadline`` seconds in total.  4xx answers are final (a wrong key will not heal)."""
    url = jwks_url(api_url, api_version)
    headers = Headers({
        "Authorization": f"Bearer {secret_key}",
        "Clerk-API-Version": CLERK_API_VERSION,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    })
    start = yield Now()
    deadline = start + policy.deadline
    attempt = 0
    while True:
        attempt += 1
        now = yield Now()
        timeout = max(0.001, min(policy.timeout, deadline - now))
        try:
            resp = yield Fetch(HttpRequest("GET", url, headers, None, timeout))
            return _interpret(resp, url)
        except _Retryable as exc:
            error = exc.error
        except FetchError as exc:
            error = TokenVerificationError(Reason.REMOTE_JWK_FAILED_TO_LOAD,
                                           f"Error loading Clerk JWKS from {url}: {exc.message}", Action.CONTACT_SUPPORT)
        if attempt >= policy.attempts:
            raise error
        import random
        delay = policy.base_delay * (2 ** (attempt - 1)) * (1 + random.random())
        now = yield Now()
        if now + delay >= deadline:
            raise error
        yield Sleep(delay)
