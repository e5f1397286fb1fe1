"""clerk_edge — Clerk's backend SDK for Python at the edge.

``import clerk_edge`` is cheap: it does no I/O, draws no randomness and imports nothing heavy.
Every public name is loaded on first attribute access from the module that defines it (the table
below), so a Worker that only verifies tokens never imports the REST client.

Async by default (``await clerk_edge.verify_token(...)``); the same names, synchronous, live in
:mod:`clerk_edge.sync`.
"""
from ._version import __version__
from .errors import ClerkEdgeError, FetchError, MachineTokenVerificationError, TokenVerificationError

# public name -> module that defines it (async face)
_EXPORTS = {
    # core (issue: core)
    "decode_jwt": "clerk_edge.jwt.decode",
    "Jwt": "clerk_edge.jwt.decode",
    "verify_jwt": "clerk_edge.jwt.verify",
    "has_valid_signature": "clerk_edge.jwt.verify",
    "verify_token": "clerk_edge.tokens",
    "JwksCache": "clerk_edge.jwks.cache",
    "MemoryStore": "clerk_edge.jwks.cache",
    "PublicKey": "clerk_edge.keys",
    "load_key": "clerk_edge.keys.parse",
    "to_jwk": "clerk_edge.keys.parse",
    "to_pem": "clerk_edge.keys.parse",
    "InvalidKeyError": "clerk_edge.keys.parse",
    "RetryPolicy": "clerk_edge.fetch.retry",
    "TokenVerificationErrorReason": "clerk_edge.errors",
    "TokenVerificationErrorAction": "clerk_edge.errors",
    "Headers": "clerk_edge.fetch",
    "HttpRequest": "clerk_edge.fetch",
    "HttpResponse": "clerk_edge.fetch",
    # request views (runtime adapters)
    "RequestView": "clerk_edge.adapters.request",
    "to_request_view": "clerk_edge.adapters.request",
    # Backend API client
    "Clerk": "clerk_edge.api.client",
    "ApiResponse": "clerk_edge.api.response",
    "ClerkAPIError": "clerk_edge.api.response",
    "ClerkAPIResponseError": "clerk_edge.api.response",
    # interstitial era (0.x) request authentication
    "auth_state": "clerk_edge.interstitial",
    "debug_auth_state": "clerk_edge.interstitial",
    "local_interstitial": "clerk_edge.interstitial",
    "remote_public_interstitial_url": "clerk_edge.interstitial",
    "remote_public_interstitial": "clerk_edge.interstitial",
    "remote_private_interstitial": "clerk_edge.interstitial",
    "AuthState": "clerk_edge.interstitial",
    "AuthStateOptionsError": "clerk_edge.interstitial",
    "HasParametersError": "clerk_edge.interstitial",
    # handshake era (current) request authentication
    "authenticate_request": "clerk_edge.handshake",
    "RequestState": "clerk_edge.handshake",
    "AuthenticateRequestOptions": "clerk_edge.handshake",
    "apply_headers": "clerk_edge.adapters.headers",
    "verify_webhook": "clerk_edge.webhooks",
    "WebhookVerificationError": "clerk_edge.webhooks",
    # auth objects
    "sanitize_auth_object": "clerk_edge.auth_objects",
    "prune_private_metadata": "clerk_edge.auth_objects",
}

__all__ = sorted(set(_EXPORTS) | {
    "__version__", "ClerkEdgeError", "FetchError", "MachineTokenVerificationError", "TokenVerificationError",
})


_SUBMODULES = {"sync", "testing", "errors", "base64url", "adapters", "api", "crypto", "fetch", "keys", "jwks", "jwt",
               "tokens", "runner", "interstitial", "handshake", "webhooks", "auth_objects"}


def __getattr__(name):
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"clerk_edge.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clerk_edge' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
