"""Retry policy for Backend API calls (pure decisions; the call core does the waiting via ``Sleep``).

* Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried — a POST or PATCH that timed out may
  have been applied, so repeating it is the caller's decision.
* Retried outcomes: HTTP 429, HTTP 5xx and transport failures (connection refused, reset, timeout).
* The wait is the server's ``Retry-After`` (seconds) when present, otherwise exponential backoff with full
  jitter (``random() * min(max_delay, base_delay * 2**attempt)``).  The random draw is supplied by the
  caller at call time; nothing random happens on import.
* Everything — attempts and waits — happens inside the call's total deadline (``Clerk(timeout=...)``): a retry
  whose wait would end past the deadline is not made, and each attempt's own timeout is the time left.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

__all__ = ["RetryPolicy", "IDEMPOTENT_METHODS", "NO_RETRY"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3          # total tries, including the first
    base_delay: float = 0.5        # seconds
    max_delay: float = 8.0         # cap of one backoff wait (Retry-After is honoured up to the deadline)
    retry_statuses: frozenset = frozenset({429, 500, 502, 503, 504})

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
        return max(0.0, min(1.0, rand)) * cap


NO_RETRY = RetryPolicy(max_attempts=1)
