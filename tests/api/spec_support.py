"""Test-side helpers around Clerk's OpenAPI spec: load it, and make spec-valid arguments for any operation.

The spec is read from ``$CLERK_BAPI_SPEC`` or ``<shared>/clerk-bapi-openapi.yml`` (never copied into the repo).
Values are generated from the schemas: ``enum`` → first member, ``pattern`` → a sample from :data:`PATTERNS`
(a new pattern in the spec makes generation fail loudly), ``format`` → a fitting literal, ``minimum``/
``minLength``/``minItems`` honoured; object bodies get their required properties.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re

from tests.conftest import SHARED

SPEC_SHA256 = "75df3a43fcb2d9fc4467a23c717714f5228aa3267b0930ba34612728365fd8f2"

PATTERNS = {
    r"^(\S(.*\S)?)?$": "value",
    r"^(ak|api_key)_[0-9A-Fa-f]{32}$": "ak_" + "0123456789abcdef" * 2,
    r"^ak_[0-9A-Fa-f]{32}$": "ak_" + "0123456789abcdef" * 2,
    r"^(user|org|mch)_\w{27}$": "user_" + "2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    r"^(user|org|mch|scim)_\w{27}$": "user_" + "2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    r"^user_\w{27}$": "user_2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    r"^org_\w{27}$": "org_2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    r"^mch_\w{27}$": "mch_2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    r"^ins_\w{27}$": "ins_2GIoQhbUpy0hX7B2cVkuTMinXoD",
    r"^apl_\w{27}$": "apl_2GIpXOEpVyJw51rkZn9Kmnc6Sxr",
    r"^aplt_[0-9A-Fa-f]{32}$": "aplt_" + "0123456789abcdef" * 2,
    r"^mt_[0-9A-Fa-f]{32}$": "mt_" + "0123456789abcdef" * 2,
    r"^oat_[0-9A-Fa-f]{32}$": "oat_" + "0123456789abcdef" * 2,
    r"^[A-Z]{2}$": "US",
    r"^[^_][A-Za-z0-9_-]*$": "key_1",
    r"^from_oauth_(?:(?:token_)|(?:custom_))?[a-z]+$": "from_oauth_google",
    r"^oauth_(?:(?:token_)|(?:custom_))?[a-z]+$": "oauth_google",
    r"^oauth_[a-z]+$": "oauth_google",
}
FORMATS = {
    "email": "user@example.com",
    "date-time": "2026-01-02T03:04:05Z",
    "date": "2026-01-02",
    "uri": "https://example.com/callback",
    "binary": b"\x89PNG\r\n\x1a\n-clerk-edge-test-image",
}
PNG = FORMATS["binary"]


def spec_path() -> str:
    return os.environ.get("CLERK_BAPI_SPEC") or os.path.join(SHARED, "clerk-bapi-openapi.yml")


@functools.lru_cache(maxsize=1)
def load_spec() -> dict:
    import yaml

    if not os.path.exists(spec_path()):  # the shared reference is read in place, never copied into the repo
        import pytest
        pytest.skip(f"Clerk's Backend API spec not found at {spec_path()} (set CLERK_EDGE_SHARED_DIR or CLERK_BAPI_SPEC)")
    with open(spec_path(), "rb") as fh:
        raw = fh.read()
    assert hashlib.sha256(raw).hexdigest() == SPEC_SHA256, "the shared spec changed: regenerate operations.py"
    return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class Gen:
    def __init__(self, spec: dict):
        self.spec = spec
        self.ops = {}
        for path, item in spec["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    self.ops[op["operationId"]] = (path, method, op, item.get("parameters") or [])

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.spec
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            node = target
        return node

    def value(self, schema, depth=0):
        s = self.resolve(schema or {})
        if depth > 8:
            return None
        if "allOf" in s:
            merged = {"type": "object", "properties": {}, "required": []}
            for sub in s["allOf"]:
                sub = self.resolve(sub)
                merged["properties"].update(sub.get("properties") or {})
                merged["required"] += sub.get("required") or []
                for k in ("type", "enum", "pattern", "format"):
                    if k in sub:
                        merged[k] = sub[k]
            return self.value(merged, depth + 1)
        for key in ("oneOf", "anyOf"):
            if key in s:
                base = {k: v for k, v in s.items() if k not in (key,)}
                first = self.resolve(s[key][0])
                if base.get("properties") or base.get("required"):
                    base = dict(base)
                    base["properties"] = {**(base.get("properties") or {}), **(first.get("properties") or {})}
                    base["required"] = list(base.get("required") or []) + list(first.get("required") or [])
                    base["type"] = "object"
                    return self.value(base, depth + 1)
                return self.value(first, depth + 1)
        if "enum" in s:
            return s["enum"][0]
        if "example" in s and "pattern" not in s and s.get("type") in ("string", "integer", "number", "boolean"):
            return s["example"]
        t = s.get("type") or ("object" if "properties" in s else "string")
        if t == "string":
            if "pattern" in s:
                if s["pattern"] not in PATTERNS:
                    raise AssertionError(f"add a sample for pattern {s['pattern']!r} to PATTERNS")
                v = PATTERNS[s["pattern"]]
                assert re.search(s["pattern"], v), (s["pattern"], v)
                return v
            if s.get("format") in FORMATS:
                return FORMATS[s["format"]]
            n = max(int(s.get("minLength", 0)), 5)
            v = ("value" + "x" * n)[:n]
            return v[: int(s["maxLength"])] if "maxLength" in s else v
        if t in ("integer", "number"):
            lo = s.get("minimum", 1)
            hi = s.get("maximum")
            v = max(lo, 1) if hi is None else min(max(lo, 1), hi)
            return int(v) if t == "integer" else float(v)
        if t == "boolean":
            return True
        if t == "array":
            n = max(int(s.get("minItems", 0)), 1)
            return [self.value(s.get("items") or {}, depth + 1) for _ in range(n)]
        if t == "object":
            props = s.get("properties") or {}
            return {k: (self.value(props[k], depth + 1) if k in props else "value") for k in (s.get("required") or [])}
        return "value"

    def call_args(self, operation_id: str, *, all_query: bool = True):
        """(path_values: dict, kwargs: dict) that make a spec-valid request for the operation."""
        path, method, op, common = self.ops[operation_id]
        path_vals, kwargs = {}, {}
        params = {}
        for p in list(common) + list(op.get("parameters") or []):
            p = self.resolve(p)
            params[(p["name"], p["in"])] = p
        for (name, where), p in params.items():
            if where == "path":
                v = self.value(p.get("schema"))
                path_vals[name] = v if not (isinstance(v, str) and v == "value") else f"{name}_1"
            elif where == "query" and (all_query or p.get("required")):
                schema = self.resolve(p.get("schema") or {})
                v = self.value(schema)
                if schema.get("type") == "array":
                    v = v * 2 if schema.get("uniqueItems") is not True else v
                kwargs[name] = v
        rb = op.get("requestBody")
        if rb:
            rb = self.resolve(rb)
            content = rb.get("content") or {}
            if "application/json" in content:
                schema = self.resolve(content["application/json"].get("schema") or {})
                v = self.value(schema)
                if isinstance(v, list):
                    kwargs["body"] = v
                else:
                    kwargs.update(v or {})
            elif "multipart/form-data" in content:
                schema = self.resolve(content["multipart/form-data"].get("schema") or {})
                for k, ps in (schema.get("properties") or {}).items():
                    ps = self.resolve(ps)
                    kwargs[k] = ("logo.png", PNG, "image/png") if ps.get("format") == "binary" else self.value(ps)
        return path_vals, kwargs


@functools.lru_cache(maxsize=1)
def gen() -> Gen:
    return Gen(load_spec())


def spec_json_file(tmpdir) -> str:
    path = os.path.join(str(tmpdir), "bapi.json")
    with open(path, "w") as fh:
        json.dump(load_spec(), fh)
    return path
