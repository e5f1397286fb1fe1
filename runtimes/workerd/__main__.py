"""``python -m runtimes.workerd serve [--pyodide 0.28.2|314.0.6] [--port 8787]``

Serve ``workers_example`` locally in workerd (hosting npm Pyodide) with the bindings taken from the
``CLERK_*`` environment variables, until Ctrl-C."""
from __future__ import annotations

import argparse
import os
import sys

from . import BINDING_NAMES, BUILD_ROOT, PYODIDE, Workerd, build, missing


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m runtimes.workerd")
    p.add_argument("command", choices=["serve"])
    p.add_argument("--pyodide", default="0.28.2", choices=sorted(PYODIDE))
    p.add_argument("--port", type=int, default=8787)
    args = p.parse_args(argv)
    why = missing()
    if why:
        print(why, file=sys.stderr)
        return 2
    bindings = {k: os.environ[k] for k in BINDING_NAMES if os.environ.get(k)}
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop workerd on `kill` too, not only Ctrl-C
    config = build(args.pyodide, bindings, args.port,
                   out=os.path.join(BUILD_ROOT, f"serve-{args.pyodide}-{args.port}"))
    server = Workerd(config, args.port).start()
    print(f"workers_example on {server.url} (workerd + Pyodide {args.pyodide}); bindings: {sorted(bindings)}", flush=True)
    try:
        server.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
