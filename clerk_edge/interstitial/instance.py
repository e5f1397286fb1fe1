"""Keys and instances, 0.38 rules (``@clerk/shared/keys``, ``@clerk/shared/url``).

* dev/prod comes from the **secret key** prefix: ``test_``/``sk_test_`` is development,
  ``live_``/``sk_live_`` production; any other key is neither (so dev-only and prod-only rules
  never fire — as in Clerk).
* the Frontend API comes from the **publishable key**: ``pk_(test|live)_<base64("<host>$")>``.
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Optional

__all__ = ["is_development_key", "is_production_key", "parse_publishable_key", "PublishableKeyError",
           "is_staging", "is_dev_or_staging_url", "add_clerk_prefix", "js_parse_int", "clerk_js_major_or_tag"]

_B64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_DEV_OR_STAGING_SUFFIXES = (".lcl.dev", ".stg.dev", ".lclstage.dev", ".stgstage.dev", ".dev.lclclerk.com",
                            ".stg.lclclerk.com", ".accounts.lclclerk.com", "accountsstage.dev", "accounts.dev")
_STAGING_SUFFIXES = (".lclstage.dev", ".stgstage.dev", ".clerkstage.dev", ".accountsstage.dev")


class PublishableKeyError(ValueError):
    """The publishable key's payload is not base64 at all (a browser's ``atob`` would throw)."""


def is_development_key(key: Optional[str]) -> bool:
    return isinstance(key, str) and (key.startswith("test_") or key.startswith("sk_test_"))


def is_production_key(key: Optional[str]) -> bool:
    return isinstance(key, str) and (key.startswith("live_") or key.startswith("sk_live_"))


def _atob(data: str) -> str:
    """The browser's forgiving base64 decode; the result as a binary (latin-1) string."""
    data = "".join(ch for ch in data if ch not in " \t\n\f\r")
    if len(data) % 4 == 0 and data.endswith("="):
        data = data[:-2] if data.endswith("==") else data[:-1]
    if len(data) % 4 == 1 or any(ch not in _B64 for ch in data):
        raise PublishableKeyError("The publishable key is not valid: its payload is not base64.")
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4)).decode("latin-1")
    except (binascii.Error, ValueError):  # pragma: no cover - excluded above
        raise PublishableKeyError("The publishable key is not valid: its payload is not base64.") from None


def parse_publishable_key(key: Optional[str]) -> Optional[dict]:
    """``{"instance_type", "frontend_api"}`` or ``None`` (not a publishable key).

    Raises :class:`PublishableKeyError` when a ``pk_…`` key's payload is not base64."""
    key = key or ""
    if not isinstance(key, str) or not (key.startswith("pk_live_") or key.startswith("pk_test_")):
        return None
    parts = key.split("_")
    decoded = _atob(parts[2] if len(parts) > 2 else "")
    if not decoded.endswith("$"):
        return None
    return {"instance_type": "production" if key.startswith("pk_live_") else "development",
            "frontend_api": decoded[:-1]}


def is_staging(frontend_api: str) -> bool:
    return (frontend_api or "").endswith(_STAGING_SUFFIXES)


def is_dev_or_staging_url(host: Optional[str]) -> bool:
    return bool(host) and host.endswith(_DEV_OR_STAGING_SUFFIXES)


def add_clerk_prefix(value: Optional[str]) -> str:
    """``example.com`` → ``clerk.example.com`` (as ``@clerk/shared``'s ``addClerkPrefix``)."""
    if not value:
        return ""
    if re.match(r"^(clerk\.)+\w*$", value):
        stripped = re.sub(r"(clerk\.)*(?=clerk\.)", "", value, count=1)
    elif re.search(r"\.clerk.accounts", value):
        return value
    else:
        stripped = re.sub(r"^(clerk\.)*", "", value, flags=re.IGNORECASE)
    return f"clerk.{stripped}"


def clerk_js_major_or_tag(frontend_api: str, pkg_version: Optional[str]) -> str:
    if not pkg_version and is_staging(frontend_api):
        return "canary"
    if not pkg_version:
        return "latest"
    return pkg_version.split(".")[0] or "latest"


_INT_PREFIX = re.compile(r"^[\s\u00a0\ufeff\u2028\u2029]*([+-]?)([0-9]+)")


def js_parse_int(value) -> Optional[int]:
    """``Number.parseInt(value)`` (base 10 digits); ``None`` for ``NaN``."""
    if value is None:
        return None
    text = str(value)
    if re.match(r"^[\s\u00a0\ufeff\u2028\u2029]*[+-]?0[xX][0-9a-fA-F]", text):
        m = re.match(r"^[\s\u00a0\ufeff\u2028\u2029]*([+-]?)0[xX]([0-9a-fA-F]+)", text)
        return int(m.group(1) + m.group(2), 16)
    m = _INT_PREFIX.match(text)
    if not m:
        return None
    return int(m.group(1) + m.group(2))
