"""Origins the way a browser's ``URL`` computes them, and the 0.38 cross-origin check.

Pure functions over strings.  ``url_origin`` follows the WHATWG URL rules that matter here:
special schemes (http, https, ws, wss, ftp) give ``scheme://host[:port]`` with the host lower-cased,
IDNA-encoded and the default port dropped; any other scheme gives ``"null"``; a string that a
browser would refuse to parse gives ``None``.
"""
from __future__ import annotations

from typing import Optional

__all__ = ["url_origin", "build_origin", "check_cross_origin", "first_value"]

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
# forbidden host code points (WHATWG URL) plus whitespace/controls
_FORBIDDEN_HOST = set(" \t\n\r#%/:<>?@[\\]^|\x00") | {chr(c) for c in range(0x20)} | {"\x7f"}
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def _host(raw: str) -> Optional[str]:
    if raw.startswith("["):  # IPv6 literal
        if not raw.endswith("]") or len(raw) < 3:
            return None
        inner = raw[1:-1]
        if not all(ch in "0123456789abcdefABCDEF:." for ch in inner) or ":" not in inner:
            return None
        return "[" + inner.lower() + "]"
    if not raw or any(ch in _FORBIDDEN_HOST for ch in raw):
        return None
    host = raw.lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return host


def url_origin(url: Optional[str]) -> Optional[str]:
    """``new URL(url).origin``; ``None`` where ``new URL`` would throw."""
    if not isinstance(url, str):
        return None
    text = url.strip(_C0_OR_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    colon = text.find(":")
    if colon <= 0:
        return None
    scheme = text[:colon].lower()
    if not scheme[0].isalpha() or not all(ch.isalnum() or ch in "+-." for ch in scheme) or not scheme.isascii():
        return None
    rest = text[colon + 1:].replace("\\", "/") if scheme in _DEFAULT_PORTS else text[colon + 1:]
    if scheme not in _DEFAULT_PORTS:
        return "null"
    rest = rest.lstrip("/")  # special schemes ignore any number of slashes
    end = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i != -1:
            end = min(end, i)
    authority = rest[:end]
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            return None
        host_part, port_part = authority[:close + 1], authority[close + 1:]
        if port_part and not port_part.startswith(":"):
            return None
        port_part = port_part[1:] if port_part else ""
    elif ":" in authority:
        host_part, _, port_part = authority.rpartition(":")
    else:
        host_part, port_part = authority, ""
    host = _host(host_part)
    if host is None:
        return None
    port = None
    if port_part:
        if not port_part.isdigit() or not port_part.isascii():
            return None
        port = int(port_part)
        if port > 65535:
            return None
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def first_value(value: Optional[str]) -> Optional[str]:
    """The first entry of a comma-separated header value (``value.split(',')[0]``)."""
    if value is None:
        return None
    return value.split(",")[0]


def build_origin(protocol: Optional[str], host: Optional[str], forwarded_proto: Optional[str],
                 forwarded_host: Optional[str]) -> str:
    """``<first(forwarded_proto) or protocol>://<first(forwarded_host) or host>``, or ``''`` when a part is missing."""
    resolved_host = first_value(forwarded_host)
    if resolved_host is None:
        resolved_host = host
    resolved_proto = first_value(forwarded_proto)
    if resolved_proto is None and protocol is not None:
        resolved_proto = protocol.replace(":", "", 1) if ":" in protocol else protocol
    if not resolved_host or not resolved_proto:
        return ""
    return f"{resolved_proto.strip()}://{resolved_host.strip()}"


def check_cross_origin(url: str, host: Optional[str], forwarded_host: Optional[str],
                       forwarded_proto: Optional[str]) -> Optional[bool]:
    """0.38 ``checkCrossOrigin``: is ``url``'s origin different from the origin this request was served on?

    ``None`` when ``url`` itself cannot be parsed (the caller decides).  When the served-on origin
    cannot be built (no host) the answer is ``False``; when it is built but cannot be parsed, ``True``
    (we cannot show it is the same origin)."""
    origin = url_origin(url)
    if origin is None:
        return None
    scheme = origin.split(":", 1)[0] if origin != "null" else url.strip().split(":", 1)[0].lower()
    served = build_origin(scheme + ":", host, forwarded_proto, forwarded_host)
    if not served:
        return False
    served_origin = url_origin(served)
    if served_origin is None:
        return True
    return served_origin != origin
