"""Differential: has() (claims v1/v2 → auth properties → createCheckAuthorization) and the
organization-sync path patterns (path-to-regexp 6) against @clerk/shared in Node."""
from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.no_pyodide(reason="runs Node as a subprocess")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ORACLE = os.path.join(ROOT, "tests", "oracle", "shared_authorization.mjs")
HAVE_NODE = shutil.which("node") and os.path.exists(os.path.join(ROOT, "node_modules", "@clerk", "shared"))

CLAIMS = [
    {"sub": "user_1"},
    {"sub": "user_1", "org_id": "org_1", "org_role": "admin", "org_permissions": ["org:sys:read", "org:f:write"]},
    {"sub": "user_1", "org_id": "org_1", "org_role": "org:admin", "org_slug": "acme"},
    {"sub": "user_1", "org_role": "admin", "org_permissions": ["org:sys:read"]},
    {"sub": None, "org_id": "org_1", "org_role": "admin"},
    {"sub": "user_1", "v": 2, "o": {"id": "org_2", "slg": "beta", "rol": "admin", "per": "read,manage", "fpm": "2,3"},
     "fea": "o:reservations,u:dashboard,uo:support-chat,o:impersonation", "pla": "u:pro,o:team"},
    {"sub": "user_1", "v": 2, "o": {"id": "org_2", "rol": "member", "per": "read,manage,delete", "fpm": "7,0,5"},
     "fea": "ou:a,o:b,o:c"},
    {"sub": "user_1", "v": 2, "o": {"id": "org_3"}, "fea": "u:x"},
    {"sub": "user_1", "v": 2, "o": {"id": "org_4", "per": "r", "fpm": "x,1"}, "fea": "o:a,o:b"},
    {"sub": "user_1", "v": 2, "fea": "o:a", "pla": "o:team"},
    {"sub": "user_1", "fva": [5, 5]}, {"sub": "user_1", "fva": [100, -1]}, {"sub": "user_1", "fva": [-1, 30]},
    {"sub": "user_1", "fva": [-1, -1]}, {"sub": "user_1", "fva": [2000, 2000]}, {"sub": "user_1", "fva": [5]},
]
PARAMS = [{}, {"role": "admin"}, {"role": "org:admin"}, {"role": "member"}, {"role": "org:member"},
          {"permission": "org:sys:read"}, {"permission": "sys:read"}, {"permission": "org:reservations:manage"},
          {"permission": "reservations:read"}, {"permission": "org:support-chat:read"}, {"permission": "org:a:read"},
          {"permission": "org:a:delete"}, {"feature": "reservations"}, {"feature": "org:reservations"},
          {"feature": "o:dashboard"}, {"feature": "user:dashboard"}, {"feature": "u:support-chat"},
          {"feature": "bogus:x"}, {"feature": "a"}, {"plan": "pro"}, {"plan": "org:pro"}, {"plan": "organization:team"},
          {"plan": "team"}, {"reverification": "strict"}, {"reverification": "strict_mfa"},
          {"reverification": "moderate"}, {"reverification": "lax"}, {"reverification": "bogus"},
          {"reverification": {"level": "first_factor", "afterMinutes": 10}},
          {"reverification": {"level": "multi_factor", "afterMinutes": 60}},
          {"reverification": {"level": "second_factor", "afterMinutes": 0}},
          {"role": "admin", "permission": "org:sys:read"}, {"role": "admin", "feature": "reservations"},
          {"permission": "org:reservations:manage", "plan": "team"}, {"role": "admin", "reverification": "lax"},
          {"role": 5}, {"feature": ""}]
PATTERNS = [
    (["/orgs/:slug", "/orgs/:slug/(.*)"], ["/orgs/acme", "/orgs/acme/", "/orgs/acme/x/y", "/ORGS/Acme", "/orgs", "/orgsx/a"]),
    (["/o/:id"], ["/o/org_1", "/o/org_1/more", "/o/"]),
    (["/team/:slug?"], ["/team", "/team/x", "/team/x/y"]),
    (["/a/:id/b/:slug"], ["/a/1/b/2", "/a/1/b"]),
    (["/files/:path*"], ["/files", "/files/a/b/c"]),
    (["/p/:id(\\d+)"], ["/p/12", "/p/ab"]),
    (["/me", "/me/(.*)"], ["/me", "/me/settings", "/meet"]),
    (["/x/:id.json"], ["/x/5.json", "/x/5"]),
    (["/bad/:"], ["/bad/x"]),
    ([], ["/anything"]),
]


def _py_has(claims, params):
    from clerk_edge.auth_objects import SignedInAuthObject
    auth = SignedInAuthObject("tok", claims)
    p = dict(params)
    if isinstance(p.get("reverification"), dict):   # our dict form accepts both spellings
        p["reverification"] = dict(p["reverification"])
    return ({"orgId": auth.org_id, "orgRole": auth.org_role, "orgSlug": auth.org_slug,
             "orgPermissions": auth.org_permissions}, auth.has(p))


def _py_pattern(patterns, path):
    from clerk_edge.errors import ClerkEdgeError
    from clerk_edge.handshake.org_sync import compile_patterns
    try:
        params = compile_patterns(patterns)(path)
    except (ValueError, ClerkEdgeError) as exc:
        return {"error": str(exc)}
    # JSON object keys are strings on the JS side (unnamed groups are numbered)
    return {"nomatch": True} if params is None else {"params": {str(k): v for k, v in params.items()}}


@pytest.mark.skipif(not HAVE_NODE, reason="node or node_modules/@clerk/shared missing")
def test_has_and_patterns_match_clerk_shared(capsys):
    has_cases = [{"claims": c, "params": p} for c, p in itertools.product(CLAIMS, PARAMS)]
    pattern_cases = [{"patterns": p, "path": path} for p, paths in PATTERNS for path in paths]
    proc = subprocess.run(["node", ORACLE], input=json.dumps({"has": has_cases, "patterns": pattern_cases}),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    js = json.loads(proc.stdout)
    bad = []
    for case, out in zip(has_cases, js["has"]):
        props, result = _py_has(case["claims"], case["params"])
        if "error" in out["props"]:
            bad.append(("has-props-js-error", case, out))   # none expected in this corpus
            continue
        if props != out["props"] or result != out["result"]:
            bad.append(("has", case, (props, result), out))
    pattern_bad = []
    for case, out in zip(pattern_cases, js["patterns"]):
        mine = _py_pattern(case["patterns"], case["path"])
        if ("error" in mine) != ("error" in out) or ("error" not in mine and mine != out):
            pattern_bad.append((case, mine, out))
    with capsys.disabled():
        print(f"\n[@clerk/shared differential] has(): {len(has_cases)} cases, {len(bad)} differ; "
              f"org-sync patterns: {len(pattern_cases)} cases, {len(pattern_bad)} differ")
    assert not bad, bad[:5]
    assert not pattern_bad, pattern_bad[:8]
