"""Clerk Backend API client.

``Clerk`` (async) and ``SyncClerk`` (sync; ``clerk_edge.sync.Clerk``) in :mod:`.client`; results are
:class:`~.response.ApiResponse`; resources in :mod:`.resources`; the operation table in :mod:`.operations`
(generated from Clerk's OpenAPI spec by ``tools/generate_operations.py``) and :mod:`.seed` (the 0.x methods).
Names load lazily so importing the package stays cheap.
"""
_EXPORTS = {
    "Clerk": "clerk_edge.api.client",
    "SyncClerk": "clerk_edge.api.client",
    "ApiResponse": "clerk_edge.api.response",
    "ClerkAPIError": "clerk_edge.api.response",
    "ClerkAPIResponseError": "clerk_edge.api.response",
    "RetryPolicy": "clerk_edge.api.retry",
    "Operation": "clerk_edge.api.request",
    "ClerkArgumentError": "clerk_edge.api.request",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clerk_edge.api' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
