"""Signature verification with WebCrypto (``crypto.subtle``) — the default inside Pyodide/workerd.

Async-only: ``crypto.subtle`` returns promises, and Cloudflare Workers cannot block on them.  Keys are
imported as JWK once per (:class:`~clerk_edge.keys.PublicKey`, alg) and the ``CryptoKey`` is cached.
``js`` and ``pyodide`` are imported inside methods, so this module imports anywhere.

A signature that is wrong — or so malformed that ``subtle.verify`` rejects it — verifies ``False``;
a key that WebCrypto refuses to import raises :class:`~clerk_edge.errors.ClerkEdgeError`.
"""
from __future__ import annotations

from ..errors import ClerkEdgeError

__all__ = ["WebCrypto"]

_MAX_CACHE = 256
# (id(PublicKey), alg) -> (PublicKey, CryptoKey, verify params (JS), signature length); module-level so
# every WebCrypto() instance (e.g. crypto='webcrypto' resolved per call) shares the imported keys
_KEYS: dict = {}
_HASH = {"256": "SHA-256", "384": "SHA-384", "512": "SHA-512"}
_EC = {"ES256": ("P-256", "SHA-256", 32), "ES384": ("P-384", "SHA-384", 48), "ES512": ("P-521", "SHA-512", 66)}


def _params(alg: str, key):
    """(import params, verify params, expected signature length or None, kty, crv)."""
    if alg in ("RS256", "RS384", "RS512"):
        return ({"name": "RSASSA-PKCS1-v1_5", "hash": _HASH[alg[2:]]}, {"name": "RSASSA-PKCS1-v1_5"},
                (key.n.bit_length() + 7) // 8, "RSA", None)
    if alg in _EC:
        crv, h, size = _EC[alg]
        return ({"name": "ECDSA", "namedCurve": crv}, {"name": "ECDSA", "hash": h}, 2 * size, "EC", crv)
    if alg in ("EdDSA", "Ed25519"):
        return ({"name": "Ed25519"}, {"name": "Ed25519"}, 64, "OKP", "Ed25519")
    raise ClerkEdgeError(f"Unsupported algorithm {alg!r} (WebCrypto backend supports "
                         "RS256/384/512, ES256/384/512, EdDSA).")


class WebCrypto:
    """``crypto.subtle`` backend for Pyodide (Cloudflare Python Workers, Pyodide in Node/browsers)."""

    name = "webcrypto"
    is_async_only = True
    algorithms = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "EdDSA"})

    def __init__(self, subtle=None):
        self._subtle = subtle
        self._keys = _KEYS if subtle is None else {}

    def verify(self, alg, key, data, signature) -> bool:
        raise ClerkEdgeError(
            "The WebCrypto backend is async-only (crypto.subtle returns promises); use the async API "
            "(await clerk_edge.verify_token(...)) or pass crypto='pure' to the sync API."
        )

    def _get_subtle(self):
        if self._subtle is None:
            try:
                import js
                self._subtle = js.crypto.subtle
            except (ImportError, AttributeError):
                raise ClerkEdgeError("WebCrypto (crypto.subtle) is not available in this runtime; "
                                     "use crypto='cryptography' or crypto='pure'.") from None
        return self._subtle

    async def _import(self, alg, key):
        import js
        from pyodide.ffi import to_js
        from ..keys.parse import to_jwk

        import_params, verify_params, sig_len, kty, crv = _params(alg, key)
        if key.kty != kty or (crv is not None and key.crv != crv):
            raise ClerkEdgeError(f"The {key.kty} key cannot verify {alg} signatures.")
        jwk = to_jwk(key)
        jwk.pop("kid", None)
        jwk.pop("alg", None)
        jwk["ext"] = True
        conv = js.Object.fromEntries
        subtle = self._get_subtle()
        try:
            crypto_key = await subtle.importKey("jwk", to_js(jwk, dict_converter=conv),
                                                to_js(import_params, dict_converter=conv),
                                                False, to_js(["verify"]))
        except Exception as exc:  # noqa: BLE001 - a JsException; report it typed
            raise ClerkEdgeError(f"WebCrypto could not import the {key.kty} key for {alg}: {exc}") from None
        if len(self._keys) >= _MAX_CACHE:
            self._keys.clear()
        entry = self._keys[(id(key), alg)] = (key, crypto_key, to_js(verify_params, dict_converter=conv), sig_len)
        return entry

    async def averify(self, alg, key, data, signature) -> bool:
        entry = self._keys.get((id(key), alg))
        if entry is None or entry[0] is not key:
            entry = await self._import(alg, key)
        _, crypto_key, verify_params, sig_len = entry
        if len(signature) != sig_len:
            return False
        from pyodide.ffi import to_js
        try:
            ok = await self._get_subtle().verify(verify_params, crypto_key, to_js(bytes(signature)),
                                                 to_js(bytes(data)))
        except Exception:  # noqa: BLE001 - subtle.verify rejecting a malformed signature means "invalid"
            return False
        return bool(ok)

    def __repr__(self):
        return "WebCrypto()"
