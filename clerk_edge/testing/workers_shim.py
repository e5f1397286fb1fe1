"""A tiny CPython stand-in for Cloudflare's ``workers`` Python SDK (``workers-runtime-sdk``), enough to run a
``WorkerEntrypoint`` on a laptop: ``WorkerEntrypoint``, ``Request``, ``Response`` (``Response(body, status=,
headers=)``, ``Response.json(data)`` / ``Response.from_json``, ``Response.redirect``), an ``env`` object with
attribute access, and :func:`serve` — a stdlib HTTP server on 127.0.0.1 that hands each request to
``YourEntrypoint(ctx, env).fetch(request)`` on one asyncio event loop (one isolate, like workerd).

Headers behave like the SDK's: ``http.client.HTTPMessage`` (case-insensitive ``get``, ``items``, ``get_all``).
This is a test/demo shim, not the Workers runtime: no bindings besides plain values, no ``js`` module.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json as _json
import sys
import threading
import types
from http.client import HTTPMessage
from typing import Any, Iterable, Mapping, Optional

__all__ = ["WorkerEntrypoint", "Request", "Response", "Env", "Context", "serve", "load_entrypoint", "install",
           "as_module"]


def _headers(value: Any) -> HTTPMessage:
    msg = HTTPMessage()
    if value is None:
        return msg
    if isinstance(value, HTTPMessage):
        items: Iterable = value.items()
    elif hasattr(value, "items"):
        items = value.items()
    else:
        items = value
    for k, v in items:
        for vv in (v if isinstance(v, (list, tuple)) else [v]):
            msg[str(k)] = str(vv)
    return msg


class Env:
    """Worker bindings with attribute access (``env.CLERK_SECRET_KEY``); a missing binding raises AttributeError."""

    def __init__(self, values: Optional[Mapping[str, Any]] = None, **more: Any):
        self.__dict__.update(dict(values or {}, **more))

    def __repr__(self) -> str:
        return f"Env({sorted(self.__dict__)})"


class Context:
    def __init__(self):
        self.tasks: list = []

    def wait_until(self, awaitable) -> None:
        self.tasks.append(asyncio.ensure_future(awaitable))

    waitUntil = wait_until


class Request:
    def __init__(self, url: str, method: str = "GET", headers: Any = None, body: Optional[bytes] = None):
        self.url = url
        self.method = method.upper()
        self.headers = _headers(headers)
        self._body = body or b""

    async def bytes(self) -> bytes:
        return self._body

    async def text(self) -> str:
        return self._body.decode("utf-8")

    async def json(self) -> Any:
        return _json.loads(self._body.decode("utf-8"))

    def __repr__(self) -> str:
        return f"Request({self.method} {self.url})"


class Response:
    def __init__(self, body: Any = None, status: Optional[int] = None, status_text: str = "", headers: Any = None):
        if body is not None and not isinstance(body, (str, bytes)):
            raise TypeError(f"Unsupported type in Response: {type(body).__name__}")
        self.body: bytes = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        self.status = int(status or 200)
        self.status_text = status_text
        self.headers = _headers(headers)
        if isinstance(body, str) and "content-type" not in self.headers:
            self.headers["content-type"] = "text/plain;charset=UTF-8"

    @staticmethod
    def from_json(data: Any, status: int = 200, status_text: str = "", headers: Any = None) -> "Response":
        h = _headers(headers)
        if "content-type" not in h:
            h["content-type"] = "application/json"
        return Response(_json.dumps(data), status=status, status_text=status_text, headers=h)

    def json(self, *args: Any, **kwargs: Any):
        # like the SDK: Response.json(data) builds a response; response.json() (awaited) parses the body
        if isinstance(self, Response):
            async def parse():
                return _json.loads(self.body.decode("utf-8"))
            return parse()
        return Response.from_json(self, *args, **kwargs)

    @staticmethod
    def redirect(url: str, status: int = 302) -> "Response":
        return Response(None, status=status, headers={"location": url})

    async def text(self) -> str:
        return self.body.decode("utf-8")

    def __repr__(self) -> str:
        return f"Response(status={self.status})"


class WorkerEntrypoint:
    def __init__(self, ctx: Any = None, env: Any = None):
        self.ctx = ctx
        self.env = env


def as_module() -> types.ModuleType:
    """This shim as a module named ``workers``."""
    mod = types.ModuleType("workers")
    for name in ("WorkerEntrypoint", "Request", "Response"):
        setattr(mod, name, globals()[name])
    mod.Context = Context
    mod.__doc__ = "clerk_edge.testing.workers_shim (CPython stand-in for Cloudflare's workers SDK)"
    return mod


def install(force: bool = False) -> types.ModuleType:
    """Make ``import workers`` resolve to this shim (unless a real ``workers`` module is loaded and not ``force``)."""
    existing = sys.modules.get("workers")
    if existing is not None and not force:
        return existing
    mod = as_module()
    sys.modules["workers"] = mod
    return mod


def load_entrypoint(path: str, class_name: Optional[str] = None, module_name: str = "clerk_edge_worker_entry"):
    """Import a Worker's ``entry.py`` (with ``workers`` resolving to this shim) and return its entrypoint class:
    ``class_name`` if given, else ``Default``, else the only ``WorkerEntrypoint`` subclass."""
    install(force=True)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load a Worker entry from {path!r}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    if class_name:
        return getattr(module, class_name)
    if isinstance(getattr(module, "Default", None), type):
        return module.Default
    found = [v for v in vars(module).values()
             if isinstance(v, type) and issubclass(v, WorkerEntrypoint) and v is not WorkerEntrypoint]
    if len(found) != 1:
        raise ImportError(f"{path}: expected one WorkerEntrypoint subclass (or 'Default'), found {len(found)}")
    return found[0]


class _Served:
    def __init__(self, server, loop, threads):
        self._server = server
        self._loop = loop
        self._threads = threads
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        server.shutdown()
        server.server_close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve(entry_cls: type, env: Any, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0) -> _Served:
    """Serve ``entry_cls`` over HTTP on ``host:port`` (0 = any free port).  Returns an object with ``.url`` and
    ``.stop()``.  Each request: ``await entry_cls(ctx, env).fetch(request)`` on one shared event loop."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if not isinstance(env, Env) and isinstance(env, Mapping):
        env = Env(env)
    loop = asyncio.new_event_loop()
    loop_thread = threading.Thread(target=loop.run_forever, name="worker-loop", daemon=True)
    loop_thread.start()

    async def handle(request: Request):
        ctx = Context()
        response = await entry_cls(ctx, env).fetch(request)
        if ctx.tasks:
            await asyncio.gather(*ctx.tasks, return_exceptions=True)
        return response

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):
            pass

        def _dispatch(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host_hdr = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
            req = Request(f"http://{host_hdr}{self.path}", self.command, self.headers.items(), body)
            try:
                fut = asyncio.run_coroutine_threadsafe(handle(req), loop)
                resp = fut.result(timeout)
                if not isinstance(resp, Response):
                    raise TypeError(f"fetch() returned {type(resp).__name__}, expected Response")
            except Exception as exc:
                resp = Response(f"Worker threw {type(exc).__name__}: {exc}", status=500)
            self.send_response(resp.status, resp.status_text or None)
            for k, v in resp.headers.items():
                if k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="worker-http", daemon=True)
    t.start()
    return _Served(server, loop, [t, loop_thread])
