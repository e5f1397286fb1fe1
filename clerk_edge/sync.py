"""The synchronous face of clerk_edge: the same names as :mod:`clerk_edge`, blocking.

For CPython and Lambda.  Under Pyodide it works wherever the chosen backends are sync (e.g.
``crypto='pure'`` with ``jwt_key``); the async face is the native one there.

Each name maps to the sync twin defined next to the async one (same core, driven by
:func:`clerk_edge.runner.run_sync`).
"""
from ._version import __version__  # noqa: F401
from .errors import ClerkEdgeError, FetchError, MachineTokenVerificationError, TokenVerificationError  # noqa: F401

# public name -> (module, attribute of the sync twin)
_EXPORTS = {
    "decode_jwt": ("clerk_edge.jwt.decode", "decode_jwt"),
    "Jwt": ("clerk_edge.jwt.decode", "Jwt"),
    "verify_jwt": ("clerk_edge.jwt.verify", "verify_jwt_sync"),
    "has_valid_signature": ("clerk_edge.jwt.verify", "has_valid_signature_sync"),
    "verify_token": ("clerk_edge.tokens", "verify_token_sync"),
    "Clerk": ("clerk_edge.api.client", "SyncClerk"),
    "auth_state": ("clerk_edge.interstitial", "auth_state_sync"),
    "debug_auth_state": ("clerk_edge.interstitial", "debug_auth_state"),
    "local_interstitial": ("clerk_edge.interstitial", "local_interstitial"),
    "remote_public_interstitial_url": ("clerk_edge.interstitial", "remote_public_interstitial_url"),
    "remote_public_interstitial": ("clerk_edge.interstitial", "remote_public_interstitial_sync"),
    "remote_private_interstitial": ("clerk_edge.interstitial", "remote_private_interstitial_sync"),
    "authenticate_request": ("clerk_edge.handshake", "authenticate_request_sync"),
    "verify_webhook": ("clerk_edge.webhooks", "verify_webhook"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'clerk_edge.sync' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__():
    return __all__
