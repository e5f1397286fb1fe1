"""Auth objects of the interstitial era (@clerk/backend 0.38, ``tokens/authObjects.ts``).

:class:`SignedInAuthObject` carries the verified session claims and the ids read from them;
:class:`SignedOutAuthObject` has every field ``None``.  ``has(role=|permission=)`` is 0.38's exact
match (no ``org:`` normalisation), ``get_token(template=)`` mints a JWT-template token through the
Backend API, and ``debug()`` never shows more than 7 characters of a key **or a token** (0.38 showed
the session token whole; documented deviation).
"""
from __future__ import annotations

from typing import Any, Optional

from ..errors import ClerkEdgeError, redact

__all__ = ["SignedInAuthObject", "SignedOutAuthObject", "HasParametersError", "make_serializable",
           "sanitize_auth_object", "prune_private_metadata", "get_token_core", "MISSING_HAS_PARAMETERS"]

MISSING_HAS_PARAMETERS = (
    'Missing parameters. `has` from `auth` or `getAuth` requires a permission or role key to be passed. '
    'Example usage: `has({permission: "org:posts:edit"`'
)
_SECRET_FIELDS = ("secret_key", "api_key", "jwt_key")
_TOKEN_FIELDS = ("token", "cookie_token", "header_token")


class HasParametersError(ClerkEdgeError, ValueError):
    """``has()`` was called with neither ``role`` nor ``permission``."""


def _js_truthy(value: Any) -> bool:
    """JavaScript truthiness (an empty list is truthy)."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0
    return True


def _cut(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return type(value).__name__
    return redact(value) or ""


def _debug_dict(data: Optional[dict]) -> dict:
    out = dict(data or {})
    for name in _SECRET_FIELDS:
        out[name] = _cut(out.get(name))
    for name in _TOKEN_FIELDS:
        if out.get(name) is not None:
            out[name] = _cut(out[name])
    return out


def get_token_core(session_id: Optional[str], session_token: Optional[str], template: Optional[str], *,
                   secret_key: str, api_url: str, api_version: str, user_agent: Optional[str] = None):
    """Core: ``None`` without a session; the raw token without a template; else the ``jwt`` of
    ``POST {api_url}/{api_version}/sessions/{sid}/tokens/{template}``."""
    if not session_id:
        return None
    if not template:
        return session_token
    from .resources import bapi_request_core
    from urllib.parse import quote
    data = yield from bapi_request_core(
        "POST", f"sessions/{quote(str(session_id), safe='')}/tokens/{quote(str(template), safe='')}",
        secret_key=secret_key, api_url=api_url, api_version=api_version, user_agent=user_agent)
    return data.get("jwt") if isinstance(data, dict) else None


class _AuthObject:
    __slots__ = ()

    def to_dict(self) -> dict:
        return make_serializable(self)


class SignedInAuthObject(_AuthObject):
    """The auth object of a signed-in state (``state.to_auth()``)."""

    __slots__ = ("session_claims", "session_id", "session", "actor", "user_id", "user", "org_id", "org_role",
                 "org_slug", "org_permissions", "organization", "_token", "_secret_key", "_api_url",
                 "_api_version", "_runtime", "_debug_data")

    def __init__(self, session_claims: dict, *, token: str, secret_key: str, api_url: str, api_version: str,
                 session: Any = None, user: Any = None, organization: Any = None, runtime: Any = None,
                 debug_data: Optional[dict] = None):
        claims = dict(session_claims)
        self.session_claims = claims
        self.actor = claims.get("act")
        self.session_id = claims.get("sid")
        self.user_id = claims.get("sub")
        self.org_id = claims.get("org_id")
        self.org_role = claims.get("org_role")
        self.org_slug = claims.get("org_slug")
        self.org_permissions = claims.get("org_permissions")
        self.session = session
        self.user = user
        self.organization = organization
        self._token = token
        self._secret_key = secret_key
        self._api_url = api_url
        self._api_version = api_version
        self._runtime = runtime
        self._debug_data = debug_data

    # -- has ---------------------------------------------------------------------------------
    def has(self, role: Optional[str] = None, permission: Optional[str] = None, **_ignored) -> bool:
        """0.38 ``has``: exact match of ``permission`` in ``org_permissions`` (checked first), else of
        ``role`` against ``org_role``.  ``False`` unless org id, user id, role and permissions are all
        present.  Neither ``role`` nor ``permission`` → :class:`HasParametersError`."""
        if not permission and not role:
            raise HasParametersError(MISSING_HAS_PARAMETERS)
        perms = self.org_permissions
        if not all(_js_truthy(v) for v in (self.org_id, self.user_id, self.org_role, perms)):
            return False
        if permission:
            return isinstance(perms, (list, tuple)) and permission in perms
        return self.org_role == role

    # -- get_token ---------------------------------------------------------------------------
    def _get_token(self, template: Optional[str] = None):
        from ..tokens import build_runtime
        core = get_token_core(self.session_id, self._token, template, secret_key=self._secret_key,
                              api_url=self._api_url, api_version=self._api_version)
        return core, self._runtime or build_runtime()

    async def get_token(self, template: Optional[str] = None) -> Optional[str]:
        """The session token, or (with ``template``) a JWT-template token minted by the Backend API."""
        from ..runner import run_async
        core, rt = self._get_token(template)
        return await run_async(core, rt)

    def get_token_sync(self, template: Optional[str] = None) -> Optional[str]:
        from ..runner import run_sync
        core, rt = self._get_token(template)
        return run_sync(core, rt)

    # -- debug -------------------------------------------------------------------------------
    def debug(self) -> dict:
        data = {"secret_key": self._secret_key, "api_url": self._api_url, "api_version": self._api_version,
                "token": self._token}
        data.update(self._debug_data or {})
        return _debug_dict(data)

    def __repr__(self) -> str:
        return f"SignedInAuthObject(user_id={self.user_id!r}, session_id={self.session_id!r}, org_id={self.org_id!r})"


class SignedOutAuthObject(_AuthObject):
    """The auth object of a signed-out state: every field ``None``; ``has`` is ``False``."""

    __slots__ = ("_debug_data",)
    session_claims = session_id = session = actor = user_id = user = None
    org_id = org_role = org_slug = org_permissions = organization = None

    def __init__(self, debug_data: Optional[dict] = None):
        self._debug_data = debug_data

    def has(self, role: Optional[str] = None, permission: Optional[str] = None, **_ignored) -> bool:
        return False

    async def get_token(self, template: Optional[str] = None) -> None:
        return None

    def get_token_sync(self, template: Optional[str] = None) -> None:
        return None

    def debug(self) -> dict:
        return _debug_dict(self._debug_data)

    def __repr__(self) -> str:
        return "SignedOutAuthObject()"


_FIELDS = ("actor", "session_claims", "session_id", "session", "user_id", "user", "org_id", "org_role", "org_slug",
           "org_permissions", "organization")


def make_serializable(auth: Any) -> dict:
    """The auth object as a plain dict without ``debug``/``get_token``/``has`` (``makeAuthObjectSerializable``)."""
    if isinstance(auth, dict):
        return {k: v for k, v in auth.items() if k not in ("debug", "get_token", "has", "getToken")}
    return {name: getattr(auth, name, None) for name in _FIELDS}


def prune_private_metadata(resource: Any) -> Any:
    """Delete ``private_metadata``/``privateMetadata`` from a resource (dict or object) in place."""
    if resource is None:
        return resource
    for name in ("private_metadata", "privateMetadata"):
        if isinstance(resource, dict):
            resource.pop(name, None)
        elif hasattr(resource, name):
            try:
                delattr(resource, name)
            except (AttributeError, TypeError):
                try:
                    setattr(resource, name, None)
                except (AttributeError, TypeError):
                    pass
    return resource


def sanitize_auth_object(auth: Any) -> dict:
    """A serializable copy whose ``user`` and ``organization`` are shallow copies without private metadata."""
    import copy
    out = make_serializable(auth)
    for name in ("user", "organization"):
        value = out.get(name)
        if value:
            out[name] = prune_private_metadata(dict(value) if isinstance(value, dict) else copy.copy(value))
    return out
