"""``python -m runtimes.pyodide VERSION [pytest args]`` — run the suite inside Pyodide VERSION.

Starts the scriptable mock server (``python -m tests.support.mock_server``) on 127.0.0.1 in this
(host) process tree and hands its URL to the tests as ``CLERK_EDGE_MOCK_SERVER_URL``: Pyodide cannot
listen on sockets, so ``mock_server`` is driven remotely and every JWKS / Backend API call the
library makes goes through the runtime's own JS ``fetch`` to that loopback server.
"""
from __future__ import annotations

import os
import subprocess
import sys

from . import RUNNER, ROOT, VERSIONS, WHEELS, node_flags, pyodide_dir

DEFAULT_ARGS = ["tests", "--ignore=tests/runtimes", "-p", "runtimes.report_plugin", "-q"]


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in VERSIONS:
        print(f"usage: python -m runtimes.pyodide {{{'|'.join(VERSIONS)}}} [pytest args]", file=sys.stderr)
        return 2
    version, args = argv[0], argv[1:] or DEFAULT_ARGS
    pdir = pyodide_dir(version)
    if not os.path.exists(os.path.join(pdir, "pyodide.mjs")):
        print(f"Pyodide {version} missing at {pdir}: run `npm ci`", file=sys.stderr)
        return 2
    if not os.path.isdir(WHEELS) or not any(f.endswith(".whl") for f in os.listdir(WHEELS)):
        print(f"no wheels in {WHEELS}: run `./dev test` (it downloads them)", file=sys.stderr)
        return 2
    server = subprocess.Popen([sys.executable, "-m", "tests.support.mock_server"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            print(f"mock server did not start (got {url!r})", file=sys.stderr)
            return 2
        env = dict(os.environ, CLERK_EDGE_MOCK_SERVER_URL=url)
        cmd = ["node", *node_flags(), RUNNER, "--pyodide", pdir, "--wheels", WHEELS, "--project", ROOT]
        shared = os.environ.get("CLERK_EDGE_SHARED_DIR") or os.path.join(os.path.dirname(ROOT), "shared")
        if os.path.isdir(shared):
            cmd += ["--shared", shared]
        if env.get("CLERK_EDGE_MATRIX_REPORT"):
            cmd += ["--report", env["CLERK_EDGE_MATRIX_REPORT"]]
        return subprocess.call(cmd + ["--", *args], cwd=ROOT, env=env)
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
