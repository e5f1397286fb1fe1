"""The few Backend API calls the interstitial flow makes itself (as cores).

``load_resources_core`` fetches the session, user and organization of a signed-in state in
parallel (``Gather``); ``bapi_request_core`` is one authenticated JSON request.  A non-2xx answer
raises :class:`BackendApiError` (0.38 raised ``ClerkAPIResponseError`` there, which made the state
``signed-out unexpected-error``; so does ours).
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import quote

from .._version import __version__
from ..errors import ClerkEdgeError
from ..runner import Gather

__all__ = ["BackendApiError", "bapi_request_core", "load_resources_core", "USER_AGENT", "join_url"]

USER_AGENT = f"clerk-edge@{__version__}"


class BackendApiError(ClerkEdgeError):
    """A Backend API call made by ``auth_state`` / ``get_token`` failed.  ``status`` is the HTTP status;
    ``errors`` the parsed ``errors[]`` (``code``, ``message``, ``long_message``) when the body had them."""

    def __init__(self, message: str, status: int, errors: Optional[list] = None, url: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or []
        self.url = url

    def __repr__(self) -> str:
        return f"BackendApiError(status={self.status!r}, message={self.message!r})"


def join_url(api_url: str, *parts: str) -> str:
    base = (api_url or "").rstrip("/")
    return "/".join([base] + [p.strip("/") for p in parts if p and p.strip("/")])


def bapi_request_core(method: str, path: str, *, secret_key: str, api_url: str, api_version: str,
                      user_agent: Optional[str] = None, body: Optional[dict] = None):
    """Core: the decoded JSON body of ``{method} {api_url}/{api_version}/{path}``, sent by the REST
    client's own core (one request builder and parser for every Backend API call)."""
    from ..api.client import config_for, raw_call_core
    config = config_for(secret_key, api_url, api_version, user_agent=user_agent or USER_AGENT)
    res = yield from raw_call_core(method, "/" + path.lstrip("/"), config, body=body, deserialize=False)
    if not res.errors:
        return res.data
    first = res.errors[0]
    message = first.long_message or first.message or f"HTTP {res.status}"
    url = join_url(api_url, api_version, path)
    raise BackendApiError(f"{method} {url} failed: {message} (status={res.status})", res.status or 0,
                          [e.to_dict() for e in res.errors if e.code not in ("unexpected_response", "unexpected_error")],
                          url)


def _optional(core_or_none):
    if core_or_none is None:
        return None
    return (yield from core_or_none)


def load_resources_core(claims: dict, *, secret_key: str, api_url: str, api_version: str, load_session: bool,
                        load_user: bool, load_organization: bool):
    """Core: ``(session, user, organization)``; each ``None`` unless asked for (and, for the
    organization, unless the claims carry ``org_id``).  Fetched in parallel."""
    kw = dict(secret_key=secret_key, api_url=api_url, api_version=api_version)

    def get(path: str):
        return bapi_request_core("GET", path, **kw)

    sid, sub, org_id = claims.get("sid"), claims.get("sub"), claims.get("org_id")
    cores = (
        _optional(get(f"sessions/{quote(str(sid), safe='')}") if load_session and sid else None),
        _optional(get(f"users/{quote(str(sub), safe='')}") if load_user and sub else None),
        _optional(get(f"organizations/{quote(str(org_id), safe='')}") if load_organization and org_id else None),
    )
    if not (load_session or load_user or load_organization):
        return None, None, None
    session, user, organization = yield Gather(cores)
    return session, user, organization
