"""The few Backend API calls request authentication needs (refresh, handshake payload, session
tokens, machine-token verification), as cores.  Kept here so the handshake does not depend on the
full REST client; the wire format matches ``@clerk/backend``'s ``api/request.ts``."""
from __future__ import annotations

from typing import Any, Optional

from ..errors import FetchError

__all__ = ["BapiError", "bapi_core"]


class BapiError(Exception):
    """A non-2xx Backend API answer (``status``, ``errors`` = the parsed ``errors[]``)."""

    def __init__(self, status: int, errors: list):
        super().__init__(f"Backend API error {status}")
        self.status = status
        self.errors = errors


def bapi_core(method: str, path: str, *, api_url: str, api_version: Optional[str], bearer: Optional[str],
              query: Optional[dict] = None, body: Any = None, with_version: bool = True):
    """Core: the parsed JSON body (``None`` for 204).  Raises :class:`BapiError` on non-2xx and
    :class:`clerk_edge.errors.FetchError` when no answer came.  The request is built and sent by the
    REST client's own core (same encoding and headers; no retries: these calls sit on a request path)."""
    from ..api.client import config_for, raw_call_core
    res = yield from raw_call_core(method, path, config_for(bearer, api_url, api_version), query=query, body=body,
                                   versioned=with_version, deserialize=False)
    if not res.errors:
        return res.data
    if res.status is None:  # a transport failure
        first = res.errors[0]
        raise FetchError(first.message, kind=(first.meta or {}).get("kind", "other"))
    # the client adds one "unexpected_response" entry when the body had no errors[]; Clerk's callers see []
    raise BapiError(res.status, [e.to_dict() for e in res.errors if e.code != "unexpected_response"])
