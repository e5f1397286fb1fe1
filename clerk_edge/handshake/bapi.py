"""The few Backend API calls request authentication needs (refresh, handshake payload, session
tokens, machine-token verification), as cores.  Kept here so the handshake does not depend on the
full REST client; the wire format matches ``@clerk/backend``'s ``api/request.ts``."""
from __future__ import annotations

import json
from typing import Any, Optional

from .._version import __version__
from ..fetch import HttpRequest
from ..runner import Fetch
from .context import SUPPORTED_BAPI_VERSION

__all__ = ["BapiError", "bapi_core"]


class BapiError(Exception):
    """A non-2xx Backend API answer (``status``, ``errors`` = the parsed ``errors[]``)."""

    def __init__(self, status: int, errors: list):
        super().__init__(f"Backend API error {status}")
        self.status = status
        self.errors = errors


def _qs(query: dict) -> str:
    from .url import form_encode
    parts = []
    for k, v in query.items():
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        parts.append(f"{form_encode(k)}={form_encode(str(v))}")
    return "&".join(parts)


def bapi_core(method: str, path: str, *, api_url: str, api_version: Optional[str], bearer: Optional[str],
              query: Optional[dict] = None, body: Any = None, with_version: bool = True):
    """Core: the parsed JSON body (``None`` for 204).  Raises :class:`BapiError` on non-2xx and
    lets :class:`clerk_edge.errors.FetchError` through."""
    base = (api_url or "https://api.clerk.com").rstrip("/")
    url = base + (f"/{api_version or 'v1'}" if with_version else "") + path
    if query:
        q = _qs(query)
        if q:
            url += "?" + q
    headers = {"Clerk-API-Version": SUPPORTED_BAPI_VERSION, "User-Agent": f"clerk_edge/{__version__}",
               "Content-Type": "application/json"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    data = json.dumps(body).encode("utf-8") if body is not None else None
    response = yield Fetch(HttpRequest(method, url, headers, data))
    if response.status == 204:
        return None
    try:
        parsed = response.json() if response.body else None
    except ValueError:
        parsed = None
    if not response.ok:
        errors = parsed.get("errors") if isinstance(parsed, dict) and isinstance(parsed.get("errors"), list) else []
        raise BapiError(response.status, errors)
    return parsed
