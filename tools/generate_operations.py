#!/usr/bin/env python3
"""Generate ``clerk_edge/api/operations.py`` — the Backend API operation table — from Clerk's OpenAPI spec.

Usage (re-runnable; the output is deterministic)::

    python tools/generate_operations.py [path/to/clerk-bapi-openapi.yml] [-o clerk_edge/api/operations.py]
    python tools/generate_operations.py --check      # exit 1 if the committed table is out of date

The spec defaults to ``$CLERK_EDGE_SHARED_DIR/clerk-bapi-openapi.yml`` or ``../shared/clerk-bapi-openapi.yml``
relative to the repository.  Needs PyYAML at generation time only; the package never reads the YAML.

One row per spec operation::

    (group, method_name, http_method, path, path_params, query, body_kind, body_props, binary_props,
     body_open, versioned, operation_id, auth, deprecated, body_required)

* ``group``   — the operation's first tag in snake_case, mapped onto the 0.x SDK's resource names where they
  differ (``Allow-list / Block-list`` → ``allowlist_identifiers``; see ``GROUP_NAMES``).
* ``method_name`` — the operationId in snake_case (``GetUserList`` → ``get_user_list``, ``ListRedirectURLs`` →
  ``list_redirect_urls``, ``createM2MToken`` → ``create_m2m_token``).
* ``query``   — tuple of ``(wire_name, type, is_array, explode)``; ``type`` is the JSON-schema type of the value (or
  of the array items).
* ``body_kind`` — ``None``, ``"json"``, ``"json_array"`` (the body is a JSON array) or ``"multipart"``.
* ``body_props`` — top-level property names of an object body; ``body_open`` says whether other properties are
  allowed (``additionalProperties`` not ``false``); ``binary_props`` the multipart file fields.
* ``versioned`` — ``False`` for the resources @clerk/backend 3.x calls without the ``/v1`` prefix
  (``skipApiVersionInUrl``: API keys, M2M tokens, OAuth access-token verification).
* ``auth``    — ``False`` when the operation declares ``security: []``.
* ``body_required`` — the spec marks the request body required (an empty ``{}`` is sent when no field is given).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(ROOT, "clerk_edge", "api", "operations.py")

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# tag -> group where the 0.x SDK named the resource differently from snake_case(tag)
GROUP_NAMES = {
    "Allow-list / Block-list": "allowlist_identifiers",
}

# @clerk/backend 3.x builds these resources with skipApiVersionInUrl: true (no /v1 in the URL)
UNVERSIONED_PREFIXES = ("/api_keys", "/m2m_tokens", "/oauth_applications/access_tokens/verify")

# acronyms that the generic CamelCase splitter would cut badly
_ACRONYMS = (("OAuth", "Oauth"), ("URLs", "Urls"), ("M2M", "M2m"), ("IDs", "Ids"))


def snake(name: str) -> str:
    """CamelCase / camelCase / 'Words & more' → snake_case, keeping acronyms whole."""
    for a, b in _ACRONYMS:
        name = name.replace(a, b)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name)
    return name.strip("_").lower()


def group_of(tag: str) -> str:
    return GROUP_NAMES.get(tag) or snake(tag)


class Spec:
    def __init__(self, doc: dict):
        self.doc = doc

    def resolve(self, node):
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"external $ref not supported: {ref}")
            target = self.doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {ref}")
        return node

    def schema_type(self, schema) -> str:
        schema = self.resolve(schema or {})
        if "type" in schema:
            return schema["type"]
        for key in ("oneOf", "anyOf", "allOf"):
            for sub in schema.get(key) or ():
                t = self.schema_type(sub)
                if t:
                    return t
        return "any"


def build_rows(doc: dict) -> list:
    spec = Spec(doc)
    global_security = doc.get("security")
    rows = []
    for path, item in doc["paths"].items():
        common = item.get("parameters") or []
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            params = [spec.resolve(p) for p in common + (op.get("parameters") or [])]
            # operation-level parameters override path-level ones with the same (name, in)
            merged = {}
            for p in params:
                merged[(p["name"], p["in"])] = p
            path_params = tuple(re.findall(r"\{([^}]+)\}", path))
            query = []
            for (name, where), p in merged.items():
                if where == "query":
                    schema = spec.resolve(p.get("schema") or {})
                    is_array = spec.schema_type(schema) == "array"
                    typ = spec.schema_type(schema.get("items") or {}) if is_array else spec.schema_type(schema)
                    style = p.get("style", "form")
                    explode = p.get("explode", style == "form")
                    query.append((name, typ, is_array, bool(explode)))
                elif where not in ("path",):
                    raise ValueError(f"{op['operationId']}: unsupported parameter location {where!r}")
            body_kind, body_props, binary_props, body_open, body_required = None, (), (), True, False
            rb = op.get("requestBody")
            if rb is not None:
                rb = spec.resolve(rb)
                body_required = bool(rb.get("required", False))
                content = rb.get("content") or {}
                if "application/json" in content:
                    schema = spec.resolve(content["application/json"].get("schema") or {})
                    body_kind = "json_array" if spec.schema_type(schema) == "array" else "json"
                elif "multipart/form-data" in content:
                    schema = spec.resolve(content["multipart/form-data"].get("schema") or {})
                    body_kind = "multipart"
                else:
                    raise ValueError(f"{op['operationId']}: unsupported body types {sorted(content)}")
                if body_kind != "json_array":
                    props = schema.get("properties") or {}
                    body_props = tuple(props)
                    binary_props = tuple(k for k, v in props.items()
                                         if spec.resolve(v).get("format") == "binary")
                    body_open = schema.get("additionalProperties", True) is not False or not props
            security = op.get("security", global_security)
            auth = bool(security)
            versioned = not any(path == p or path.startswith(p + "/") for p in UNVERSIONED_PREFIXES)
            tag = (op.get("tags") or ["Miscellaneous"])[0]
            rows.append((
                group_of(tag), snake(op["operationId"]), method.upper(), path, path_params, tuple(query),
                body_kind, body_props, binary_props, body_open, versioned, op["operationId"], auth,
                bool(op.get("deprecated", False)), body_required,
            ))
    names = {}
    for row in rows:
        key = (row[0], row[1])
        if key in names:
            raise ValueError(f"two operations map to {key}: {names[key]} and {row[11]}")
        names[key] = row[11]
    return rows


def render(rows: list, source_name: str, sha256: str, version: str) -> str:
    lines = [
        '"""Clerk Backend API operations — GENERATED by tools/generate_operations.py. Do not edit by hand.',
        "",
        f"Source: {source_name} (info.version {version}, sha256 {sha256}).",
        "Row layout: see :data:`FIELDS`.  The client reads this table; the YAML is never needed at run time.",
        '"""',
        "",
        f"SPEC_VERSION = {version!r}",
        f"SPEC_SHA256 = {sha256!r}",
        "",
        "FIELDS = (",
        '    "group", "name", "method", "path", "path_params", "query", "body_kind", "body_props", "binary_props",',
        '    "body_open", "versioned", "operation_id", "auth", "deprecated", "body_required",',
        ")",
        "",
        "OPERATIONS = (",
    ]
    for row in rows:
        lines.append("    " + repr(row) + ",")
    lines.append(")")
    lines.append("")
    return "\n".join(lines)


def default_spec_path() -> str:
    shared = os.environ.get("CLERK_EDGE_SHARED_DIR") or os.path.join(os.path.dirname(ROOT), "shared")
    return os.path.join(shared, "clerk-bapi-openapi.yml")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec", nargs="?", default=default_spec_path())
    ap.add_argument("-o", "--output", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with the existing output instead of writing")
    args = ap.parse_args(argv)

    import yaml

    with open(args.spec, "rb") as fh:
        raw = fh.read()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc = yaml.load(raw, Loader=loader)
    rows = build_rows(doc)
    text = render(rows, os.path.basename(args.spec), hashlib.sha256(raw).hexdigest(), str(doc["info"]["version"]))
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as fh:
                current = fh.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print(f"{args.output} is out of date; run tools/generate_operations.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({len(rows)} operations)")
        return 0
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {args.output}: {len(rows)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
