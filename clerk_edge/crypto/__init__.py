"""The signature boundary.

A *crypto backend* is any object with::

    name: str
    is_async_only: bool
    algorithms: frozenset[str]                  # JWS algs it can verify
    def verify(self, alg, key, data, signature) -> bool              # sync twin
    async def averify(self, alg, key, data, signature) -> bool       # async twin

``key`` is a :class:`clerk_edge.keys.PublicKey`.  ``verify`` returns ``False`` for a wrong or
malformed signature and raises :class:`clerk_edge.errors.ClerkEdgeError` only when the key cannot be
used for ``alg`` (wrong type, unsupported curve).  Backends cache imported key handles per
``PublicKey`` so nothing is re-imported per call.

Backends: :mod:`.pyca` (the ``cryptography`` package), :mod:`.webcrypto` (``crypto.subtle`` in
Pyodide/workerd; async-only), :mod:`.pure` (standard library only).
"""
from __future__ import annotations

__all__ = ["default_crypto", "resolve_crypto", "BACKENDS"]

BACKENDS = ("cryptography", "webcrypto", "pure")
_DEFAULT = None


def _cryptography_available() -> bool:
    import importlib.util
    try:
        return importlib.util.find_spec("cryptography") is not None
    except (ImportError, ValueError):
        return False


def default_crypto():
    """``cryptography`` when importable (CPython), WebCrypto under Pyodide, else pure stdlib."""
    global _DEFAULT
    if _DEFAULT is None:
        from ..fetch import in_pyodide
        if in_pyodide():
            from .webcrypto import WebCrypto
            _DEFAULT = WebCrypto()
        elif _cryptography_available():
            from .pyca import PycaCrypto
            _DEFAULT = PycaCrypto()
        else:
            from .pure import PureCrypto
            _DEFAULT = PureCrypto()
    return _DEFAULT


def resolve_crypto(crypto):
    """Accept ``None`` (auto), a backend name or a backend object."""
    if crypto is None:
        return default_crypto()
    if isinstance(crypto, str):
        if crypto == "cryptography":
            from .pyca import PycaCrypto
            return PycaCrypto()
        if crypto == "webcrypto":
            from .webcrypto import WebCrypto
            return WebCrypto()
        if crypto == "pure":
            from .pure import PureCrypto
            return PureCrypto()
        raise ValueError(f"unknown crypto backend {crypto!r}; expected one of {BACKENDS} or an object")
    return crypto
