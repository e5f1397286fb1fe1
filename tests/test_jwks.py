"""The JWKS cache over real loopback HTTP: TTL, unknown-kid cooldown, stale-if-error, retries inside
the deadline, timeouts, and single-flight (1,000 concurrent cold verifies → exactly 1 request)."""
from __future__ import annotations

import time

import pytest

import clerk_edge
from clerk_edge import TokenVerificationError
from clerk_edge.jwks.cache import JwksCache, MemoryStore, RetryPolicy, plan
from tests.conftest import FrozenClock
from tests.support import aio
from tests.support.tokens import IAT, clerk_claims, jwks, rsa_key, sign

SKEW = 10**12  # ~31 years: these tests use the real clock or move it far; keep the token itself valid


def averify(token, server, cache, clock, **kw):
    return aio.run(clerk_edge.verify_token(token, secret_key="sk_test_jwks", api_url=server.url, jwks_cache=cache,
                                           clock=clock, env={}, clock_skew_in_ms=SKEW, **kw))


def test_plan_is_pure():
    from clerk_edge.jwks.cache import CacheEntry
    e = CacheEntry({"k": {}}, fetched_at=100.0, last_miss_fetch=100.0)
    assert plan(None, "k", 0, 300, 30, False) == "fetch"
    assert plan(e, "k", 399.9, 300, 30, False) == "hit"
    assert plan(e, "k", 400.0, 300, 30, False) == "fetch"
    assert plan(e, "k", 101, 300, 30, True) == "fetch"
    assert plan(e, "x", 129.9, 300, 30, False) == "miss"
    assert plan(e, "x", 130.0, 300, 30, False) == "fetch"


def test_ttl_is_honoured(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    cache, clock = JwksCache(), FrozenClock(IAT)
    averify(sign(), mock_server, cache, clock, jwks_cache_ttl_in_ms=10_000)
    clock.advance(9.9)
    averify(sign(), mock_server, cache, clock, jwks_cache_ttl_in_ms=10_000)
    assert mock_server.count() == 1
    clock.advance(0.1)
    averify(sign(), mock_server, cache, clock, jwks_cache_ttl_in_ms=10_000)
    assert mock_server.count() == 2


def test_skip_jwks_cache(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    cache, clock = JwksCache(), FrozenClock(IAT)
    for _ in range(3):
        averify(sign(), mock_server, cache, clock, skip_jwks_cache=True)
    assert mock_server.count() == 3


def test_forged_kids_cannot_amplify_load(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    cache, clock = JwksCache(kid_miss_cooldown_ms=30_000), FrozenClock(IAT)
    averify(sign(), mock_server, cache, clock)
    for i in range(50):
        with pytest.raises(TokenVerificationError) as info:
            averify(sign(key=rsa_key("forger"), headers={"kid": f"ins_forged_{i}"}), mock_server, cache, clock)
        assert info.value.reason == "jwk-kid-mismatch"
        clock.advance(1)
    # 50 s of junk kids: one refetch when the 30 s cooldown ran out, not 50
    assert mock_server.count() == 2
    # and forged signatures with a *known* kid never refetch at all
    for _ in range(20):
        with pytest.raises(TokenVerificationError) as info:
            averify(sign(key=rsa_key("forger"), headers={"kid": rsa_key().kid}), mock_server, cache, clock)
        assert info.value.reason == "token-invalid-signature"
    assert mock_server.count() == 2


def test_stale_if_error(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks(), times=1)
    mock_server.on("GET", "/v1/jwks", status=503, body="down")
    cache = JwksCache(stale_if_error_ms=60_000, retry=RetryPolicy(max_attempts=2, base_delay=0.001))
    clock = FrozenClock(IAT)
    averify(sign(), mock_server, cache, clock)
    clock.advance(300 + 59)  # expired, refresh fails, known key still served
    assert averify(sign(), mock_server, cache, clock)["sub"]
    assert mock_server.count() == 3
    with pytest.raises(TokenVerificationError) as info:  # an unknown kid is not served from stale data
        averify(sign(key=rsa_key("other")), mock_server, cache, clock)
    assert info.value.reason == "jwk-remote-failed-to-load"
    clock.advance(2)  # past TTL + stale window: the failure surfaces
    with pytest.raises(TokenVerificationError) as info:
        averify(sign(), mock_server, cache, clock)
    assert info.value.reason == "jwk-remote-failed-to-load"
    assert "code=503" in info.value.message


def test_retries_stop_at_the_deadline(mock_server):
    mock_server.on("GET", "/v1/jwks", status=502, body="bad gateway")
    cache = JwksCache(retry=RetryPolicy(max_attempts=5, base_delay=0.5, deadline=1.5, jitter=False))
    started = time.monotonic()
    with pytest.raises(TokenVerificationError) as info:
        aio.run(clerk_edge.verify_token(sign(), secret_key="sk_test_x", api_url=mock_server.url, jwks_cache=cache,
                                        env={}, clock_skew_in_ms=SKEW))
    elapsed = time.monotonic() - started
    assert info.value.reason == "jwk-remote-failed-to-load"
    assert mock_server.count() == 2  # the third attempt would have ended past the deadline
    assert elapsed < 1.5


def test_5xx_then_success(mock_server):
    mock_server.on("GET", "/v1/jwks", status=500, body="oops", times=2)
    mock_server.on("GET", "/v1/jwks", json=jwks())
    cache = JwksCache(retry=RetryPolicy(max_attempts=5, base_delay=0.01))
    assert averify(sign(), mock_server, cache, FrozenClock(IAT))["sub"]
    assert mock_server.count() == 3


def test_timeout_is_bounded(mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks(), delay=3)
    cache = JwksCache(retry=RetryPolicy(max_attempts=5, base_delay=0.05, deadline=1.0, attempt_timeout=0.4))
    started = time.monotonic()
    with pytest.raises(TokenVerificationError) as info:
        aio.run(clerk_edge.verify_token(sign(), secret_key="sk_test_x", api_url=mock_server.url, jwks_cache=cache,
                                        env={}, clock_skew_in_ms=SKEW))
    assert time.monotonic() - started < 2.0
    assert info.value.reason == "jwk-remote-failed-to-load"


def test_connection_refused_is_typed():
    cache = JwksCache(retry=RetryPolicy(max_attempts=2, base_delay=0.01))
    with pytest.raises(TokenVerificationError) as info:
        aio.run(clerk_edge.verify_token(sign(), secret_key="sk_test_x", api_url="http://127.0.0.1:9", jwks_cache=cache,
                                        env={}, clock_skew_in_ms=SKEW))
    assert info.value.reason == "jwk-remote-failed-to-load"
    assert "sk_test_x" not in info.value.full_message()


@pytest.mark.parametrize("body", ["<html>not json</html>", '{"keys": [{"kty": "RSA", "kid": "ins_2GIoQhbUpy0hX7B2cVkuTMinXoD", "n": "!!", "e": "AQAB"}]}'])
def test_garbage_jwks_is_typed(mock_server, body):
    mock_server.on("GET", "/v1/jwks", body=body, headers={"content-type": "application/json"})
    cache = JwksCache(retry=RetryPolicy(max_attempts=2, base_delay=0.01))
    with pytest.raises(TokenVerificationError) as info:
        averify(sign(), mock_server, cache, FrozenClock(IAT))
    assert info.value.reason in ("jwk-remote-failed-to-load", "jwk-remote-invalid")


def test_single_flight_asyncio(mock_server):
    import asyncio
    mock_server.on("GET", "/v1/jwks", json=jwks(), delay=0.3)
    cache, token = JwksCache(), sign()

    async def main():
        return await asyncio.gather(*[
            clerk_edge.verify_token(token, secret_key="sk_test_sf", api_url=mock_server.url, jwks_cache=cache,
                                    env={}, clock_skew_in_ms=SKEW) for _ in range(1000)])

    results = aio.run(main())
    assert len(results) == 1000 and all(r["sub"] == "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr" for r in results)
    assert mock_server.count("/v1/jwks") == 1


@pytest.mark.no_pyodide(reason="no threads in Pyodide")
def test_single_flight_threads(mock_server):
    from concurrent.futures import ThreadPoolExecutor
    mock_server.on("GET", "/v1/jwks", json=jwks(), delay=0.3)
    cache, token = JwksCache(), sign()

    def one(_):
        return clerk_edge.sync.verify_token(token, secret_key="sk_test_sf", api_url=mock_server.url, jwks_cache=cache,
                                            env={}, clock_skew_in_ms=SKEW)

    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(one, range(1000)))
    assert len(results) == 1000 and all(r["iat"] == IAT for r in results)
    assert mock_server.count("/v1/jwks") == 1


def test_single_flight_shares_failures(mock_server):
    import asyncio
    mock_server.on("GET", "/v1/jwks", status=401, json={"errors": [{"code": "clerk_key_invalid", "message": "bad key"}]}, delay=0.2)
    cache, token = JwksCache(), sign()

    async def main():
        return await asyncio.gather(*[
            clerk_edge.verify_token(token, secret_key="sk_test_bad", api_url=mock_server.url, jwks_cache=cache,
                                    env={}, clock_skew_in_ms=SKEW) for _ in range(50)], return_exceptions=True)

    results = aio.run(main())
    assert all(isinstance(r, TokenVerificationError) and r.reason == "secret-key-invalid" for r in results)
    assert mock_server.count() == 1


def test_memory_store_is_bounded():
    store = MemoryStore(max_scopes=3)
    from clerk_edge.jwks.cache import CacheEntry
    for i in range(10):
        store.set(f"s{i}", CacheEntry({}, 0))
    assert store.get("s9") is not None and store.get("s0") is None and len(store._data) == 3


def test_scope_never_holds_the_secret():
    scope = JwksCache.scope("https://api.clerk.com", "v1", "sk_live_supersecret")
    assert "supersecret" not in scope
