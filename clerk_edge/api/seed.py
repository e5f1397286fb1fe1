"""The 0.x SDK's REST methods (``@clerk/backend`` 0.3.0–0.38, ``src/api/endpoints/*``) as data.

Each method keeps its 0.x path (relative to ``/v1``) and its parameter names (snake_cased).  Where a 0.x
method has the same group and name as a spec operation *and* the same HTTP method and path, the two are one
operation (the spec row, which also accepts the 0.x argument names); otherwise the 0.x method is served from
this table.  A query name ending in ``[]`` is an array.  ``positional`` lists the arguments the 0.x method took
positionally when that is not just the path parameters (``verify_client(token)``).

``CURRENT_EXTRAS`` holds operations that ``@clerk/backend`` 3.x calls but Clerk's published spec does not
list (``clients.get_handshake_payload``).
"""
from __future__ import annotations

_PAGING = ("limit", "offset")
_USER_FILTERS = ("email_address[]", "phone_number[]", "username[]", "web3_wallet[]", "query", "user_id[]",
                 "external_id[]")
_METADATA = ("public_metadata", "private_metadata")
_USER_METADATA = ("public_metadata", "private_metadata", "unsafe_metadata")
_PASSWORD_HASHING = ("password_digest", "password_hasher")

# (group, name, method, path, query, body_kind, body_props, positional)
SEED = (
    # allowlistIdentifiers
    ("allowlist_identifiers", "get_allowlist_identifier_list", "GET", "/allowlist_identifiers", (), None, (), None),
    ("allowlist_identifiers", "create_allowlist_identifier", "POST", "/allowlist_identifiers", (), "json",
     ("identifier", "notify"), None),
    ("allowlist_identifiers", "delete_allowlist_identifier", "DELETE", "/allowlist_identifiers/{allowlist_identifier_id}",
     (), None, (), None),
    # clients
    ("clients", "get_client_list", "GET", "/clients", (), None, (), None),
    ("clients", "get_client", "GET", "/clients/{client_id}", (), None, (), None),
    ("clients", "verify_client", "POST", "/clients/verify", (), "json", ("token",), ("token",)),
    # domains (0.38)
    ("domains", "delete_domain", "DELETE", "/domains/{domain_id}", (), None, (), None),
    # emailAddresses
    ("email_addresses", "get_email_address", "GET", "/email_addresses/{email_address_id}", (), None, (), None),
    ("email_addresses", "create_email_address", "POST", "/email_addresses", (), "json",
     ("user_id", "email_address", "verified", "primary"), None),
    ("email_addresses", "update_email_address", "PATCH", "/email_addresses/{email_address_id}", (), "json",
     ("verified", "primary"), None),
    ("email_addresses", "delete_email_address", "DELETE", "/email_addresses/{email_address_id}", (), None, (), None),
    # emails
    ("emails", "create_email", "POST", "/emails", (), "json",
     ("from_email_name", "email_address_id", "subject", "body"), None),
    # interstitial
    ("interstitial", "get_interstitial", "GET", "/internal/interstitial", (), None, (), None),
    # invitations
    ("invitations", "get_invitation_list", "GET", "/invitations", ("status",), None, (), None),
    ("invitations", "create_invitation", "POST", "/invitations", (), "json",
     ("email_address", "redirect_url", "public_metadata", "notify", "ignore_existing"), None),
    ("invitations", "revoke_invitation", "POST", "/invitations/{invitation_id}/revoke", (), None, (), None),
    # organizations
    ("organizations", "get_organization_list", "GET", "/organizations",
     _PAGING + ("include_members_count", "query"), None, (), None),
    ("organizations", "create_organization", "POST", "/organizations", (), "json",
     ("name", "slug", "created_by", "max_allowed_memberships") + _METADATA, None),
    ("organizations", "get_organization", "GET", "/organizations/{organization_id}", (), None, (), None),
    ("organizations", "update_organization", "PATCH", "/organizations/{organization_id}", (), "json",
     ("name", "slug", "max_allowed_memberships") + _METADATA, None),
    ("organizations", "update_organization_logo", "PUT", "/organizations/{organization_id}/logo", (), "multipart",
     ("file", "uploader_user_id"), None),
    ("organizations", "delete_organization_logo", "DELETE", "/organizations/{organization_id}/logo", (), None, (), None),
    ("organizations", "update_organization_metadata", "PATCH", "/organizations/{organization_id}/metadata", (), "json",
     _METADATA, None),
    ("organizations", "delete_organization", "DELETE", "/organizations/{organization_id}", (), None, (), None),
    ("organizations", "get_organization_membership_list", "GET", "/organizations/{organization_id}/memberships",
     _PAGING, None, (), None),
    ("organizations", "create_organization_membership", "POST", "/organizations/{organization_id}/memberships", (),
     "json", ("user_id", "role"), None),
    ("organizations", "update_organization_membership", "PATCH",
     "/organizations/{organization_id}/memberships/{user_id}", (), "json", ("role",), None),
    ("organizations", "update_organization_membership_metadata", "PATCH",
     "/organizations/{organization_id}/memberships/{user_id}/metadata", (), "json", _METADATA, None),
    ("organizations", "delete_organization_membership", "DELETE",
     "/organizations/{organization_id}/memberships/{user_id}", (), None, (), None),
    ("organizations", "get_organization_invitation_list", "GET", "/organizations/{organization_id}/invitations",
     ("status[]",) + _PAGING, None, (), None),
    ("organizations", "get_pending_organization_invitation_list", "GET",
     "/organizations/{organization_id}/invitations/pending", _PAGING, None, (), None),
    ("organizations", "create_organization_invitation", "POST", "/organizations/{organization_id}/invitations", (),
     "json", ("inviter_user_id", "email_address", "role", "redirect_url", "public_metadata"), None),
    ("organizations", "get_organization_invitation", "GET",
     "/organizations/{organization_id}/invitations/{invitation_id}", (), None, (), None),
    ("organizations", "revoke_organization_invitation", "POST",
     "/organizations/{organization_id}/invitations/{invitation_id}/revoke", (), "json", ("requesting_user_id",), None),
    # phoneNumbers
    ("phone_numbers", "get_phone_number", "GET", "/phone_numbers/{phone_number_id}", (), None, (), None),
    ("phone_numbers", "create_phone_number", "POST", "/phone_numbers", (), "json",
     ("user_id", "phone_number", "verified", "primary"), None),
    ("phone_numbers", "update_phone_number", "PATCH", "/phone_numbers/{phone_number_id}", (), "json",
     ("verified", "primary"), None),
    ("phone_numbers", "delete_phone_number", "DELETE", "/phone_numbers/{phone_number_id}", (), None, (), None),
    # redirectUrls
    ("redirect_urls", "get_redirect_url_list", "GET", "/redirect_urls", (), None, (), None),
    ("redirect_urls", "get_redirect_url", "GET", "/redirect_urls/{redirect_url_id}", (), None, (), None),
    ("redirect_urls", "create_redirect_url", "POST", "/redirect_urls", (), "json", ("url",), None),
    ("redirect_urls", "delete_redirect_url", "DELETE", "/redirect_urls/{redirect_url_id}", (), None, (), None),
    # sessions
    ("sessions", "get_session_list", "GET", "/sessions", ("client_id", "user_id", "status"), None, (), None),
    ("sessions", "get_session", "GET", "/sessions/{session_id}", (), None, (), None),
    ("sessions", "revoke_session", "POST", "/sessions/{session_id}/revoke", (), None, (), None),
    ("sessions", "verify_session", "POST", "/sessions/{session_id}/verify", (), "json", ("token",),
     ("session_id", "token")),
    ("sessions", "get_token", "POST", "/sessions/{session_id}/tokens/{template?}", (), None, (), None),
    # signInTokens
    ("sign_in_tokens", "create_sign_in_token", "POST", "/sign_in_tokens", (), "json",
     ("user_id", "expires_in_seconds"), None),
    ("sign_in_tokens", "revoke_sign_in_token", "POST", "/sign_in_tokens/{sign_in_token_id}/revoke", (), None, (), None),
    # smsMessages
    ("sms_messages", "create_sms_message", "POST", "/sms_messages", (), "json", ("phone_number_id", "message"), None),
    # users
    ("users", "get_user_list", "GET", "/users", _USER_FILTERS + _PAGING + ("order_by",), None, (), None),
    ("users", "get_user", "GET", "/users/{user_id}", (), None, (), None),
    ("users", "create_user", "POST", "/users", (), "json",
     ("external_id", "email_address", "phone_number", "username", "password", "first_name", "last_name",
      "skip_password_checks", "skip_password_requirement", "totp_secret", "backup_codes", "created_at")
     + _USER_METADATA + _PASSWORD_HASHING, None),
    ("users", "update_user", "PATCH", "/users/{user_id}", (), "json",
     ("first_name", "last_name", "username", "password", "skip_password_checks", "sign_out_of_other_sessions",
      "primary_email_address_id", "primary_phone_number_id", "primary_web3_wallet_id", "profile_image_id",
      "totp_secret", "backup_codes", "external_id", "created_at", "create_organization_enabled")
     + _USER_METADATA + _PASSWORD_HASHING, None),
    ("users", "update_user_profile_image", "POST", "/users/{user_id}/profile_image", (), "multipart", ("file",), None),
    ("users", "update_user_metadata", "PATCH", "/users/{user_id}/metadata", (), "json", _USER_METADATA, None),
    ("users", "delete_user", "DELETE", "/users/{user_id}", (), None, (), None),
    ("users", "get_count", "GET", "/users/count", _USER_FILTERS, None, (), None),
    ("users", "get_user_oauth_access_token", "GET", "/users/{user_id}/oauth_access_tokens/{provider}", (), None, (),
     None),
    ("users", "disable_user_mfa", "DELETE", "/users/{user_id}/mfa", (), None, (), None),
    ("users", "get_organization_membership_list", "GET", "/users/{user_id}/organization_memberships", _PAGING, None,
     (), None),
    ("users", "verify_password", "POST", "/users/{user_id}/verify_password", (), "json", ("password",), None),
    ("users", "verify_totp", "POST", "/users/{user_id}/verify_totp", (), "json", ("code",), None),
)

# operations @clerk/backend 3.x calls that the published spec does not list
CURRENT_EXTRAS = (
    ("clients", "get_handshake_payload", "GET", "/clients/handshake_payload", ("nonce",), None, (), None),
)

# parameters @clerk/backend 3.x sends to a spec operation that the spec does not declare
EXTRA_QUERY = {
    ("sessions", "refresh_session"): ("suffixed_cookies",),  # SessionAPI.refreshSession
}
