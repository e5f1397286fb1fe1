"""Fixtures for the developer-experience tests: one LocalClerk per module (RSA key generation is the slow part)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest


@pytest.fixture(scope="module")
def local_clerk():
    from clerk_edge.testing.instance import LocalClerk
    with LocalClerk() as clerk:
        yield clerk


class Bapi:
    """A raw HTTP client for LocalClerk (urllib, so these tests do not depend on clerk_edge's own client)."""

    def __init__(self, clerk):
        self.clerk = clerk

    def call(self, method, path, body=None, key="default", headers=None):
        h = {"Content-Type": "application/json"}
        if key == "default":
            key = self.clerk.secret_key
        if key is not None:
            h["Authorization"] = "Bearer " + key
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.clerk.api_url + path, method=method, data=data, headers=h)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            resp = opener.open(req, timeout=10)
            raw, status, hdrs = resp.read(), resp.status, resp.headers
        except urllib.error.HTTPError as err:
            raw, status, hdrs = err.read(), err.code, err.headers
        return status, (json.loads(raw) if raw else None), hdrs


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def bapi(local_clerk):
    return Bapi(local_clerk)
