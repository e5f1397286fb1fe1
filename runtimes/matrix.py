"""Run the whole runtime matrix once and print a table: tier × passed / failed / skipped + wall time.

    python -m runtimes.matrix [--only GLOB[,GLOB…]] [-j N] [--list] [--no-netns] [-- extra pytest args]

``-j N`` runs N tiers at a time (default: 2, or ``CLERK_EDGE_MATRIX_JOBS``); with N > 1 each tier's
output is kept in ``.cache/matrix/<tier>.log`` and the tail of a failing tier is printed.

Tiers (each runtime booted once per run):

* ``cpython-3.X``   — ``pytest tests/`` (minus ``tests/runtimes/``) on every CPython 3.10–3.13 found;
* ``pyodide-V``     — the same files inside npm Pyodide V under Node (0.28.2 = Python 3.13, 314.0.6 = 3.14);
* ``workerd``       — ``workers_example`` served by workerd hosting npm Pyodide, real HTTP from pytest;
* ``lambda``        — the real awslambdaric runtime loop against a loopback Runtime API;
* ``cloudflare-python-workers`` — opt-in: needs ``CLERK_EDGE_PYODIDE_BUNDLE_DIR`` (else one skip line).

When run as root, every tier runs in a fresh network namespace that has only loopback
(``unshare -n`` + ``ip link set lo up``), so a hidden download fails loudly.  Exit status is non-zero
if any tier failed, errored, or ran no tests at all.
"""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from . import cpython
from .pyodide import VERSIONS as PYODIDE_VERSIONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = os.path.join(ROOT, ".cache", "matrix")
_PRINT_LOCK = __import__("threading").Lock()


def say(*args) -> None:
    with _PRINT_LOCK:
        print(*args, flush=True)
TIER_TIMEOUT = float(os.environ.get("CLERK_EDGE_TIER_TIMEOUT", "600"))  # a hung tier fails, the run ends
CORE_ARGS = ["tests", "--ignore=tests/runtimes", "-p", "runtimes.report_plugin", "-q"]


@dataclass
class Tier:
    name: str
    cmd: list = field(default_factory=list)
    note: str = ""
    skip_reason: str = ""     # set: not run, one printed line
    env: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)
    weight: int = 1           # rough cost, to start the long tiers first when running in parallel


@dataclass
class Result:
    tier: Tier
    status: str               # passed | FAILED | skipped
    counts: dict
    seconds: float
    detail: str = ""


def netns_prefix():
    """(prefix argv, warning or '') for running a command with loopback-only networking."""
    if os.name != "posix" or os.geteuid() != 0:
        return [], "not root: tiers run WITHOUT the loopback-only network namespace"
    if not (shutil.which("unshare") and shutil.which("ip")):
        return [], "`unshare`/`ip` not found: tiers run WITHOUT the loopback-only network namespace"
    prefix = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "clerk-edge-offline"]
    probe = subprocess.run(prefix + ["true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return [], f"`unshare -n` refused ({probe.stderr.strip()[:120]}): tiers run WITHOUT the network namespace"
    return prefix, ""


def build_tiers(extra_args: list, log=print) -> list:
    tiers = []
    py = sys.executable
    running = "%d.%d" % sys.version_info[:2]
    found = cpython.find_interpreters()
    versions = sorted(set(found) | {running}, key=lambda v: tuple(map(int, v.split("."))))
    for v in versions:
        if v == running:
            tiers.append(Tier(f"cpython-{v}", [py, "-m", "pytest", *CORE_ARGS, *extra_args],
                              note="running interpreter, every dev extra", weight=4))
            continue
        tiers.append(Tier(f"cpython-{v}", ["@venv", v, found[v]], extra=list(extra_args), weight=3))
    for version, (_, pyver, _dates) in PYODIDE_VERSIONS.items():
        tiers.append(Tier(f"pyodide-{version}", [py, "-m", "runtimes.pyodide", version, *CORE_ARGS, *extra_args],
                          note=f"Python {pyver} in Node", weight=6))
    tiers.append(Tier("workerd", [py, "-m", "pytest", "tests/runtimes/test_workerd.py", "-p", "runtimes.report_plugin", "-q", *extra_args],
                      note="workers_example in workerd + npm Pyodide"))
    tiers.append(Tier("lambda", [py, "-m", "pytest", "tests/runtimes/test_lambda.py", "tests/interstitial/test_lambda_auth_state.py",
                                 "-p", "runtimes.report_plugin", "-q", *extra_args],
                      note="awslambdaric + loopback Runtime API (both eras)"))
    from . import cloudflare
    reason = cloudflare.skip_reason()
    tiers.append(Tier("cloudflare-python-workers",
                      [py, "-m", "pytest", "tests/runtimes/test_cloudflare.py", "-p", "runtimes.report_plugin", "-q", *extra_args],
                      note="opt-in: needs CLERK_EDGE_PYODIDE_BUNDLE_DIR (reason above)" if reason else "real python_workers runtime",
                      skip_reason=reason or ""))
    return tiers


def _prepare(tier: Tier, log=print) -> Tier:
    """Resolve ``@venv`` tiers: build the per-version venv (outside the netns: it needs the index)."""
    if tier.cmd[:1] != ["@venv"]:
        return tier
    _, version, base = tier.cmd
    vpy = cpython.ensure_venv(version, base, log=log)
    kind = cpython.venv_kind(version)
    tier.cmd = [vpy, "-m", "pytest", *CORE_ARGS, *tier.extra]
    missing = cpython.unavailable_modules(version)
    if missing:
        tier.env["CLERK_EDGE_UNAVAILABLE_MODULES"] = ",".join(missing)
        tier.note = f"pyenv; no {'/'.join(missing)} release for {version}"
    else:
        tier.note = "pyenv, [dev] extras"
    return tier


def run_tier(tier: Tier, prefix: list, log_path: str = None) -> Result:
    """Run one tier.  ``log_path``: capture its output there (parallel mode) instead of streaming it."""
    if tier.skip_reason:
        say(f"SKIP {tier.name}: {tier.skip_reason}")
        return Result(tier, "skipped", {}, 0.0, tier.skip_reason)
    os.makedirs(REPORTS, exist_ok=True)
    report = os.path.join(REPORTS, f"{tier.name}.json")
    if os.path.exists(report):
        os.unlink(report)
    env = dict(os.environ, CLERK_EDGE_MATRIX_REPORT=report, CLERK_EDGE_TIER=tier.name,
               PYTHONPATH=ROOT + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""),
               **tier.env)
    header = f"===== tier {tier.name} ({tier.note}) ====="
    out = None
    if log_path:
        out = open(log_path, "w")
        out.write(header + "\n")
        out.flush()
        say(f"start {tier.name}")
    else:
        print("\n" + header, flush=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(prefix + tier.cmd, cwd=ROOT, env=env, start_new_session=True,
                            stdout=out, stderr=subprocess.STDOUT if out else None)
    try:
        rc = proc.wait(timeout=TIER_TIMEOUT)
        detail = ""
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rc, detail = -1, f"timed out after {TIER_TIMEOUT:.0f}s"
    finally:
        if out:
            out.close()
    seconds = time.perf_counter() - t0
    counts = {}
    if os.path.exists(report):
        with open(report) as fh:
            counts = json.load(fh)
    elif not detail:
        detail = f"no report written (exit {rc})"
    ran = counts.get("passed", 0) + counts.get("failed", 0) + counts.get("errors", 0) + counts.get("xfailed", 0) + counts.get("xpassed", 0)
    if rc == 5 or (counts and ran == 0):
        detail = detail or "no tests ran (pytest exit 5)"
        status = "FAILED"
    elif rc != 0 or counts.get("failed") or counts.get("errors") or not counts:
        status = "FAILED"
        detail = detail or f"exit {rc}"
    else:
        status = "passed"
    return Result(tier, status, counts, seconds, detail)


def _report_one(r: Result, log_path: str) -> None:
    c = r.counts
    say(f"done  {r.tier.name}: {r.status} — {c.get('passed', 0)} passed, {c.get('failed', 0) + c.get('errors', 0)} failed, "
        f"{c.get('skipped', 0)} skipped in {r.seconds:.1f}s (log: {os.path.relpath(log_path, ROOT)})")
    if r.status == "FAILED":
        with open(log_path) as fh:
            lines = fh.read().splitlines()
        say(f"----- last lines of {r.tier.name} -----\n" + "\n".join(lines[-80:]) + f"\n----- end of {r.tier.name} -----")


def run_all(tiers: list, prefix: list, jobs: int) -> list:
    """Run the tiers, ``jobs`` at a time (output captured per tier when > 1); results in tier order."""
    if jobs <= 1:
        return [run_tier(t, prefix) for t in tiers]
    from concurrent.futures import ThreadPoolExecutor
    os.makedirs(REPORTS, exist_ok=True)
    print(f"running {jobs} tiers at a time; each tier's output goes to .cache/matrix/<tier>.log", flush=True)
    results: dict = {}
    for t in tiers:
        if t.skip_reason:
            results[t.name] = run_tier(t, prefix)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for t in sorted((t for t in tiers if not t.skip_reason), key=lambda t: -t.weight):
            log_path = os.path.join(REPORTS, f"{t.name}.log")
            futures[pool.submit(run_tier, t, prefix, log_path)] = (t, log_path)
        from concurrent.futures import as_completed
        for fut in as_completed(futures):
            t, log_path = futures[fut]
            r = fut.result()
            results[t.name] = r
            _report_one(r, log_path)
    return [results[t.name] for t in tiers]


def table(results: list, total: float) -> str:
    head = f"{'tier':<28} {'status':<8} {'passed':>7} {'failed':>7} {'skipped':>8} {'xfail':>6} {'wall s':>8}  note"
    lines = [head, "-" * len(head)]
    for r in results:
        c = r.counts
        failed = c.get("failed", 0) + c.get("errors", 0)
        xfail = c.get("xfailed", 0) + c.get("xpassed", 0)
        note = r.detail if r.detail else r.tier.note
        if r.status == "skipped":
            note = r.tier.note or "skipped (reason printed above)"
            lines.append(f"{r.tier.name:<28} {'skipped':<8} {'-':>7} {'-':>7} {'-':>8} {'-':>6} {'-':>8}  {note}")
        else:
            lines.append(f"{r.tier.name:<28} {r.status:<8} {c.get('passed', 0):>7} {failed:>7} {c.get('skipped', 0):>8} "
                         f"{xfail:>6} {r.seconds:>8.1f}  {note}")
    lines.append("-" * len(head))
    lines.append(f"{'total':<28} {'':<8} {sum(r.counts.get('passed', 0) for r in results):>7} "
                 f"{sum(r.counts.get('failed', 0) + r.counts.get('errors', 0) for r in results):>7} "
                 f"{sum(r.counts.get('skipped', 0) for r in results):>8} {'':>6} {total:>8.1f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    only, use_netns, list_only = None, True, False
    jobs = int(os.environ.get("CLERK_EDGE_MATRIX_JOBS") or min(2, os.cpu_count() or 1))
    it = iter(argv)
    for a in it:
        if a == "--only":
            only = next(it).split(",")
        elif a.startswith("--only="):
            only = a.split("=", 1)[1].split(",")
        elif a == "--no-netns":
            use_netns = False
        elif a == "--list":
            list_only = True
        elif a in ("-j", "--jobs"):
            jobs = int(next(it))
        else:
            print(__doc__)
            return 2
    t_start = time.perf_counter()
    tiers = build_tiers(extra)
    if only:
        tiers = [t for t in tiers if any(fnmatch.fnmatch(t.name, pat) for pat in only)]
        if not tiers:
            print(f"no tier matches {only}", file=sys.stderr)
            return 2
    if list_only:
        for t in tiers:
            print(t.name, "-", t.skip_reason or t.note or " ".join(t.cmd))
        return 0
    prefix, warning = netns_prefix() if use_netns else ([], "--no-netns: tiers run with the host network")
    if warning:
        print(f"WARNING: {warning}", flush=True)
    else:
        print("every tier runs in a loopback-only network namespace (unshare -n, lo up)", flush=True)
    t_setup = time.perf_counter()
    for t in tiers:
        _prepare(t)
    setup_s = time.perf_counter() - t_setup
    if setup_s > 1:
        print(f"per-version venvs ready in {setup_s:.1f}s", flush=True)
    results = run_all(tiers, prefix, jobs)
    total = time.perf_counter() - t_start
    print("\n" + table(results, total), flush=True)
    metrics = [(r.tier.name, k, v) for r in results for k, v in (r.counts.get("metrics") or {}).items()]
    if metrics:
        print("\nmeasured:", flush=True)
        for name, k, v in metrics:
            print(f"  {name:<26} {k}: {v}", flush=True)
    failed = [r.tier.name for r in results if r.status == "FAILED"]
    if failed:
        print(f"\nFAILED tiers: {', '.join(failed)}", flush=True)
        return 1
    print("\nall tiers passed" + (" (opt-in tiers skipped as printed above)" if any(r.status == "skipped" for r in results) else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
