"""Copy ``RequestState.headers`` (Location, Set-Cookie, Cache-Control, ``x-clerk-auth-*``) onto a
response of each runtime.  Several ``Set-Cookie`` headers stay separate everywhere.

* :func:`apply_to_lambda_result` — a Lambda proxy result dict: API Gateway v1 / ALB
  (``multiValueHeaders``) or HTTP API v2 / Function URL (``cookies`` list + ``headers``).
* :func:`apply_to_header_list` — ASGI (``[(b'name', b'value')]``) or WSGI (``[('Name', 'value')]``).
* :func:`apply_to_js_response` — a Workers / JS ``Response`` (its ``headers.append``); returns it.
* :func:`apply_headers` — dispatch on the target's shape.
* :func:`handshake_response_parts` — ``(status, headers)`` for a handshake: 307 + the headers.
* :func:`redirect_headers` — the one rule every framework adapter follows: redirect (307) when the state is a
  handshake *or* its headers carry a Location (a handshake resolved on a development instance comes back
  signed in with a Location that drops the handshake parameters); otherwise serve the request and add the
  state's headers (the Set-Cookie of a resolved handshake, ``x-clerk-auth-*``) to the app's response.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional, Tuple

from ..fetch import Headers

__all__ = ["apply_headers", "apply_to_lambda_result", "apply_to_header_list", "apply_to_js_response",
           "header_items", "handshake_response_parts", "redirect_headers"]

_SINGLE = ("location", "cache-control", "x-clerk-auth-status", "x-clerk-auth-reason", "x-clerk-auth-message",
           "access-control-allow-origin", "access-control-allow-credentials")


def header_items(source: Any) -> List[Tuple[str, str]]:
    """``[(name, value)]`` from a RequestState, a Headers or a mapping/iterable of pairs."""
    headers = getattr(source, "headers", source)
    if not isinstance(headers, Headers):
        headers = Headers(headers)
    return headers.items()


def apply_to_lambda_result(result: dict, source: Any, *, version: str = "auto") -> dict:
    """Merge into a Lambda proxy result (mutated and returned).

    ``version='1'`` (REST API / ALB): everything under ``multiValueHeaders`` (``headers`` keys replaced
    for single-valued names).  ``'2'`` (HTTP API / Function URL): Set-Cookie values go to ``cookies``,
    the rest to ``headers``.  ``'auto'``: v2 if the result has ``cookies``, v1 if it has
    ``multiValueHeaders``, else v2."""
    if version == "auto":
        version = "1" if "multiValueHeaders" in result and "cookies" not in result else "2"
    items = header_items(source)
    if version == "1":
        multi = result.setdefault("multiValueHeaders", {})
        single = result.get("headers") or {}
        for name, value in items:
            key = next((k for k in multi if k.lower() == name.lower()), name)
            if name.lower() == "set-cookie":
                multi.setdefault(key, []).append(value)
            else:
                multi[key] = [value]
                for k in [k for k in single if k.lower() == name.lower()]:
                    del single[k]
        return result
    headers = result.setdefault("headers", {})
    for name, value in items:
        if name.lower() == "set-cookie":
            result.setdefault("cookies", []).append(value)
            continue
        for k in [k for k in headers if k.lower() == name.lower()]:
            del headers[k]
        headers[name] = value
    return result


def apply_to_header_list(header_list: list, source: Any, *, as_bytes: Optional[bool] = None) -> list:
    """Extend an ASGI (bytes pairs) or WSGI (str pairs) header list in place; single-valued names
    already present are replaced, Set-Cookie is appended.  Returns the list.  ``as_bytes`` (default: the
    list's own kind, str when empty) says which kind of pairs to add."""
    if as_bytes is None:
        as_bytes = bool(header_list) and isinstance(header_list[0][0], (bytes, bytearray))
    for name, value in header_items(source):
        lname = name.lower()
        if lname != "set-cookie":
            header_list[:] = [h for h in header_list
                              if (h[0].decode("latin-1") if isinstance(h[0], (bytes, bytearray)) else h[0]).lower() != lname]
        header_list.append((lname.encode("latin-1"), value.encode("latin-1")) if as_bytes else (name, value))  # ASGI: lower-case
    return header_list


def apply_to_js_response(response: Any, source: Any) -> Any:
    """A Workers/JS ``Response`` (or anything with ``headers.set/append``)."""
    headers = response.headers
    for name, value in header_items(source):
        if name.lower() == "set-cookie":
            headers.append(name, value)
        else:
            headers.set(name, value)
    return response


def apply_headers(target: Any, source: Any) -> Any:
    """Dispatch: dict → Lambda result; list → ASGI/WSGI header list; object with ``.headers`` →
    JS/Starlette/Werkzeug response (``headers.append`` for Set-Cookie)."""
    if isinstance(target, dict):
        return apply_to_lambda_result(target, source)
    if isinstance(target, list):
        return apply_to_header_list(target, source)
    if hasattr(target, "headers"):
        h = target.headers
        if hasattr(h, "append") and hasattr(h, "set"):
            return apply_to_js_response(target, source)
        if hasattr(h, "add"):     # Werkzeug
            for name, value in header_items(source):
                if name.lower() == "set-cookie":
                    h.add(name, value)
                else:
                    h[name] = value
            return target
        if hasattr(h, "append"):  # Starlette MutableHeaders
            for name, value in header_items(source):
                if name.lower() == "set-cookie":
                    h.append(name, value)
                else:
                    h[name] = value
            return target
    raise TypeError(f"Cannot apply headers to {type(target).__name__}")


def handshake_response_parts(state: Any) -> Tuple[int, List[Tuple[str, str]]]:
    """``(307, headers)`` for a handshake state — what every runtime should answer with."""
    return 307, header_items(state)


def redirect_headers(state: Any):
    """The headers of the 307 that ``state`` asks for, or ``None`` when the request should be served
    (then copy ``state.headers`` onto the app's response: they may carry the cookies of a resolved handshake)."""
    headers = getattr(state, "headers", None)
    items = [] if headers is None else header_items(headers)
    if getattr(state, "status", None) == "handshake" or any(k.lower() == "location" for k, _ in items):
        return items
    return None
