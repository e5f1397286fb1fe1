"""Pyodide tier: the test suite inside npm Pyodide under Node (the versions Cloudflare's Python
Workers use by compatibility date).  See :mod:`runtimes.pyodide.__main__`."""
from __future__ import annotations

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WHEELS = os.path.join(ROOT, ".cache", "pyodide-wheels")
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_pytest.mjs")

# npm alias in package.json -> (Pyodide version, Python version, Cloudflare compatibility dates)
VERSIONS = {
    "0.28.2": ("pyodide-0282", "3.13", "2025-09-29 … 2026-09-07"),
    "314.0.6": ("pyodide-31406", "3.14", ">= 2026-09-08"),
}

NODE_FLAGS = ["--experimental-wasm-stack-switching"]  # Node 20; Node >= 22 spells it --experimental-wasm-jspi


def node_flags() -> list:
    import subprocess
    try:
        major = int(subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip().lstrip("v").split(".")[0])
    except Exception:
        major = 20
    return ["--experimental-wasm-jspi"] if major >= 22 else list(NODE_FLAGS)


def pyodide_dir(version: str) -> str:
    return os.path.join(ROOT, "node_modules", VERSIONS[version][0])
