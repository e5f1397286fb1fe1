"""Conformance checklist items 1–24 (``shared/notes/clerk-backend-behaviour.md``): JWT core and
JWKS, current (3.x) semantics, frozen clock at Clerk's fixture ``iat``.

Every case runs through the async face (all runtimes) and the sync face (CPython).
"""
from __future__ import annotations

import pytest

import clerk_edge
from clerk_edge import TokenVerificationError
from clerk_edge.jwks.cache import JwksCache, RetryPolicy
from clerk_edge import base64url
from clerk_edge.jwt.claims import utc_string
from tests.conftest import FrozenClock
from tests.support import aio
from tests.support.tokens import DROP, IAT, ISS, KID, clerk_claims, jwks, rsa_key, sign

FACES = ["async", pytest.param("sync", marks=pytest.mark.no_pyodide(reason="the sync face needs sync crypto/fetch backends; Pyodide's are async"))]


@pytest.fixture(params=FACES)
def face(request):
    return request.param


def verify_token(face, token, **kw):
    kw.setdefault("clock", FrozenClock(IAT))
    kw.setdefault("env", {})
    if face == "sync":
        return clerk_edge.sync.verify_token(token, **kw)
    return aio.run(clerk_edge.verify_token(token, **kw))


def verify_jwt(face, token, **kw):
    kw.setdefault("clock", FrozenClock(IAT))
    kw.setdefault("key", rsa_key().public_pem())
    if face == "sync":
        return clerk_edge.sync.verify_jwt(token, **kw)
    return aio.run(clerk_edge.verify_jwt(token, **kw))


def failure(fn, *a, **kw) -> TokenVerificationError:
    with pytest.raises(TokenVerificationError) as info:
        fn(*a, **kw)
    return info.value


def fresh_cache(**kw):
    kw.setdefault("retry", RetryPolicy(max_attempts=5, base_delay=0.001, deadline=5))
    return JwksCache(**kw)


# 1
@pytest.mark.parametrize("token", ["", "a", "a.b", "a.b.c.d", None, 42, "....", "a..b.c"])
def test_01_three_parts(face, token):
    err = failure(verify_jwt, face, token)
    assert err.reason == "token-invalid"
    assert err.message == "Invalid JWT form. A JWT consists of three parts separated by dots."


# 2
def _segments():
    good = sign().split(".")
    bad_json = base64url.encode(b"{not json")
    nan_json = base64url.encode(b'{"a":NaN}')
    return [
        f"@@@.{good[1]}.{good[2]}", f"{good[0]}.@@@.{good[2]}", f"{good[0]}.{good[1]}.@@@",
        f"{bad_json}.{good[1]}.{good[2]}", f"{good[0]}.{bad_json}.{good[2]}",
        f"{base64url.encode(b'[1,2]')}.{good[1]}.{good[2]}",
        f"{nan_json}.{good[1]}.{good[2]}",
        f"{good[0]}.{base64url.encode(bytes([0xff, 0xfe]))}.{good[2]}",
        f"{good[0]}.{good[1]}.a",
    ]


@pytest.mark.parametrize("index", range(9))
def test_02_undecodable(face, index):
    err = failure(verify_jwt, face, _segments()[index])
    assert (err.reason, err.message) == ("token-invalid", "Invalid JWT form. The header, payload, or signature could not be decoded.")


# 3
def test_03_typ(face):
    err = failure(verify_jwt, face, sign(typ="at+jwt"))
    assert err.reason == "token-invalid"
    assert err.message == 'Invalid JWT type "at+jwt". Expected "JWT".'
    assert verify_jwt(face, sign(typ=None))["sub"].startswith("user_")  # missing typ accepted by default
    err = failure(verify_jwt, face, sign(typ=None), header_type="JWT")
    assert err.message == 'Invalid JWT type undefined. Expected "JWT".'
    assert verify_jwt(face, sign(typ="at+jwt"), header_type=["at+jwt", "application/at+jwt"])
    err = failure(verify_jwt, face, sign(), header_type=["at+jwt", "application/at+jwt"])
    assert err.message == 'Invalid JWT type "JWT". Expected "at+jwt, application/at+jwt".'


# 4
@pytest.mark.parametrize("alg", ["HS256", "none", "ES256", "PS256", "EdDSA", None])
def test_04_algorithm(face, alg):
    token = sign()
    h, p, s = token.split(".")
    header = {"alg": alg, "kid": KID, "typ": "JWT"} if alg is not None else {"kid": KID, "typ": "JWT"}
    import json
    forged = base64url.encode(json.dumps(header).encode()) + f".{p}.{s}"
    err = failure(verify_jwt, face, forged)
    assert err.reason == "token-invalid-algorithm"
    shown = "undefined" if alg is None else f'"{alg}"'
    assert err.message == f"Invalid JWT algorithm {shown}. Supported: RS256,RS384,RS512."


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_04_rs_family_accepted(face, alg):
    assert verify_jwt(face, sign(alg=alg))["iat"] == IAT


# 5
def test_05_signature_before_claims(face):
    expired = sign(clerk_claims(exp=IAT - 3600), key=rsa_key("other"))
    err = failure(verify_jwt, face, expired)
    assert (err.reason, err.message) == ("token-invalid-signature", "JWT signature is invalid.")


# 6
@pytest.mark.parametrize("sub,shown", [(DROP, "undefined"), (123, "123"), (None, "null"), (["u"], '["u"]'), (True, "true")])
def test_06_sub(face, sub, shown):
    err = failure(verify_jwt, face, sign(clerk_claims(sub=sub)))
    assert err.reason == "token-verification-failed"
    assert err.message == f"Subject claim (sub) is required and must be a string. Received {shown}."
    assert err.action == "Make sure that this is a valid Clerk-generated JWT."


# 7, 8, 9
@pytest.mark.parametrize("offset,skew,ok", [
    (4, None, True), (6, None, False), (0, 0, False), (-1, 0, True), (0, 1, True), (1, 0, False),
    (6, float("nan"), False), (4, float("inf"), True), (4, "5000", True), (6, True, False), (100, 200_000, True),
])
def test_07_08_09_expiry_and_skew(face, offset, skew, ok):
    kw = {} if skew is None else {"clock_skew_in_ms": skew}
    token = sign(clerk_claims(exp=IAT, nbf=IAT - 10, iat=IAT - 60))
    clock = FrozenClock(IAT + offset)
    if ok:
        assert verify_jwt(face, token, clock=clock, **kw)["exp"] == IAT
    else:
        err = failure(verify_jwt, face, token, clock=clock, **kw)
        assert err.reason == "token-expired"
        assert err.message == ("JWT is expired. Expiry date: Mon, 24 Oct 2022 21:50:50 GMT, "
                               f"Current date: {utc_string((IAT + offset) * 1000)}.")


# 10
def test_10_nbf(face):
    err = failure(verify_jwt, face, sign(clerk_claims(nbf=IAT + 6)))
    assert err.reason == "token-not-active-yet"
    assert err.message.startswith("JWT cannot be used prior to not before date claim (nbf). Not before date: ")
    assert verify_jwt(face, sign(clerk_claims(nbf=IAT + 4)))
    assert verify_jwt(face, sign(clerk_claims(nbf=DROP)))
    assert failure(verify_jwt, face, sign(clerk_claims(nbf="soon"))).reason == "token-verification-failed"


# 11
def test_11_iat_in_future(face):
    err = failure(verify_jwt, face, sign(clerk_claims(iat=IAT + 30, nbf=IAT - 10)))
    assert err.reason == "token-iat-in-the-future"
    assert err.message.startswith("JWT issued at date claim (iat) is in the future. Issued at date: Mon, 24 Oct 2022 21:51:20 GMT; Current date:")
    assert verify_jwt(face, sign(clerk_claims(iat=DROP)))


# 12
@pytest.mark.parametrize("exp,shown", [(DROP, "undefined"), ("1666648310", '"1666648310"'), (None, "null")])
def test_12_exp_required(face, exp, shown):
    err = failure(verify_jwt, face, sign(clerk_claims(exp=exp)))
    assert err.reason == "token-verification-failed"
    assert err.message == f"Invalid JWT expiry date claim (exp) {shown}. Expected number."


# 13
def test_13_authorized_parties(face):
    assert verify_jwt(face, sign(), authorized_parties=["https://accounts.inspired.puma-74.lcl.dev", "x"])
    assert verify_jwt(face, sign(clerk_claims(azp=DROP)))  # no list, no check
    assert verify_jwt(face, sign(clerk_claims(azp=DROP)), authorized_parties=[])  # empty list = not configured
    err = failure(verify_jwt, face, sign(), authorized_parties=["whatever"])
    assert err.reason == "token-invalid-authorized-parties"
    assert err.message == 'Invalid JWT Authorized party claim (azp) "https://accounts.inspired.puma-74.lcl.dev". Expected "whatever".'
    err = failure(verify_jwt, face, sign(clerk_claims(azp=DROP)), authorized_parties=["a", "b"])
    assert err.message == 'Invalid JWT Authorized party claim (azp) undefined. Expected "a,b".'


# 14
def test_14_audience(face):
    assert verify_jwt(face, sign(clerk_claims(aud="api")))  # no audience configured
    assert verify_jwt(face, sign(), audience="api")  # token without aud
    assert verify_jwt(face, sign(clerk_claims(aud="api")), audience=["x", "api"])
    assert verify_jwt(face, sign(clerk_claims(aud=["x", "api"])), audience="api")
    err = failure(verify_jwt, face, sign(clerk_claims(aud="web")), audience="api")
    assert err.reason == "token-verification-failed"
    assert err.message == 'Invalid JWT audience claim (aud) "web". Is not included in "["api"]".'
    err = failure(verify_jwt, face, sign(clerk_claims(aud=["a", "b"])), audience=["api"])
    assert err.message == 'Invalid JWT audience claim array (aud) ["a","b"]. Is not included in "["api"]".'
    # deviation (documented): an aud that is neither a string nor an array of strings is rejected, not skipped
    assert failure(verify_jwt, face, sign(clerk_claims(aud=[1, "x"])), audience=["api"]).reason == "token-verification-failed"


# 15
def test_15_issuer(face):
    assert verify_jwt(face, sign(), issuer=ISS)
    assert verify_jwt(face, sign(), issuer=["https://a", ISS])
    assert verify_jwt(face, sign(), issuer=lambda iss: iss.startswith("https://clerk."))
    err = failure(verify_jwt, face, sign(), issuer=["https://a", "https://b"])
    assert err.reason == "token-invalid-issuer"
    assert err.message == f'Invalid JWT issuer claim (iss) "{ISS}". Expected "https://a,https://b".'
    err = failure(verify_jwt, face, sign(), issuer=lambda iss: False)
    assert err.message == "Failed JWT issuer resolver. Make sure that the resolver returns a truthy value."


# 16
def test_16_no_key(face):
    err = failure(verify_token, face, sign(), env={})
    assert (err.reason, err.message, err.action) == (
        "jwk-failed-to-resolve", "Failed to resolve JWK during verification.", "Set the CLERK_JWT_KEY environment variable.")


# 17
def test_17_m2m_category_rejected_before_key_lookup(face, mock_server):
    token = sign(headers={"cat": "cl_B7d4PD333AAA"})
    err = failure(verify_token, face, token, secret_key="sk_test_x", api_url=mock_server.url, jwks_cache=fresh_cache())
    assert (err.reason, err.message) == ("token-invalid", "Invalid session token category.")
    assert mock_server.count() == 0
    # the session and "ignore" categories are fine
    assert verify_token(face, sign(headers={"cat": "cl_B7d4PD111AAA"}), jwt_key=rsa_key().public_pem())


# 18
def test_18_pem_forms(face):
    pem = rsa_key().public_pem()
    body = "".join(line for line in pem.splitlines() if "-----" not in line)
    for form in (pem, body, pem.replace("\n", "\\n"), "\n  " + pem.replace("\n", "\r\n") + "  \n", body[:40] + "\n" + body[40:]):
        assert verify_token(face, sign(), jwt_key=form)["sub"] == "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"
    assert verify_token(face, sign(), env={"CLERK_JWT_KEY": pem})
    assert verify_token(face, sign(), jwt_key=rsa_key().public_jwk())


def test_18_any_rsa_size(face):
    for bits in (3072, 4096):
        key = rsa_key(f"rsa{bits}", bits)
        assert verify_token(face, sign(key=key), jwt_key=key.public_pem())


# 19
def test_19_jwks_cache(face, mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    cache, clock = fresh_cache(), FrozenClock(IAT)
    kw = dict(secret_key="sk_test_abc", api_url=mock_server.url, jwks_cache=cache, clock=clock)
    assert verify_token(face, sign(), **kw)
    (req,) = mock_server.requests("/v1/jwks")
    assert req["method"] == "GET"
    assert req["headers"]["authorization"] == "Bearer sk_test_abc"
    assert req["headers"]["clerk-api-version"] == "2026-05-12"
    clock.advance(299)
    assert verify_token(face, sign(clerk_claims(iat=IAT + 299, exp=IAT + 400)), **kw)
    assert mock_server.count("/v1/jwks") == 1
    clock.advance(1)  # 300 s after the fetch: refetch
    assert verify_token(face, sign(clerk_claims(iat=IAT + 300, exp=IAT + 400)), **kw)
    assert mock_server.count("/v1/jwks") == 2


def test_19_unknown_kid_refetch_after_cooldown(face, mock_server):
    rotated = rsa_key("rotated")
    mock_server.on("GET", "/v1/jwks", json=jwks(), times=1)
    mock_server.on("GET", "/v1/jwks", json=jwks(rsa_key(), rotated))
    cache, clock = fresh_cache(kid_miss_cooldown_ms=30_000), FrozenClock(IAT)
    kw = dict(secret_key="sk_test_abc", api_url=mock_server.url, jwks_cache=cache, clock=clock, clock_skew_in_ms=10**9)
    assert verify_token(face, sign(), **kw)
    assert failure(verify_token, face, sign(key=rotated), **kw).reason == "jwk-kid-mismatch"  # in cooldown: no fetch
    assert mock_server.count("/v1/jwks") == 1
    clock.advance(31)
    assert verify_token(face, sign(key=rotated), **kw)["sub"]  # refetched, found
    assert mock_server.count("/v1/jwks") == 2


# 20
def test_20_scoped_per_instance(face, mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    mock_server.on("GET", "/v2/jwks", json=jwks())
    cache = fresh_cache()
    verify_token(face, sign(), secret_key="sk_test_one", api_url=mock_server.url, jwks_cache=cache)
    verify_token(face, sign(), secret_key="sk_test_two", api_url=mock_server.url, jwks_cache=cache)
    verify_token(face, sign(), secret_key="sk_test_two", api_url=mock_server.url, api_version="v2", jwks_cache=cache)
    verify_token(face, sign(), secret_key="sk_test_two", api_url=mock_server.url + "/", jwks_cache=cache)
    auths = [r["headers"]["authorization"] for r in mock_server.requests()]
    assert auths == ["Bearer sk_test_one", "Bearer sk_test_two", "Bearer sk_test_two", "Bearer sk_test_two"]
    assert [r["path"] for r in mock_server.requests()] == ["/v1/jwks", "/v1/jwks", "/v2/jwks", "/v1/jwks"]


# 21
def test_21_non_2xx_retried_then_fails(face, mock_server):
    mock_server.on("GET", "/v1/jwks", status=503, body="unavailable")
    err = failure(verify_token, face, sign(), secret_key="sk_test_x", api_url=mock_server.url, jwks_cache=fresh_cache())
    assert err.reason == "jwk-remote-failed-to-load"
    assert err.message == f"Error loading Clerk JWKS from {mock_server.url}/v1/jwks with code=503"
    assert mock_server.count("/v1/jwks") == 5


def test_21_secret_key_invalid(face, mock_server):
    mock_server.on("GET", "/v1/jwks", status=401, json={"errors": [
        {"code": "clerk_key_invalid", "message": "The provided Clerk Secret Key is invalid.", "long_message": "…"}]})
    err = failure(verify_token, face, sign(), secret_key="sk_test_bad", api_url=mock_server.url, jwks_cache=fresh_cache())
    assert (err.reason, err.message) == ("secret-key-invalid", "The provided Clerk Secret Key is invalid.")
    assert mock_server.count("/v1/jwks") == 1  # deviation: a 4xx is final, not retried


# 22
@pytest.mark.parametrize("body", [{"keys": []}, {}, {"keys": None}])
def test_22_empty_keys(face, mock_server, body):
    mock_server.on("GET", "/v1/jwks", json=body)
    err = failure(verify_token, face, sign(), secret_key="sk_test_x", api_url=mock_server.url, jwks_cache=fresh_cache())
    assert (err.reason, err.message) == ("jwk-remote-failed-to-load",
                                         "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.")


# 23
def test_23_kid_mismatch(face, mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks(rsa_key("other")))
    err = failure(verify_token, face, sign(), secret_key="sk_test_x", api_url=mock_server.url, jwks_cache=fresh_cache())
    assert err.reason == "jwk-kid-mismatch"
    assert err.message == (f"Unable to find a signing key in JWKS that matches the kid='{KID}' of the provided session token. "
                           "Please make sure that the __session cookie or the HTTP authorization header contain a "
                           "Clerk-generated session JWT.")
    assert err.action == ("Go to your Dashboard and validate your secret and public keys are correct. "
                          "Contact support@clerk.com if the issue persists.")
    assert "ins_other" not in err.full_message()  # the available kids are not listed


# 24
def test_24_full_message():
    err = TokenVerificationError("token-expired", "JWT is expired.", None, "cookie")
    assert err.full_message() == "JWT is expired. (reason=token-expired, token-carrier=cookie)"
    err = TokenVerificationError("jwk-failed-to-resolve", "Failed.", "Set it.")
    assert err.full_message() == "Failed. Set it. (reason=jwk-failed-to-resolve, token-carrier=undefined)"


# beyond the checklist
def test_env_key_resolution_order(face, mock_server):
    mock_server.on("GET", "/v1/jwks", json=jwks())
    pem = rsa_key().public_pem()
    cache = fresh_cache()
    # jwt_key argument beats everything: no network
    assert verify_token(face, sign(), jwt_key=pem, env={"CLERK_SECRET_KEY": "sk_env", "CLERK_API_URL": mock_server.url}, jwks_cache=cache)
    assert mock_server.count() == 0
    # CLERK_SECRET_KEY beats CLERK_API_KEY
    verify_token(face, sign(), env={"CLERK_SECRET_KEY": "sk_env", "CLERK_API_KEY": "ak_env", "CLERK_API_URL": mock_server.url}, jwks_cache=cache)
    verify_token(face, sign(), env={"CLERK_API_KEY": "legacy_key", "CLERK_API_URL": mock_server.url}, jwks_cache=cache)
    verify_token(face, sign(), api_key="alias_key", env={"CLERK_API_URL": mock_server.url}, jwks_cache=cache)
    assert [r["headers"]["authorization"] for r in mock_server.requests()] == ["Bearer sk_env", "Bearer legacy_key", "Bearer alias_key"]


class _WorkersEnv:  # a Workers `env` binding: attribute access, no .get
    def __init__(self, **kw):
        self.__dict__.update(kw)


def test_workers_env_binding(face):
    assert verify_token(face, sign(), env=_WorkersEnv(CLERK_JWT_KEY=rsa_key().public_pem()))


def test_token_headers_never_select_keys(face):
    attacker = rsa_key("attacker")
    forged = sign(key=attacker, headers={"jwk": attacker.public_jwk(), "jku": "https://evil.example/jwks", "x5u": "https://evil.example/x5u"})
    assert failure(verify_token, face, forged, jwt_key=rsa_key().public_pem()).reason == "token-invalid-signature"


def test_two_instances_side_by_side(face):
    a, b = rsa_key("a"), rsa_key("b")
    assert verify_token(face, sign(key=a), jwt_key=a.public_pem())
    assert verify_token(face, sign(key=b), jwt_key=b.public_pem())
    assert failure(verify_token, face, sign(key=a), jwt_key=b.public_pem()).reason == "token-invalid-signature"


def test_has_valid_signature(face):
    token = sign()
    if face == "sync":
        assert clerk_edge.sync.has_valid_signature(token, rsa_key().public_pem()) is True
        assert clerk_edge.sync.has_valid_signature(token, rsa_key("other").public_pem()) is False
    else:
        assert aio.run(clerk_edge.has_valid_signature(clerk_edge.decode_jwt(token), rsa_key().public_jwk())) is True
        assert aio.run(clerk_edge.has_valid_signature(token, rsa_key("other").public_jwk())) is False


def test_decode_jwt_shape():
    token = sign()
    jwt = clerk_edge.decode_jwt(token)
    assert jwt.header == {"alg": "RS256", "kid": KID, "typ": "JWT"}
    assert jwt.payload == clerk_claims()
    assert jwt.raw.text == token and token.startswith(jwt.raw.header + "." + jwt.raw.payload + ".")
    assert isinstance(jwt.signature, bytes) and len(jwt.signature) == 256
    assert token not in repr(jwt) and token not in repr(jwt.raw)


def test_key_type_must_match_alg(face):
    ec = pytest.importorskip("cryptography") and None
    from clerk_edge.testing.signing import generate_ec_key
    key = generate_ec_key("P-256")
    token = sign(key=key, alg="ES256")
    assert failure(verify_jwt, face, token, key=key.public_jwk()).reason == "token-invalid-algorithm"  # not opted in
    assert verify_jwt(face, token, key=key.public_jwk(), algorithms=["ES256"])["sub"]
    err = failure(verify_jwt, face, token, key=rsa_key().public_pem(), algorithms=["RS256", "ES256"])
    assert err.reason == "token-verification-failed" and err.message.startswith("Error verifying JWT signature.")
    with pytest.raises(clerk_edge.ClerkEdgeError):
        verify_jwt(face, token, key=key.public_jwk(), algorithms=["HS256"])


def test_sync_face_with_sync_backends_runs_everywhere():
    """``clerk_edge.sync`` works in every runtime — Pyodide included — when the backends it uses are
    sync: here the pure-stdlib crypto with a networkless ``jwt_key``."""
    claims = clerk_edge.sync.verify_token(sign(), jwt_key=rsa_key().public_pem(), crypto="pure", env={},
                                          clock=FrozenClock(IAT))
    assert claims["sid"] == "sess_2GbDB4enNdCa5vS1zpC3Xzg9tK9"
    with pytest.raises(TokenVerificationError) as info:
        clerk_edge.sync.verify_token(sign(key=rsa_key("other")), jwt_key=rsa_key().public_pem(), crypto="pure",
                                     env={}, clock=FrozenClock(IAT))
    assert info.value.reason == "token-invalid-signature"
