"""What every Backend API call returns: :class:`ApiResponse` (``data`` or ``errors``, never an exception).

Parsing is pure: :func:`parse_response` turns an :class:`HttpResponse` into an :class:`ApiResponse`;
:func:`transport_failure` turns a transport error into one ``unexpected_error`` entry.

Rules (``@clerk/backend`` 0.38+/3.x):

* 204 → ``data=None``.  2xx JSON → deserialized resources (:mod:`.resources`); a paginated
  ``{data, total_count}`` (or ``{m2m_tokens, total_count}``) gives the list as ``data`` and ``total_count``.
* non-2xx → ``errors`` = ``[ClerkAPIError(code, message, long_message, meta)]`` parsed from the body's
  ``errors`` array; ``clerk_trace_id`` from the body's ``clerk_trace_id``, else the ``cf-ray`` header, else ``''``;
  ``retry_after`` = the integer ``Retry-After`` header.
* A non-JSON body is kept as text on success.  On failure, when the body carries no ``errors`` array (an HTML
  proxy page, an empty 502 …) there is one entry with code ``unexpected_response`` — @clerk/backend returns an
  empty list there, which in Python would read as "no errors" (deviation, documented).
"""
from __future__ import annotations

from typing import Any, List, Optional

from ..errors import ClerkEdgeError

__all__ = ["ApiResponse", "ClerkAPIError", "ClerkAPIResponseError", "parse_response", "transport_failure"]

_MAX_TEXT = 500


class ClerkAPIError:
    """One entry of a Backend API error body."""

    __slots__ = ("code", "message", "long_message", "meta")

    def __init__(self, code: str, message: str = "", long_message: Optional[str] = None,
                 meta: Optional[dict] = None):
        self.code = code
        self.message = message
        self.long_message = long_message
        self.meta = meta if meta is not None else {}

    @classmethod
    def from_json(cls, item) -> "ClerkAPIError":
        if not isinstance(item, dict):
            return cls("unexpected_response", str(item)[:_MAX_TEXT])
        meta = item.get("meta")
        return cls(
            code=str(item.get("code") or "unknown_error"),
            message=str(item.get("message") or ""),
            long_message=item.get("long_message") if isinstance(item.get("long_message"), str) else None,
            meta=dict(meta) if isinstance(meta, dict) else {},
        )

    @property
    def param_name(self) -> Optional[str]:
        return self.meta.get("param_name")

    @property
    def session_id(self) -> Optional[str]:
        return self.meta.get("session_id")

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "long_message": self.long_message, "meta": self.meta}

    def __eq__(self, other) -> bool:
        return isinstance(other, ClerkAPIError) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"ClerkAPIError(code={self.code!r}, message={self.message!r}, long_message={self.long_message!r})"


class ClerkAPIResponseError(ClerkEdgeError):
    """Raised by :meth:`ApiResponse.unwrap` for a failed call.  ``message`` is the HTTP status text (as in
    @clerk/backend); ``errors`` the parsed entries."""

    def __init__(self, message: str, *, status: Optional[int], clerk_trace_id: str = "",
                 retry_after: Optional[int] = None, errors: Optional[List[ClerkAPIError]] = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.clerk_trace_id = clerk_trace_id
        self.retry_after = retry_after
        self.errors = list(errors or [])

    def __str__(self) -> str:
        detail = "; ".join(e.long_message or e.message or e.code for e in self.errors)
        head = f"{self.status} {self.message}".strip() if self.status is not None else self.message
        return f"{head}: {detail}" if detail else head

    def __repr__(self) -> str:
        return (f"ClerkAPIResponseError(status={self.status!r}, message={self.message!r}, "
                f"clerk_trace_id={self.clerk_trace_id!r}, errors={self.errors!r})")


class ApiResponse:
    """``data`` on success, ``errors`` (a non-empty list) on failure.  Never raised; see :meth:`unwrap`."""

    __slots__ = ("data", "errors", "status", "clerk_trace_id", "retry_after", "total_count", "status_text")

    def __init__(self, data: Any = None, errors: Optional[List[ClerkAPIError]] = None, status: Optional[int] = None,
                 clerk_trace_id: str = "", retry_after: Optional[int] = None, total_count: Optional[int] = None,
                 status_text: str = ""):
        self.data = data
        self.errors = errors
        self.status = status
        self.clerk_trace_id = clerk_trace_id
        self.retry_after = retry_after
        self.total_count = total_count
        self.status_text = status_text

    @property
    def ok(self) -> bool:
        return not self.errors

    def unwrap(self):
        """Return ``data``, or raise :class:`ClerkAPIResponseError` if the call failed."""
        if self.errors:
            raise ClerkAPIResponseError(self.status_text, status=self.status, clerk_trace_id=self.clerk_trace_id,
                                        retry_after=self.retry_after, errors=self.errors)
        return self.data

    def __iter__(self):  # allows ``data, errors = await clerk.users.get_user(...)``
        yield self.data
        yield self.errors

    def __repr__(self) -> str:
        if self.errors:
            return f"ApiResponse(status={self.status!r}, errors={self.errors!r}, clerk_trace_id={self.clerk_trace_id!r})"
        return f"ApiResponse(status={self.status!r}, data={self.data!r}, total_count={self.total_count!r})"


# Reason phrases as Clerk's servers send them (fixed here: Python 3.13 renamed 422 to "Unprocessable Content")
_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 413: "Payload Too Large",
    422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}


def _status_text(status: int) -> str:
    if status in _REASONS:
        return _REASONS[status]
    try:
        from http import HTTPStatus
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _trace_id(body, headers) -> str:
    if isinstance(body, dict) and isinstance(body.get("clerk_trace_id"), str):
        return body["clerk_trace_id"]
    return (headers.get("cf-ray") if headers is not None else None) or ""


def _retry_after(headers) -> Optional[int]:
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    digits = value.split(".", 1)[0]
    if digits.isdigit():
        return int(digits)
    return None


_MAX_JSON_DEPTH = 128  # Clerk's payloads nest < 10 deep; deep input crashes Pyodide's stack before RecursionError


def _nesting_ok(text: str, limit: int = _MAX_JSON_DEPTH) -> bool:
    """True when JSON ``text`` nests at most ``limit`` deep (brackets inside strings ignored).  Linear."""
    if text.count("[") + text.count("{") <= limit:
        return True
    import re

    depth = 0
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    for m in re.finditer(r"[\[\]{}]", stripped):
        if m.group(0) in "[{":
            depth += 1
            if depth > limit:
                return False
        else:
            depth -= 1
    return True


def decode_body(resp):
    """JSON when the response says so (or looks like it), else text; ``None`` for an empty body."""
    raw = resp.body or b""
    if not raw.strip():
        return None
    ctype = (resp.headers.get("content-type") or "").lower()
    text = raw.decode("utf-8", "replace")
    if "json" in ctype or text.lstrip()[:1] in ("{", "["):
        import json
        if not _nesting_ok(text):
            return text
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return text
    return text


def parse_response(resp, *, deserialize: bool = True) -> ApiResponse:
    """Turn one :class:`HttpResponse` into an :class:`ApiResponse` (pure)."""
    status = resp.status
    if status == 204:
        return ApiResponse(None, None, status, _trace_id(None, resp.headers), None, None, _status_text(status))
    body = decode_body(resp)
    if 200 <= status < 300:
        total = None
        data = body
        if isinstance(body, dict):
            tc = body.get("total_count")
            if isinstance(tc, (int, float)) and not isinstance(tc, bool):
                if isinstance(body.get("data"), list):
                    data, total = body["data"], body["total_count"]
                elif isinstance(body.get("m2m_tokens"), list):
                    data, total = body["m2m_tokens"], body["total_count"]
                elif body.get("object") == "total_count":
                    data, total = body["total_count"], body["total_count"]
        if deserialize:
            from .resources import deserialize as _deserialize
            data = _deserialize(data)
        return ApiResponse(data, None, status, _trace_id(body, resp.headers), None, total, _status_text(status))
    errors: List[ClerkAPIError] = []
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        errors = [ClerkAPIError.from_json(e) for e in body["errors"]]
    if not errors:
        snippet = body if isinstance(body, str) else ("" if body is None else repr(body))
        errors = [ClerkAPIError("unexpected_response", f"{status} {_status_text(status)}".strip(),
                                snippet[:_MAX_TEXT] or None)]
    return ApiResponse(None, errors, status, _trace_id(body, resp.headers), _retry_after(resp.headers), None,
                       _status_text(status))


def transport_failure(exc: BaseException, last_response=None) -> ApiResponse:
    """A transport failure (no HTTP answer) → one ``unexpected_error`` entry."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    meta = {}
    kind = getattr(exc, "kind", None)
    if kind:
        meta["kind"] = kind
    return ApiResponse(None, [ClerkAPIError("unexpected_error", message, None, meta)], None, "", None, None, "")
