"""Retries for every HTTP call clerk_edge makes (Backend API calls and the JWKS): one policy, one loop.

* Retried outcomes: HTTP 429, HTTP 5xx and transport failures (connection refused, reset, timeout); the
  caller's ``interpret`` may declare more (the JWKS loader retries a 2xx whose body is not JSON).
* Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried — a POST or PATCH that timed out may
  have been applied, so repeating it is the caller's decision.
* The wait is the server's ``Retry-After`` (seconds) when present, otherwise exponential backoff with full
  jitter (``random() * min(max_delay, base_delay * 2**attempt)``; ``jitter=False`` waits the cap).  The
  random draw happens at call time; nothing random happens on import.
* Everything — attempts and waits — happens inside a total deadline: a retry whose wait would end past the
  deadline is not made, and each attempt's own timeout is the time left (capped by ``attempt_timeout``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..errors import ClerkEdgeError, FetchError
from ..runner import Fetch, Now, Sleep
from . import HttpRequest

__all__ = ["RetryPolicy", "IDEMPOTENT_METHODS", "NO_RETRY", "send_core"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3          # total tries, including the first
    base_delay: float = 0.5        # seconds
    max_delay: float = 8.0         # cap of one backoff wait (Retry-After is honoured up to the deadline)
    retry_statuses: frozenset = frozenset({429, 500, 502, 503, 504})
    deadline: Optional[float] = None         # total seconds; None: the caller's timeout
    attempt_timeout: Optional[float] = None  # seconds for one attempt; None: the time left
    jitter: bool = True

    def retryable_method(self, method: str) -> bool:
        return method.upper() in IDEMPOTENT_METHODS

    def retryable_status(self, status: int) -> bool:
        return status in self.retry_statuses or 500 <= status <= 599

    def should_retry(self, method: str, attempt: int, *, status: Optional[int] = None,
                     transport_error: bool = False) -> bool:
        """``attempt`` counts from 0 (the first try)."""
        if attempt + 1 >= self.max_attempts or not self.retryable_method(method):
            return False
        if transport_error:
            return True
        return status is not None and self.retryable_status(status)

    def delay(self, attempt: int, retry_after: Optional[float], rand: float) -> float:
        """Seconds to wait before try ``attempt + 1``; ``rand`` is a uniform draw in [0, 1)."""
        if retry_after is not None and retry_after >= 0:
            return float(retry_after)
        cap = min(self.max_delay, self.base_delay * (2 ** attempt))
        return cap if not self.jitter else max(0.0, min(1.0, rand)) * cap


NO_RETRY = RetryPolicy(max_attempts=1)

# interpret(response | None, failure | None) -> (result, retryable, retry_after)
Interpret = Callable[[object, Optional[FetchError]], tuple]


def send_core(request: HttpRequest, policy: RetryPolicy, interpret: Interpret, *, deadline: Optional[float] = None,
              rand: Optional[Callable[[], float]] = None):
    """Core: send ``request`` until ``interpret`` is satisfied or the policy gives up; return the last
    interpreted result (never raises for HTTP or transport failures — ``interpret`` turns those into
    results; a :class:`ClerkEdgeError` that is not a transport failure, e.g. misconfiguration, propagates)."""
    total = policy.deadline if policy.deadline is not None else (deadline if deadline is not None else request.timeout)
    start = yield Now()
    end = start + total
    now, attempt = start, 0
    while True:
        timeout = max(end - now, 0.001)
        if policy.attempt_timeout is not None:
            timeout = min(timeout, policy.attempt_timeout)
        response, failure = None, None
        try:
            response = yield Fetch(HttpRequest(request.method, request.url, request.headers, request.body, timeout))
        except FetchError as exc:
            failure = exc
        except ClerkEdgeError:
            raise
        except Exception as exc:  # a custom fetch backend raised something else: still a transport failure
            failure = FetchError(f"{type(exc).__name__}: {exc}", kind="other", url=request.url)
        result, retryable, retry_after = interpret(response, failure)
        if not retryable or attempt + 1 >= policy.max_attempts or not policy.retryable_method(request.method):
            return result
        if rand is None:
            import random
            rand = random.random
        wait = policy.delay(attempt, retry_after, rand())
        now = yield Now()
        if now + wait >= end:
            return result
        if wait > 0:
            yield Sleep(wait)
        now = yield Now()
        attempt += 1
