"""Make the async and the sync face of one core.

A *core function* takes the public arguments and returns ``(generator, runtime)``.  :func:`twins`
turns it into an ``async def`` (driven by :func:`run_async`) and a plain ``def`` (driven by
:func:`run_sync`) with the same signature and docstring — the logic exists once.
"""
from __future__ import annotations

import functools

from .runner import run_async, run_sync


def twins(core_fn):
    """Return ``(async_fn, sync_fn)`` for a core function."""

    @functools.wraps(core_fn)
    async def async_fn(*args, **kwargs):
        core, rt = core_fn(*args, **kwargs)
        return await run_async(core, rt)

    @functools.wraps(core_fn)
    def sync_fn(*args, **kwargs):
        core, rt = core_fn(*args, **kwargs)
        return run_sync(core, rt)

    return async_fn, sync_fn
