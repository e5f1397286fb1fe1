"""pytest plugin for the runtime matrix (``-p runtimes.report_plugin``).

* Writes the run's outcome counts as JSON to ``CLERK_EDGE_MATRIX_REPORT`` (one table for every runtime).
* ``CLERK_EDGE_UNAVAILABLE_MODULES=a,b``: modules the tier's interpreter cannot install (no release for
  that Python).  A test or test module that fails *only* with ``ModuleNotFoundError`` for one of them is
  reported as skipped, with the reason — any other failure stays a failure.
"""
from __future__ import annotations

import json
import os
import time

import pytest

_T0 = time.time()
_METRICS: dict = {}


def metric(config, name: str, value: str) -> None:
    """Record a measured figure (cold start, boot time …): shown in the terminal at once and listed
    under the matrix table.  ``config`` is pytest's config (``request.config``/``pytestconfig``)."""
    _METRICS[name] = value
    reporter = config.pluginmanager.get_plugin("terminalreporter") if config is not None else None
    if reporter is not None:
        reporter.write_line(f"[metric] {name}: {value}")


def _unavailable() -> set:
    return {m.strip() for m in os.environ.get("CLERK_EDGE_UNAVAILABLE_MODULES", "").split(",") if m.strip()}


def _missing_module(excinfo):
    if excinfo is None or not excinfo.errisinstance(ModuleNotFoundError):
        return None
    name = (getattr(excinfo.value, "name", None) or "").split(".")[0]
    return name if name in _unavailable() else None


def _skip_reason(name: str) -> str:
    return f"{name} is not installable on this interpreter (no release for it at the pinned version)"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and call.excinfo is not None:
        name = _missing_module(call.excinfo)
        if name:
            rep.outcome = "skipped"
            rep.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {_skip_reason(name)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and _unavailable():
        text = str(rep.longrepr)
        for name in _unavailable():
            if f"No module named '{name}'" in text and "ModuleNotFoundError" in text:
                rep.outcome = "skipped"
                rep.longrepr = (str(collector.path), 0, f"Skipped: {_skip_reason(name)}")
                rep.result = []
                break


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    path = os.environ.get("CLERK_EDGE_MATRIX_REPORT")
    if not path:
        return
    stats = terminalreporter.stats
    if os.environ.get("CLERK_EDGE_PYODIDE_BOOT_MS"):
        import sys
        _METRICS[f"loadPyodide (Python {sys.version.split()[0]})"] = os.environ["CLERK_EDGE_PYODIDE_BOOT_MS"] + " ms"
    counts = {
        "passed": len([r for r in stats.get("passed", []) if getattr(r, "when", "call") == "call"]),
        "failed": len(stats.get("failed", [])),
        "errors": len(stats.get("error", [])),
        "skipped": len(stats.get("skipped", [])),
        "xfailed": len(stats.get("xfailed", [])),
        "xpassed": len(stats.get("xpassed", [])),
        "exitstatus": int(exitstatus),
        "seconds": round(time.time() - _T0, 2),
        "metrics": dict(_METRICS),
    }
    with open(path, "w") as fh:
        json.dump(counts, fh)
