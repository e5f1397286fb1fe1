"""Small typed resources for the 0.x SDK's object types.

Each resource is a dataclass with the wire's snake_case attributes plus ``raw`` (the JSON object as received).
Fields Clerk adds later are not lost: they stay in ``raw`` and are readable as attributes too.  Parsing is
lenient (missing fields are ``None``; unknown ``object`` values stay plain dicts), because the real API and the
spec mock both send values a strict model would reject.

:func:`deserialize` dispatches on ``object``; lists are mapped item by item; ``{object, deleted}`` becomes
:class:`DeletedObject`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Dict, List, Optional

__all__ = [
    "Resource", "User", "Session", "Client", "Organization", "OrganizationMembership", "OrganizationInvitation",
    "Invitation", "EmailAddress", "PhoneNumber", "AllowlistIdentifier", "RedirectUrl", "SignInToken",
    "SMSMessage", "Email", "Token", "DeletedObject", "deserialize", "OBJECT_TYPES",
]


@dataclass(repr=False)
class Resource:
    raw: Dict[str, Any] = field(default_factory=dict, compare=False)

    # nested fields: name -> converter (applied to the raw value)
    _nested = ()  # (field name, converter) pairs; a class attribute, not a field

    @classmethod
    def from_json(cls, data: Dict[str, Any]):
        kwargs = {}
        nested = dict(cls._nested)
        for f in fields(cls):
            if f.name == "raw" or f.name.startswith("_"):
                continue
            value = data.get(f.name)
            conv = nested.get(f.name)
            if conv is not None and value is not None:
                value = conv(value)
            kwargs[f.name] = value
        return cls(raw=data, **kwargs)

    def __getattr__(self, name):
        # only called for attributes the dataclass does not define: fall back to the raw JSON
        if name.startswith("_") or name == "raw":
            raise AttributeError(name)
        raw = self.__dict__.get("raw") or {}
        if name in raw:
            return raw[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.raw)

    def __repr__(self) -> str:
        ident = getattr(self, "id", None)
        return f"{type(self).__name__}(id={ident!r})" if ident is not None else f"{type(self).__name__}()"


def _list_of(conv):
    def apply(value):
        return [conv(v) for v in value] if isinstance(value, list) else value
    return apply


def _obj(value):
    return deserialize(value)


@dataclass(repr=False)
class EmailAddress(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    email_address: Optional[str] = None
    reserved: Optional[bool] = None
    verification: Optional[dict] = None
    linked_to: Optional[list] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class PhoneNumber(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    phone_number: Optional[str] = None
    reserved_for_second_factor: Optional[bool] = None
    default_second_factor: Optional[bool] = None
    reserved: Optional[bool] = None
    verification: Optional[dict] = None
    linked_to: Optional[list] = None
    backup_codes: Optional[list] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class User(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    external_id: Optional[str] = None
    primary_email_address_id: Optional[str] = None
    primary_phone_number_id: Optional[str] = None
    primary_web3_wallet_id: Optional[str] = None
    username: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    image_url: Optional[str] = None
    has_image: Optional[bool] = None
    public_metadata: Optional[dict] = None
    private_metadata: Optional[dict] = None
    unsafe_metadata: Optional[dict] = None
    email_addresses: Optional[List[EmailAddress]] = None
    phone_numbers: Optional[List[PhoneNumber]] = None
    web3_wallets: Optional[list] = None
    external_accounts: Optional[list] = None
    password_enabled: Optional[bool] = None
    two_factor_enabled: Optional[bool] = None
    totp_enabled: Optional[bool] = None
    backup_code_enabled: Optional[bool] = None
    banned: Optional[bool] = None
    locked: Optional[bool] = None
    last_sign_in_at: Optional[int] = None
    last_active_at: Optional[int] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None

    _nested = (("email_addresses", _list_of(_obj)), ("phone_numbers", _list_of(_obj)))

    @property
    def primary_email_address(self) -> Optional[EmailAddress]:
        for e in self.email_addresses or ():
            if isinstance(e, EmailAddress) and e.id == self.primary_email_address_id:
                return e
        return None


@dataclass(repr=False)
class Session(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    client_id: Optional[str] = None
    user_id: Optional[str] = None
    status: Optional[str] = None
    actor: Optional[dict] = None
    last_active_organization_id: Optional[str] = None
    last_active_at: Optional[int] = None
    expire_at: Optional[int] = None
    abandon_at: Optional[int] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class Client(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    session_ids: Optional[List[str]] = None
    sessions: Optional[List[Session]] = None
    sign_in_id: Optional[str] = None
    sign_up_id: Optional[str] = None
    last_active_session_id: Optional[str] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None

    _nested = (("sessions", _list_of(_obj)),)


@dataclass(repr=False)
class Organization(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    name: Optional[str] = None
    slug: Optional[str] = None
    image_url: Optional[str] = None
    has_image: Optional[bool] = None
    members_count: Optional[int] = None
    pending_invitations_count: Optional[int] = None
    max_allowed_memberships: Optional[int] = None
    admin_delete_enabled: Optional[bool] = None
    public_metadata: Optional[dict] = None
    private_metadata: Optional[dict] = None
    created_by: Optional[str] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class OrganizationMembership(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    role: Optional[str] = None
    role_name: Optional[str] = None
    permissions: Optional[List[str]] = None
    public_metadata: Optional[dict] = None
    private_metadata: Optional[dict] = None
    organization: Optional[Organization] = None
    public_user_data: Optional[dict] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None

    _nested = (("organization", _obj),)


@dataclass(repr=False)
class OrganizationInvitation(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    email_address: Optional[str] = None
    role: Optional[str] = None
    role_name: Optional[str] = None
    organization_id: Optional[str] = None
    inviter_id: Optional[str] = None
    status: Optional[str] = None
    public_metadata: Optional[dict] = None
    private_metadata: Optional[dict] = None
    url: Optional[str] = None
    expires_at: Optional[int] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class Invitation(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    email_address: Optional[str] = None
    public_metadata: Optional[dict] = None
    revoked: Optional[bool] = None
    status: Optional[str] = None
    url: Optional[str] = None
    expires_at: Optional[int] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class AllowlistIdentifier(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    identifier: Optional[str] = None
    identifier_type: Optional[str] = None
    invitation_id: Optional[str] = None
    instance_id: Optional[str] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class RedirectUrl(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    url: Optional[str] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class SignInToken(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    user_id: Optional[str] = None
    token: Optional[str] = None
    status: Optional[str] = None
    url: Optional[str] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None


@dataclass(repr=False)
class SMSMessage(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    from_phone_number: Optional[str] = None
    to_phone_number: Optional[str] = None
    phone_number_id: Optional[str] = None
    message: Optional[str] = None
    status: Optional[str] = None
    data: Optional[dict] = None


@dataclass(repr=False)
class Email(Resource):
    id: Optional[str] = None
    object: Optional[str] = None
    from_email_name: Optional[str] = None
    email_address_id: Optional[str] = None
    to_email_address: Optional[str] = None
    subject: Optional[str] = None
    body: Optional[str] = None
    body_plain: Optional[str] = None
    status: Optional[str] = None
    slug: Optional[str] = None
    data: Optional[dict] = None
    delivered_by_clerk: Optional[bool] = None


@dataclass(repr=False)
class Token(Resource):
    object: Optional[str] = None
    jwt: Optional[str] = None

    def __repr__(self) -> str:  # never print the token
        return "Token(jwt=…)"


@dataclass(repr=False)
class DeletedObject(Resource):
    object: Optional[str] = None
    id: Optional[str] = None
    slug: Optional[str] = None
    deleted: Optional[bool] = None
    external_id: Optional[str] = None


OBJECT_TYPES = {
    "user": User,
    "session": Session,
    "client": Client,
    "organization": Organization,
    "organization_membership": OrganizationMembership,
    "organization_invitation": OrganizationInvitation,
    "invitation": Invitation,
    "email_address": EmailAddress,
    "phone_number": PhoneNumber,
    "allowlist_identifier": AllowlistIdentifier,
    "redirect_url": RedirectUrl,
    "sign_in_token": SignInToken,
    "sms_message": SMSMessage,
    "email": Email,
    "token": Token,
}


def deserialize(value):
    """JSON value → resources (lists item by item; unknown objects stay as they are)."""
    if isinstance(value, list):
        return [deserialize(v) for v in value]
    if isinstance(value, dict):
        obj = value.get("object")
        if isinstance(value.get("deleted"), bool) and isinstance(obj, str):
            return DeletedObject.from_json(value)
        cls = OBJECT_TYPES.get(obj) if isinstance(obj, str) else None
        if cls is not None:
            return cls.from_json(value)
    return value
