"""A small WHATWG-URL subset: just what the handshake needs to produce byte-identical Locations.

``URLSearchParams`` serialisation differs from :func:`urllib.parse.urlencode` (``~`` is encoded,
``*`` is not, space is ``+``), and any mutation of ``url.searchParams`` in JavaScript re-serialises
the whole query, so the helpers here reproduce that.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional, Tuple
from urllib.parse import unquote_to_bytes

__all__ = ["Url", "parse_url", "form_encode", "parse_query"]

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
_FORM_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._")
# characters WHATWG percent-encodes in paths / queries of special URLs (the common ones)
_PATH_ENCODE = {" ": "%20", '"': "%22", "<": "%3C", ">": "%3E", "`": "%60", "{": "%7B", "}": "%7D"}
_QUERY_ENCODE = {" ": "%20", '"': "%22", "<": "%3C", ">": "%3E", "'": "%27"}
_BAD_HOST = set(" \t\n\r#%/:<>?@[\\]^|")


def form_encode(value: str) -> str:
    out = []
    for b in value.encode("utf-8"):
        if b in _FORM_SAFE:
            out.append(chr(b))
        elif b == 0x20:
            out.append("+")
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def _form_decode(value: str) -> str:
    return unquote_to_bytes(value.replace("+", " ")).decode("utf-8", "replace")


def parse_query(query: Optional[str]) -> List[Tuple[str, str]]:
    """``URLSearchParams`` parsing: split on ``&``, empty pieces skipped, ``+`` is a space."""
    pairs: List[Tuple[str, str]] = []
    if not query:
        return pairs
    for piece in query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append((_form_decode(name), _form_decode(value)))
    return pairs


def _encode_chars(text: str, table: dict) -> str:
    return "".join(table.get(c, c) if ord(c) < 128 else _pct_utf8(c) for c in text)


def _pct_utf8(c: str) -> str:
    return "".join("%%%02X" % b for b in c.encode("utf-8"))


@dataclass(frozen=True)
class Url:
    scheme: str            # without ':'
    host: str              # lower-cased hostname (IPv6 kept in brackets)
    port: str              # '' for the default port
    path: str
    query: Optional[str]   # None = no '?'
    fragment: Optional[str] = None

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port else "")

    @property
    def hostname(self) -> str:
        return self.host

    @property
    def href(self) -> str:
        out = self.origin + self.path
        if self.query is not None:
            out += "?" + self.query
        if self.fragment is not None:
            out += "#" + self.fragment
        return out

    def __str__(self) -> str:
        return self.href

    # -- searchParams -------------------------------------------------------------
    def params(self) -> List[Tuple[str, str]]:
        return parse_query(self.query)

    def get(self, name: str) -> Optional[str]:
        for k, v in self.params():
            if k == name:
                return v
        return None

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.params())

    def with_params(self, pairs: List[Tuple[str, str]]) -> "Url":
        """The URL after a ``searchParams`` mutation: the query re-serialised (or dropped if empty)."""
        text = "&".join(form_encode(k) + "=" + form_encode(v) for k, v in pairs)
        return replace(self, query=text or None)

    def delete(self, *names: str) -> "Url":
        return self.with_params([(k, v) for k, v in self.params() if k not in names])

    def append(self, name: str, value: str) -> "Url":
        return self.with_params(self.params() + [(name, value)])

    def set(self, name: str, value: str) -> "Url":
        pairs = self.params()
        out, done = [], False
        for k, v in pairs:
            if k == name:
                if not done:
                    out.append((k, value))
                    done = True
            else:
                out.append((k, v))
        if not done:
            out.append((name, value))
        return self.with_params(out)


def _split_authority(authority: str) -> Tuple[str, str]:
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise ValueError("Invalid URL")
        host, rest = authority[: end + 1], authority[end + 1:]
        port = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            raise ValueError("Invalid URL")
        return host, port
    host, _, port = authority.partition(":")
    return host, port


def parse_url(text: str, base: Optional[str] = None) -> Url:
    """Parse an absolute http(s)-like URL (or a path/query ``text`` against ``base``).

    Raises ``ValueError('Invalid URL')`` where ``new URL()`` would throw a TypeError."""
    if not isinstance(text, str):
        raise ValueError("Invalid URL")
    text = text.strip()
    if base is not None and "://" not in text.split("?", 1)[0]:
        b = parse_url(base)
        if not text.startswith("/"):
            raise ValueError("Invalid URL")
        text = b.origin + text
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme or not scheme[0].isalpha() or not all(c.isalnum() or c in "+-." for c in scheme):
        raise ValueError("Invalid URL")
    scheme = scheme.lower()
    fragment = None
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    query = None
    if "?" in rest:
        rest, query = rest.split("?", 1)
    slash = rest.find("/")
    authority, path = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    host, port = _split_authority(authority)
    if not host or any(c in _BAD_HOST for c in host.strip("[]")) and not host.startswith("["):
        raise ValueError("Invalid URL")
    if port:
        if not port.isdigit() or int(port) > 65535:
            raise ValueError("Invalid URL")
        port = str(int(port))
        if _DEFAULT_PORTS.get(scheme) == port:
            port = ""
    host = host.lower()
    path = _encode_chars(path or "/", _PATH_ENCODE)
    if query is not None:
        query = _encode_chars(query, _QUERY_ENCODE)
    return Url(scheme, host, port, path, query, fragment)
