"""Blocking helpers for tests running *inside* Pyodide (the Pyodide tier of the runtime matrix).

Tests are synchronous, the only network there is the JS ``fetch`` (a promise).  ``run_sync`` blocks on
it through WebAssembly stack switching (Node 20 with ``--experimental-wasm-stack-switching``; the
harness starts pytest with ``runPythonAsync`` so the stack can be switched).  Test helpers only —
library code never relies on this (Cloudflare Workers have no stack switching).
"""
from __future__ import annotations


def blocking_post(url: str, data: bytes) -> bytes:
    """POST ``data`` (JSON bytes) to ``url`` and return the response body; raises on HTTP >= 400."""
    import js
    from pyodide.ffi import run_sync, to_js

    async def go():
        init = to_js({"method": "POST", "body": to_js(bytes(data)),
                      "headers": {"content-type": "application/json"}},
                     dict_converter=js.Object.fromEntries)
        resp = await js.fetch(url, init)
        body = bytes((await resp.arrayBuffer()).to_bytes())
        if int(resp.status) >= 400:
            raise RuntimeError(f"POST {url} -> HTTP {resp.status}: {body[:200]!r}")
        return body

    return run_sync(go())
