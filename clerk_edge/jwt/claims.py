"""The claim and header checks of @clerk/backend 3.x, one function each, same messages.

Messages reproduce JavaScript's formatting (``JSON.stringify`` of values, ``undefined`` for absent
claims, ``Date.toUTCString`` dates) so logs read the same as in Clerk's SDK.
"""
from __future__ import annotations

import json
import math
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from ..errors import TokenVerificationError, TokenVerificationErrorAction as Action, TokenVerificationErrorReason as Reason

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "undefined"})()
DEFAULT_ALGORITHMS = ("RS256", "RS384", "RS512")
OPTIONAL_ALGORITHMS = ("ES256", "ES384", "ES512", "EdDSA")
DEFAULT_CLOCK_SKEW_IN_MS = 5000


def js(value: Any) -> str:
    """``JSON.stringify`` as JavaScript prints it in a template string."""
    if value is MISSING:
        return "undefined"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return "undefined"


def js_list(values: Sequence) -> str:
    """``String(array)``: items joined with ``,``."""
    return ",".join("" if v is None else str(v) for v in values)


def utc_string(ms: int) -> str:
    """``new Date(ms).toUTCString()``."""
    from email.utils import formatdate
    try:
        return formatdate(ms / 1000.0, usegmt=True)
    except (OverflowError, ValueError, OSError):
        return "Invalid Date"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def seconds_to_ms(value: Union[int, float]) -> int:
    """``Date.setUTCSeconds`` truncates fractional seconds."""
    if isinstance(value, float) and not math.isfinite(value):
        raise OverflowError
    return int(value) * 1000


def clock_skew(value: Any) -> int:
    """A finite number is honoured (0 included); anything else means 5000 ms."""
    if is_number(value) and math.isfinite(value):
        return value
    return DEFAULT_CLOCK_SKEW_IN_MS


def _flat_truthy(value: Any) -> list:
    if value is None or value is MISSING:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v]
    return [value] if value else []


def assert_header_type(typ: Any, allowed_types: Union[None, str, Iterable[str]]) -> None:
    if typ is MISSING and allowed_types is None:
        return
    expected = "JWT" if allowed_types is None else allowed_types
    allowed = [expected] if isinstance(expected, str) else list(expected)
    if typ is MISSING or typ not in allowed:
        raise TokenVerificationError(Reason.TOKEN_INVALID, f'Invalid JWT type {js(typ)}. Expected "{", ".join(allowed)}".',
                                     Action.ENSURE_CLERK_JWT)


def assert_header_algorithm(alg: Any, algorithms: Sequence[str]) -> None:
    if not isinstance(alg, str) or alg not in algorithms:
        raise TokenVerificationError(Reason.TOKEN_INVALID_ALGORITHM,
                                     f"Invalid JWT algorithm {js(alg)}. Supported: {js_list(algorithms)}.",
                                     Action.ENSURE_CLERK_JWT)


def assert_sub(sub: Any) -> None:
    if not isinstance(sub, str):
        raise TokenVerificationError(Reason.TOKEN_VERIFICATION_FAILED,
                                     f"Subject claim (sub) is required and must be a string. Received {js(sub)}.",
                                     Action.ENSURE_CLERK_JWT)


def assert_audience(aud: Any, audience: Any) -> None:
    audience_list = _flat_truthy(audience)
    aud_list = _flat_truthy(aud)
    if not audience_list or not aud_list:
        return
    if isinstance(aud, str):
        if aud not in audience_list:
            raise TokenVerificationError(
                Reason.TOKEN_VERIFICATION_FAILED,
                f'Invalid JWT audience claim (aud) {js(aud)}. Is not included in "{js(audience_list)}".',
                Action.ENSURE_CLERK_JWT)
        return
    # Clerk skips the check when aud is neither a string nor an array of strings; we reject instead.
    valid_array = isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud)
    if not valid_array or not any(a in audience_list for a in aud):
        raise TokenVerificationError(
            Reason.TOKEN_VERIFICATION_FAILED,
            f'Invalid JWT audience claim array (aud) {js(aud)}. Is not included in "{js(audience_list)}".',
            Action.ENSURE_CLERK_JWT)


def assert_authorized_party(azp: Any, authorized_parties: Optional[Sequence[str]]) -> None:
    if not authorized_parties:
        return
    if not azp or azp is MISSING or azp not in authorized_parties:
        raise TokenVerificationError(
            Reason.TOKEN_INVALID_AUTHORIZED_PARTIES,
            f'Invalid JWT Authorized party claim (azp) {js(azp)}. Expected "{js_list(authorized_parties)}".')


def assert_issuer(iss: Any, issuer: Union[None, str, Sequence[str], Callable[[str], Any]]) -> None:
    if callable(issuer):
        try:
            ok = isinstance(iss, str) and issuer(iss)
        except Exception:
            ok = False
        if not ok:
            raise TokenVerificationError(
                Reason.TOKEN_INVALID_ISSUER,
                "Failed JWT issuer resolver. Make sure that the resolver returns a truthy value.",
                Action.ENSURE_CLERK_JWT)
        return
    issuer_list = _flat_truthy(issuer)
    if not issuer_list:
        return
    if not isinstance(iss, str) or iss not in issuer_list:
        raise TokenVerificationError(Reason.TOKEN_INVALID_ISSUER,
                                     f'Invalid JWT issuer claim (iss) {js(iss)}. Expected "{js_list(issuer_list)}".',
                                     Action.ENSURE_CLERK_JWT)


def _date_ms(value: Any) -> Optional[int]:
    try:
        return seconds_to_ms(value)
    except (OverflowError, ValueError):
        return None  # JavaScript's Invalid Date: every comparison is false


def assert_expiration(exp: Any, skew_ms: int, now_ms: int) -> None:
    if not is_number(exp):
        raise TokenVerificationError(Reason.TOKEN_VERIFICATION_FAILED,
                                     f"Invalid JWT expiry date claim (exp) {js(exp)}. Expected number.",
                                     Action.ENSURE_CLERK_JWT)
    exp_ms = _date_ms(exp)
    if exp_ms is not None and exp_ms <= now_ms - skew_ms:
        raise TokenVerificationError(
            Reason.TOKEN_EXPIRED,
            f"JWT is expired. Expiry date: {utc_string(exp_ms)}, Current date: {utc_string(now_ms)}.")


def assert_not_before(nbf: Any, skew_ms: int, now_ms: int) -> None:
    if nbf is MISSING:
        return
    if not is_number(nbf):
        raise TokenVerificationError(Reason.TOKEN_VERIFICATION_FAILED,
                                     f"Invalid JWT not before date claim (nbf) {js(nbf)}. Expected number.",
                                     Action.ENSURE_CLERK_JWT)
    nbf_ms = _date_ms(nbf)
    if nbf_ms is not None and nbf_ms > now_ms + skew_ms:
        raise TokenVerificationError(
            Reason.TOKEN_NOT_ACTIVE_YET,
            "JWT cannot be used prior to not before date claim (nbf). "
            f"Not before date: {utc_string(nbf_ms)}; Current date: {utc_string(now_ms)};")


def assert_issued_at(iat: Any, skew_ms: int, now_ms: int) -> None:
    if iat is MISSING:
        return
    if not is_number(iat):
        raise TokenVerificationError(Reason.TOKEN_VERIFICATION_FAILED,
                                     f"Invalid JWT issued at date claim (iat) {js(iat)}. Expected number.",
                                     Action.ENSURE_CLERK_JWT)
    iat_ms = _date_ms(iat)
    if iat_ms is not None and iat_ms > now_ms + skew_ms:
        raise TokenVerificationError(
            Reason.TOKEN_IAT_IN_THE_FUTURE,
            "JWT issued at date claim (iat) is in the future. "
            f"Issued at date: {utc_string(iat_ms)}; Current date: {utc_string(now_ms)};")


def assert_claims(payload: dict, *, audience, authorized_parties, issuer, skew_ms: int, now_ms: int) -> None:
    """sub → aud → azp → iss → exp → nbf → iat, as in @clerk/backend 3.x."""
    g = payload.get
    assert_sub(g("sub", MISSING))
    assert_audience(g("aud", MISSING), audience)
    assert_authorized_party(g("azp", MISSING), authorized_parties)
    assert_issuer(g("iss", MISSING), issuer)
    assert_expiration(g("exp", MISSING), skew_ms, now_ms)
    assert_not_before(g("nbf", MISSING), skew_ms, now_ms)
    assert_issued_at(g("iat", MISSING), skew_ms, now_ms)
