"""A loopback implementation of the AWS Lambda Runtime API (2018-06-01), enough for the real
``awslambdaric`` loop:

* ``GET  /2018-06-01/runtime/invocation/next``            long-polls the queue of events
* ``POST /2018-06-01/runtime/invocation/{id}/response``   the handler's result
* ``POST /2018-06-01/runtime/invocation/{id}/error``      a handler exception
* ``POST /2018-06-01/runtime/init/error``                 the handler could not be loaded

Usage::

    with RuntimeAPI() as api:
        proc = api.spawn("app.handler", task_root)      # python -m awslambdaric app.handler
        outcome = api.invoke(event)                       # Outcome(kind='response'|'error', body, seconds)
        api.stop(proc)

The server disables Nagle (else each call waits ~40–88 ms on delayed ACKs).
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

PREFIX = "/2018-06-01/runtime"


@dataclass
class Outcome:
    kind: str          # 'response' | 'error'
    body: Any          # parsed JSON (or raw text when not JSON)
    seconds: float     # enqueue -> result posted
    request_id: str


class RuntimeAPI:
    def __init__(self, function_name: str = "clerk-edge-test", timeout_s: float = 30.0):
        self.function_name = function_name
        self.timeout_s = timeout_s
        self._events: "queue.Queue[tuple[str, bytes]]" = queue.Queue()
        self._results: dict = {}
        self._lock = threading.Lock()
        self.init_errors: "queue.Queue[bytes]" = queue.Queue()
        self.next_calls = 0
        self.first_next_at: Optional[float] = None
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _reply(self, code, body=b"", headers=None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != f"{PREFIX}/invocation/next":
                    return self._reply(404, b'{"errorType":"NotFound"}')
                with api._lock:
                    api.next_calls += 1
                    if api.first_next_at is None:
                        api.first_next_at = time.perf_counter()
                req_id, body = api._events.get()
                if req_id is None:  # shutdown sentinel
                    return self._reply(500, b'{"errorType":"Shutdown"}')
                self._reply(200, body, {
                    "Content-Type": "application/json",
                    "Lambda-Runtime-Aws-Request-Id": req_id,
                    "Lambda-Runtime-Deadline-Ms": str(int((time.time() + api.timeout_s) * 1000)),
                    "Lambda-Runtime-Invoked-Function-Arn": f"arn:aws:lambda:us-east-1:123456789012:function:{api.function_name}",
                    "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                })

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path[len(PREFIX):].strip("/").split("/") if self.path.startswith(PREFIX) else []
                if parts == ["init", "error"]:
                    api.init_errors.put(body)
                    return self._reply(202, b'{"status":"OK"}')
                if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                    api._result_queue(parts[1]).put((parts[2], body, self.headers.get("Lambda-Runtime-Function-Error-Type")))
                    return self._reply(202, b'{"status":"OK"}')
                self._reply(404, b'{"errorType":"NotFound"}')

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):  # runtime killed mid long-poll: expected
                if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="lambda-runtime-api", daemon=True)

    def _result_queue(self, req_id: str) -> "queue.Queue":
        with self._lock:
            return self._results.setdefault(req_id, queue.Queue())

    def __enter__(self) -> "RuntimeAPI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def env(self, handler: str, task_root: str, extra: Optional[dict] = None) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CLERK_"))}
        env.update({
            "AWS_LAMBDA_RUNTIME_API": self.address, "_HANDLER": handler, "LAMBDA_TASK_ROOT": task_root,
            "AWS_LAMBDA_FUNCTION_NAME": self.function_name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.function_name}", "AWS_LAMBDA_LOG_STREAM_NAME": "local",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
            "TZ": ":UTC",
        })
        paths = [task_root] + [p for p in (os.environ.get("PYTHONPATH") or "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env.update(extra or {})
        return env

    def spawn(self, handler: str, task_root: str, env: Optional[dict] = None,
              python: str = sys.executable) -> subprocess.Popen:
        """Start ``python -m awslambdaric HANDLER`` like Lambda's bootstrap (cwd = task root)."""
        return subprocess.Popen([python, "-m", "awslambdaric", handler], cwd=task_root,
                                env=self.env(handler, task_root, env),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def invoke(self, event: Any, timeout: float = 30.0) -> Outcome:
        req_id = str(uuid.uuid4())
        q = self._result_queue(req_id)
        t0 = time.perf_counter()
        self._events.put((req_id, json.dumps(event).encode()))
        kind, body, _ = q.get(timeout=timeout)
        seconds = time.perf_counter() - t0
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body.decode("utf-8", "replace")
        return Outcome(kind, parsed, seconds, req_id)

    def wait_init_error(self, timeout: float = 30.0) -> Any:
        return json.loads(self.init_errors.get(timeout=timeout))

    def stop(self, proc: subprocess.Popen) -> str:
        """Terminate the runtime process; returns its output (for diagnostics)."""
        if proc.poll() is None:
            proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        return out or ""
