"""The 0.38 rule table of ``auth_state``, row by row, both sides of every condition.

Frozen clock (``clock=``), locally signed tokens, the public key as ``jwt_key`` (PEM) — no network.
Runs in every tier, Pyodide included (async API, the runtime's default crypto).
"""
from __future__ import annotations

import pytest

from clerk_edge.interstitial import COOKIE_RULES, auth_state
from tests.support.aio import run
from tests.support.tokens import DROP, IAT, clerk_claims, rsa_key, sign

DEV = "sk_test_rules"
PROD = "sk_live_rules"
NEITHER = "deadbeef"
PK_DEV = "pk_test_Y2xlcmsuaW5zcGlyZWQucHVtYS03NC5sY2wuZGV2JA"
HOST = "app.example.com"
BROWSER = "Mozilla/5.0 (Macintosh) AppleWebKit/605 Safari/605"
CURL = "curl/8.5.0"
OLD_UAT, NEW_UAT = str(IAT - 100), str(IAT + 100)
SIGN_IN = "https://primary.example.com/sign-in"


def _tok(kind: str) -> str:
    return {
        "valid": lambda: sign(),
        "expired": lambda: sign(clerk_claims(exp=IAT - 3600, iat=IAT - 3700, nbf=IAT - 3710)),
        "nbf-future": lambda: sign(clerk_claims(nbf=IAT + 600, iat=IAT - 5)),
        "iat-future": lambda: sign(clerk_claims(iat=IAT + 600, nbf=IAT - 10)),
        "forged": lambda: sign(key=rsa_key("other")),
        "wrong-iss": lambda: sign(clerk_claims(iss="https://evil.example.com")),
        "accounts-iss": lambda: sign(clerk_claims(iss="https://foo-bar-13.clerk.accounts.dev")),
        "no-azp": lambda: sign(clerk_claims(azp=DROP)),
        "garbage": lambda: "not-a-jwt",
        "m2m-category": lambda: sign(headers={"cat": "cl_B7d4PD333AAA"}),
    }[kind]()


def _state(key=PROD, *, cookie=None, uat=None, header=None, ua=BROWSER, now=IAT, **kw):
    opts = dict(secret_key=key, publishable_key=PK_DEV, jwt_key=rsa_key().public_pem(), host=HOST, user_agent=ua,
                client_uat=uat, cookie_token=_tok(cookie) if cookie else None,
                header_token=_tok(header) if header else None, env={})
    opts.update(kw)
    return run(auth_state(clock=lambda: now, **opts))


SIGNED_IN = ("signed-in", None)

# (id, state kwargs, expected (status, reason))
CASES = [
    # row 1: cross-origin request without a header token
    ("r1/origin-cross", dict(origin="https://evil.example.com", cookie="valid", uat=OLD_UAT),
     ("signed-out", "header-missing-cors")),
    ("r1/origin-same", dict(origin=f"https://{HOST}", cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r1/origin-absent", dict(cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r1/origin-null", dict(origin="null", cookie="valid", uat=OLD_UAT), ("signed-out", "header-missing-cors")),
    ("r1/forwarded-host-same", dict(origin=f"https://{HOST}", host="10.0.0.1:8080", forwarded_host=HOST,
                                    cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r1/forwarded-proto-differs", dict(origin=f"https://{HOST}", forwarded_proto="http", cookie="valid",
                                        uat=OLD_UAT), ("signed-out", "header-missing-cors")),
    ("r1/beats-r2", dict(key=DEV, ua=CURL, origin="https://evil.example.com"), ("signed-out", "header-missing-cors")),
    # row 2: non-browser in development
    ("r2/dev-curl", dict(key=DEV, ua=CURL, cookie="valid", uat=OLD_UAT), ("signed-out", "header-missing-non-browser")),
    ("r2/dev-no-ua", dict(key=DEV, ua=None, cookie="valid", uat=OLD_UAT), ("signed-out", "header-missing-non-browser")),
    ("r2/dev-browser", dict(key=DEV, cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r2/dev-cloudfront", dict(key=DEV, ua="Amazon CloudFront", cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r2/prod-curl", dict(key=PROD, ua=CURL, cookie="valid", uat=OLD_UAT), SIGNED_IN),
    # row 3: satellite, signed out, not a browser
    ("r3/satellite-no-uat-curl", dict(ua=CURL, is_satellite=True, domain="sat.example.com"),
     ("signed-out", "satellite-needs-syncing")),
    ("r3/satellite-uat0-curl", dict(ua=CURL, uat="0", is_satellite=True, domain="sat.example.com"),
     ("signed-out", "satellite-needs-syncing")),
    ("r3/satellite-signed-in-curl", dict(ua=CURL, cookie="valid", uat=OLD_UAT, is_satellite=True,
                                         domain="sat.example.com"), SIGNED_IN),
    ("r3/not-satellite-curl", dict(ua=CURL), ("signed-out", "cookie-and-uat-missing")),
    # row 3b: satellite, signed out, browser, not just synced
    ("r3b/satellite-browser", dict(is_satellite=True, domain="sat.example.com"),
     ("interstitial", "satellite-needs-syncing")),
    ("r3b/satellite-synced", dict(uat="0", is_satellite=True, domain="sat.example.com",
                                  search_params="__clerk_synced=true"), ("signed-out", "standard-signed-out")),
    ("r3b/satellite-synced-false", dict(uat="0", is_satellite=True, domain="sat.example.com",
                                        search_params={"__clerk_synced": "false"}),
     ("interstitial", "satellite-needs-syncing")),
    ("r3b/satellite-signed-in", dict(cookie="valid", uat=OLD_UAT, is_satellite=True, proxy_url="https://p.example.com/c"),
     SIGNED_IN),
    # row 4: development primary answering a satellite's sync request
    ("r4/dev-primary-sync", dict(key=DEV, cookie="valid", uat=OLD_UAT,
                                 search_params=[("__clerk_satellite_url", "https://sat.example.com")]),
     ("interstitial", "primary-responds-to-syncing")),
    ("r4/dev-primary-empty-param", dict(key=DEV, cookie="valid", uat=OLD_UAT, search_params="__clerk_satellite_url="),
     SIGNED_IN),
    ("r4/prod-primary-sync", dict(cookie="valid", uat=OLD_UAT, search_params="__clerk_satellite_url=https://s.example"),
     SIGNED_IN),
    ("r4/dev-satellite-param", dict(key=DEV, cookie="valid", uat=OLD_UAT, is_satellite=True, domain="s.example.com",
                                    sign_in_url=SIGN_IN, search_params="__clerk_satellite_url=https://s.example"),
     SIGNED_IN),
    # row 5: production, neither cookie nor uat
    ("r5/prod-nothing", dict(), ("signed-out", "cookie-and-uat-missing")),
    ("r5/prod-uat-only", dict(uat=OLD_UAT), ("interstitial", "cookie-missing")),
    ("r5/prod-cookie-only", dict(cookie="valid"), ("interstitial", "cookie-outdated")),
    ("r5/dev-nothing", dict(key=DEV), ("interstitial", "uat-missing")),
    # row 6: development, no uat
    ("r6/dev-no-uat", dict(key=DEV, cookie="valid"), ("interstitial", "uat-missing")),
    ("r6/dev-uat", dict(key=DEV, cookie="valid", uat=OLD_UAT), SIGNED_IN),
    # row 7: development, cross-origin referrer
    ("r7/dev-cross-referrer", dict(key=DEV, cookie="valid", uat=OLD_UAT,
                                   referrer="https://accounts.inspired.puma-74.lcl.dev/sign-in"),
     ("interstitial", "cross-origin-referrer")),
    ("r7/dev-same-referrer", dict(key=DEV, cookie="valid", uat=OLD_UAT, referrer=f"https://{HOST}/a?b=c"), SIGNED_IN),
    ("r7/dev-bad-referrer", dict(key=DEV, cookie="valid", uat=OLD_UAT, referrer="::not a url"), SIGNED_IN),
    ("r7/prod-cross-referrer", dict(cookie="valid", uat=OLD_UAT, referrer="https://evil.example.com/"), SIGNED_IN),
    # row 8: positive uat, no cookie
    ("r8/uat-no-cookie", dict(uat=OLD_UAT), ("interstitial", "cookie-missing")),
    ("r8/uat-leading-digits", dict(uat="12abc"), ("interstitial", "cookie-missing")),
    ("r8/uat-negative", dict(uat="-1"), ("signed-out", "token-invalid")),
    ("r8/uat-nan", dict(uat="abc"), ("signed-out", "token-invalid")),
    ("r8/uat-with-cookie", dict(uat=OLD_UAT, cookie="valid"), SIGNED_IN),
    # row 9: uat '0'
    ("r9/uat-zero", dict(uat="0"), ("signed-out", "standard-signed-out")),
    ("r9/uat-zero-with-cookie", dict(uat="0", cookie="valid"), ("signed-out", "standard-signed-out")),
    ("r9/uat-00", dict(uat="00", cookie="valid"), SIGNED_IN),
    # row 10: verify the cookie, then compare with the uat
    ("r10/valid-older-than-iat", dict(cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r10/valid-uat-equals-iat", dict(cookie="valid", uat=str(IAT)), SIGNED_IN),
    ("r10/outdated", dict(cookie="valid", uat=NEW_UAT), ("interstitial", "cookie-outdated")),
    ("r10/expired", dict(cookie="expired", uat=OLD_UAT), ("interstitial", "token-expired")),
    ("r10/expired-beats-outdated", dict(cookie="expired", uat=NEW_UAT), ("interstitial", "token-expired")),
    ("r10/nbf-future", dict(cookie="nbf-future", uat=OLD_UAT), ("interstitial", "token-not-active-yet")),
    ("r10/iat-future", dict(cookie="iat-future", uat=OLD_UAT), ("interstitial", "token-iat-in-the-future")),
    ("r10/forged", dict(cookie="forged", uat=OLD_UAT), ("signed-out", "token-invalid-signature")),
    ("r10/wrong-issuer", dict(cookie="wrong-iss", uat=OLD_UAT), ("signed-out", "token-invalid-issuer")),
    ("r10/accounts-issuer", dict(cookie="accounts-iss", uat=OLD_UAT), SIGNED_IN),
    ("r10/satellite-skips-issuer", dict(cookie="wrong-iss", uat=OLD_UAT, is_satellite=True, domain="s.example.com"),
     SIGNED_IN),
    ("r10/proxy-issuer-exact", dict(cookie="valid", uat=OLD_UAT, proxy_url="https://clerk.inspired.puma-74.lcl.dev"),
     SIGNED_IN),
    ("r10/proxy-issuer-mismatch", dict(cookie="valid", uat=OLD_UAT, proxy_url="https://app.example.com/__clerk"),
     ("signed-out", "token-invalid-issuer")),
    ("r10/garbage", dict(cookie="garbage", uat=OLD_UAT), ("signed-out", "token-invalid")),
    ("r10/neither-key-nothing", dict(key=NEITHER), ("signed-out", "token-invalid")),
    ("r10/neither-key-valid", dict(key=NEITHER, ua=CURL, cookie="valid", uat=OLD_UAT), SIGNED_IN),
    ("r10/skew-within", dict(cookie="expired", uat=str(IAT - 3800), now=IAT - 3600 + 4), SIGNED_IN),
    ("r10/skew-zero", dict(cookie="expired", uat=str(IAT - 3800), now=IAT - 3600 + 1, clock_skew_in_ms=0),
     ("interstitial", "token-expired")),
    ("r10/azp-listed", dict(cookie="valid", uat=OLD_UAT, authorized_parties=["https://accounts.inspired.puma-74.lcl.dev"]),
     SIGNED_IN),
    ("r10/azp-missing", dict(cookie="no-azp", uat=OLD_UAT, authorized_parties=["https://a.example"]),
     ("signed-out", "token-invalid-authorized-parties")),
    # header path: only verification, no rule
    ("header/valid", dict(header="valid", ua=CURL, key=DEV), SIGNED_IN),
    ("header/valid-ignores-cross-origin", dict(header="valid", origin="https://evil.example.com"), SIGNED_IN),
    ("header/expired", dict(header="expired"), ("unknown", "token-expired")),
    ("header/nbf-future", dict(header="nbf-future"), ("unknown", "token-not-active-yet")),
    ("header/iat-future", dict(header="iat-future"), ("unknown", "token-iat-in-the-future")),
    ("header/forged", dict(header="forged"), ("signed-out", "token-invalid-signature")),
    ("header/garbage", dict(header="garbage"), ("signed-out", "token-invalid")),
    ("header/m2m-category", dict(header="m2m-category"), ("signed-out", "token-invalid")),
    ("header/wins-over-cookie", dict(header="expired", cookie="valid", uat=OLD_UAT), ("unknown", "token-expired")),
]


@pytest.mark.parametrize("kwargs,expected", [pytest.param(kw, exp, id=i) for i, kw, exp in CASES])
def test_rule_table(kwargs, expected):
    state = _state(**kwargs)
    assert (state.status, state.reason) == expected, state.message
    assert state.is_signed_in is (expected[0] == "signed-in")
    assert state.is_interstitial is (expected[0] == "interstitial")
    assert state.is_unknown is (expected[0] == "unknown")
    if expected[0] == "signed-in":
        assert state.message is None and state.token
        assert state.to_auth().user_id == "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"
    elif expected[1] in ("token-expired", "token-not-active-yet", "token-iat-in-the-future", "token-invalid",
                         "token-invalid-signature", "token-invalid-issuer", "token-invalid-authorized-parties"):
        carrier = "header" if kwargs.get("header") else "cookie"
        assert state.message.endswith(f"(reason={expected[1]}, token-carrier={carrier})")
    else:
        assert state.message == ""


def test_rule_order_is_the_0_38_table():
    assert [r.row for r in COOKIE_RULES] == ["1", "2", "3", "3b", "4", "5", "6", "7", "8", "9"]
    assert [(r.status, r.reason) for r in COOKIE_RULES] == [
        ("signed-out", "header-missing-cors"), ("signed-out", "header-missing-non-browser"),
        ("signed-out", "satellite-needs-syncing"), ("interstitial", "satellite-needs-syncing"),
        ("interstitial", "primary-responds-to-syncing"), ("signed-out", "cookie-and-uat-missing"),
        ("interstitial", "uat-missing"), ("interstitial", "cross-origin-referrer"), ("interstitial", "cookie-missing"),
        ("signed-out", "standard-signed-out")]


def test_every_row_is_reached_by_the_cases():
    reasons = {exp[1] for _, _, exp in CASES}
    assert {r.reason for r in COOKIE_RULES} <= reasons
    assert {"cookie-outdated", None} <= reasons


# ------------------------------------------------------------------------------- robustness
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_text = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(
    ["null", "https://evil.example.com", f"https://{HOST}", "http://[::1]:99999", "https://a b", "0", "-1", "1e3",
     "Bearer x.y.z", "a.b.c", "\u2028", "%zz", "https://clerk.x", "Mozilla/5.0"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from([DEV, PROD, NEITHER]), origin=_text, host=_text, forwarded_host=_text,
       forwarded_proto=_text, referrer=_text, ua=_text, uat=_text, cookie=_text, header=_text,
       query=st.one_of(st.none(), st.text(max_size=30)), satellite=st.booleans())
def test_any_input_gives_a_state_never_an_exception(key, origin, host, forwarded_host, forwarded_proto, referrer, ua,
                                                    uat, cookie, header, query, satellite):
    opts = dict(secret_key=key, jwt_key=rsa_key().public_pem(), env={}, origin=origin, host=host,
                forwarded_host=forwarded_host, forwarded_proto=forwarded_proto, referrer=referrer, user_agent=ua,
                client_uat=uat, cookie_token=cookie, header_token=header, search_params=query)
    if satellite:
        opts.update(is_satellite=True, domain="sat.example.com", sign_in_url="https://primary.example.com/sign-in")
    try:
        state = run(auth_state(clock=lambda: IAT, **opts))
    except Exception as exc:  # only the documented precondition errors may escape
        from clerk_edge.interstitial import AuthStateOptionsError
        assert isinstance(exc, AuthStateOptionsError) and exc.code == "sign-in-url-same-origin", repr(exc)
        return
    assert state.status in ("signed-in", "signed-out", "interstitial", "unknown")
    assert state.status == "signed-in" or isinstance(state.reason, str)
    assert state.status != "signed-in"  # no valid token is ever generated here
