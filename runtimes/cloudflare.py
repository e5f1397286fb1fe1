"""Opt-in tier: ``workers_example`` on Cloudflare's real Python Workers runtime (``python_workers``).

workerd's Python support loads a Pyodide *bundle* (``pyodide_<ver>_<date>_<n>.capnp.bin``) from
``pyodide-capnp-bin.edgeworker.net`` and checks it against a sha256 compiled into the binary.  No
package registry ships that file, so this tier runs only when ``CLERK_EDGE_PYODIDE_BUNDLE_DIR``
points to a folder that holds it (fetched once, elsewhere, by workerd itself: run
``workerd serve … --pyodide-bundle-disk-cache-dir DIR`` on a machine with internet access).
Then workerd runs with ``--pyodide-bundle-disk-cache-dir`` and never touches the network.
"""
from __future__ import annotations

import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV_VAR = "CLERK_EDGE_PYODIDE_BUNDLE_DIR"
# compatibility date -> the bundle the pinned workerd (1.20261117.1) asks for (see notes/runtimes.md)
BUNDLES = {
    "2025-09-29": "pyodide_0.28.2_2025-01-16_22.capnp.bin",
    "2026-09-08": "pyodide_314.0.6_2026-08-17_11.capnp.bin",
}


def bundle_dir():
    d = os.environ.get(ENV_VAR)
    return d if d else None


def compatibility_date() -> str:
    """The compatibility_date declared in workers_example/wrangler.jsonc."""
    with open(os.path.join(ROOT, "workers_example", "wrangler.jsonc")) as fh:
        m = re.search(r'"compatibility_date"\s*:\s*"(\d{4}-\d{2}-\d{2})"', fh.read())
    return m.group(1) if m else "2025-09-29"


def expected_bundle() -> str:
    date = compatibility_date()
    name = None
    for start, bundle in sorted(BUNDLES.items()):
        if date >= start:
            name = bundle
    return name or BUNDLES["2025-09-29"]


def skip_reason():
    """``None`` when the tier can run, else the one line to print."""
    d = bundle_dir()
    if not d:
        return (f"cloudflare-python-workers is opt-in: set {ENV_VAR} to a folder holding {expected_bundle()} "
                "(Cloudflare's sha256-pinned Pyodide bundle; no package registry ships it, so it cannot be fetched offline)")
    if not os.path.isdir(d):
        return f"{ENV_VAR}={d} is not a directory"
    if not glob.glob(os.path.join(d, "pyodide_*.capnp.bin")):
        return f"{ENV_VAR}={d} holds no pyodide_*.capnp.bin (expected {expected_bundle()})"
    return None
