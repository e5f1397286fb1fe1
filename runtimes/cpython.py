"""CPython tier: the suite on every CPython 3.10–3.13 found (pyenv versions, then PATH).

The running interpreter (the project's ``.venv``) runs the whole suite with every dev extra.  Every
other version gets its own venv under ``.cache/venvs/`` holding the pinned ``[dev]`` extras from
pyproject.toml; where a pin has no release for that interpreter, :data:`OVERRIDES` names the newest one
that does (Python 3.10: hypothesis, starlette, fastapi).  A requirement that still cannot install is left
out — except the core test set (cryptography, pytest, pytest-timeout, hypothesis, pyyaml), which must
install — and tests that fail only because that module is absent are reported as *skipped* with the
reason (``runtimes.report_plugin``), never silently passed.  The package itself is not installed there: tests import ``clerk_edge``
from the tree (``PYTHONPATH`` = repo root), so no build step and no stray metadata per version.

``python -m runtimes.cpython`` lists what it found; ``python -m runtimes.cpython setup`` builds venvs.
"""
from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENVS = os.path.join(ROOT, ".cache", "venvs")
WANTED = ("3.10", "3.11", "3.12", "3.13")
CORE_TEST_DEPS = ["cryptography", "pytest", "pytest-timeout", "hypothesis", "pyyaml"]
# pins that cannot hold on an older interpreter: the newest release that supports it, pinned
# (hypothesis >= 6.169, starlette >= 1.8 and fastapi >= 0.162.6 need Python >= 3.11)
OVERRIDES = {"3.10": {"hypothesis": "hypothesis==6.155.7", "starlette": "starlette==1.7.0",
                      "fastapi": "fastapi==0.162.5"}}


def _version_of(python: str):
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def find_interpreters() -> dict:
    """``{'3.10': '/root/.pyenv/versions/3.10.13/bin/python3.10', ...}`` — pyenv first, then PATH."""
    found: dict = {}
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for d in sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.*"))):
        m = re.fullmatch(r"(3\.\d+)\.\d+", os.path.basename(d))
        if not m or m.group(1) not in WANTED or m.group(1) in found:
            continue
        exe = os.path.join(d, "bin", "python" + m.group(1))
        if os.access(exe, os.X_OK):
            found[m.group(1)] = exe
    for v in WANTED:
        if v not in found:
            exe = shutil.which("python" + v)
            if exe and _version_of(exe) == v:
                found[v] = exe
    return found


def _name(req: str) -> str:
    return re.split(r"[=<>\[ ;]", req, 1)[0].lower()


def dev_requirements(version: str = "") -> list:
    try:
        import tomllib
    except ImportError:  # 3.10 running the matrix
        return []
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        data = tomllib.load(fh)
    over = OVERRIDES.get(version, {})
    return [over.get(_name(r), r) for r in data["project"]["optional-dependencies"]["dev"]]


def venv_python(version: str) -> str:
    return os.path.join(VENVS, f"cp{version}", "bin", "python")


def ensure_venv(version: str, base_python: str, log=print) -> str:
    """Create/refresh ``.cache/venvs/cpX.Y`` (needs the package index: run outside the netns)."""
    reqs = dev_requirements(version)
    stamp_text = "\n".join(reqs)
    stamp_hash = hashlib.sha256(stamp_text.encode()).hexdigest()
    vdir = os.path.join(VENVS, f"cp{version}")
    stamp = os.path.join(vdir, ".clerk-edge-deps")
    py = venv_python(version)
    if os.path.exists(stamp) and open(stamp).read().split("\n", 1)[0] == stamp_hash and os.path.exists(py):
        return py
    if not os.path.exists(py):
        subprocess.run([base_python, "-m", "venv", vdir], check=True)
    pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    kind, unavailable = "dev", []
    log_path = os.path.join(vdir, "pip.log")
    with open(log_path, "w") as out:
        ok = subprocess.run(pip + reqs, stdout=out, stderr=subprocess.STDOUT).returncode == 0
        if not ok:
            # one by one: keep every pin that holds on this interpreter, note the ones that cannot
            kind = "partial"
            for req in reqs:
                if subprocess.run(pip + [req], stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                    unavailable.append(req)
            if any(_name(r) in CORE_TEST_DEPS for r in unavailable):
                raise RuntimeError(f"cannot install the core test dependencies for Python {version}: see {log_path}")
            log(f"[cpython {version}] not installable at their pins: {', '.join(unavailable)} "
                f"(tests needing them are reported as skipped; see {log_path})")
    with open(stamp, "w") as fh:
        fh.write(f"{stamp_hash}\n{kind}\n{','.join(unavailable)}\n")
    return py


def venv_kind(version: str) -> str:
    try:
        return open(os.path.join(VENVS, f"cp{version}", ".clerk-edge-deps")).read().split("\n")[1]
    except (OSError, IndexError):
        return "?"


# distribution name -> import name, for the few whose names differ
IMPORT_NAMES = {"pyyaml": "yaml", "pyjwt": "jwt", "openapi-core": "openapi_core", "pytest-timeout": "pytest_timeout",
                "aws-lambda-powertools": "aws_lambda_powertools"}


def unavailable_modules(version: str) -> list:
    """Import names of the dev requirements that could not be installed for ``version``."""
    try:
        line = open(os.path.join(VENVS, f"cp{version}", ".clerk-edge-deps")).read().split("\n")[2]
    except (OSError, IndexError):
        return []
    names = [_name(r) for r in line.split(",") if r.strip()]
    return [IMPORT_NAMES.get(n, n.replace("-", "_")) for n in names]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    found = find_interpreters()
    for v, exe in found.items():
        print(f"{v}: {exe}")
    if argv[:1] == ["setup"]:
        for v, exe in found.items():
            if os.path.realpath(exe) != os.path.realpath(sys.executable):
                ensure_venv(v, exe)
                print(f"{v}: venv ready ({venv_kind(v)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
