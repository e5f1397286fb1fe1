"""Drive a coroutine to completion from a sync test — in CPython and inside Pyodide alike."""
from __future__ import annotations

import sys


def run(coro):
    if sys.platform == "emscripten":
        from pyodide.ffi import run_sync  # JSPI stack switching (enabled by the Pyodide harness)
        return run_sync(coro)
    import asyncio
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
