"""Run a coroutine to completion from a sync test, in CPython and inside Pyodide alike."""
from __future__ import annotations

import sys


def run(coro):
    if sys.platform == "emscripten":
        from pyodide.ffi import run_sync  # needs JSPI / wasm stack switching (the harness enables it)
        return run_sync(coro)
    import asyncio
    return asyncio.run(coro)
