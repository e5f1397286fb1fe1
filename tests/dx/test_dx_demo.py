"""``clerk-edge demo`` end to end: LocalClerk + the Workers example on CPython + the scripted tour."""
from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.no_pyodide(reason="runs servers and subprocesses")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOUR = [
    ("public route", 200),
    ("signed in by Authorization header", 200),
    ("signed in by __session cookie", 200),
    ("expired token (API call, no handshake)", 401),
    ("forged token (wrong key, same kid)", 401),
    ("browser with an expired session: handshake redirect round-trip", 200),
    ("the same browser again, with the cookies the handshake set", 200),
]


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _assert_tour(stdout: str) -> None:
    for title, status in TOUR:
        assert re.search(rf"^  ok   {re.escape(title)}: {status} \(expected {status}\)$", stdout, re.M), stdout
    assert f"tour: {len(TOUR)}/{len(TOUR)} steps answered as expected" in stdout


def test_demo_command_runs_the_tour():
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "clerk_edge", "demo"], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env=_env())
    elapsed = time.monotonic() - t0
    assert out.returncode == 0, out.stdout + out.stderr
    _assert_tour(out.stdout)
    assert re.search(r"local Clerk instance +: http://127\.0\.0\.1:\d+", out.stdout)
    assert re.search(r"app \(Worker on CPython\): http://127\.0\.0\.1:\d+", out.stdout)
    # the handshake really went app -> Frontend API -> app (nonce) -> signed in
    assert "/v1/client/handshake?" in out.stdout and "__clerk_handshake_nonce=" in out.stdout
    assert '"reason": "token-invalid-signature"' in out.stdout
    assert "x-clerk-auth-status: handshake" in out.stdout
    assert not re.search(r"sk_(test|live)_\w", out.stdout + out.stderr), "a secret key was printed beyond 7 characters"
    assert elapsed < 30, f"demo took {elapsed:.1f}s"


def test_demo_without_cryptography():
    """A clean install has no dependencies: the demo must work with the pure-Python key generation and crypto."""
    code = ("import sys; sys.modules['cryptography'] = None; "
            "from clerk_edge.cli import main; sys.exit(main(['demo']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=ROOT, env=_env())
    assert out.returncode == 0, out.stdout + out.stderr
    _assert_tour(out.stdout)


def test_demo_builtin_app_when_example_is_absent():
    """Installed without the repository (no workers_example/): the built-in app has the same routes."""
    from clerk_edge.testing.demo import builtin_app, run_tour
    from clerk_edge.testing.instance import LocalClerk
    from clerk_edge.testing.workers_shim import serve

    with LocalClerk() as clerk:
        with serve(builtin_app(), {"CLERK_SECRET_KEY": clerk.secret_key, "CLERK_PUBLISHABLE_KEY": clerk.publishable_key,
                                   "CLERK_API_URL": clerk.api_url}) as app:
            buf = io.StringIO()
            steps = run_tour(clerk, app.url, out=buf)
    assert [(s.title, s.status) for s in steps] == TOUR, buf.getvalue()


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_demo_with_real_keys_serves_the_same_app_without_a_tour():
    """With CLERK_SECRET_KEY/CLERK_PUBLISHABLE_KEY set the demo serves the app against that instance (here a key for a
    host that does not exist: only the public route and a signed-out answer are exercised — no network)."""
    from clerk_edge.testing.demo import http
    port = _free_port()
    pk = "pk_live_Y2xlcmsuZXhhbXBsZS5pbnZhbGlkJA"  # clerk.example.invalid$
    proc = subprocess.Popen([sys.executable, "-m", "clerk_edge", "demo", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=_env(CLERK_SECRET_KEY="sk_live_" + "x" * 40, CLERK_PUBLISHABLE_KEY=pk,
                                     CLERK_API_URL="http://127.0.0.1:9"))
    try:
        banner = [proc.stdout.readline() for _ in range(5)]
        assert "against YOUR Clerk instance" in banner[0] and "(Ctrl-C to stop)" in banner[4], banner
        deadline = time.monotonic() + 30
        while True:
            try:
                ex = http("GET", f"http://127.0.0.1:{port}/", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
                time.sleep(0.1)
        assert ex.status == 200
        # no token, not a browser navigation: signed out without touching the (unreachable) instance
        me = http("GET", f"http://127.0.0.1:{port}/me", {"Accept": "application/json"}, timeout=10)
        assert me.status == 401
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "sk_live_xxxxxxx" not in (proc.stdout.read() + proc.stderr.read())


def test_demo_serve_keeps_serving_after_the_tour():
    from clerk_edge.testing.demo import http
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "clerk_edge", "demo", "--serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env())
    try:
        token = None
        deadline = time.monotonic() + 60
        while token is None:
            line = proc.stdout.readline()
            assert line and time.monotonic() < deadline, proc.stderr.read()
            m = re.search(r"A fresh token \(60 s\): (\S+)", line)
            if m:
                token = m.group(1)
        me = http("GET", f"http://127.0.0.1:{port}/me", {"Authorization": f"Bearer {token}"})
        assert me.status == 200 and b'"carrier": "header"' in me.body
        assert http("GET", f"http://127.0.0.1:{port}/me").status == 401
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
