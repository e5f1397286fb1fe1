"""Throughput and import-time benchmark, as ratios against peers measured in the same run.

    python benchmarks/verify_bench.py [--seconds 1.0] [--rounds 5]

Targets run round-robin (rounds × a fixed time slice each) so machine noise hits all of them alike;
the figure per target is its median ops/s.  Ratios are against the *floor*: raw ``cryptography``
RS256 verify plus base64url/JSON decoding of the payload — the least work any verifier must do.

Rows: floor · bound (the floor plus only the checks exact Clerk semantics require, inlined: the best any exact
verifier could do) · clerk_edge.sync.verify_token (jwt_key) · clerk_edge.sync.verify_token (secret key,
warm JWKS from a loopback server) · clerk_edge pure-stdlib backend · PyJWT ``jwt.decode`` with a
loaded key · @clerk/backend ``verifyToken`` in Node (when node_modules is installed).
Then ``import clerk_edge`` time over a bare interpreter (median of fresh processes).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _rate(fn, seconds):
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def _targets():
    import base64

    import jwt as pyjwt
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    import clerk_edge.sync as ce
    from clerk_edge.jwks.cache import JwksCache
    from clerk_edge.testing.signing import generate_rsa_key, sign_jwt
    from tests.support.mock_server import MockServer

    key = generate_rsa_key(2048, kid="ins_bench")
    now = int(time.time())
    claims = {"azp": "http://localhost:3000", "exp": now + 3600, "iat": now, "iss": "https://clerk.bench.lcl.dev",
              "nbf": now - 10, "sid": "sess_bench", "sub": "user_bench"}
    # distinct tokens (more than clerk_edge's signature-verdict cache holds), cycled, for every
    # "verify" row: each call does the full RSA work; one extra row shows a repeated token
    tokens = [sign_jwt(dict(claims, sid=f"sess_{i}"), key) for i in range(1500)]
    token = tokens[0]
    pem = key.public_pem()
    pub = serialization.load_pem_public_key(pem.encode())
    parts = []
    for t in tokens:
        h, p, s = t.split(".")
        parts.append((f"{h}.{p}".encode(), base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), p))
    cycle = {"i": 0}

    def nxt(seq):
        i = cycle["i"] = (cycle["i"] + 1) % len(seq)
        return seq[i]

    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def floor():
        signing_input, sig, p = nxt(parts)
        pub.verify(sig, signing_input, pkcs1, sha256)
        json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))

    # A lower bound for any *exact* Clerk verifier in CPython: the floor plus only the checks Clerk's rules make
    # mandatory (three segments, base64url alphabet, header JSON and alg/typ, signature decoding, sub, exp, nbf,
    # iat), inlined with no options, no error messages, no backends and no sans-I/O machinery.  Not a product
    # code path: it answers "how close to the floor can exact semantics get at all?".
    import re
    shape = re.compile(r"[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}\Z")
    headers = {}

    def b64(seg):
        return base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))

    def bound():
        t = nxt(tokens)
        h, p, s = t.split(".")
        if not shape.match(t):
            raise ValueError
        header = headers.get(h)
        if header is None:
            header = headers[h] = json.loads(b64(h))
        if header.get("alg") != "RS256" or header.get("typ", "JWT") != "JWT":
            raise ValueError
        pub.verify(b64(s), f"{h}.{p}".encode(), pkcs1, sha256)
        payload = json.loads(b64(p))
        now_ms, skew = time.time() * 1000, 5000
        exp, nbf, iat = payload["exp"], payload.get("nbf"), payload.get("iat")
        if not isinstance(payload.get("sub"), str) or exp * 1000 <= now_ms - skew or \
                (nbf is not None and nbf * 1000 > now_ms + skew) or (iat is not None and iat * 1000 > now_ms + skew):
            raise ValueError

    server = MockServer()
    server.on("GET", "/v1/jwks", json={"keys": [key.public_jwk()]})
    cache = JwksCache()
    env = {}
    ce.verify_token(token, secret_key="sk_test_bench", api_url=server.url, jwks_cache=cache, env=env)

    def ours_jwks():
        ce.verify_token(nxt(tokens), secret_key="sk_test_bench", api_url=server.url, jwks_cache=cache, env=env)

    def ours_pem():
        ce.verify_token(nxt(tokens), jwt_key=pem, env=env)

    def ours_repeat():
        ce.verify_token(token, secret_key="sk_test_bench", api_url=server.url, jwks_cache=cache, env=env)

    def ours_pure():
        ce.verify_token(nxt(tokens), jwt_key=pem, env=env, crypto="pure")

    def pyjwt_decode():
        pyjwt.decode(nxt(tokens), pub, algorithms=["RS256"], options={"verify_aud": False})

    targets = {
        "floor: cryptography verify + JSON": floor,
        "bound: floor + Clerk's mandatory checks, inlined": bound,
        "clerk_edge verify_token (secret key, warm JWKS)": ours_jwks,
        "clerk_edge verify_token (jwt_key PEM)": ours_pem,
        "clerk_edge verify_token (pure stdlib crypto)": ours_pure,
        "clerk_edge verify_token, same token again (verdict cache)": ours_repeat,
        f"PyJWT {pyjwt.__version__} decode (loaded key)": pyjwt_decode,
    }
    for name, fn in targets.items():
        fn()  # warm up and prove it works
    assert server.count() == 1, "the warm-JWKS target must not refetch"
    return targets, token, pem, server


def _node(token, pem, seconds, rounds):
    script = os.path.join(ROOT, "benchmarks", "verify_bench_node.mjs")
    if not os.path.exists(os.path.join(ROOT, "node_modules", "@clerk", "backend")):
        return None
    try:
        out = subprocess.run(["node", script, token, pem, str(seconds), str(rounds)], capture_output=True, text=True,
                             cwd=ROOT, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        print("node benchmark failed:", out.stderr.strip()[:300])
        return None
    return json.loads(out.stdout)


def _import_ms(samples=15):
    def timed(code):
        t = []
        for _ in range(samples):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-S", "-c", code], check=True, cwd=ROOT)
            t.append(time.perf_counter() - start)
        return statistics.median(t) * 1000

    bare = timed("pass")
    ours = timed(f"import sys; sys.path.insert(0, {ROOT!r}); import clerk_edge")
    return bare, ours


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    targets, token, pem, server = _targets()
    rates = {name: [] for name in targets}
    for _ in range(args.rounds):
        for name, fn in targets.items():
            rates[name].append(_rate(fn, args.seconds))
    node = _node(token, pem, args.seconds, args.rounds)
    server.close()
    med = {name: statistics.median(v) for name, v in rates.items()}
    if node:
        for name, v in node.items():
            med[name] = statistics.median(v)
    floor = med["floor: cryptography verify + JSON"]
    print(f"\nRS256 verification, {args.rounds} rounds × {args.seconds}s round-robin (median ops/s; ratio to the floor)")
    print(f"{'target':58} {'ops/s':>9} {'µs/op':>8} {'× floor':>8}")
    for name, v in med.items():
        print(f"{name:58} {v:9.0f} {1e6 / v:8.1f} {v / floor:8.2f}")
    bare, ours = _import_ms()
    print(f"\nimport clerk_edge: {ours - bare:.1f} ms over a bare interpreter ({bare:.1f} ms), median of 15, python -S")


if __name__ == "__main__":
    main()
