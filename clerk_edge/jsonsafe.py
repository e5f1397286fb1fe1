"""JSON parsing for untrusted text.

Deeply nested input (``[[[[…``) makes CPython raise ``RecursionError`` — and under Pyodide it
exhausts the WebAssembly stack and kills the whole runtime before Python can react.  Every parse of
text that came from outside (token segments, JWKS bodies) goes through :func:`loads`, which refuses
nesting deeper than ``max_depth`` *before* parsing.  The check costs two ``str.count`` calls unless
the text contains many brackets.
"""
from __future__ import annotations

import json

__all__ = ["loads", "TooDeep"]


class TooDeep(ValueError):
    pass


def _reject_constant(name: str):
    raise ValueError(f"non-standard JSON constant {name}")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _depth_exceeds(text: str, max_depth: int) -> bool:
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def loads(text: str, max_depth: int = 64):
    """``json.loads`` that rejects NaN/Infinity literals and nesting deeper than ``max_depth``
    (``ValueError`` either way)."""
    if text.count("[") + text.count("{") > max_depth and _depth_exceeds(text, max_depth):
        raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    return _DECODER.decode(text)
