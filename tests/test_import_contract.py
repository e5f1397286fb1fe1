"""Python Workers forbid I/O and entropy at import time, and cold starts pay for every import.

``import clerk_edge`` — and importing any of its modules — must not open sockets or files, must not
draw randomness, and the package itself must not pull in heavy modules (cryptography, asyncio,
urllib.request, http.client, typing)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.no_pyodide(reason="spawns fresh interpreters")

GUARD = r"""
import sys, os, random, socket, builtins
sys.path.insert(0, {root!r})
def boom(*a, **k):
    raise RuntimeError("forbidden at import time: " + repr(a[:1]))
os.urandom = boom
random.seed = boom
random.random = boom
random.getrandbits = boom
class GuardedSocket(socket.socket):
    def __init__(self, *a, **k):
        raise RuntimeError("socket at import time")
socket.socket = GuardedSocket
socket.create_connection = boom
real_open = builtins.open
def guarded_open(file, *a, **k):
    if isinstance(file, (str, bytes)) and not str(file).endswith((".py", ".pyc")):
        raise RuntimeError("file I/O at import time: " + str(file))
    return real_open(file, *a, **k)
builtins.open = guarded_open
"""


def _run(code):
    return subprocess.run([sys.executable, "-c", GUARD.format(root=ROOT) + code], capture_output=True, text=True, cwd=ROOT)


def test_import_is_light():
    out = _run("import clerk_edge; print(sorted(sys.modules))")
    assert out.returncode == 0, out.stderr
    loaded = set(eval(out.stdout))
    heavy = {"cryptography", "asyncio", "urllib.request", "http.client", "typing", "json", "ssl", "email"}
    assert not (heavy & loaded), heavy & loaded
    assert "clerk_edge.api" not in loaded and "clerk_edge.handshake" not in loaded


def test_no_entropy_or_io_when_importing_any_module():
    code = r"""
import pkgutil, importlib, clerk_edge
mods = []
for info in pkgutil.walk_packages(clerk_edge.__path__, "clerk_edge."):
    if info.name.endswith("__main__"):
        continue
    try:
        importlib.import_module(info.name)
    except ModuleNotFoundError as exc:  # a framework adapter whose framework is not installed
        if exc.name not in ("starlette", "flask"):
            raise
        continue
    mods.append(info.name)
print(len(mods))
"""
    out = _run(code)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) >= 20


def test_public_names_resolve():
    import clerk_edge
    import clerk_edge.sync
    for name in clerk_edge.__all__:
        assert getattr(clerk_edge, name) is not None, name
    for name in clerk_edge.sync.__all__:
        assert getattr(clerk_edge.sync, name) is not None, name
