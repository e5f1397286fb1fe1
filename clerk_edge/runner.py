"""Drive the sans-I/O core.

Every piece of protocol logic in clerk_edge is a *generator* that yields small operation objects
(``Fetch``, ``Verify``, ``Sleep``, ``Shared``, ``Gather``) and receives their results.  It never does
I/O itself.  Two runners execute those operations: :func:`run_sync` (plain calls, for CPython and
Lambda) and :func:`run_async` (awaits, for asyncio and Pyodide/Workers).  The logic is written once;
only this file knows whether we are sync or async.

A ``Runtime`` bundles the injected boundaries: ``fetch`` (see :mod:`clerk_edge.fetch`), ``crypto``
(see :mod:`clerk_edge.crypto`), a wall ``clock`` (seconds, float) and ``sleep``.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Generator, Hashable, Optional

from .errors import ClerkEdgeError

__all__ = [
    "Fetch", "Verify", "Sleep", "Shared", "Gather", "Now",
    "Runtime", "run_sync", "run_async", "Core",
]

Core = Generator[Any, Any, Any]


@dataclass(slots=True)
class Fetch:
    """Perform one HTTP request; the result is a :class:`clerk_edge.fetch.HttpResponse`.

    Transport problems raise :class:`clerk_edge.errors.FetchError` *into* the generator."""
    request: Any  # clerk_edge.fetch.HttpRequest


@dataclass(slots=True)
class Verify:
    """Check a signature; the result is ``bool``. ``key`` is a :class:`clerk_edge.keys.PublicKey`."""
    alg: str
    key: Any
    data: bytes
    signature: bytes


@dataclass(slots=True)
class Sleep:
    seconds: float


@dataclass(slots=True)
class Now:
    """Ask the runtime's clock; the result is seconds since the epoch (float)."""


@dataclass(slots=True)
class Shared:
    """Run ``factory()`` (a core generator) once for all concurrent callers with the same ``key``.

    Single-flight: while one caller runs it, the others wait and get the same result (or exception).
    Works across threads (sync runner) and across tasks of one event loop (async runner)."""
    key: Hashable
    factory: Callable[[], Core]


@dataclass(slots=True)
class Gather:
    """Run several core generators; the result is the list of their results.

    The async runner runs them concurrently; the sync runner one after another."""
    cores: tuple


@dataclass
class Runtime:
    fetch: Any = None
    crypto: Any = None
    clock: Callable[[], float] = time.time
    sleep: Optional[Callable[[float], Any]] = None  # sync sleep; async runner uses asyncio.sleep unless async_sleep set
    async_sleep: Optional[Callable[[float], Any]] = None


# ---------------------------------------------------------------- single-flight registries
_sync_lock = threading.Lock()
_sync_flights: dict = {}   # key -> _SyncFlight


class _SyncFlight:
    __slots__ = ("done", "result", "error")

    def __init__(self):
        self.done = threading.Event()
        self.result = None
        self.error = None


def _resolve_fetch(rt: Runtime):
    if rt.fetch is None:
        from .fetch import default_fetch
        rt.fetch = default_fetch()
    return rt.fetch


def _resolve_crypto(rt: Runtime):
    if rt.crypto is None:
        from .crypto import default_crypto
        rt.crypto = default_crypto()
    return rt.crypto


def run_sync(core: Core, rt: Runtime):
    """Run a core generator to completion with blocking I/O."""
    send_value: Any = None
    throw: Optional[BaseException] = None
    while True:
        try:
            op = core.throw(throw) if throw is not None else core.send(send_value)
        except StopIteration as stop:
            return stop.value
        send_value, throw = None, None
        handler = _SYNC.get(type(op))
        try:
            if handler is None:
                raise TypeError(f"unknown core operation {op!r}")
            send_value = handler(op, rt)
        except Exception as exc:  # delivered into the generator, which decides
            throw = exc


def _sync_fetch(op, rt):
    return _resolve_fetch(rt).fetch(op.request)


def _sync_verify(op, rt):
    crypto = rt.crypto if rt.crypto is not None else _resolve_crypto(rt)
    if crypto.is_async_only:
        raise ClerkEdgeError(
            f"The crypto backend {crypto.name!r} is async-only; use the async API (await clerk_edge.verify_token) "
            "or pass crypto='pure' to the sync API."
        )
    return crypto.verify(op.alg, op.key, op.data, op.signature)


def _sync_now(op, rt):
    return rt.clock()


def _sync_sleep(op, rt):
    (rt.sleep or time.sleep)(op.seconds)


def _sync_shared(op, rt):
    with _sync_lock:
        flight = _sync_flights.get(op.key)
        leader = flight is None
        if leader:
            flight = _sync_flights[op.key] = _SyncFlight()
    if leader:
        try:
            flight.result = run_sync(op.factory(), rt)
        except BaseException as exc:
            flight.error = exc
        finally:
            with _sync_lock:
                _sync_flights.pop(op.key, None)
            flight.done.set()
    else:
        flight.done.wait()
    if flight.error is not None:
        raise flight.error
    return flight.result


def _sync_gather(op, rt):
    return [run_sync(c, rt) for c in op.cores]


_SYNC = {Fetch: _sync_fetch, Verify: _sync_verify, Now: _sync_now, Sleep: _sync_sleep, Shared: _sync_shared,
         Gather: _sync_gather}


# async flights are per event loop: key -> Future
_async_flights: dict = {}


async def run_async(core: Core, rt: Runtime):
    """Run a core generator to completion, awaiting I/O (asyncio, Pyodide, workerd)."""
    send_value: Any = None
    throw: Optional[BaseException] = None
    while True:
        try:
            op = core.throw(throw) if throw is not None else core.send(send_value)
        except StopIteration as stop:
            return stop.value
        send_value, throw = None, None
        try:
            send_value = await _do_async(op, rt)
        except Exception as exc:
            throw = exc


async def _do_async(op, rt: Runtime):
    import asyncio

    if isinstance(op, Fetch):
        fetch = _resolve_fetch(rt)
        return await fetch.afetch(op.request)
    if isinstance(op, Verify):
        crypto = _resolve_crypto(rt)
        return await crypto.averify(op.alg, op.key, op.data, op.signature)
    if isinstance(op, Now):
        return rt.clock()
    if isinstance(op, Sleep):
        if rt.async_sleep is not None:
            await rt.async_sleep(op.seconds)
        else:
            await asyncio.sleep(op.seconds)
        return None
    if isinstance(op, Shared):
        loop = asyncio.get_running_loop()
        key = (id(loop), op.key)
        fut = _async_flights.get(key)
        if fut is None:
            fut = loop.create_future()
            _async_flights[key] = fut
            try:
                fut.set_result(await run_async(op.factory(), rt))
            except BaseException as exc:
                fut.set_exception(exc)
            finally:
                _async_flights.pop(key, None)
            # mark retrieved so asyncio does not warn when nobody else waited
            if fut.exception() is not None:
                raise fut.exception()
            return fut.result()
        return await asyncio.shield(fut)
    if isinstance(op, Gather):
        return list(await asyncio.gather(*(run_async(c, rt) for c in op.cores)))
    raise TypeError(f"unknown core operation {op!r}")
