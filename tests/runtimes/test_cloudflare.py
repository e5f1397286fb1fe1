"""Opt-in tier: workers_example on Cloudflare's real Python Workers runtime (workerd's
``python_workers`` flag).  Needs ``CLERK_EDGE_PYODIDE_BUNDLE_DIR`` holding Cloudflare's sha256-pinned
Pyodide bundle (no registry ships it); skipped with one line otherwise."""
from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from runtimes import cloudflare

pytestmark = pytest.mark.no_pyodide(reason="starts workerd (subprocess, sockets)")

if cloudflare.skip_reason():
    pytest.skip(cloudflare.skip_reason(), allow_module_level=True)

from runtimes import workerd as wd  # noqa: E402
from tests.runtimes import keys  # noqa: E402
from tests.runtimes.test_workerd import PUBLISHABLE, SECRET, body_json, get  # noqa: E402
from tests.support.mock_server import MockServer  # noqa: E402


@pytest.fixture(scope="module")
def worker(pytestconfig, tmp_path_factory):
    api = MockServer()
    api.on("GET", "/v1/jwks", json={"keys": [keys.key().public_jwk()]})
    port = wd.free_port()
    config = cloudflare.build({"CLERK_SECRET_KEY": SECRET, "CLERK_PUBLISHABLE_KEY": PUBLISHABLE,
                               "CLERK_API_URL": api.url}, port, out=str(tmp_path_factory.mktemp("python-workers")))
    log_path = os.path.join(os.path.dirname(config), "workerd.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cloudflare.serve_command(config), cwd=os.path.dirname(config),
                                stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"workerd (python_workers) exited: {open(log_path).read()[-3000:]}")
            try:
                urllib.request.urlopen(url + "/", timeout=60).read()
                break
            except OSError:
                if time.perf_counter() - t0 > 90:
                    pytest.fail(f"python_workers did not answer: {open(log_path).read()[-3000:]}")
                time.sleep(0.2)
        from runtimes.report_plugin import metric
        metric(pytestconfig, "python_workers first response", f"{time.perf_counter() - t0:.2f} s")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        api.close()


@pytest.mark.parametrize("carrier", ["header", "cookie"])
def test_valid_and_rejected_tokens(worker, carrier):
    def h(t):
        return {"Authorization": f"Bearer {t}"} if carrier == "header" else {"Cookie": f"__session={t}"}
    ok = get(worker + "/me", h(keys.valid_token()))
    assert ok[0] == 200, ok
    assert body_json(ok)["user_id"] == "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr"
    assert body_json(get(worker + "/me", h(keys.expired_token())))["reason"] == "token-expired"
    assert body_json(get(worker + "/me", h(keys.forged_token())))["reason"] == "token-invalid-signature"
