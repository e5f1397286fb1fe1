"""pytest plugin (``-p runtimes.report_plugin``): write the run's outcome counts as JSON to the
file named by ``CLERK_EDGE_MATRIX_REPORT`` so the matrix can print one table for every runtime."""
from __future__ import annotations

import json
import os
import time

_T0 = time.time()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    path = os.environ.get("CLERK_EDGE_MATRIX_REPORT")
    if not path:
        return
    stats = terminalreporter.stats

    counts = {
        "passed": len([r for r in stats.get("passed", []) if getattr(r, "when", "call") == "call"]),
        "failed": len(stats.get("failed", [])),
        "errors": len(stats.get("error", [])),
        "skipped": len(stats.get("skipped", [])),
        "xfailed": len(stats.get("xfailed", [])),
        "xpassed": len(stats.get("xpassed", [])),
        "exitstatus": int(exitstatus),
        "seconds": round(time.time() - _T0, 2),
    }
    with open(path, "w") as fh:
        json.dump(counts, fh)
