"""A scriptable HTTP server on 127.0.0.1 for tests (JWKS, Backend API, FAPI stand-ins).

Two faces with one interface:

* :class:`MockServer` runs in a thread of the test process (CPython tiers).
* :class:`RemoteMockServer` drives a server that runs elsewhere (started by the runtime harness
  on the host, e.g. for the Pyodide tier where the test process cannot listen on sockets) over its
  ``/__mock__/`` control endpoints.

Interface::

    server.url                                   # 'http://127.0.0.1:PORT'
    server.on(method, path, status=200, json=None, body=None, headers=None, delay=0.0, times=None)
    server.requests(path=None)                   # list of {method, path, query, headers, body}
    server.count(path=None)
    server.reset()

Routes are matched on method and path (without the query).  Responses queued for a route are served
in order; the last one stays (unless ``times`` limits it).  An unknown route answers 404 with a
Clerk-style error body.
"""
from __future__ import annotations

import json as _json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qsl, urlsplit


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.routes: dict = {}
        self.log: list = []

    def on(self, method, path, status=200, json=None, body=None, headers=None, delay=0.0, times=None):
        if json is not None:
            body = _json.dumps(json).encode()
            headers = {"content-type": "application/json", **(headers or {})}
        elif isinstance(body, str):
            body = body.encode()
        spec = {"status": status, "body": body or b"", "headers": headers or {}, "delay": delay, "times": times}
        with self.lock:
            self.routes.setdefault((method.upper(), path), []).append(spec)

    def take(self, method, path):
        with self.lock:
            queue = self.routes.get((method, path))
            if not queue:
                return None
            spec = queue[0]
            if spec["times"] is not None:
                spec["times"] -= 1
                if spec["times"] <= 0:
                    queue.pop(0)
            elif len(queue) > 1:
                queue.pop(0)
            return spec

    def reset(self):
        with self.lock:
            self.routes.clear()
            self.log.clear()


def _handler(state: _State):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet
            pass

        def _serve(self):
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            if parts.path.startswith("/__mock__/"):
                return self._control(parts.path, raw)
            entry = {
                "method": self.command,
                "path": parts.path,
                "query": parse_qsl(parts.query, keep_blank_values=True),
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": raw.decode("utf-8", "replace"),
                "time": time.time(),
            }
            with state.lock:
                state.log.append(entry)
            spec = state.take(self.command, parts.path)
            if spec is None:
                spec = {"status": 404, "headers": {"content-type": "application/json"}, "delay": 0,
                        "body": _json.dumps({"errors": [{"code": "resource_not_found", "message": "not found",
                                                         "long_message": f"No mock for {self.command} {parts.path}"}]}).encode()}
            if spec["delay"]:
                time.sleep(spec["delay"])
            self._reply(spec["status"], spec["headers"], spec["body"])

        def _reply(self, status, headers, body):
            self.send_response(status)
            for k, v in headers.items():
                for vv in (v if isinstance(v, list) else [v]):
                    self.send_header(k, vv)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _control(self, path, raw):
            data = _json.loads(raw or b"{}")
            out = None
            if path == "/__mock__/on":
                body = data.get("body")
                state.on(data["method"], data["path"], status=data.get("status", 200), json=data.get("json"),
                         body=body, headers=data.get("headers"), delay=data.get("delay", 0.0), times=data.get("times"))
            elif path == "/__mock__/requests":
                with state.lock:
                    out = [e for e in state.log if data.get("path") in (None, e["path"])]
            elif path == "/__mock__/reset":
                state.reset()
            self._reply(200, {"content-type": "application/json"}, _json.dumps(out).encode())

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # clients that hang up early (timeout tests) are expected
        import sys
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            super().handle_error(request, client_address)


class MockServer:
    """In-process server (a daemon thread)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._state = _State()
        self._httpd = _QuietServer((host, port), _handler(self._state))
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 1024
        self.url = f"http://{host}:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="mock-server", daemon=True)
        self._thread.start()

    def on(self, method, path, status=200, json=None, body=None, headers=None, delay=0.0, times=None):
        self._state.on(method, path, status=status, json=json, body=body, headers=headers, delay=delay, times=times)

    def requests(self, path: Optional[str] = None) -> list:
        with self._state.lock:
            return [e for e in self._state.log if path in (None, e["path"])]

    def count(self, path: Optional[str] = None) -> int:
        return len(self.requests(path))

    def reset(self) -> None:
        self._state.reset()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class RemoteMockServer:
    """Control a :class:`MockServer` that runs in another process, through ``/__mock__/``.

    ``post`` is a function ``(url, json_bytes) -> bytes`` doing a *blocking* POST; the Pyodide
    harness supplies one built on the runtime's fetch."""

    def __init__(self, url: str, post=None):
        self.url = url.rstrip("/")
        self._post = post or _urllib_post

    def _call(self, what, payload):
        return _json.loads(self._post(f"{self.url}/__mock__/{what}", _json.dumps(payload).encode()) or b"null")

    def on(self, method, path, status=200, json=None, body=None, headers=None, delay=0.0, times=None):
        if isinstance(body, bytes):
            body = body.decode()
        self._call("on", {"method": method, "path": path, "status": status, "json": json, "body": body,
                          "headers": headers, "delay": delay, "times": times})

    def requests(self, path=None):
        return self._call("requests", {"path": path})

    def count(self, path=None):
        return len(self.requests(path))

    def reset(self):
        self._call("reset", {})

    def close(self):
        pass


def _urllib_post(url, data):
    import urllib.request
    req = urllib.request.Request(url, data=data, method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.read()


if __name__ == "__main__":  # `python -m tests.support.mock_server [port]`: serve until killed (harnesses use this)
    import sys
    server = MockServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(server.url, flush=True)
    threading.Event().wait()
