"""``organizationSyncOptions``: which URL paths name an organization (``:id`` / ``:slug``) or the
personal account (``tokens/organizationMatcher.ts``).  Patterns follow path-to-regexp 6.x, the
dialect @clerk/shared uses: ``:name`` params (optionally ``:name(regex)``), ``(regex)`` groups and
``? * +`` modifiers, case-insensitive, optional trailing slash."""
from __future__ import annotations

import re
from typing import Any, List, Optional

from ..errors import ClerkEdgeError

__all__ = ["OrganizationMatcher", "compile_patterns"]

_DELIMS = "/#?"
_DEFAULT_PATTERN = "[^/#?]+?"


def _lex(path: str) -> list:
    tokens = []
    i = 0
    while i < len(path):
        c = path[i]
        if c in "*+?":
            tokens.append(("MOD", c)); i += 1; continue
        if c == "\\":
            tokens.append(("ESC", path[i + 1] if i + 1 < len(path) else "")); i += 2; continue
        if c == "{":
            tokens.append(("OPEN", c)); i += 1; continue
        if c == "}":
            tokens.append(("CLOSE", c)); i += 1; continue
        if c == ":":
            j = i + 1
            while j < len(path) and (path[j].isalnum() or path[j] == "_"):
                j += 1
            if j == i + 1:
                raise ValueError(f"Missing parameter name at {i}")
            tokens.append(("NAME", path[i + 1:j])); i = j; continue
        if c == "(":
            depth, j, pattern = 1, i + 1, ""
            if j < len(path) and path[j] == "?":
                raise ValueError(f'Pattern cannot start with "?" at {j}')
            while j < len(path):
                if path[j] == "\\":
                    pattern += path[j:j + 2]; j += 2; continue
                if path[j] == ")":
                    depth -= 1
                    if depth == 0:
                        j += 1; break
                elif path[j] == "(":
                    depth += 1
                    if j + 1 < len(path) and path[j + 1] != "?":
                        raise ValueError(f"Capturing groups are not allowed at {j}")
                pattern += path[j]; j += 1
            if depth:
                raise ValueError(f"Unbalanced pattern at {i}")
            if not pattern:
                raise ValueError(f"Missing pattern at {i}")
            tokens.append(("PATTERN", pattern)); i = j; continue
        tokens.append(("CHAR", c)); i += 1
    tokens.append(("END", ""))
    return tokens


def _parse(path: str) -> list:
    tokens = _lex(path)
    result: list = []
    key = 0
    i = 0
    buf = ""

    def take(kind):
        nonlocal i
        if tokens[i][0] == kind:
            i += 1
            return tokens[i - 1][1]
        return None

    while i < len(tokens):
        char = take("CHAR")
        name = take("NAME")
        pattern = take("PATTERN")
        if name is not None or pattern is not None:
            prefix = char or ""
            if prefix not in "./" or prefix == "":
                buf += prefix
                prefix = ""
            if buf:
                result.append(buf); buf = ""
            if name is None:
                name = key; key += 1
            result.append({"name": name, "prefix": prefix, "suffix": "", "pattern": pattern or _DEFAULT_PATTERN,
                           "modifier": take("MOD") or ""})
            continue
        value = char if char is not None else take("ESC")
        if value is not None:
            buf += value
            continue
        if buf:
            result.append(buf); buf = ""
        if take("OPEN") is not None:
            prefix = ""
            while tokens[i][0] in ("CHAR", "ESC"):
                prefix += tokens[i][1]; i += 1
            name = take("NAME")
            pattern = take("PATTERN")
            suffix = ""
            while tokens[i][0] in ("CHAR", "ESC"):
                suffix += tokens[i][1]; i += 1
            if take("CLOSE") is None:
                raise ValueError("Expected CLOSE")
            if name is None and pattern is None:
                pname = ""
            else:
                pname = name
                if pname is None:
                    pname = key; key += 1
            result.append({"name": pname, "prefix": prefix, "suffix": suffix,
                           "pattern": (pattern or _DEFAULT_PATTERN) if (name is not None or pattern) else "",
                           "modifier": take("MOD") or ""})
            continue
        if take("END") is not None:
            break
        raise ValueError(f"Unexpected {tokens[i][0]} at {i}")
    return result


def _source(path: str, keys: list) -> str:
    out = "^"
    for t in _parse(path):
        if isinstance(t, str):
            out += re.escape(t)
            continue
        pre, suf = re.escape(t["prefix"]), re.escape(t["suffix"])
        if t["pattern"]:
            keys.append(t)
            if pre or suf:
                if t["modifier"] in ("+", "*"):
                    opt = "?" if t["modifier"] == "*" else ""
                    out += f"(?:{pre}((?:{t['pattern']})(?:{suf}{pre}(?:{t['pattern']}))*){suf}){opt}"
                else:
                    out += f"(?:{pre}({t['pattern']}){suf}){t['modifier']}"
            else:
                if t["modifier"] in ("+", "*"):
                    raise ValueError(f'Can not repeat "{t["name"]}" without a prefix and suffix')
                out += f"({t['pattern']}){t['modifier']}"
        else:
            out += f"(?:{pre}{suf}){t['modifier']}"
    out += "[/#?]?$"
    return out


def compile_patterns(patterns: List[str]):
    """A matcher function ``path -> params dict | None`` for a list of patterns (any may match)."""
    keys: list = []
    sources = [_source(p, keys) for p in patterns]
    regex = re.compile("(?:" + "|".join(sources) + ")", re.IGNORECASE)

    def match(path: str) -> Optional[dict]:
        m = regex.search(path)
        if not m:
            return None
        params: dict = {}
        for idx, key in enumerate(keys, start=1):
            value = m.group(idx)
            if value is None:
                continue
            if key["modifier"] in ("*", "+"):
                params[key["name"]] = value.split(key["prefix"] + key["suffix"])
            else:
                params[key["name"]] = value
        return params

    return match


def _opt(options: Any, snake: str, camel: str):
    if options is None:
        return None
    if isinstance(options, dict):
        return options.get(snake, options.get(camel))
    return getattr(options, snake, None)


class OrganizationMatcher:
    """``find_target(url_path)`` → ``{'type': 'organization', 'organization_id'|'organization_slug': …}``,
    ``{'type': 'personal_account'}`` or ``None``."""

    def __init__(self, options: Any = None):
        self._org = self._make(_opt(options, "organization_patterns", "organizationPatterns"))
        self._personal = self._make(_opt(options, "personal_account_patterns", "personalAccountPatterns"))

    @staticmethod
    def _make(patterns):
        if patterns is None:
            return None
        if isinstance(patterns, str):
            patterns = [patterns]
        try:
            return compile_patterns(list(patterns))
        except (ValueError, re.error) as exc:
            raise ClerkEdgeError(f'Invalid pattern "{",".join(patterns)}": {exc}') from None

    def find_target(self, path: str) -> Optional[dict]:
        if self._org is not None:
            params = self._org(path)
            if params is not None:
                if params.get("id"):
                    return {"type": "organization", "organization_id": params["id"]}
                if params.get("slug"):
                    return {"type": "organization", "organization_slug": params["slug"]}
        return self._personal_target(path)

    def _personal_target(self, path: str) -> Optional[dict]:
        if self._personal is None:
            return None
        return {"type": "personal_account"} if self._personal(path) is not None else None

