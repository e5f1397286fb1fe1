"""Pure request building for the Backend API client.

:class:`Operation` is one row of the operation table (generated from Clerk's spec, see
:mod:`clerk_edge.api.operations`, or hand-written for the 0.x SDK, see :mod:`clerk_edge.api.seed`).
:func:`build_request` turns an operation plus the caller's arguments into a
:class:`clerk_edge.fetch.HttpRequest` — no I/O, no clock, no randomness.

Encoding rules (``@clerk/backend``, with one fix):

* URL = ``api_url`` + ``api_version`` (unless the resource is unversioned) + path, repeated ``/`` collapsed
  except the scheme's ``//``.  Path parameters are percent-encoded; empty ids (and ``.``/``..``) are rejected
  with ``ClerkEdgeError('A valid resource ID is required.')`` before anything is sent.
* Query: keys snake_cased, lists repeated (``email_address=a&email_address=b``), booleans ``true``/``false``.
  ``None`` is left out, but explicit ``False``/``0``/``''`` are **sent** — the 0.x client dropped every falsy
  value, so ``banned=False`` or ``offset=0`` silently disappeared (a bug; documented deviation).
* JSON body: top-level keys snake_cased only (metadata contents keep their casing); a list body (bulk
  operations) is formatted item by item; no body when there is nothing to send.
* Multipart for the upload operations (``file`` = bytes, ``(filename, bytes[, content_type])`` or a file
  object); the boundary is derived from the content, so building stays deterministic.
* Headers: ``Authorization: Bearer <secret key>``, ``User-Agent: clerk-edge/<version>``,
  ``Clerk-API-Version: 2026-05-12``, ``Accept``/``Content-Type: application/json``.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional, Tuple

from ..errors import ClerkEdgeError
from ..fetch import Headers, HttpRequest

__all__ = [
    "Operation", "build_request", "snake_case", "join_url", "CLERK_API_VERSION", "MISSING_SECRET_KEY",
    "INVALID_ID", "ClerkArgumentError",
]

CLERK_API_VERSION = "2026-05-12"
MISSING_SECRET_KEY = "Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your instance."
INVALID_ID = "A valid resource ID is required."


class ClerkArgumentError(ClerkEdgeError, TypeError):
    """A method of the REST client was called with arguments it does not take."""


_ACRONYMS = (("OAuth", "Oauth"), ("URLs", "Urls"), ("M2M", "M2m"), ("IDs", "Ids"))
_SNAKE_CACHE: Dict[str, str] = {}


def snake_case(name: str) -> str:
    """``publicMetadata`` → ``public_metadata``; ``primaryEmailAddressID`` → ``primary_email_address_id``;
    snake_case input is returned unchanged."""
    out = _SNAKE_CACHE.get(name)
    if out is not None:
        return out
    s = name
    for a, b in _ACRONYMS:
        s = s.replace(a, b)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = s.replace("-", "_").lower()
    if len(_SNAKE_CACHE) < 4096:
        _SNAKE_CACHE[name] = s
    return s


class Operation:
    """One Backend API operation as data.  Built from a table row; see ``operations.FIELDS``."""

    __slots__ = (
        "group", "name", "method", "path", "path_params", "optional_path", "query", "body_kind", "body_props",
        "binary_props", "body_open", "versioned", "operation_id", "auth", "deprecated", "positional",
        "aliases", "seed", "body_required", "_query_lookup", "_body_lookup",
    )

    def __init__(self, group, name, method, path, path_params, query, body_kind, body_props, binary_props,
                 body_open, versioned, operation_id, auth, deprecated, body_required=False, *, positional=None,
                 aliases=None, seed=False):
        self.group = group
        self.name = name
        self.method = method.upper()
        self.optional_path = tuple(p[:-1] for p in path_params if p.endswith("?"))
        self.path_params = tuple(p.rstrip("?") for p in path_params)
        self.path = path.replace("?}", "}")
        self.query = tuple(query)            # (wire, type, is_array, explode)
        self.body_kind = body_kind
        self.body_props = tuple(body_props)
        self.binary_props = tuple(binary_props)
        self.body_open = bool(body_open)
        self.versioned = bool(versioned)
        self.operation_id = operation_id
        self.auth = bool(auth)
        self.deprecated = bool(deprecated)
        self.body_required = bool(body_required)
        self.positional = tuple(positional) if positional is not None else self.path_params
        self.aliases = dict(aliases or {})   # other accepted name -> canonical name
        self.seed = seed
        q: Dict[str, tuple] = {}
        for spec in self.query:
            q.setdefault(spec[0], spec)
        for spec in self.query:
            q.setdefault(snake_case(spec[0]), spec)
        self._query_lookup = q
        b: Dict[str, str] = {}
        for p in self.body_props:
            b.setdefault(p, p)
        for p in self.body_props:
            b.setdefault(snake_case(p), p)
        self._body_lookup = b

    @classmethod
    def from_row(cls, row, **extra) -> "Operation":
        return cls(*row, **extra)

    @property
    def idempotent(self) -> bool:
        return self.method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")

    def signature(self) -> str:
        """A human description of the call, used in docstrings and error messages."""
        parts = [p if p not in self.optional_path else f"{p}=None" for p in self.positional]
        kw = [q[0] for q in self.query] + [b for b in self.body_props if b not in self.positional]
        if self.body_kind == "json_array":
            kw.append("body")
        if kw:
            parts.append("*")
            parts.extend(f"{k}=..." for k in kw)
        return f"{self.group}.{self.name}({', '.join(parts)})"

    def __repr__(self) -> str:
        return f"<Operation {self.group}.{self.name}: {self.method} {self.path}>"


# ------------------------------------------------------------------------------------------ helpers
def join_url(*parts: str) -> str:
    """Join URL pieces with ``/``, collapsing repeated slashes but keeping ``scheme://``."""
    text = "/".join(p for p in parts if p)
    m = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text)
    head, rest = (m.group(0), text[m.end():]) if m else ("", text)
    return head + re.sub(r"/{2,}", "/", rest)


def _quote(value: str, safe: str = "") -> str:
    from urllib.parse import quote
    return quote(value, safe=safe)


def _path_value(op: Operation, name: str, value) -> Optional[str]:
    if value is None or value == "":
        if name in op.optional_path:
            return None
        raise ClerkEdgeError(INVALID_ID)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ClerkEdgeError(f"{INVALID_ID} {op.group}.{op.name}: {name} must be a string, got {type(value).__name__}")
    text = str(value)
    if text.strip() in ("", ".", ".."):
        raise ClerkEdgeError(INVALID_ID)
    return _quote(text)


def _scalar(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _json_default(value):
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _snake_top(obj):
    if isinstance(obj, dict):
        return {snake_case(k) if isinstance(k, str) else k: v for k, v in obj.items()}
    return obj


def _multipart(fields: list) -> Tuple[bytes, str]:
    """Encode ``[(name, value)]`` as multipart/form-data.  Returns ``(body, boundary)``."""
    import hashlib

    parts = []
    for name, value in fields:
        filename, content_type = None, None
        if isinstance(value, tuple):
            if len(value) == 2:
                filename, value = value
            elif len(value) == 3:
                filename, value, content_type = value
            else:
                raise ClerkArgumentError(f"multipart field {name!r}: expected (filename, data[, content_type])")
        elif hasattr(value, "read"):
            filename = getattr(value, "name", None)
            value = value.read()
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            filename = filename or name
            content_type = content_type or "application/octet-stream"
        else:
            data = _scalar(value).encode("utf-8")
        if filename is not None:
            import os.path
            filename = os.path.basename(str(filename)).replace('"', "%22").replace("\r", "").replace("\n", "")
        parts.append((name, filename, content_type, data))
    digest = hashlib.sha256()
    for name, filename, ctype, data in parts:
        digest.update(name.encode() + b"\0" + (filename or "").encode() + b"\0" + data)
    seed = digest.hexdigest()
    boundary = "clerk-edge-" + seed[:32]
    n = 0
    while any(boundary.encode() in p[3] for p in parts):  # practically never
        n += 1
        boundary = f"clerk-edge-{seed[:24]}-{n}"
    out = bytearray()
    for name, filename, ctype, data in parts:
        out += f"--{boundary}\r\n".encode()
        disp = f'Content-Disposition: form-data; name="{name}"'
        if filename is not None:
            disp += f'; filename="{filename}"'
        out += disp.encode("utf-8") + b"\r\n"
        if ctype:
            out += f"Content-Type: {ctype}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), boundary


# ------------------------------------------------------------------------------------------ binding
def bind_arguments(op: Operation, args: tuple, kwargs: dict):
    """Split the caller's arguments into ``(path, query, body)`` dicts keyed by wire name.

    Path parameters may be positional or named; query/body parameters are keywords in snake_case or
    camelCase.  Anything the operation does not take raises :class:`ClerkArgumentError`."""
    path: Dict[str, Any] = {}
    query: Dict[str, Any] = {}
    body: Dict[str, Any] = {}
    array_body = None
    positional = op.positional
    if len(args) > len(positional):
        raise ClerkArgumentError(
            f"{op.group}.{op.name}() takes {len(positional)} positional argument(s) "
            f"({', '.join(positional) or 'none'}) but {len(args)} were given; pass the rest as keywords: {op.signature()}"
        )
    named = list(zip(positional, args))
    for key, value in kwargs.items():
        named.append((key, value))
    seen = set()
    for key, value in named:
        canon = op.aliases.get(key, key)
        if canon not in op.path_params:
            sk = snake_case(key)
            if op.aliases.get(sk, sk) in op.path_params:
                canon = op.aliases.get(sk, sk)
        if canon in op.path_params:
            if canon in seen:
                raise ClerkArgumentError(f"{op.group}.{op.name}() got multiple values for argument {canon!r}")
            seen.add(canon)
            path[canon] = value
            continue
        q = op._query_lookup.get(key) or op._query_lookup.get(snake_case(key))
        b = op._body_lookup.get(key) or op._body_lookup.get(snake_case(key))
        if q is not None and (b is None or key in op._query_lookup):
            if q[0] in query:
                raise ClerkArgumentError(f"{op.group}.{op.name}() got multiple values for query parameter {q[0]!r}")
            query[q[0]] = value
            continue
        if b is not None:
            if b in body:
                raise ClerkArgumentError(f"{op.group}.{op.name}() got multiple values for body field {b!r}")
            body[b] = value
            continue
        if op.body_kind == "json_array" and key == "body":
            array_body = value
            continue
        if op.body_kind in ("json", "multipart") and op.body_open:
            body[snake_case(key)] = value
            continue
        accepted = list(op.path_params) + [q[0] for q in op.query] + list(op.body_props)
        if op.body_kind == "json_array":
            accepted.append("body")
        raise ClerkArgumentError(
            f"{op.group}.{op.name}() got an unexpected argument {key!r}; it accepts: "
            f"{', '.join(accepted) if accepted else 'no arguments'}"
        )
    for name in op.path_params:
        if name not in path:
            if name in op.optional_path:
                path[name] = None
                continue
            raise ClerkArgumentError(f"{op.group}.{op.name}() missing required argument {name!r}: {op.signature()}")
    if op.body_kind == "json_array":
        body = array_body
    return path, query, body


def _dumps(op: Operation, value) -> bytes:
    import json

    try:
        return json.dumps(value, default=_json_default, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        raise ClerkArgumentError(f"{op.group}.{op.name}(): the body cannot be sent as JSON: {exc}") from None


def build_request(op: Operation, args: tuple, kwargs: dict, *, secret_key: Optional[str], api_url: str,
                  api_version: str, user_agent: str, timeout: float = 10.0) -> HttpRequest:
    """Build the :class:`HttpRequest` for one call.  Pure; raises :class:`ClerkEdgeError` on bad input."""
    path_vals, query, body = bind_arguments(op, args, kwargs)
    # path
    segments = []
    dropped = False
    for piece in re.split(r"(\{[^}]+\})", op.path):
        if piece.startswith("{") and piece.endswith("}"):
            val = _path_value(op, piece[1:-1], path_vals.get(piece[1:-1]))
            if val is not None:
                segments.append(val)
            else:
                dropped = True
        else:
            segments.append(piece)
    path = re.sub(r"/{2,}", "/", "".join(segments))
    if dropped:
        path = path.rstrip("/")
    if op.versioned:
        url = join_url(api_url, api_version, path)
    else:
        url = join_url(api_url, path)
    # query
    pairs = []
    specs = {s[0]: s for s in op.query}
    for wire, value in query.items():
        if value is None:
            continue
        spec = specs.get(wire)
        explode = spec[3] if spec else True
        if isinstance(value, dict) or (isinstance(value, (list, tuple, set, frozenset))
                                       and any(isinstance(v, (dict, list, tuple)) for v in value)):
            raise ClerkArgumentError(f"{op.group}.{op.name}(): query parameter {wire!r} takes a value or a list of "
                                     f"values, not {type(value).__name__} of objects")
        if isinstance(value, (list, tuple, set, frozenset)):
            values = [_scalar(v) for v in value if v is not None]
            if not values:
                continue
            if explode:
                pairs.extend((wire, v) for v in values)
            else:
                pairs.append((wire, ",".join(values)))
        else:
            pairs.append((wire, _scalar(value)))
    if pairs:
        url += "?" + "&".join(f"{_quote(k, '')}={_quote(v, '')}" for k, v in pairs)
    # headers
    headers = Headers()
    headers.set("Clerk-API-Version", CLERK_API_VERSION)
    headers.set("User-Agent", user_agent)
    headers.set("Accept", "application/json")
    if secret_key:
        if not isinstance(secret_key, str) or any(not (0x21 <= ord(ch) <= 0x7E) for ch in secret_key):
            raise ClerkEdgeError("The Clerk secret key must be a string of printable ASCII characters without spaces.")
        headers.set("Authorization", f"Bearer {secret_key}")
    elif op.auth:
        raise ClerkEdgeError(MISSING_SECRET_KEY)
    # body
    data = None
    if op.body_kind == "multipart":
        fields = [(k, v) for k, v in body.items() if v is not None]
        if fields:
            data, boundary = _multipart(fields)
            headers.set("Content-Type", f"multipart/form-data; boundary={boundary}")
    elif op.body_kind == "json_array":
        if body is not None:
            if not isinstance(body, (list, tuple)):
                raise ClerkArgumentError(f"{op.group}.{op.name}(body=...) must be a list, got {type(body).__name__}")
            data = _dumps(op, [_snake_top(item) for item in body])
    elif (body or (op.body_kind == "json" and op.body_required)) and op.method != "GET":
        data = _dumps(op, body or {})
    if data is not None and op.body_kind != "multipart":
        headers.set("Content-Type", "application/json")
    return HttpRequest(op.method, url, headers, data, timeout)
