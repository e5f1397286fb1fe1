"""Shared fixtures.

* ``mock_server`` — a scriptable HTTP server on 127.0.0.1 (see tests/support/mock_server.py).  In the
  CPython tiers it runs in-process; when ``CLERK_EDGE_MOCK_SERVER_URL`` is set (the Pyodide tier, where
  tests cannot listen on sockets) the harness has started one on the host and we drive it remotely.
* ``frozen_clock`` — a settable clock to pass as ``clock=`` to clerk_edge APIs.
"""
from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.mock_server import MockServer, RemoteMockServer  # noqa: E402

IN_PYODIDE = sys.platform == "emscripten"
SHARED = os.environ.get("CLERK_EDGE_SHARED_DIR") or os.path.join(os.path.dirname(ROOT), "shared")


class FrozenClock:
    def __init__(self, t: float = 1_666_648_250.0):
        self.t = float(t)

    def __call__(self) -> float:
        return self.t

    def set(self, t: float) -> None:
        self.t = float(t)

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def frozen_clock():
    return FrozenClock()


@pytest.fixture(scope="session")
def _mock_server_session():
    url = os.environ.get("CLERK_EDGE_MOCK_SERVER_URL")
    if url:
        post = None
        if IN_PYODIDE:
            from tests.support.pyodide_sync import blocking_post  # provided by the Pyodide harness
            post = blocking_post
        server = RemoteMockServer(url, post=post)
    else:
        server = MockServer()
    yield server
    server.close()


@pytest.fixture
def mock_server(_mock_server_session):
    _mock_server_session.reset()
    yield _mock_server_session
    _mock_server_session.reset()


def pytest_collection_modifyitems(config, items):
    if not IN_PYODIDE:
        return
    for item in items:
        marker = item.get_closest_marker("no_pyodide")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "not supported in Pyodide")
            item.add_marker(pytest.mark.skip(reason=f"Pyodide: {reason}"))
