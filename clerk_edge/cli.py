"""``clerk-edge`` — the command line (also ``python -m clerk_edge``).

    clerk-edge decode TOKEN                  header and claims, human-readable times (no verification)
    clerk-edge verify TOKEN [--jwt-key PEM | --secret-key KEY] [--api-url URL] [--authorized-party URL ...]
    clerk-edge jwks [--secret-key KEY] [--api-url URL]
    clerk-edge demo [--serve] [--port N]     local Clerk instance + the Workers example app + a scripted tour

Exit status: 0 success, 1 the token (or the instance) said no, 2 bad usage or configuration.
Keys default to the environment (``CLERK_SECRET_KEY``, ``CLERK_JWT_KEY``, ``CLERK_API_URL``); secrets are never
printed beyond their first 7 characters.  ``TOKEN`` may be ``-`` to read it from stdin.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time", "updated_at")


def _read_token(value: str) -> str:
    if value == "-":
        value = sys.stdin.read()
    value = value.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value


def _read_pem(value: Optional[str]) -> Optional[str]:
    """A PEM given inline, as ``@path`` or as a path to an existing file."""
    if not value:
        return value
    import os
    path = value[1:] if value.startswith("@") else value
    if "-----BEGIN" not in value and (value.startswith("@") or os.path.isfile(path)):
        try:
            with open(path, "r", encoding="utf-8") as fh:
                return fh.read()
        except OSError as exc:
            raise ValueError(f"cannot read the key file {path!r}: {exc.strerror}") from None
    return value


def _when(ts, now: float) -> str:
    import datetime
    try:
        t = float(ts)
        stamp = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        return "(not a time)"
    delta = t - now
    span = abs(delta)
    if span < 90:
        rel = f"{span:.0f}s"
    elif span < 5400:
        rel = f"{span / 60:.0f}m"
    elif span < 172800:
        rel = f"{span / 3600:.1f}h"
    else:
        rel = f"{span / 86400:.1f}d"
    return f"{stamp} ({'in ' + rel if delta > 0 else rel + ' ago'})"


def _dump(obj, now: float, indent: str = "  ") -> List[str]:
    import json
    lines = []
    for k, v in obj.items():
        text = json.dumps(v, ensure_ascii=False)
        if k in TIME_CLAIMS and isinstance(v, (int, float)) and not isinstance(v, bool):
            text += "   # " + _when(v, now)
        lines.append(f"{indent}{k}: {text}")
    return lines


def cmd_decode(args) -> int:
    import json
    import time
    from .errors import TokenVerificationError
    from .jwt.decode import decode_jwt
    try:
        jwt = decode_jwt(_read_token(args.token))
    except TokenVerificationError as err:
        print(f"invalid: {err.reason}\n{err.message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"header": jwt.header, "payload": jwt.payload}, indent=2, ensure_ascii=False))
        return 0
    now = time.time()
    print("header:")
    print("\n".join(_dump(jwt.header, now)))
    print("claims:")
    print("\n".join(_dump(jwt.payload, now)))
    exp = jwt.payload.get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        print(f"status: {'expired' if exp <= now else 'not expired'} (signature NOT verified; use `clerk-edge verify`)")
    else:
        print("status: no exp claim (signature NOT verified; use `clerk-edge verify`)")
    return 0


def cmd_verify(args) -> int:
    import json
    import time
    from .errors import ClerkEdgeError, FetchError, TokenVerificationError
    from .sync import verify_token
    try:
        jwt_key = _read_pem(args.jwt_key)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    import os
    env = dict(os.environ)
    if args.secret_key:  # an explicit --secret-key must not lose to a CLERK_JWT_KEY lying in the environment
        env.pop("CLERK_JWT_KEY", None)
    kwargs = dict(jwt_key=jwt_key, secret_key=args.secret_key, api_url=args.api_url, env=env,
                  authorized_parties=args.authorized_party or None, clock_skew_in_ms=args.clock_skew_ms)
    if args.issuer:
        kwargs["issuer"] = args.issuer
    if args.audience:
        kwargs["audience"] = args.audience
    try:
        claims = verify_token(_read_token(args.token), **kwargs)
    except TokenVerificationError as err:
        print(f"invalid: {err.reason}")
        print(err.message)
        if err.action:
            print(f"action: {err.action}")
        return 1
    except FetchError as err:
        print(f"error: could not reach Clerk ({err.kind}): {err.message}", file=sys.stderr)
        return 1
    except (ClerkEdgeError, ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(claims, indent=2, ensure_ascii=False))
    else:
        print("valid")
        print("\n".join(_dump(claims, time.time())))
    return 0


def cmd_jwks(args) -> int:
    import json
    import os
    from .errors import FetchError, redact
    from .fetch import HttpRequest, resolve_fetch
    secret = args.secret_key or os.environ.get("CLERK_SECRET_KEY")
    if not secret:
        print("error: no secret key: pass --secret-key or set CLERK_SECRET_KEY", file=sys.stderr)
        return 2
    api_url = (args.api_url or os.environ.get("CLERK_API_URL") or "https://api.clerk.com").rstrip("/")
    url = f"{api_url}/v1/jwks"
    req = HttpRequest("GET", url, {"Authorization": f"Bearer {secret}", "Accept": "application/json"}, timeout=10.0)
    try:
        resp = resolve_fetch("urllib").fetch(req)
    except FetchError as err:
        print(f"error: could not reach {url} ({err.kind}): {err.message}", file=sys.stderr)
        return 1
    try:
        data = resp.json()
    except Exception:
        data = None
    if not resp.ok:
        detail = ""
        if isinstance(data, dict) and data.get("errors"):
            e = data["errors"][0]
            detail = f": {e.get('code')}: {e.get('long_message') or e.get('message')}"
        print(f"error: {url} answered {resp.status}{detail} (secret key {redact(secret)}…)", file=sys.stderr)
        return 1
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        print(f"error: {url} did not return a JWKS", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"{len(data['keys'])} key(s) from {url}")
    for jwk in data["keys"]:
        size = ""
        if jwk.get("kty") == "RSA" and isinstance(jwk.get("n"), str):
            from .base64url import decode
            try:
                size = f" {len(decode(jwk['n'])) * 8} bits"
            except ValueError:
                size = " (bad n)"
        print(f"  kid={jwk.get('kid')} kty={jwk.get('kty')}{size} alg={jwk.get('alg')} use={jwk.get('use')}")
    return 0


def cmd_demo(args) -> int:
    from .testing.demo import main as demo_main
    return demo_main(serve=args.serve, port=args.port, entry=args.entry, local=args.local)


def build_parser() -> argparse.ArgumentParser:
    from ._version import __version__
    p = argparse.ArgumentParser(prog="clerk-edge", description="Clerk session tokens at the edge: inspect, verify, demo.")
    p.add_argument("--version", action="version", version=f"clerk-edge {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("decode", help="show a token's header and claims (no verification)")
    d.add_argument("token", help="the JWT (or - for stdin)")
    d.add_argument("--json", action="store_true", help="print JSON")
    d.set_defaults(func=cmd_decode)

    v = sub.add_parser("verify", help="verify a session token; exit 0 if valid, 1 if not")
    v.add_argument("token", help="the JWT (or - for stdin)")
    keys = v.add_mutually_exclusive_group()
    keys.add_argument("--jwt-key", help="PEM public key (inline, @file or a file path); default $CLERK_JWT_KEY")
    keys.add_argument("--secret-key", help="fetch the JWKS with this secret key; default $CLERK_SECRET_KEY")
    v.add_argument("--api-url", help="Backend API URL (default $CLERK_API_URL or https://api.clerk.com)")
    v.add_argument("--authorized-party", action="append", metavar="ORIGIN", help="allowed azp (repeatable)")
    v.add_argument("--issuer", action="append", help="allowed iss (repeatable)")
    v.add_argument("--audience", action="append", help="expected aud (repeatable)")
    v.add_argument("--clock-skew-ms", type=int, default=5000, help="allowed clock skew (default 5000)")
    v.add_argument("--json", action="store_true", help="print the claims as JSON")
    v.set_defaults(func=cmd_verify)

    j = sub.add_parser("jwks", help="fetch and show the instance's signing keys")
    j.add_argument("--secret-key", help="default $CLERK_SECRET_KEY")
    j.add_argument("--api-url", help="default $CLERK_API_URL or https://api.clerk.com")
    j.add_argument("--json", action="store_true", help="print the raw JWKS")
    j.set_defaults(func=cmd_jwks)

    m = sub.add_parser("demo", help="run a local Clerk instance + the Workers example app and a scripted tour")
    m.add_argument("--serve", action="store_true", help="keep serving after the tour (Ctrl-C to stop)")
    m.add_argument("--port", type=int, default=0, help="port for the app (default: any free port)")
    m.add_argument("--entry", help="a Worker entry.py to serve instead of workers_example/src/entry.py")
    m.add_argument("--local", action="store_true", help="use the local instance even if CLERK_SECRET_KEY is set")
    m.set_defaults(func=cmd_demo)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
