"""Testing helpers: an embedded local Clerk instance and token minting (see issue "developer experience").

Nothing here is imported by ``import clerk_edge``.
"""
_EXPORTS = {
    "generate_rsa_key": "clerk_edge.testing.signing",
    "load_private_key": "clerk_edge.testing.signing",
    "sign_jwt": "clerk_edge.testing.signing",
    "RsaPrivateKey": "clerk_edge.testing.signing",
    "generate_ec_key": "clerk_edge.testing.signing",
    "generate_ed25519_key": "clerk_edge.testing.signing",
    "EcPrivateKey": "clerk_edge.testing.signing",
    "Ed25519PrivateKey": "clerk_edge.testing.signing",
    "LocalClerk": "clerk_edge.testing.instance",
    "cookie_suffix": "clerk_edge.testing.instance",
    "sign_webhook": "clerk_edge.testing.instance",
}


__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clerk_edge.testing' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(module), name)
