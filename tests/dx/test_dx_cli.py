"""The ``clerk-edge`` CLI, run as ``python -m clerk_edge`` in a subprocess: exit codes and outputs."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_pyodide(reason="runs subprocesses and a loopback server")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, stdin=None, env_extra=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLERK_")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "clerk_edge", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


def test_help_and_usage_errors():
    out = run("--help")
    assert out.returncode == 0 and "decode" in out.stdout and "verify" in out.stdout and "demo" in out.stdout
    assert run().returncode == 2
    bad = run("verify")
    assert bad.returncode == 2 and "token" in bad.stderr
    both = run("verify", "x", "--jwt-key", "a", "--secret-key", "b")
    assert both.returncode == 2 and "not allowed" in both.stderr


def test_decode_shows_header_claims_and_times(local_clerk):
    token = local_clerk.mint_session_token(user_id="user_cli", issued_at=1_700_000_000, expires_in=60)
    out = run("decode", token)
    assert out.returncode == 0, out.stderr
    assert "alg: \"RS256\"" in out.stdout and f'kid: "{local_clerk.kid}"' in out.stdout
    assert 'sub: "user_cli"' in out.stdout
    assert re.search(r'exp: 1700000060\s+# 2023-11-14 22:14:20 UTC \(\d+(\.\d)?d ago\)', out.stdout), out.stdout
    assert "status: expired" in out.stdout and "NOT verified" in out.stdout
    js = run("decode", "--json", "-", stdin="Bearer " + token + "\n")
    assert js.returncode == 0 and json.loads(js.stdout)["payload"]["sub"] == "user_cli"


def test_decode_rejects_garbage():
    out = run("decode", "not.a.jwt")
    assert out.returncode == 1 and "token-invalid" in out.stderr and "could not be decoded" in out.stderr
    out = run("decode", "onlyonepart")
    assert out.returncode == 1 and "three parts" in out.stderr


def test_verify_with_jwt_key(local_clerk, tmp_path):
    token = local_clerk.mint_session_token(user_id="user_v")
    out = run("verify", token, "--jwt-key", local_clerk.jwt_key)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("valid") and 'sub: "user_v"' in out.stdout
    pem = tmp_path / "key.pem"
    pem.write_text(local_clerk.jwt_key)
    assert run("verify", token, "--jwt-key", f"@{pem}", "--json").returncode == 0
    # key from the environment
    assert run("verify", token, env_extra={"CLERK_JWT_KEY": local_clerk.jwt_key}).returncode == 0


@pytest.mark.parametrize("kwargs, reason", [({"expired": True}, "token-expired"),
                                            ({"forged": True}, "token-invalid-signature")])
def test_verify_failures_exit_1_with_reason(local_clerk, kwargs, reason):
    out = run("verify", local_clerk.mint_session_token(**kwargs), "--jwt-key", local_clerk.jwt_key)
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == f"invalid: {reason}"


def test_verify_with_secret_key_against_local_instance(local_clerk):
    token = local_clerk.mint_session_token(azp="https://app.test")
    ok = run("verify", token, "--secret-key", local_clerk.secret_key, "--api-url", local_clerk.api_url,
             "--authorized-party", "https://app.test")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    azp = run("verify", token, "--secret-key", local_clerk.secret_key, "--api-url", local_clerk.api_url,
              "--authorized-party", "https://other.test")
    assert azp.returncode == 1 and "token-invalid-authorized-parties" in azp.stdout
    # an explicit --secret-key wins over a CLERK_JWT_KEY in the environment (here: a key that would reject the token)
    from clerk_edge.testing import generate_rsa_key
    other_pem = generate_rsa_key(2048).public_pem()
    env_jwt = run("verify", token, "--secret-key", local_clerk.secret_key, "--api-url", local_clerk.api_url,
                  env_extra={"CLERK_JWT_KEY": other_pem})
    assert env_jwt.returncode == 0, env_jwt.stdout
    wrong = run("verify", token, "--secret-key", "sk_test_wrong", "--api-url", local_clerk.api_url)
    assert wrong.returncode == 1 and "secret-key-invalid" in wrong.stdout
    assert "sk_test_wrong" not in wrong.stdout + wrong.stderr


def test_jwks(local_clerk):
    out = run("jwks", "--secret-key", local_clerk.secret_key, "--api-url", local_clerk.api_url)
    assert out.returncode == 0, out.stderr
    assert f"kid={local_clerk.kid} kty=RSA 2048 bits alg=RS256" in out.stdout
    js = run("jwks", "--json", env_extra={"CLERK_SECRET_KEY": local_clerk.secret_key,
                                          "CLERK_API_URL": local_clerk.api_url})
    assert json.loads(js.stdout) == local_clerk.jwks()
    bad = run("jwks", "--secret-key", "sk_test_0123456789abcdef", "--api-url", local_clerk.api_url)
    assert bad.returncode == 1 and "401" in bad.stderr and "clerk_key_invalid" in bad.stderr
    assert "0123456789abcdef" not in bad.stderr
    assert run("jwks").returncode == 2


def test_jwks_unreachable_is_a_clean_error():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    out = run("jwks", "--secret-key", "sk_test_x", "--api-url", f"http://127.0.0.1:{port}")
    assert out.returncode == 1 and "could not reach" in out.stderr and "Traceback" not in out.stderr


def test_verify_bad_key_inputs_are_clean_errors(local_clerk):
    token = local_clerk.mint_session_token()
    missing = run("verify", token, "--jwt-key", "@/nonexistent/key.pem")
    assert missing.returncode == 2 and "cannot read the key file" in missing.stderr
    garbage = run("verify", token, "--jwt-key", "not a pem")
    assert garbage.returncode == 1 and garbage.stdout.startswith("invalid: token-verification-failed")
    for out in (missing, garbage):
        assert "Traceback" not in out.stderr


def test_console_script_entry_point():
    exe = os.path.join(os.path.dirname(sys.executable), "clerk-edge")
    if not os.path.exists(exe):
        pytest.skip("clerk-edge console script not installed in this environment (pip install -e .)")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    from clerk_edge import __version__
    assert out.returncode == 0 and out.stdout.strip() == f"clerk-edge {__version__}"
