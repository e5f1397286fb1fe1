"""The runtime matrix: the project's test suite on every runtime clerk_edge promises to run on.

``python -m runtimes.matrix`` (or ``./dev test``) runs each tier once and prints a table.
Tiers: CPython (every pyenv 3.10–3.13 found), Pyodide 0.28.2 / 314.0.6 under Node, workerd hosting
npm Pyodide (``workers_example``), the real AWS Lambda runtime client (awslambdaric) against a
loopback Runtime API, and an opt-in real Cloudflare ``python_workers`` tier.
"""
