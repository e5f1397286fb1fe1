"""The Backend API client's retry policy — the one shared by every HTTP call (:mod:`clerk_edge.fetch.retry`)."""
from ..fetch.retry import IDEMPOTENT_METHODS, NO_RETRY, RetryPolicy  # noqa: F401

__all__ = ["RetryPolicy", "IDEMPOTENT_METHODS", "NO_RETRY"]
