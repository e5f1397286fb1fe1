"""``clerk-edge demo``: a LocalClerk instance + the Workers example app on CPython (loopback only), and a scripted
tour of requests against it.

The app is ``workers_example/src/entry.py`` (a ``workers`` SDK ``WorkerEntrypoint``) served through
:mod:`clerk_edge.testing.workers_shim`.  When this package is installed without the repository (no
``workers_example/`` next to it) a built-in app with the same routes is used instead.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

__all__ = ["Step", "find_example_entry", "load_app", "run_tour", "main"]

ROUTES = ("/", "/me", "/auth-state", "/authenticate")


def find_example_entry() -> Optional[str]:
    """``workers_example/src/entry.py`` of the repository this package lives in (None if absent).
    ``CLERK_EDGE_DEMO_ENTRY`` overrides it."""
    override = os.environ.get("CLERK_EDGE_DEMO_ENTRY")
    if override:
        return override
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(here, "workers_example", "src", "entry.py")
    return path if os.path.isfile(path) else None


def builtin_app():
    """A minimal Worker with the example's routes, for installs without ``workers_example/``:
    ``/me`` verifies the session token (header or ``__session`` cookie); ``/auth-state`` and ``/authenticate`` run
    :func:`clerk_edge.authenticate_request` (the latter answers a handshake with a 307)."""
    from .workers_shim import Response, WorkerEntrypoint

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            import clerk_edge
            from clerk_edge.adapters.headers import redirect_headers
            from clerk_edge.adapters.request import session_token, to_request_view
            from clerk_edge.env import get_env

            path = urlsplit(request.url).path
            if path == "/":
                return Response.from_json({"app": "clerk_edge demo (built-in)", "routes": list(ROUTES)})
            if path not in ROUTES:
                return Response.from_json({"error": "not found"}, status=404)
            opts = {"secret_key": get_env(self.env, "CLERK_SECRET_KEY")}
            api_url = get_env(self.env, "CLERK_API_URL")
            if api_url:
                opts["api_url"] = api_url
            view = to_request_view(request)
            if path == "/me":
                token, carrier = session_token(view)
                if token is None:
                    return Response.from_json({"error": "unauthenticated", "reason": "session-token-missing"}, status=401)
                try:
                    claims = await clerk_edge.verify_token(token, **opts)
                except clerk_edge.TokenVerificationError as err:
                    return Response.from_json({"error": "unauthenticated", "reason": err.reason, "message": err.message,
                                               "carrier": carrier}, status=401)
                return Response.from_json({"user_id": claims.get("sub"), "session_id": claims.get("sid"),
                                           "carrier": carrier})
            opts["publishable_key"] = get_env(self.env, "CLERK_PUBLISHABLE_KEY")
            state = await clerk_edge.authenticate_request(view, **opts)
            headers = list(state.headers.items()) if state.headers is not None else []
            auth = state.to_auth() if state.status != "handshake" else None
            body = {"status": state.status, "reason": state.reason, "message": state.message,
                    "user_id": getattr(auth, "user_id", None), "session_id": getattr(auth, "session_id", None)}
            if path == "/auth-state":
                return Response.from_json(body, headers=headers)
            redirect = redirect_headers(state)
            if redirect is not None:
                return Response(None, status=307, headers=redirect)
            return Response.from_json(body, status=200 if state.status == "signed-in" else 401, headers=headers)

    return Default


def load_app(entry: Optional[str] = None):
    """The entrypoint class to serve: the example's, or the built-in one."""
    from .workers_shim import load_entrypoint
    entry = entry or find_example_entry()
    if entry:
        return load_entrypoint(entry), entry
    return builtin_app(), "built-in demo app (workers_example/ not found)"


# ------------------------------------------------------------------ a tiny browser-ish HTTP client
@dataclass
class Exchange:
    method: str
    url: str
    request_headers: List[Tuple[str, str]]
    status: int
    reason: str
    headers: List[Tuple[str, str]]
    body: bytes

    def header(self, name: str) -> Optional[str]:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def http(method: str, url: str, headers: Optional[Dict[str, str]] = None, timeout: float = 10.0) -> Exchange:
    import http.client
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        hdrs = dict(headers or {})
        conn.request(method, path, headers=hdrs)
        resp = conn.getresponse()
        body = resp.read()
        return Exchange(method, url, list(hdrs.items()), resp.status, resp.reason, list(resp.getheaders()), body)
    finally:
        conn.close()


class CookieJar:
    """Just enough cookie handling for the tour: one jar, name → value, ``Max-Age=0`` deletes."""

    def __init__(self, header: str = ""):
        self.cookies: Dict[str, str] = {}
        for part in header.split(";"):
            if "=" in part:
                k, _, v = part.strip().partition("=")
                self.cookies[k] = v

    def update(self, exchange: Exchange) -> None:
        for k, v in exchange.headers:
            if k.lower() != "set-cookie":
                continue
            first, *attrs = [p.strip() for p in v.split(";")]
            name, _, value = first.partition("=")
            if any(a.lower() in ("max-age=0",) for a in attrs) or (value == "" and any(a.lower().startswith("expires=") for a in attrs)):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


# ------------------------------------------------------------------ the tour
@dataclass
class Step:
    title: str
    expected: int
    exchanges: List[Exchange] = field(default_factory=list)

    @property
    def status(self) -> Optional[int]:
        return self.exchanges[-1].status if self.exchanges else None

    @property
    def ok(self) -> bool:
        return self.status == self.expected


def _short(value: str, keep: int = 24) -> str:
    return value if len(value) <= keep else value[:keep] + "…"


def _show_headers(value: str) -> str:
    # tokens in cookies / Authorization / Location are long: cut each
    out = []
    for piece in value.split("; "):
        name, eq, v = piece.partition("=")
        out.append(f"{name}{eq}{_short(v, 16)}" if eq else _short(piece, 40))
    return "; ".join(out)


def print_exchange(ex: Exchange, out) -> None:
    print(f"  > {ex.method} {_short(ex.url, 110)}", file=out)
    for k, v in ex.request_headers:
        if k.lower() in ("authorization",):
            v = _short(v, 30)
        elif k.lower() == "cookie":
            v = _show_headers(v)
        print(f"  > {k}: {v}", file=out)
    print(f"  < {ex.status} {ex.reason}", file=out)
    for k, v in ex.headers:
        if k.lower() in ("location",):
            print(f"  < {k}: {_short(v, 110)}", file=out)
        elif k.lower() == "set-cookie":
            print(f"  < {k}: {_show_headers(v)}", file=out)
        elif k.lower().startswith("x-clerk-"):
            print(f"  < {k}: {v}", file=out)
    if ex.body:
        text = ex.body.decode("utf-8", "replace")
        print("  " + _short(text, 300).replace("\n", "\n  "), file=out)


def run_tour(clerk, app_url: str, out=None) -> List[Step]:
    """Run the scripted requests against ``app_url`` (an app wired to ``clerk``); print each exchange."""
    out = out or sys.stdout
    origin = app_url.rstrip("/")
    user = clerk.create_user(email_address="ada@example.com", first_name="Ada", last_name="Lovelace")
    session = clerk.sign_in(user["id"])
    good = clerk.mint_session_token(session_id=session["id"], azp=origin)
    expired = clerk.mint_session_token(session_id=session["id"], azp=origin, expired=True)
    forged = clerk.mint_session_token(session_id=session["id"], azp=origin, forged=True)
    browser = {"Sec-Fetch-Dest": "document", "Accept": "text/html,application/xhtml+xml"}
    api = {"Sec-Fetch-Dest": "empty", "Accept": "application/json"}
    steps: List[Step] = []

    def step(title: str, expected: int, fn: Callable[[Step], None]) -> None:
        s = Step(title, expected)
        print(f"\n── {len(steps) + 1}. {title} (expect {expected})", file=out)
        try:
            fn(s)
        except Exception as exc:  # show, count as failed, keep touring
            print(f"  ! {type(exc).__name__}: {exc}", file=out)
        for ex in s.exchanges:
            print_exchange(ex, out)
        steps.append(s)

    step("public route", 200, lambda s: s.exchanges.append(http("GET", origin + "/")))
    step("signed in by Authorization header", 200,
         lambda s: s.exchanges.append(http("GET", origin + "/me", dict(api, Authorization=f"Bearer {good}"))))
    step("signed in by __session cookie", 200,
         lambda s: s.exchanges.append(http("GET", origin + "/me", dict(api, Cookie=clerk.cookies_for(good)))))
    step("expired token (API call, no handshake)", 401,
         lambda s: s.exchanges.append(http("GET", origin + "/me", dict(api, Authorization=f"Bearer {expired}"))))
    step("forged token (wrong key, same kid)", 401,
         lambda s: s.exchanges.append(http("GET", origin + "/me", dict(api, Authorization=f"Bearer {forged}"))))

    jar = CookieJar(clerk.cookies_for(expired))

    def handshake(s: Step) -> None:
        url = origin + "/authenticate"
        for _ in range(6):
            ex = http("GET", clerk.loopback_url(url), dict(browser, Cookie=jar.header()))
            s.exchanges.append(ex)
            jar.update(ex)
            location = ex.header("location")
            if ex.status not in (301, 302, 303, 307, 308) or not location:
                return
            url = location if "://" in location else origin + location

    step("browser with an expired session: handshake redirect round-trip", 200, handshake)
    step("the same browser again, with the cookies the handshake set", 200,
         lambda s: s.exchanges.append(http("GET", origin + "/authenticate", dict(browser, Cookie=jar.header()))))
    return steps


def _print_banner(clerk, app_url: str, source: str, out) -> None:
    print("clerk_edge demo — everything on loopback, no keys, no network", file=out)
    print(f"  local Clerk instance   : {clerk.api_url}  (Backend API /v1, JWKS {clerk.api_url}/v1/jwks)", file=out)
    print(f"  publishable key        : {clerk.publishable_key}", file=out)
    print(f"  secret key             : {clerk.secret_key[:7]}…", file=out)
    print(f"  app (Worker on CPython): {app_url}  routes: {', '.join(ROUTES)}", file=out)
    print(f"  app source             : {source}", file=out)


def main(serve: bool = False, port: int = 0, entry: Optional[str] = None, local: bool = False, out=None) -> int:
    out = out or sys.stdout
    from .workers_shim import serve as serve_worker
    try:
        app_cls, source = load_app(entry)
    except Exception as exc:
        print(f"clerk-edge demo: cannot load the Worker app: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    real_sk, real_pk = os.environ.get("CLERK_SECRET_KEY"), os.environ.get("CLERK_PUBLISHABLE_KEY")
    if real_sk and real_pk and not local:
        env = {k: v for k, v in os.environ.items() if k.startswith("CLERK_")}
        app = serve_worker(app_cls, env, port=port)
        try:
            print("clerk_edge demo against YOUR Clerk instance (CLERK_SECRET_KEY / CLERK_PUBLISHABLE_KEY from the "
                  "environment)", file=out)
            print(f"  app (Worker on CPython): {app.url}  routes: {', '.join(ROUTES)}", file=out)
            print(f"  app source             : {source}", file=out)
            print(f"  secret key             : {real_sk[:7]}…", file=out)
            print("  try: curl -H 'Authorization: Bearer <session token>' " + app.url + "/me   (Ctrl-C to stop)",
                  file=out)
            out.flush()
            return _serve_forever(app)
        except KeyboardInterrupt:
            return 0
        finally:
            app.stop()

    from .instance import LocalClerk
    clerk = LocalClerk().start()
    try:
        app = serve_worker(app_cls, {"CLERK_SECRET_KEY": clerk.secret_key,
                                     "CLERK_PUBLISHABLE_KEY": clerk.publishable_key,
                                     "CLERK_API_URL": clerk.api_url}, port=port)
        try:
            _print_banner(clerk, app.url, source, out)
            steps = run_tour(clerk, app.url, out)
            passed = sum(s.ok for s in steps)
            print(f"\ntour: {passed}/{len(steps)} steps answered as expected", file=out)
            for s in steps:
                print(f"  {'ok  ' if s.ok else 'FAIL'} {s.title}: {s.status} (expected {s.expected})", file=out)
            if serve:
                token = clerk.mint_session_token(azp=app.url)
                print(f"\nserving until Ctrl-C. A fresh token (60 s): {token}", file=out)
                print(f"  curl -H 'Authorization: Bearer {token[:12]}…' {app.url}/me", file=out)
                out.flush()
                return _serve_forever(app)
            return 0 if passed == len(steps) else 1
        finally:
            app.stop()
    except KeyboardInterrupt:
        return 0
    finally:
        clerk.stop()


def _serve_forever(app) -> int:
    import time
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
