"""The HTTP boundary.

A *fetch backend* is any object with::

    name: str
    def fetch(self, request: HttpRequest) -> HttpResponse          # sync twin
    async def afetch(self, request: HttpRequest) -> HttpResponse   # async twin

Transport failures raise :class:`clerk_edge.errors.FetchError`; HTTP error statuses are *not*
exceptions (they come back as responses).  A backend may be async-only (``is_async_only = True``,
e.g. the Pyodide/Workers ``fetch``): its ``fetch`` raises.

Backends: :mod:`.urllib` (stdlib, CPython/Lambda) and :mod:`.pyodide` (the runtime's JS ``fetch``).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Tuple, Union

__all__ = ["HttpRequest", "HttpResponse", "Headers", "default_fetch", "resolve_fetch"]


class Headers:
    """A small case-insensitive multi-map of header names to values (insertion order kept)."""

    __slots__ = ("_items",)

    def __init__(self, items: Union[None, Mapping[str, str], Iterable[Tuple[str, str]]] = None):
        self._items: list = []
        if items is None:
            return
        if isinstance(items, Headers):
            self._items = list(items._items)
            return
        if hasattr(items, "items"):
            items = items.items()
        for k, v in items:
            if isinstance(v, (list, tuple)):
                for vv in v:
                    self._items.append((str(k), str(vv)))
            else:
                self._items.append((str(k), str(v)))

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        n = name.lower()
        for k, v in self._items:
            if k.lower() == n:
                return v
        return default

    def get_all(self, name: str) -> list:
        n = name.lower()
        return [v for k, v in self._items if k.lower() == n]

    def set(self, name: str, value: str) -> None:
        self.remove(name)
        self._items.append((name, str(value)))

    def add(self, name: str, value: str) -> None:
        self._items.append((name, str(value)))

    def remove(self, name: str) -> None:
        n = name.lower()
        self._items = [(k, v) for k, v in self._items if k.lower() != n]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __getitem__(self, name: str) -> str:
        v = self.get(name)
        if v is None:
            raise KeyError(name)
        return v

    def items(self) -> list:
        return list(self._items)

    def keys(self) -> list:
        return [k for k, _ in self._items]

    def to_dict(self) -> dict:
        """Lower-cased names; repeated headers joined with ', ' (Set-Cookie kept as a list)."""
        out: dict = {}
        for k, v in self._items:
            lk = k.lower()
            if lk == "set-cookie":
                out.setdefault(lk, []).append(v)
            elif lk in out:
                out[lk] = out[lk] + ", " + v
            else:
                out[lk] = v
        return out

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, Headers):
            return sorted((k.lower(), v) for k, v in self._items) == sorted((k.lower(), v) for k, v in other._items)
        return NotImplemented

    def __repr__(self) -> str:
        shown = []
        for k, v in self._items:
            if k.lower() in ("authorization", "cookie", "set-cookie"):
                v = v[:7] + "…" if len(v) > 7 else v
            shown.append((k, v))
        return f"Headers({shown!r})"


@dataclass
class HttpRequest:
    method: str
    url: str
    headers: Headers = field(default_factory=Headers)
    body: Optional[bytes] = None
    timeout: float = 10.0  # seconds for this one attempt

    def __post_init__(self):
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers)

    def __repr__(self) -> str:  # never print bodies or credentials
        return f"HttpRequest({self.method} {self.url})"


@dataclass
class HttpResponse:
    status: int
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self):
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        import json
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        return f"HttpResponse({self.status}, {len(self.body)} bytes)"


def in_pyodide() -> bool:
    return sys.platform == "emscripten" or "pyodide" in sys.modules


def default_fetch():
    """The fetch backend for this runtime: the JS ``fetch`` under Pyodide, urllib elsewhere."""
    if in_pyodide():
        from .pyodide import PyodideFetch
        return PyodideFetch()
    from .urllib import UrllibFetch
    return UrllibFetch()


def resolve_fetch(fetch):
    """Accept ``None`` (auto), a backend name (``'urllib'``/``'pyodide'``) or a backend object."""
    if fetch is None:
        return default_fetch()
    if isinstance(fetch, str):
        if fetch == "urllib":
            from .urllib import UrllibFetch
            return UrllibFetch()
        if fetch == "pyodide":
            from .pyodide import PyodideFetch
            return PyodideFetch()
        raise ValueError(f"unknown fetch backend {fetch!r}; expected 'urllib', 'pyodide' or an object")
    return fetch
