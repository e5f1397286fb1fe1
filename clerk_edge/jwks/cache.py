"""The JWKS cache: a small state machine over plain values, with a pluggable store.

Decisions (all pure, see :func:`plan`):

* entries are scoped by ``(api_url, api_version, secret key)`` — a kid cached for one instance is
  never served to another (the secret is stored only as a SHA-256 prefix);
* an entry is fresh for ``ttl_ms`` (``jwks_cache_ttl_in_ms``; @clerk/backend ignores it, we honour it);
* a kid missing from a *fresh* entry triggers at most one refetch per ``kid_miss_cooldown_ms``
  (@clerk/backend refetches on every unknown kid, which lets forged tokens amplify load);
* concurrent misses share one fetch (the runner's ``Shared`` op: threads and asyncio alike);
* stale-if-error: when a refresh fails, keys already known keep being served for
  ``stale_if_error_ms`` past their TTL.

A store is any object with ``get(scope) -> CacheEntry | None`` and ``set(scope, entry)``;
:class:`MemoryStore` (the default) is a bounded in-process dict.  A Workers KV/Cache API store can
serialize ``CacheEntry.to_dict()``.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from ..errors import TokenVerificationError, TokenVerificationErrorAction as Action, TokenVerificationErrorReason as Reason
from ..runner import Now, Shared
from ..fetch.retry import RetryPolicy
from .load import JWKS_RETRY, fetch_jwks_core

__all__ = ["JwksCache", "MemoryStore", "CacheEntry", "RetryPolicy", "plan", "kid_mismatch_error"]

HIT, FETCH, MISS = "hit", "fetch", "miss"


@dataclass
class CacheEntry:
    jwks: Dict[str, dict]                 # kid -> JWK dict as served
    fetched_at: float                     # seconds
    last_miss_fetch: float = float("-inf")
    public_keys: Dict[str, Any] = field(default_factory=dict, repr=False)  # kid -> parsed PublicKey

    def to_dict(self) -> dict:
        return {"keys": list(self.jwks.values()), "fetched_at": self.fetched_at, "last_miss_fetch": self.last_miss_fetch}

    @classmethod
    def from_dict(cls, d: dict) -> "CacheEntry":
        keys = {str(k.get("kid")): k for k in d.get("keys", []) if isinstance(k, dict)}
        return cls(keys, float(d["fetched_at"]), float(d.get("last_miss_fetch", float("-inf"))))


class MemoryStore:
    """Process-local store; at most ``max_scopes`` instances are remembered (oldest evicted)."""

    def __init__(self, max_scopes: int = 64):
        self._data: Dict[str, CacheEntry] = {}
        self._lock = threading.Lock()
        self.max_scopes = max_scopes

    def get(self, scope: str) -> Optional[CacheEntry]:
        return self._data.get(scope)

    def set(self, scope: str, entry: CacheEntry) -> None:
        with self._lock:
            self._data.pop(scope, None)
            self._data[scope] = entry
            while len(self._data) > self.max_scopes:
                self._data.pop(next(iter(self._data)))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def plan(entry: Optional[CacheEntry], kid: str, now: float, ttl: float, cooldown: float, skip: bool) -> str:
    """What to do for ``kid``: ``hit`` (use the cache), ``fetch`` or ``miss`` (unknown kid, in cooldown)."""
    if skip or entry is None:
        return FETCH
    if now - entry.fetched_at >= ttl:
        return FETCH
    if kid in entry.jwks:
        return HIT
    if now - entry.last_miss_fetch >= cooldown:
        return FETCH
    return MISS


def kid_mismatch_error(kid: Any) -> TokenVerificationError:
    shown = "undefined" if kid is None else kid
    return TokenVerificationError(
        Reason.JWK_KID_MISMATCH,
        f"Unable to find a signing key in JWKS that matches the kid='{shown}' of the provided session token. "
        "Please make sure that the __session cookie or the HTTP authorization header contain a Clerk-generated session JWT.",
        Action.ENSURE_KEYS)


class JwksCache:
    def __init__(self, store: Any = None, *, ttl_ms: Optional[float] = None, kid_miss_cooldown_ms: float = 30_000,
                 stale_if_error_ms: float = 3_600_000, retry: Optional[RetryPolicy] = None):
        self.store = store if store is not None else MemoryStore()
        self.ttl_ms = ttl_ms  # None: use the per-call jwks_cache_ttl_in_ms (default 300 000)
        self.kid_miss_cooldown_ms = kid_miss_cooldown_ms
        self.stale_if_error_ms = stale_if_error_ms
        self.retry = retry or JWKS_RETRY
        self._scopes: dict = {}

    @staticmethod
    def scope(api_url: str, api_version: str, secret_key: str) -> str:
        digest = hashlib.sha256(secret_key.encode("utf-8")).hexdigest()[:24]
        return f"{api_url}|{api_version}|{digest}"

    def _scope(self, api_url: str, api_version: str, secret_key: str) -> str:
        k = (api_url, api_version, secret_key)
        scope = self._scopes.get(k)
        if scope is None:
            if len(self._scopes) >= 256:
                self._scopes.clear()
            scope = self._scopes[k] = self.scope(api_url, api_version, secret_key)
        return scope

    def key_core(self, kid: Any, *, api_url: str, api_version: str, secret_key: str,
                 skip_cache: bool = False, ttl_ms: float = 300_000):
        """Core: the :class:`PublicKey` for ``kid`` or a :class:`TokenVerificationError`."""
        scope = self._scope(api_url, api_version, secret_key)
        kid_key = kid if isinstance(kid, str) else str(kid)
        ttl = (self.ttl_ms if self.ttl_ms is not None else ttl_ms) / 1000.0
        now = yield Now()
        entry = self.store.get(scope)
        decision = plan(entry, kid_key, now, ttl, self.kid_miss_cooldown_ms / 1000.0, skip_cache)
        if decision == FETCH:
            try:
                entry = yield Shared(("jwks", id(self), scope),
                                     lambda: self._refresh_core(scope, api_url, api_version, secret_key, entry, kid_key))
            except TokenVerificationError:
                if entry is not None and kid_key in entry.jwks and \
                        now - entry.fetched_at < ttl + self.stale_if_error_ms / 1000.0:
                    return self._public_key(entry, kid_key)  # stale-if-error
                raise
        elif decision == MISS:
            raise kid_mismatch_error(kid)
        if kid_key not in entry.jwks:
            raise kid_mismatch_error(kid)
        return self._public_key(entry, kid_key)

    def _refresh_core(self, scope, api_url, api_version, secret_key, previous: Optional[CacheEntry], kid_key):
        try:
            keys = yield from fetch_jwks_core(api_url, api_version, secret_key, self.retry)
        except TokenVerificationError:
            if previous is not None:  # remember the attempt so a stream of bad kids cannot hammer the API
                previous.last_miss_fetch = yield Now()
            raise
        now = yield Now()
        entry = CacheEntry({str(k.get("kid")): k for k in keys}, now, now)
        self.store.set(scope, entry)
        return entry

    @staticmethod
    def _public_key(entry: CacheEntry, kid: str):
        key = entry.public_keys.get(kid)
        if key is None:
            from ..keys.parse import from_jwk
            key = entry.public_keys[kid] = from_jwk(entry.jwks[kid])
        return key

    def clear(self) -> None:
        if hasattr(self.store, "clear"):
            self.store.clear()


_DEFAULT: Optional[JwksCache] = None


def default_jwks_cache() -> JwksCache:
    """The process-wide cache used when no ``jwks_cache=`` is given (entries are scoped per instance)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = JwksCache()
    return _DEFAULT
