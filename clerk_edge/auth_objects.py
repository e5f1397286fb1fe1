"""Auth objects of the current (handshake) era and ``has()`` with v2 claims.

``@clerk/backend`` 3.x ``tokens/authObjects.ts`` + ``@clerk/shared`` ``authorization.ts`` /
``jwtPayloadParser.ts``.  Field names are snake_case (``user_id``, ``org_permissions``, ...).

Two eras, two sets of classes: the 0.38 interstitial era's exact-match ``has()`` lives in
``clerk_edge.interstitial.auth_objects`` and is what ``auth_state`` / 0.x states return; the
objects here (org-prefix normalisation, features/plans, reverification, ``has({})`` → False) are
what ``authenticate_request`` states return.  Neither imports the other.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Optional

__all__ = [
    "SignedInAuthObject", "SignedOutAuthObject", "AuthenticatedMachineObject", "UnauthenticatedMachineObject",
    "InvalidTokenAuthObject", "check_authorization", "claims_to_auth_properties", "sanitize_auth_object",
    "prune_private_metadata", "auth_object_for_accepted_token",
]

_REVERIFICATION = {
    "strict_mfa": (10, "multi_factor"),
    "strict": (10, "second_factor"),
    "moderate": (60, "second_factor"),
    "lax": (1440, "second_factor"),
}
_LEVELS = ("first_factor", "second_factor", "multi_factor")
_ORG_SCOPES = ("o", "org", "organization")
_USER_SCOPES = ("u", "user")

_DEBUG_CUT = ("secretKey", "jwtKey", "sessionToken", "tokenInHeader", "sessionTokenInCookie",
              "refreshTokenInCookie", "devBrowserToken", "handshakeToken")


def _cut(value: Any) -> str:
    return (value if isinstance(value, str) else "")[:7]


def _debug(data: Optional[dict]) -> dict:
    out = dict(data or {})
    for key in _DEBUG_CUT:
        out[key] = _cut(out.get(key))
    return out


# ------------------------------------------------------------------------------ claims → properties
def _split_by_scope(claim: Any, strict: bool = True):
    org: list = []
    user: list = []
    if not claim or not isinstance(claim, str):
        return org, user
    for part in claim.split(","):
        part = part.strip()
        if ":" not in part:
            if strict:
                raise ValueError(f"Invalid claim element (missing colon): {part}")
            continue
        scope, value = part.split(":", 1)
        if scope == "o":
            org.append(value)
        elif scope == "u":
            user.append(value)
        elif scope in ("ou", "uo"):
            org.append(value)
            user.append(value)
    return org, user


def _bits(decimal: str, minimum: int) -> Optional[list]:
    if not re.fullmatch(r"\d+", decimal):
        return None
    n = int(decimal)
    bits = []
    while n:
        bits.append(n & 1)
        n >>= 1
    if not bits:
        bits.append(0)
    while len(bits) < minimum:
        bits.append(0)
    return bits


def _org_permissions_v2(fea: Any, per: Any, fpm: Any) -> list:
    try:
        features, _ = _split_by_scope(fea)
    except ValueError:
        # @clerk/shared throws here (the whole toAuth() fails); we fail closed: no permissions.
        return []
    if not per or not fpm or not isinstance(per, str) or not isinstance(fpm, str):
        return []
    permissions = [p.strip() for p in per.split(",")]
    masks = [_bits(m.strip(), len(permissions)) or [] for m in fpm.split(",")]
    out = []
    for i, feature in enumerate(features):
        if i >= len(masks):
            continue
        for j, bit in enumerate(masks[i][: len(permissions)]):
            if bit == 1:
                out.append(f"org:{feature}:{permissions[j]}")
    return out


def claims_to_auth_properties(claims: dict) -> dict:
    """``__experimental_JWTPayloadToAuthObjectProperties`` (v1 and v2 claims)."""
    org_id = org_role = org_slug = org_permissions = None
    if claims.get("v") == 2:
        o = claims.get("o")
        if o:
            o = o if isinstance(o, dict) else {}
            org_id = o.get("id")
            org_slug = o.get("slg")
            if o.get("rol"):
                org_role = f"org:{o.get('rol')}"
            org_permissions = _org_permissions_v2(claims.get("fea"), o.get("per"), o.get("fpm"))
    else:
        org_id = claims.get("org_id")
        org_role = claims.get("org_role")
        org_slug = claims.get("org_slug")
        org_permissions = claims.get("org_permissions")
    return {
        "session_claims": claims, "session_id": claims.get("sid"), "session_status": claims.get("sts"),
        "actor": claims.get("act"), "user_id": claims.get("sub"), "org_id": org_id, "org_role": org_role,
        "org_slug": org_slug, "org_permissions": org_permissions,
        "factor_verification_age": claims.get("fva"),
    }


# ------------------------------------------------------------------------------ has()
def _prefix_org(value: str) -> str:
    return re.sub(r"^(org:)*", "org:", value, count=1)


def _check_org(params: dict, org_id, org_role, org_permissions) -> str:
    role_asked = "role" in params and params["role"] is not None
    perm_asked = "permission" in params and params["permission"] is not None
    if not role_asked and not perm_asked:
        return "skip"
    if role_asked and not isinstance(params["role"], str):
        return "fail"
    if perm_asked and not isinstance(params["permission"], str):
        return "fail"
    if not org_id:
        return "fail"
    if role_asked:
        if not isinstance(org_role, str) or not org_role:
            return "fail"
        if _prefix_org(org_role) != _prefix_org(params["role"]):
            return "fail"
    if perm_asked:
        if not isinstance(org_permissions, list):
            return "fail"
        if _prefix_org(params["permission"]) not in org_permissions:
            return "fail"
    return "pass"


def _feature_or_plan(claim: str, asked: str) -> bool:
    org, user = _split_by_scope(claim)
    pieces = asked.split(":")
    raw_scope = pieces[0]
    raw_id = pieces[1] if len(pieces) > 1 else None
    explicit = raw_id is not None
    ident = raw_id or raw_scope
    if explicit:
        if raw_scope in _ORG_SCOPES:
            return ident in org
        if raw_scope in _USER_SCOPES:
            return ident in user
        raise ValueError(f"Invalid scope: {raw_scope}")
    return ident in org + user


def _check_billing(params: dict, features, plans) -> str:
    feature_asked = params.get("feature") is not None
    plan_asked = params.get("plan") is not None
    if not feature_asked and not plan_asked:
        return "skip"
    for asked, claim in ((feature_asked and params["feature"], features), (plan_asked and params["plan"], plans)):
        if asked is False:
            continue
        if not isinstance(asked, str):
            return "fail"
        if not isinstance(claim, str) or not claim:
            return "fail"
        try:
            if not _feature_or_plan(claim, asked):
                return "fail"
        except ValueError:
            return "fail"
    return "pass"


def _valid_age(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x and x not in (float("inf"),) \
        and (x == -1 or x >= 0)


def _check_reverification(params: dict, fva) -> str:
    if params.get("reverification") is None:
        return "skip"
    config = params["reverification"]
    if not fva or not isinstance(fva, (list, tuple)) or len(fva) != 2 or not all(_valid_age(x) for x in fva):
        return "fail"
    if isinstance(config, str) and config in _REVERIFICATION:
        after, level = _REVERIFICATION[config]
    elif isinstance(config, dict) and config.get("level") in _LEVELS and \
            isinstance(config.get("after_minutes", config.get("afterMinutes")), (int, float)) and \
            not isinstance(config.get("after_minutes", config.get("afterMinutes")), bool) and \
            config.get("after_minutes", config.get("afterMinutes")) > 0:
        after, level = config.get("after_minutes", config.get("afterMinutes")), config["level"]
    else:
        return "fail"
    f1, f2 = fva
    if f1 == -1 and f2 == -1:
        return "fail"
    fresh1 = f1 != -1 and after > f1
    fresh2 = f2 != -1 and after > f2
    if level == "first_factor":
        return "pass" if fresh1 else "fail"
    if level == "second_factor":
        if f2 == -1:
            return "pass" if fresh1 else "fail"
        return "pass" if fresh2 else "fail"
    # multi_factor
    if f2 == -1:
        return "pass" if fresh1 else "fail"
    if f1 == -1:
        return "fail"
    return "pass" if fresh1 and fresh2 else "fail"


def check_authorization(params: Optional[dict], *, user_id, org_id, org_role, org_permissions,
                        factor_verification_age, features, plans) -> bool:
    """``createCheckAuthorization``: AND over the asked dimensions, at least one asked, fail closed."""
    if not user_id:
        return False
    if not isinstance(params, dict):
        return False
    results = [
        _check_org(params, org_id, org_role, org_permissions),
        _check_billing(params, features, plans),
        _check_reverification(params, factor_verification_age),
    ]
    return any(r == "pass" for r in results) and all(r in ("pass", "skip") for r in results)


def _has_params(params, kw) -> dict:
    out = dict(params) if isinstance(params, dict) else {}
    out.update({k: v for k, v in kw.items() if v is not None})
    return out


# ------------------------------------------------------------------------------ objects
class _Base:
    token_type: Optional[str] = None
    is_authenticated = False

    def to_dict(self) -> dict:
        return sanitize_auth_object(self)

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.to_dict().items() if k not in ("session_claims", "claims")}
        return f"{type(self).__name__}({shown!r})"


class SignedInAuthObject(_Base):
    """A verified session.  ``has(...)``, ``get_token(...)`` (async) / ``get_token_sync(...)``,
    ``debug()``."""
    token_type = "session_token"
    is_authenticated = True

    def __init__(self, session_token: str, claims: dict, *, debug_data: Optional[dict] = None,
                 api: Optional[dict] = None):
        props = claims_to_auth_properties(claims)
        self.session_claims = props["session_claims"]
        self.session_id = props["session_id"]
        self.session_status = props["session_status"]
        self.actor = props["actor"]
        self.user_id = props["user_id"]
        self.org_id = props["org_id"]
        self.org_role = props["org_role"]
        self.org_slug = props["org_slug"]
        self.org_permissions = props["org_permissions"]
        self.factor_verification_age = props["factor_verification_age"]
        self._token = session_token
        self._features = claims.get("fea") or ""
        self._plans = claims.get("pla") or ""
        self._debug = dict(debug_data or {}, sessionToken=session_token)
        self._api = api or {}

    def has(self, params: Optional[dict] = None, *, role=None, permission=None, feature=None, plan=None,
            reverification=None) -> bool:
        p = _has_params(params, dict(role=role, permission=permission, feature=feature, plan=plan,
                                     reverification=reverification))
        return check_authorization(p, user_id=self.user_id, org_id=self.org_id, org_role=self.org_role,
                                   org_permissions=self.org_permissions,
                                   factor_verification_age=self.factor_verification_age,
                                   features=self._features, plans=self._plans)

    def _get_token_core(self, template=None, expires_in_seconds=None):
        if not self.session_id:
            return None
        if template or expires_in_seconds is not None:
            from .handshake.bapi import bapi_core
            path = f"/sessions/{self.session_id}/tokens" + (f"/{template}" if template else "")
            body = {"expires_in_seconds": expires_in_seconds} if expires_in_seconds is not None else None
            result = yield from bapi_core("POST", path, api_url=self._api.get("api_url"),
                                          api_version=self._api.get("api_version"),
                                          bearer=self._api.get("secret_key"), body=body)
            return (result or {}).get("jwt")
        return self._token

    def _get_token(self, template=None, expires_in_seconds=None):
        from .tokens import build_runtime
        rt = build_runtime(self._api.get("fetch"), self._api.get("crypto"), self._api.get("clock"))
        return self._get_token_core(template, expires_in_seconds), rt

    async def get_token(self, template: Optional[str] = None, expires_in_seconds: Optional[int] = None):
        from .runner import run_async
        core, rt = self._get_token(template, expires_in_seconds)
        return await run_async(core, rt)

    def get_token_sync(self, template: Optional[str] = None, expires_in_seconds: Optional[int] = None):
        from .runner import run_sync
        core, rt = self._get_token(template, expires_in_seconds)
        return run_sync(core, rt)

    def debug(self) -> dict:
        return _debug(self._debug)


class SignedOutAuthObject(_Base):
    token_type = "session_token"
    is_authenticated = False

    def __init__(self, debug_data: Optional[dict] = None, session_status: Optional[str] = None):
        self.session_claims = None
        self.session_id = None
        self.session_status = session_status
        self.actor = None
        self.user_id = None
        self.org_id = None
        self.org_role = None
        self.org_slug = None
        self.org_permissions = None
        self.factor_verification_age = None
        self._debug = debug_data

    def has(self, params=None, **kw) -> bool:
        return False

    async def get_token(self, *a, **kw):
        return None

    def get_token_sync(self, *a, **kw):
        return None

    def debug(self) -> dict:
        return _debug(self._debug)


class AuthenticatedMachineObject(_Base):
    """An ``api_key`` / ``m2m_token`` / ``oauth_token`` that verified.  ``data`` is the verification
    result (the Backend API resource as a dict, or the JWT-derived equivalent)."""
    is_authenticated = True

    def __init__(self, token_type: str, token: str, data: dict, debug_data: Optional[dict] = None):
        if token_type not in ("api_key", "m2m_token", "oauth_token"):
            raise ValueError(f"Invalid token type: {token_type}")
        self.token_type = token_type
        self.id = data.get("id")
        self.subject = data.get("subject")
        self.scopes = data.get("scopes")
        self._token = token
        self._debug = debug_data
        if token_type == "api_key":
            subject = self.subject or ""
            self.name = data.get("name")
            self.claims = data.get("claims")
            self.user_id = subject if subject.startswith("user_") else None
            self.org_id = subject if subject.startswith("org_") else None
        elif token_type == "m2m_token":
            self.claims = data.get("claims")
            self.machine_id = self.subject
        else:
            self.user_id = self.subject
            self.client_id = data.get("client_id")

    def has(self, params=None, **kw) -> bool:
        return False

    async def get_token(self, *a, **kw):
        return self._token

    def get_token_sync(self, *a, **kw):
        return self._token

    def debug(self) -> dict:
        return _debug(self._debug)


class UnauthenticatedMachineObject(_Base):
    is_authenticated = False

    def __init__(self, token_type: str, debug_data: Optional[dict] = None):
        if token_type not in ("api_key", "m2m_token", "oauth_token"):
            raise ValueError(f"Invalid token type: {token_type}")
        self.token_type = token_type
        self.id = None
        self.subject = None
        self.scopes = None
        self._debug = debug_data
        if token_type == "api_key":
            self.name = self.claims = self.user_id = self.org_id = None
        elif token_type == "m2m_token":
            self.claims = self.machine_id = None
        else:
            self.user_id = self.client_id = None

    def has(self, params=None, **kw) -> bool:
        return False

    async def get_token(self, *a, **kw):
        return None

    def get_token_sync(self, *a, **kw):
        return None

    def debug(self) -> dict:
        return _debug(self._debug)


class InvalidTokenAuthObject(_Base):
    token_type = None
    is_authenticated = False

    def has(self, params=None, **kw) -> bool:
        return False

    async def get_token(self, *a, **kw):
        return None

    def get_token_sync(self, *a, **kw):
        return None

    def debug(self) -> dict:
        return {}


def auth_object_for_accepted_token(auth_object, accepts_token="session_token"):
    """``getAuthObjectForAcceptedToken``."""
    if accepts_token == "any":
        return auth_object
    if isinstance(accepts_token, (list, tuple, set)):
        return auth_object if auth_object.token_type in accepts_token else InvalidTokenAuthObject()
    if auth_object.token_type == accepts_token:
        return auth_object
    if accepts_token in ("api_key", "m2m_token", "oauth_token"):
        return UnauthenticatedMachineObject(accepts_token, getattr(auth_object, "_debug", None))
    return SignedOutAuthObject(getattr(auth_object, "_debug", None))


# ------------------------------------------------------------------------------ serialisation
def sanitize_auth_object(auth_object: Any) -> dict:
    """A plain dict of the public data fields (``has``/``get_token``/``debug`` and private state
    removed) — safe to serialise; user/organization resources lose their private metadata."""
    if isinstance(auth_object, dict):
        data = {k: v for k, v in auth_object.items() if not callable(v)}
    else:
        data = {k: v for k, v in vars(auth_object).items() if not k.startswith("_") and not callable(v)}
        data["token_type"] = auth_object.token_type
        data["is_authenticated"] = auth_object.is_authenticated
    for key in ("user", "organization"):
        if data.get(key) is not None:
            data[key] = prune_private_metadata(data[key])
    return data


def _redact_deep(value: Any) -> Any:
    if isinstance(value, list):
        return [_redact_deep(v) for v in value]
    if isinstance(value, dict):
        return {k: _redact_deep(v) for k, v in value.items() if k not in ("private_metadata", "privateMetadata")}
    return value


def prune_private_metadata(resource: Any) -> Any:
    """Return a copy of ``resource`` (a dict or an object) without ``private_metadata`` /
    ``privateMetadata`` at any depth of ``_raw`` (and at its top level)."""
    if resource is None:
        return None
    if isinstance(resource, (dict, list)):
        return _redact_deep(resource)
    clone = copy.copy(resource)
    for attr in ("private_metadata", "privateMetadata"):
        if hasattr(clone, attr):
            try:
                delattr(clone, attr)
            except AttributeError:
                try:
                    setattr(clone, attr, None)
                except Exception:
                    pass
    raw = getattr(clone, "_raw", None)
    if raw:
        try:
            clone._raw = _redact_deep(raw)
        except Exception:
            pass
    return clone
