"""Read configuration from an environment: ``os.environ`` (CPython, Lambda), a mapping, or a
Cloudflare Workers ``env`` binding (attribute access on a JS object)."""
from __future__ import annotations

from typing import Any, Optional


def get_env(env: Any, name: str) -> Optional[str]:
    if env is None:
        import os
        value = os.environ.get(name)
    elif hasattr(env, "get") and callable(env.get):
        try:
            value = env.get(name)
        except Exception:
            value = None
    else:
        try:
            value = getattr(env, name, None)
        except Exception:
            value = None
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:
            return None
    return value or None
