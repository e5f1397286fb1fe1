"""Property tests: whatever text or bytes arrive as a token, the only exception is
``TokenVerificationError``; flipping any byte of a valid token never verifies."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import clerk_edge
from clerk_edge import TokenVerificationError, base64url
from tests.conftest import FrozenClock
from tests.support import aio
from tests.support.tokens import IAT, rsa_key, sign

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
b64 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=40)


def _verify(token):
    return aio.run(clerk_edge.verify_jwt(token, key=rsa_key().public_pem(), clock=FrozenClock(IAT)))


@SETTINGS
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200), st.none(), st.integers(),
                 st.builds(lambda a, b, c: f"{a}.{b}.{c}", b64, b64, b64)))
def test_decode_raises_only_typed_errors(value):
    try:
        jwt = clerk_edge.decode_jwt(value)
    except TokenVerificationError as err:
        assert err.reason == "token-invalid"
    else:
        assert isinstance(jwt.header, dict) and isinstance(jwt.payload, dict)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=8)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["alg", "typ", "kid", "cat", "crit", "jku"]), json_values),
       st.dictionaries(st.sampled_from(["sub", "exp", "nbf", "iat", "azp", "aud", "iss"]), json_values))
def test_verify_with_arbitrary_headers_and_claims_raises_only_typed_errors(header, payload):
    import json
    token = ".".join([base64url.encode(json.dumps(header).encode()), base64url.encode(json.dumps(payload).encode()),
                      base64url.encode(b"\x00" * 256)])
    with pytest.raises(TokenVerificationError):
        _verify(token)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_flipping_any_byte_never_verifies(data):
    token = _valid_token()
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "))
    if token[index] == replacement:
        return
    mutated = token[:index] + replacement + token[index + 1:]
    try:
        _verify(mutated)
    except TokenVerificationError:
        return
    # the only mutation that may still verify is one that decodes to the very same bytes
    # (the last base64url character of a segment can carry unused bits)
    assert clerk_edge.decode_jwt(mutated).signature == clerk_edge.decode_jwt(token).signature
    assert clerk_edge.decode_jwt(mutated).payload == clerk_edge.decode_jwt(token).payload
    assert mutated.split(".")[:2] == token.split(".")[:2]


_TOKEN = []


def _valid_token():
    if not _TOKEN:
        _TOKEN.append(sign())
    return _TOKEN[0]


def test_deeply_nested_json_is_rejected_before_parsing():
    """Deep nesting would exhaust the WebAssembly stack under Pyodide and kill the runtime."""
    import json
    deep = base64url.encode(("[" * 100_000 + "]" * 100_000).encode())
    header = base64url.encode(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    for token in (f"{header}.{deep}.AAAA", f"{deep}.{header}.AAAA"):
        with pytest.raises(TokenVerificationError) as info:
            clerk_edge.decode_jwt(token)
        assert info.value.reason == "token-invalid"
    nested_ok = base64url.encode(json.dumps({"sub": "u", "a": [[[["fine"]]]], "s": "[[[[[[[[[[[[[[[[" * 20}).encode())
    assert clerk_edge.decode_jwt(f"{header}.{nested_ok}.AAAA").payload["a"] == [[[["fine"]]]]
