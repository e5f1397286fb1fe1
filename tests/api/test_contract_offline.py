"""Without a server: every operation's outgoing request, as built by the client, validated against Clerk's spec
with openapi-core (path, method, bearer auth, query types/arrays, body schema incl. additionalProperties:false,
multipart encoding).

Two argument sets per operation: the required minimum with every query parameter, and "everything" — every
top-level body property the spec lists, so a field name the table got wrong cannot hide.
"""
from __future__ import annotations

import pytest

from clerk_edge.api.operations import OPERATIONS

pytestmark = pytest.mark.no_pyodide(reason="openapi-core and PyYAML are not installed in the Pyodide tier")

SPEC_IDS = [row[11] for row in OPERATIONS]


@pytest.fixture(scope="module")
def openapi():
    from openapi_core import Config, OpenAPI

    from tests.api.spec_support import load_spec
    return OpenAPI.from_dict(load_spec(), config=Config(spec_validator_cls=None))


class OARequest:
    """clerk_edge HttpRequest → openapi-core's Request protocol, rebased onto the spec's server URL."""

    def __init__(self, req, base="https://api.clerk.com"):
        from urllib.parse import parse_qsl, urlsplit

        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        parts = urlsplit(req.url)
        assert req.url.startswith(base), req.url
        path = parts.path
        if not path.startswith("/v1/"):
            path = "/v1" + path  # resources @clerk/backend calls without /v1 (api_keys, m2m_tokens, …)
        self.host_url = "https://api.clerk.com"
        self.path = path
        self.full_url_pattern = self.host_url + path
        self.method = req.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(parts.query, keep_blank_values=True)),
            header=Headers(list(req.headers.items())),
            cookie=ImmutableMultiDict(),
        )
        self.content_type = (req.headers.get("content-type") or "").lower() or "application/json"
        self.body = req.body


def _build(op, args, kwargs):
    from clerk_edge.api.request import build_request
    return build_request(op, tuple(args), kwargs, secret_key="sk_test_offline_contract", api_url="https://api.clerk.com",
                         api_version="v1", user_agent="clerk-edge/test")


def _all_body(gen, operation_id, kwargs):
    """Add every optional top-level body property (spec-valid values) to kwargs."""
    path, method, op, _ = gen.ops[operation_id]
    rb = gen.resolve(op.get("requestBody") or {})
    schema = gen.resolve(((rb.get("content") or {}).get("application/json") or {}).get("schema") or {})
    if schema.get("type") != "object" or "anyOf" in schema or "oneOf" in schema:
        return kwargs
    out = dict(kwargs)
    for name, ps in (schema.get("properties") or {}).items():
        ps = gen.resolve(ps)
        if name in out or ps.get("deprecated") or ps.get("readOnly"):
            continue
        out[name] = gen.value(ps)
    return out


@pytest.mark.parametrize("full", [False, True], ids=["minimal", "all-fields"])
@pytest.mark.parametrize("operation_id", SPEC_IDS)
def test_request_matches_spec(openapi, operation_id, full):
    from clerk_edge.api.table import spec_operations
    from tests.api.spec_support import gen

    g = gen()
    op = next(o for o in spec_operations() if o.operation_id == operation_id)
    path_vals, kwargs = g.call_args(operation_id)
    if full:
        kwargs = _all_body(g, operation_id, kwargs)
    req = _build(op, [path_vals[p] for p in op.path_params], kwargs)
    assert req.headers.get("authorization") == "Bearer sk_test_offline_contract"
    assert req.headers.get("clerk-api-version") == "2026-05-12"
    assert req.headers.get("user-agent") == "clerk-edge/test"
    assert ("/v1/" in req.url) == op.versioned
    openapi.validate_request(OARequest(req))


def test_validator_catches_a_wrong_request(openapi):
    """The oracle is not blind: a wrong field name, a missing required field and a wrong path all fail."""
    from openapi_core.exceptions import OpenAPIError

    from clerk_edge.api.table import groups

    op = groups()["invitations"]["create_invitation"]
    good = _build(op, [], {"email_address": "a@b.co"})
    openapi.validate_request(OARequest(good))
    bad = _build(op, [], {"email_address": "a@b.co"})
    bad.body = b'{"emailAddress":"a@b.co"}'
    with pytest.raises(OpenAPIError):
        openapi.validate_request(OARequest(bad))
    missing = _build(op, [], {"notify": True})
    with pytest.raises(OpenAPIError):
        openapi.validate_request(OARequest(missing))
    wrong_path = _build(op, [], {"email_address": "a@b.co"})
    wrong_path.url = wrong_path.url.replace("/invitations", "/invitation")
    with pytest.raises(OpenAPIError):
        openapi.validate_request(OARequest(wrong_path))


def test_generated_table_is_up_to_date():
    """tools/generate_operations.py --check: the committed table equals a fresh generation from the spec."""
    import os
    import subprocess
    import sys

    from tests.api.spec_support import spec_path

    if not os.path.exists(spec_path()):
        pytest.skip(f"Clerk's Backend API spec not found at {spec_path()} (set CLERK_EDGE_SHARED_DIR or CLERK_BAPI_SPEC)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, os.path.join(root, "tools", "generate_operations.py"), spec_path(),
                           "--check"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "249 operations" in proc.stdout
