"""Fixtures for the Backend API client tests.

* ``prism_url`` — Stoplight Prism (``node_modules/.bin/prism``, pinned 5.14.2) mocking Clerk's spec in dynamic
  mode with a fixed seed, started once per session on a free loopback port.  Prism mounts the spec's paths at
  ``/`` (no ``/v1``), so clients under test use ``api_version=''``.  Skipped when Prism or Node is missing,
  unless ``CI`` is set (then it fails).
* ``RecordingFetch`` — wraps a fetch backend and keeps every (request, response) pair.
* ``FakeFetch`` — an in-process fetch that answers from a script (no sockets).
"""
from __future__ import annotations

import os
import re
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PRISM = os.environ.get("PRISM_BIN") or os.path.join(ROOT, "node_modules", ".bin", "prism")
LISTEN_RE = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")


@pytest.fixture(scope="session")
def prism_url(tmp_path_factory):
    import shutil
    import signal
    import subprocess

    from tests.api.spec_support import spec_json_file

    if not os.path.exists(PRISM) or not shutil.which("node"):
        if os.environ.get("CI"):
            pytest.fail(f"Prism not installed at {PRISM} (run npm ci)")
        pytest.skip(f"Prism not installed at {PRISM}")
    work = tmp_path_factory.mktemp("prism")
    spec = spec_json_file(work)
    log = work / "prism.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [PRISM, "mock", "-h", "127.0.0.1", "-p", "0", "-v", "info", "-d", "--seed", "1", spec],
            stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while True:
            m = LISTEN_RE.search(log.read_text(errors="replace"))
            if m:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Prism did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.05)
        url = m.group(1)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class RecordingFetch:
    """Wrap a backend; remember every exchange (``.log`` = [(HttpRequest, HttpResponse | exception)])."""

    def __init__(self, inner=None):
        if inner is None:
            from clerk_edge.fetch import default_fetch
            inner = default_fetch()
        self.inner = inner
        self.name = "recording-" + getattr(inner, "name", "?")
        self.is_async_only = getattr(inner, "is_async_only", False)
        self.log = []

    def fetch(self, request):
        try:
            resp = self.inner.fetch(request)
        except Exception as exc:
            self.log.append((request, exc))
            raise
        self.log.append((request, resp))
        return resp

    async def afetch(self, request):
        try:
            resp = await self.inner.afetch(request)
        except Exception as exc:
            self.log.append((request, exc))
            raise
        self.log.append((request, resp))
        return resp


class FakeFetch:
    """Answer requests from a queue of scripted outcomes: an ``HttpResponse``, an exception to raise, or a
    callable ``(request) -> HttpResponse``.  The last outcome repeats.  ``requests`` records what was sent."""

    name = "fake"
    is_async_only = False

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.requests = []

    def _next(self, request):
        self.requests.append(request)
        outcome = self.outcomes[0] if len(self.outcomes) == 1 else self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        if callable(outcome):
            return outcome(request)
        return outcome

    def fetch(self, request):
        return self._next(request)

    async def afetch(self, request):
        return self._next(request)


def json_response(status, body, headers=None):
    import json

    from clerk_edge.fetch import HttpResponse
    return HttpResponse(status, {"content-type": "application/json", **(headers or {})}, json.dumps(body).encode())


@pytest.fixture
def sleeps():
    """A recording sleep (pass as ``sleep=``) that also advances a fake clock (``sleeps.clock``)."""

    class Sleeps:
        def __init__(self):
            self.calls = []
            self.t = 1_700_000_000.0

        def clock(self):
            return self.t

        def __call__(self, seconds):
            self.calls.append(seconds)
            self.t += seconds

    return Sleeps()


IN_PYODIDE = sys.platform == "emscripten"
