"""The operation table the client serves: spec operations + the 0.x SDK's methods, merged.

Built once on first use from two data modules (:mod:`.operations`, generated from the spec, and :mod:`.seed`),
immutable afterwards.  ``groups()`` maps group name → {method name → :class:`Operation`}.
"""
from __future__ import annotations

import re
from typing import Dict, Optional

from .request import Operation

_TABLE: Optional[Dict[str, Dict[str, Operation]]] = None


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _seed_operation(row, *, extra: bool) -> Operation:
    group, name, method, path, query, body_kind, body_props, positional = row
    path_params = tuple(re.findall(r"\{([^}]+)\}", path))
    q = tuple((n[:-2], "any", True, True) if n.endswith("[]") else (n, "any", False, True) for n in query)
    return Operation(group, name, method, path, path_params, q, body_kind, body_props,
                     ("file",) if body_kind == "multipart" else (), False, True, None, True, False,
                     body_kind == "json", positional=positional, seed=not extra)


def _merge(spec_op: Operation, seed_op: Operation) -> Operation:
    """One operation that is both a spec operation and a 0.x method (same HTTP method and path)."""
    aliases = dict(spec_op.aliases)
    for seed_name, spec_name in zip(seed_op.path_params, spec_op.path_params):
        if seed_name != spec_name:
            aliases[seed_name] = spec_name
    positional = spec_op.path_params
    if seed_op.positional != seed_op.path_params:
        positional = tuple(aliases.get(p, p) for p in seed_op.positional)
    # 0.x body/query names the spec no longer lists are still accepted and sent as given
    query = list(spec_op.query)
    known_q = {q[0] for q in query}
    for q in seed_op.query:
        if q[0] not in known_q and q[0] not in spec_op.body_props:
            query.append(q)
    body_props = list(spec_op.body_props)
    for b in seed_op.body_props:
        if b not in body_props and b not in known_q:
            body_props.append(b)
    return Operation(spec_op.group, spec_op.name, spec_op.method, spec_op.path, spec_op.path_params, tuple(query),
                     spec_op.body_kind or seed_op.body_kind, tuple(body_props), spec_op.binary_props,
                     spec_op.body_open, spec_op.versioned, spec_op.operation_id, spec_op.auth, spec_op.deprecated,
                     spec_op.body_required if spec_op.body_kind else seed_op.body_required, positional=positional, aliases=aliases, seed=True)


def build_table() -> Dict[str, Dict[str, Operation]]:
    from .operations import OPERATIONS
    from .seed import CURRENT_EXTRAS, EXTRA_QUERY, SEED

    table: Dict[str, Dict[str, Operation]] = {}
    for row in OPERATIONS:
        extra_q = EXTRA_QUERY.get((row[0], row[1]))
        if extra_q:
            row = row[:5] + (tuple(row[5]) + tuple((q, "any", False, True) for q in extra_q),) + row[6:]
        op = Operation.from_row(row)
        table.setdefault(op.group, {})[op.name] = op
    for rows, extra in ((SEED, False), (CURRENT_EXTRAS, True)):
        for row in rows:
            seed_op = _seed_operation(row, extra=extra)
            group = table.setdefault(seed_op.group, {})
            existing = group.get(seed_op.name)
            if existing is None:
                group[seed_op.name] = seed_op
            elif existing.method == seed_op.method and _shape(existing.path) == _shape(seed_op.path):
                group[seed_op.name] = _merge(existing, seed_op)
            else:  # pragma: no cover - guarded by tests/api/test_table.py
                raise RuntimeError(f"0.x method {seed_op!r} clashes with spec operation {existing!r}")
    return table


def groups() -> Dict[str, Dict[str, Operation]]:
    global _TABLE
    if _TABLE is None:
        _TABLE = build_table()
    return _TABLE


def spec_operations():
    """The spec's operations as served (merged rows included), in spec order."""
    from .operations import OPERATIONS

    t = groups()
    return [t[row[0]][row[1]] for row in OPERATIONS]


def seed_operations():
    from .seed import SEED

    t = groups()
    return [t[row[0]][row[1]] for row in SEED]
