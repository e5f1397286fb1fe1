"""Errors with stable codes.

Every failure a caller can meet is one of these classes, each carrying a stable ``reason`` (or
``code``) string and a human message.  Reason strings and messages match ``@clerk/backend`` 3.x.
No error ever stores a secret: messages name keys only by their first 7 characters.
"""
from __future__ import annotations



__all__ = [
    "ClerkEdgeError", "TokenVerificationError", "TokenVerificationErrorReason", "TokenVerificationErrorAction",
    "FetchError", "MachineTokenVerificationError", "redact",
]


def redact(secret: Optional[str], keep: int = 7) -> Optional[str]:
    """Cut a secret to its first ``keep`` characters (Clerk's debug convention)."""
    if secret is None:
        return None
    secret = str(secret)
    return secret[:keep] if len(secret) > keep else secret


class ClerkEdgeError(Exception):
    """Base class of every clerk_edge error."""


class TokenVerificationErrorReason:
    TOKEN_EXPIRED = "token-expired"
    TOKEN_INVALID = "token-invalid"
    TOKEN_INVALID_ALGORITHM = "token-invalid-algorithm"
    TOKEN_INVALID_AUTHORIZED_PARTIES = "token-invalid-authorized-parties"
    TOKEN_INVALID_SIGNATURE = "token-invalid-signature"
    TOKEN_NOT_ACTIVE_YET = "token-not-active-yet"
    TOKEN_IAT_IN_THE_FUTURE = "token-iat-in-the-future"
    TOKEN_VERIFICATION_FAILED = "token-verification-failed"
    TOKEN_INVALID_ISSUER = "token-invalid-issuer"
    TOKEN_TYPE_MISMATCH = "token-type-mismatch"
    INVALID_SECRET_KEY = "secret-key-invalid"
    LOCAL_JWK_MISSING = "jwk-local-missing"
    REMOTE_JWK_FAILED_TO_LOAD = "jwk-remote-failed-to-load"
    REMOTE_JWK_INVALID = "jwk-remote-invalid"
    REMOTE_JWK_MISSING = "jwk-remote-missing"
    JWK_FAILED_TO_RESOLVE = "jwk-failed-to-resolve"
    JWK_KID_MISMATCH = "jwk-kid-mismatch"
    REMOTE_INTERSTITIAL_FAILED_TO_LOAD = "interstitial-remote-failed-to-load"


class TokenVerificationErrorAction:
    CONTACT_SUPPORT = "Contact support@clerk.com"
    ENSURE_CLERK_JWT = "Make sure that this is a valid Clerk-generated JWT."
    SET_CLERK_JWT_KEY = "Set the CLERK_JWT_KEY environment variable."
    SET_CLERK_SECRET_KEY = "Set the CLERK_SECRET_KEY environment variable."
    ENSURE_CLOCK_SYNC = "Make sure your system clock is in sync (e.g. turn off and on automatic time synchronization)."
    ENSURE_KEYS = (
        "Go to your Dashboard and validate your secret and public keys are correct. "
        "Contact support@clerk.com if the issue persists."
    )


class TokenVerificationError(ClerkEdgeError):
    """A session token (or its key material) failed verification.

    ``reason`` is one of :class:`TokenVerificationErrorReason`; ``message`` is Clerk's text;
    ``action`` an optional hint; ``token_carrier`` is ``'header'`` or ``'cookie'`` once known.
    """

    def __init__(self, reason: str, message: str, action: Optional[str] = None,
                 token_carrier: Optional[str] = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.action = action
        self.token_carrier = token_carrier

    def full_message(self) -> str:
        text = " ".join(p for p in (self.message, self.action) if p)
        carrier = "undefined" if self.token_carrier is None else self.token_carrier  # as JavaScript prints it
        return f"{text} (reason={self.reason}, token-carrier={carrier})"

    # camelCase alias for people porting from @clerk/backend
    get_full_message = full_message

    def with_carrier(self, carrier: str) -> "TokenVerificationError":
        self.token_carrier = carrier
        return self

    def __repr__(self) -> str:
        return f"TokenVerificationError(reason={self.reason!r}, message={self.message!r})"

    def __str__(self) -> str:
        return self.message


class MachineTokenVerificationError(ClerkEdgeError):
    """An API key, M2M or OAuth token failed verification (``code`` is the stable reason)."""

    def __init__(self, code: str, message: str, status: Optional[int] = None, action: Optional[str] = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.action = action

    @property
    def reason(self) -> str:
        return self.code

    def full_message(self) -> str:
        return f"{self.message} (code={self.code}, status={self.status if self.status is not None else 'n/a'})"

    get_full_message = full_message

    def __repr__(self) -> str:
        return f"MachineTokenVerificationError(code={self.code!r}, status={self.status!r}, message={self.message!r})"


class FetchError(ClerkEdgeError):
    """The transport failed (connection refused, DNS, timeout, aborted).  ``kind`` is a stable code:
    ``timeout``, ``connection``, ``invalid-url`` or ``other``."""

    def __init__(self, message: str, kind: str = "other", url: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.url = url

    def __repr__(self) -> str:
        return f"FetchError(kind={self.kind!r}, message={self.message!r})"
