"""Remote interstitial: the public URL (parameter order; compared with 0.38's own builder in Node) and
the fetches against the loopback mock Backend API (retries, typed errors)."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess

import pytest

from clerk_edge.errors import FetchError, TokenVerificationError
from clerk_edge.interstitial import (AuthStateOptionsError, remote_private_interstitial, remote_public_interstitial,
                                     remote_public_interstitial_url)
from clerk_edge.interstitial.remote import public_interstitial_core
from clerk_edge.runner import Runtime, run_async
from tests.conftest import ROOT
from tests.support.aio import run

PK_DEV = "pk_test_Y2xlcmsuaW5zcGlyZWQucHVtYS03NC5sY2wuZGV2JA"
PK_PROD = "pk_live_" + base64.b64encode(b"clerk.example.com$").decode()
PAGE = "<html><body>interstitial</body></html>"

URL_CASES = [
    dict(api_url="https://api.clerk.dev", publishable_key=PK_PROD, clerk_js_version="4"),
    dict(api_url="https://api.clerk.dev", publishable_key=PK_DEV),
    dict(api_url="https://api.clerk.com/", publishable_key=PK_PROD, proxy_url="https://app.example.com/__clerk",
         is_satellite=True, sign_in_url="https://primary.example.com/sign-in?x=a b&y=~*", domain="sat.example.com"),
    dict(api_url="https://api.clerk.com", frontend_api="clerk.legacy.lcl.dev", pkg_version="3.4.5"),
    dict(api_url="https://api.clerk.com/base", frontend_api="foo.clerkstage.dev"),
    dict(api_url="http://127.0.0.1:8080", publishable_key=PK_PROD, domain="é.example.com"),
]


def test_public_url_parameter_order():
    assert remote_public_interstitial_url(**URL_CASES[0]) == (
        "https://api.clerk.dev/v1/public/interstitial?clerk_js_version=4&publishable_key=" + PK_PROD
        + "&sign_in_url=&use_domain_for_script=true")
    assert remote_public_interstitial_url(**URL_CASES[2]) == (
        "https://api.clerk.com/v1/public/interstitial?clerk_js_version=latest&publishable_key=" + PK_PROD
        + "&proxy_url=https%3A%2F%2Fapp.example.com%2F__clerk&is_satellite=true"
        + "&sign_in_url=https%3A%2F%2Fprimary.example.com%2Fsign-in%3Fx%3Da+b%26y%3D%7E*"
        + "&use_domain_for_script=true&domain=sat.example.com")
    dev = remote_public_interstitial_url(**URL_CASES[1])
    assert "use_domain_for_script" not in dev and dev.endswith("&sign_in_url=")
    assert "frontend_api=clerk.legacy.lcl.dev" in remote_public_interstitial_url(**URL_CASES[3])
    assert "clerk_js_version=3&" in remote_public_interstitial_url(**URL_CASES[3])
    with pytest.raises(AuthStateOptionsError):
        remote_public_interstitial_url(api_url="not a url", publishable_key=PK_PROD)


@pytest.mark.no_pyodide(reason="runs Node as a subprocess")
@pytest.mark.skipif(not shutil.which("node") or not os.path.exists(os.path.join(ROOT, "node_modules", "clerk-backend-038")),
                    reason="node or clerk-backend-038 missing")
def test_public_url_matches_clerk_0_38():
    names = {"api_url": "apiUrl", "publishable_key": "publishableKey", "frontend_api": "frontendApi",
             "proxy_url": "proxyUrl", "is_satellite": "isSatellite", "sign_in_url": "signInUrl", "domain": "domain",
             "clerk_js_version": "clerkJSVersion", "pkg_version": "pkgVersion"}
    opts = [{names[k]: v for k, v in c.items()} for c in URL_CASES]
    script = ("const {Clerk}=require('clerk-backend-038');console.warn=()=>{};"
              "const opts=JSON.parse(process.argv[1]);"
              "process.stdout.write(JSON.stringify(opts.map(o=>Clerk({secretKey:'sk_x'}).remotePublicInterstitialUrl(o))))")
    proc = subprocess.run(["node", "-e", script, json.dumps(opts)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    ours = [remote_public_interstitial_url(**c) for c in URL_CASES]
    # URL.href lower-cases and punycodes the host; our builder leaves the api_url's host as given
    assert ours[:5] == theirs[:5]
    assert ours[5].replace("%C3%A9", "xn--9ca") == theirs[5].replace("%C3%A9", "xn--9ca")


def test_remote_public_interstitial_fetches_the_page(mock_server):
    mock_server.on("GET", "/v1/public/interstitial", body=PAGE, headers={"content-type": "text/html"})
    text = run(remote_public_interstitial(api_url=mock_server.url, publishable_key=PK_PROD, user_agent="ua-test/1"))
    assert text == PAGE
    (req,) = mock_server.requests("/v1/public/interstitial")
    assert [k for k, _ in req["query"]] == ["clerk_js_version", "publishable_key", "sign_in_url", "use_domain_for_script"]
    assert dict(req["query"])["publishable_key"] == PK_PROD
    headers = {k.lower(): v for k, v in req["headers"].items()}
    assert headers["clerk-backend-sdk"] == "ua-test/1" and "authorization" not in headers


def test_remote_public_interstitial_non_2xx_is_a_typed_error(mock_server):
    mock_server.on("GET", "/v1/public/interstitial", status=404, body="nope")
    url = remote_public_interstitial_url(api_url=mock_server.url, publishable_key=PK_PROD)
    with pytest.raises(TokenVerificationError) as err:
        run(remote_public_interstitial(api_url=mock_server.url, publishable_key=PK_PROD))
    assert err.value.reason == "interstitial-remote-failed-to-load"
    assert err.value.message == f"Error loading Clerk Interstitial from {url} with code=404"
    assert err.value.action == "Contact support@clerk.com"
    assert mock_server.count("/v1/public/interstitial") == 1  # a 4xx is not retried


def _fast_runtime(slept):
    async def fake_sleep(seconds):
        slept.append(seconds)
    return Runtime(async_sleep=fake_sleep)


def test_5xx_is_retried_with_backoff(mock_server):
    mock_server.on("GET", "/v1/public/interstitial", status=503, body="busy", times=2)
    mock_server.on("GET", "/v1/public/interstitial", body=PAGE)
    slept = []
    url = remote_public_interstitial_url(api_url=mock_server.url, publishable_key=PK_PROD)
    assert run(run_async(public_interstitial_core(url), _fast_runtime(slept))) == PAGE
    assert slept == [0.2, 0.4] and mock_server.count("/v1/public/interstitial") == 3


def test_persistent_5xx_gives_up_after_5_attempts(mock_server):
    mock_server.on("GET", "/v1/public/interstitial", status=502, body="bad gateway")
    slept = []
    url = remote_public_interstitial_url(api_url=mock_server.url, publishable_key=PK_PROD)
    with pytest.raises(TokenVerificationError) as err:
        run(run_async(public_interstitial_core(url), _fast_runtime(slept)))
    assert err.value.message.endswith("with code=502")
    assert slept == [0.2, 0.4, 0.8, 1.6] and mock_server.count("/v1/public/interstitial") == 5


def test_transport_failure_is_retried_then_raised():
    slept = []
    url = remote_public_interstitial_url(api_url="http://127.0.0.1:1", publishable_key=PK_PROD)
    with pytest.raises(FetchError):
        run(run_async(public_interstitial_core(url), _fast_runtime(slept)))
    assert slept == [0.2, 0.4, 0.8, 1.6]


def test_remote_private_interstitial(mock_server):
    mock_server.on("GET", "/v1/internal/interstitial", body=PAGE)
    assert run(remote_private_interstitial(secret_key="sk_live_private", api_url=mock_server.url)) == PAGE
    (req,) = mock_server.requests("/v1/internal/interstitial")
    assert {k.lower(): v for k, v in req["headers"].items()}["authorization"] == "Bearer sk_live_private"
    with pytest.raises(AuthStateOptionsError):
        run(remote_private_interstitial(secret_key=None, env={}, api_url=mock_server.url))
