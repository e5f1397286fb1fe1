"""Every crypto backend available in this interpreter against Project Wycheproof's vectors.

Vectors come from ``SHARED/vectors/wycheproof/`` (RSA PKCS#1 v1.5 2048/3072/4096 with SHA-256/384/512,
ECDSA P-256/P-384/P-521 in IEEE P1363 ``r || s`` form — the JWS form — and Ed25519).  The public key
of each group is parsed from its DER SPKI with *our* parser (:func:`clerk_edge.keys.parse.from_der`),
so the parser is exercised on every key too; the JWK form is cross-checked where the file has one.

Every ``valid`` vector must verify and every ``invalid`` vector must not, for every backend.
``acceptable`` vectors are counted separately.  The only acceptable vectors in these files are the
RSA "MissingNull" cases (a DigestInfo whose AlgorithmIdentifier omits the NULL parameters; one per
RSA file, 6 in all).  How each backend treats them (asserted below, so a change is noticed):

* ``pure`` — rejects them: it compares the full encoded message, built with the NULL parameters
  (RFC 8017 §9.2 note 2 allows either; rejecting is the strict choice).
* ``cryptography`` — rejects them (OpenSSL also builds and compares the canonical encoding).
* ``webcrypto`` — rejects them (measured in Pyodide 0.28.2 under Node 20, whose WebCrypto is OpenSSL).

Backends: ``pure`` and ``cryptography`` on CPython; ``pure`` and ``webcrypto`` inside Pyodide
(WebCrypto is async: each file's vectors run in one coroutine driven by ``tests.support.aio.run``,
i.e. ``pyodide.ffi.run_sync`` with the harness' JSPI flag).  Every backend runs every vector: the
whole pure run takes ~4 s on CPython 3.11 (P-521 is the slowest, ~2 s), so no subsampling is needed.
"""
from __future__ import annotations

import glob
import json
import os
import sys

import pytest

from tests.conftest import IN_PYODIDE, SHARED

VECTOR_DIR = os.path.join(SHARED, "vectors", "wycheproof")
FILES = sorted(glob.glob(os.path.join(VECTOR_DIR, "*_test.json")))

if not FILES:
    print(f"test_wycheproof: no vectors in {VECTOR_DIR}; skipping", file=sys.stderr)
    pytestmark = pytest.mark.skip(reason=f"Wycheproof vectors not found in {VECTOR_DIR} (set CLERK_EDGE_SHARED_DIR)")

def _alg_for(name: str) -> str:
    if name.startswith("rsa_signature_"):
        return "RS" + name.split("_sha")[1][:3]
    if name.startswith("ecdsa_secp256r1"):
        return "ES256"
    if name.startswith("ecdsa_secp384r1"):
        return "ES384"
    if name.startswith("ecdsa_secp521r1"):
        return "ES512"
    if name.startswith("ed25519"):
        return "EdDSA"
    raise AssertionError(f"unknown vector file {name}")


def _load(path):
    from clerk_edge.keys.parse import from_der, from_jwk
    with open(path) as fh:
        data = json.load(fh)
    alg = _alg_for(os.path.basename(path))
    cases = []
    for group in data["testGroups"]:
        key = from_der(bytes.fromhex(group["publicKeyDer"]))
        jwk = group.get("publicKeyJwk") or group.get("keyJwk")
        if jwk:
            assert from_jwk({k: v for k, v in jwk.items() if k in ("kty", "crv", "n", "e", "x", "y")}) == key
        for t in group["tests"]:
            cases.append((t["tcId"], key, bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]), t["result"],
                          tuple(t.get("flags", ()))))
    return alg, cases


def _backends():
    out = ["pure"]
    if IN_PYODIDE:
        out.append("webcrypto")
    else:
        try:
            import cryptography  # noqa: F401
            out.append("cryptography")
        except ImportError:
            print("test_wycheproof: cryptography not importable; pyca backend not tested", file=sys.stderr)
    return out


def _run_vectors(backend_name, alg, cases):
    from clerk_edge.crypto import resolve_crypto
    backend = resolve_crypto(backend_name)
    if backend.is_async_only:
        from tests.support.aio import run

        async def go():
            return [await backend.averify(alg, key, msg, sig) for (_, key, msg, sig, _, _) in cases]
        return run(go())
    return [backend.verify(alg, key, msg, sig) for (_, key, msg, sig, _, _) in cases]


COUNTS: dict = {}


@pytest.mark.parametrize("backend_name", _backends())
@pytest.mark.parametrize("path", FILES or [None],  # [None]: keep one (skipped) item so the reason is shown
                         ids=[os.path.basename(f)[:-len("_test.json")] for f in FILES] or ["vectors-missing"])
def test_wycheproof(path, backend_name):
    alg, cases = _load(path)
    verdicts = _run_vectors(backend_name, alg, cases)
    failures, counts, acceptable = [], {"valid": 0, "invalid": 0, "acceptable": 0}, []
    for case, ok in zip(cases, verdicts):
        tc_id, _, _, _, result, flags = case
        assert isinstance(ok, bool)
        counts[result] += 1
        if result == "acceptable":
            acceptable.append((tc_id, flags, ok))
        elif ok != (result == "valid"):
            failures.append((tc_id, result, flags))
    COUNTS[(backend_name, os.path.basename(path))] = (counts, acceptable)
    print(f"{backend_name} {os.path.basename(path)}: {counts}, acceptable verdicts {acceptable}")
    assert not failures, f"{backend_name}/{alg}: {len(failures)} wrong verdicts: {failures[:10]}"
    assert counts["valid"] > 0 and counts["invalid"] > 0
    # documented above: every backend rejects the MissingNull encodings
    assert all(not ok and "MissingNull" in flags for (_, flags, ok) in acceptable), acceptable
