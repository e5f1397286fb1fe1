"""``LocalClerk`` — an in-process stand-in for a Clerk instance (in the spirit of the Firebase Auth Emulator).

It owns an RSA key, serves a minimal Backend API and a few Frontend API routes on ``127.0.0.1`` (stdlib
``ThreadingHTTPServer``), mints session tokens, builds browser-style cookies and signs webhooks, so you can
test your own protected endpoints with clerk_edge and no network::

    from clerk_edge.testing import LocalClerk
    import clerk_edge.sync as ce

    with LocalClerk() as clerk:
        token = clerk.mint_session_token(user_id="user_123")
        claims = ce.verify_token(token, secret_key=clerk.secret_key, api_url=clerk.api_url)

Routes (Backend API, ``Authorization: Bearer <secret_key>`` required, otherwise 401 ``clerk_key_invalid``):

* ``GET /v1/jwks``
* ``GET /v1/users`` · ``GET /v1/users/count`` · ``POST /v1/users`` · ``GET|DELETE /v1/users/{id}``
* ``GET /v1/sessions`` · ``POST /v1/sessions`` · ``GET /v1/sessions/{id}`` · ``POST /v1/sessions/{id}/revoke``
  · ``POST /v1/sessions/{id}/refresh`` · ``POST /v1/sessions/{id}/tokens[/{template}]``
* ``POST /v1/clients/verify`` · ``GET /v1/clients/{id}`` · ``GET /v1/clients/handshake_payload?nonce=…``

Frontend API routes (no key): ``GET /.well-known/jwks.json`` and ``GET /v1/client/handshake`` (redirects back to
``redirect_url`` with ``__clerk_handshake_nonce`` — or ``__clerk_handshake`` for ``format=token`` — carrying the
cookie directives of the "browser's" session, see :meth:`LocalClerk.sign_in`).

Frontend API host: the publishable key encodes ``127.0.0.1:<port>`` (no scheme), like a real key encodes
``clerk.example.com``.  Clerk's handshake logic prefixes ``https://`` to it; LocalClerk speaks plain HTTP, so a
client following a handshake redirect must map the URL with :meth:`LocalClerk.loopback_url` (the demo does).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
import threading
import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["LocalClerk", "cookie_suffix", "sign_webhook"]

_ALNUM = string.ascii_letters + string.digits
SESSION_CATEGORY = "cl_B7d4PD111AAA"


def _new_id(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALNUM) for _ in range(27))


def cookie_suffix(publishable_key: str) -> str:
    """Clerk's cookie suffix: the first 8 characters of base64url(SHA-1(publishable_key))."""
    digest = hashlib.sha1(publishable_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:8]


def _error(status: int, code: str, message: str, long_message: Optional[str] = None) -> Tuple[int, dict]:
    return status, {
        "errors": [{"message": message, "long_message": long_message or message, "code": code, "meta": {}}],
        "clerk_trace_id": secrets.token_hex(16),
    }


class LocalClerk:
    """A local Clerk instance on a loopback port.  Use as a context manager or call :meth:`start`/:meth:`stop`.

    Parameters: ``instance_type`` (``'development'`` → ``pk_test_``/``sk_test_`` keys and a dev-browser cookie,
    ``'production'`` → ``pk_live_``/``sk_live_``), ``frontend_api`` (the host to encode in the publishable key;
    default ``127.0.0.1:<port>``), ``clock`` (seconds; pass a frozen clock to mint consistent tokens),
    ``session_token_ttl`` (seconds, default 60 like Clerk), ``jwt_templates`` (name → extra claims),
    ``key`` (an :class:`~clerk_edge.testing.signing.RsaPrivateKey`; default: a fresh 2048-bit key).
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, instance_type: str = "development",
                 frontend_api: Optional[str] = None, clock: Callable[[], float] = time.time,
                 session_token_ttl: int = 60, jwt_templates: Optional[Mapping[str, Mapping]] = None,
                 key: Any = None, key_bits: int = 2048):
        if instance_type not in ("development", "production"):
            raise ValueError("instance_type must be 'development' or 'production'")
        self.host = host
        self._port = port
        self.instance_type = instance_type
        self._frontend_api = frontend_api
        self.clock = clock
        self.session_token_ttl = int(session_token_ttl)
        self.jwt_templates: Dict[str, dict] = {k: dict(v) for k, v in (jwt_templates or {}).items()}
        self._key = key
        self._key_bits = key_bits
        env = "test" if instance_type == "development" else "live"
        self._secret_key = f"sk_{env}_" + "".join(secrets.choice(_ALNUM) for _ in range(40))
        self.webhook_secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")
        self.dev_browser_token = "dvb_" + "".join(secrets.choice(_ALNUM) for _ in range(27))
        self._lock = threading.RLock()
        self.users: Dict[str, dict] = {}
        self.sessions: Dict[str, dict] = {}
        self.clients: Dict[str, dict] = {}
        self._refresh_tokens: Dict[str, str] = {}   # refresh token -> session id
        self._nonces: Dict[str, list] = {}
        self._issued: Dict[str, dict] = {}          # token -> claims (tokens this instance minted)
        self.browser_session_id: Optional[str] = None
        self.request_log: List[Tuple[str, str]] = []
        self._server = None
        self._thread = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LocalClerk":
        if self._server is not None:
            return self
        from http.server import ThreadingHTTPServer
        _ = self.key  # generate the signing key now, not on the first request
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer((self.host, self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="LocalClerk", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "LocalClerk":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.api_url if self._server is not None else "not started"
        return f"LocalClerk({self.instance_type}, {where}, secret_key={self._secret_key[:7]}…)"

    def _need_started(self) -> None:
        if self._server is None:
            raise RuntimeError("LocalClerk is not running: call start() or use it as a context manager")

    # ------------------------------------------------------------------ keys and URLs
    @property
    def port(self) -> int:
        self._need_started()
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        """Pass as ``api_url=`` to clerk_edge (without ``/v1``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def frontend_api(self) -> str:
        """The Frontend API host encoded in the publishable key (``127.0.0.1:<port>`` unless overridden)."""
        return self._frontend_api or f"{self.host}:{self.port}"

    @property
    def frontend_api_url(self) -> str:
        """Where the Frontend API routes are really served (plain HTTP on loopback)."""
        return self.api_url

    @property
    def issuer(self) -> str:
        """The ``iss`` of minted tokens: ``https://<frontend_api>``, as Clerk does."""
        return f"https://{self.frontend_api}"

    @property
    def secret_key(self) -> str:
        return self._secret_key

    @property
    def publishable_key(self) -> str:
        env = "test" if self.instance_type == "development" else "live"
        encoded = base64.b64encode(f"{self.frontend_api}$".encode("utf-8")).decode("ascii").rstrip("=")
        return f"pk_{env}_{encoded}"

    @property
    def cookie_suffix(self) -> str:
        return cookie_suffix(self.publishable_key)

    @property
    def key(self):
        """The instance's private signing key (an ``RsaPrivateKey``)."""
        if self._key is None:
            from .signing import generate_rsa_key
            self._key = generate_rsa_key(self._key_bits, kid=_new_id("ins"))
        return self._key

    @property
    def kid(self) -> str:
        return self.key.kid or "ins_local"

    @property
    def jwt_key(self) -> str:
        """The public key as PEM — pass as ``jwt_key=`` (networkless verification)."""
        return self.key.public_pem()

    def jwks(self) -> dict:
        jwk = dict(self.key.public_jwk())
        jwk.setdefault("use", "sig")
        jwk.setdefault("alg", "RS256")
        jwk.setdefault("kid", self.kid)
        return {"keys": [jwk]}

    def env(self, **extra) -> Dict[str, str]:
        """Environment variables that point clerk_edge at this instance."""
        out = {"CLERK_SECRET_KEY": self.secret_key, "CLERK_PUBLISHABLE_KEY": self.publishable_key,
               "CLERK_API_URL": self.api_url, "CLERK_JWT_KEY": self.jwt_key,
               "CLERK_WEBHOOK_SIGNING_SECRET": self.webhook_secret}
        out.update(extra)
        return out

    def loopback_url(self, url: str) -> str:
        """Map a URL on the Frontend API host (``https://<frontend_api>/…``, as Clerk builds handshake URLs) to the
        plain-HTTP loopback address where LocalClerk really serves it.  Other URLs are returned unchanged."""
        parts = urlsplit(url)
        if parts.netloc == self.frontend_api:
            return urlunsplit(("http", f"{self.host}:{self.port}", parts.path, parts.query, parts.fragment))
        return url

    # ------------------------------------------------------------------ users, sessions
    def create_user(self, *, user_id: Optional[str] = None, email_address: Any = None, first_name: Optional[str] = None,
                    last_name: Optional[str] = None, username: Optional[str] = None, external_id: Optional[str] = None,
                    public_metadata: Optional[dict] = None, private_metadata: Optional[dict] = None,
                    unsafe_metadata: Optional[dict] = None) -> dict:
        now_ms = int(self.clock() * 1000)
        uid = user_id or _new_id("user")
        emails = [email_address] if isinstance(email_address, str) else list(email_address or [])
        email_objs = [{"id": _new_id("idn"), "object": "email_address", "email_address": e,
                       "verification": {"status": "verified", "strategy": "admin"}, "linked_to": []} for e in emails]
        user = {
            "id": uid, "object": "user", "username": username, "first_name": first_name, "last_name": last_name,
            "image_url": "", "has_image": False,
            "primary_email_address_id": email_objs[0]["id"] if email_objs else None,
            "primary_phone_number_id": None, "primary_web3_wallet_id": None,
            "password_enabled": False, "two_factor_enabled": False, "totp_enabled": False, "backup_code_enabled": False,
            "email_addresses": email_objs, "phone_numbers": [], "web3_wallets": [], "external_accounts": [],
            "passkeys": [], "saml_accounts": [], "enterprise_accounts": [],
            "public_metadata": dict(public_metadata or {}), "private_metadata": dict(private_metadata or {}),
            "unsafe_metadata": dict(unsafe_metadata or {}), "external_id": external_id,
            "last_sign_in_at": None, "banned": False, "locked": False, "lockout_expires_in_seconds": None,
            "verification_attempts_remaining": 100, "delete_self_enabled": True, "create_organization_enabled": True,
            "last_active_at": None, "created_at": now_ms, "updated_at": now_ms,
        }
        with self._lock:
            if uid in self.users:
                raise ValueError(f"user {uid!r} exists")
            self.users[uid] = user
        return user

    def _ensure_user(self, user_id: str) -> dict:
        with self._lock:
            user = self.users.get(user_id)
        return user if user is not None else self.create_user(user_id=user_id)

    def create_session(self, user_id: Optional[str] = None) -> dict:
        """Create an active session (and its client) for ``user_id`` (created if unknown)."""
        user = self._ensure_user(user_id) if user_id else self.create_user()
        now_ms = int(self.clock() * 1000)
        sid, cid = _new_id("sess"), _new_id("client")
        session = {"object": "session", "id": sid, "client_id": cid, "user_id": user["id"], "status": "active",
                   "last_active_at": now_ms, "last_active_organization_id": None, "actor": None,
                   "expire_at": now_ms + 7 * 86_400_000, "abandon_at": now_ms + 30 * 86_400_000,
                   "created_at": now_ms, "updated_at": now_ms}
        refresh = "".join(secrets.choice(_ALNUM) for _ in range(32))
        with self._lock:
            self.sessions[sid] = session
            self.clients[cid] = {"object": "client", "id": cid, "session_ids": [sid], "sign_in_id": None,
                                 "sign_up_id": None, "last_active_session_id": sid,
                                 "created_at": now_ms, "updated_at": now_ms}
            self._refresh_tokens[refresh] = sid
            session["_refresh_token"] = refresh
            user["last_sign_in_at"] = now_ms
        return session

    def sign_in(self, user_id: Optional[str] = None) -> dict:
        """Create a session and make it the "browser's" session: the Frontend API handshake hands out its cookies."""
        session = self.create_session(user_id)
        self.browser_session_id = session["id"]
        return session

    def sign_out(self) -> None:
        """Forget the browser's session: later handshakes return signed-out directives."""
        self.browser_session_id = None

    def revoke_session(self, session_id: str) -> dict:
        with self._lock:
            session = self.sessions[session_id]
            session["status"] = "revoked"
            session["updated_at"] = int(self.clock() * 1000)
        return session

    def refresh_token_for(self, session_id: str) -> str:
        with self._lock:
            return self.sessions[session_id]["_refresh_token"]

    # ------------------------------------------------------------------ tokens
    def mint_session_token(self, user_id: Optional[str] = None, session_id: Optional[str] = None, *,
                           org: Optional[Mapping] = None, org_v2: Optional[Mapping] = None,
                           actor: Optional[Mapping] = None, expires_in: Optional[float] = None,
                           issued_at: Optional[float] = None, not_before: Optional[float] = None,
                           azp: Optional[str] = "http://localhost:3000", extra_claims: Optional[Mapping] = None,
                           kid: Optional[str] = None, expired: bool = False, forged: bool = False,
                           alg: str = "RS256", typ: Optional[str] = "JWT", headers: Optional[Mapping] = None,
                           session_status: Optional[str] = None) -> str:
        """Mint a session token signed by this instance's key.

        ``org`` → v1 claims (``org_id``, ``org_slug``, ``org_role``, ``org_permissions``) from a mapping with keys
        ``id``, ``slug``, ``role``, ``permissions``.  ``org_v2`` → ``v: 2`` claims: ``o = {id, slg, rol, per, fpm}``
        and top-level ``fea`` (keys ``id``, ``slug``/``slg``, ``role``/``rol``, ``per`` (list or comma string),
        ``fpm``, ``fea``/``features``).  ``actor`` → ``act``.  ``expired=True`` makes a token that expired 10 minutes
        ago; ``forged=True`` signs it with a throwaway key under this instance's ``kid``; ``kid`` overrides the header
        kid.  ``azp=None`` omits the claim.  ``extra_claims`` are merged last (``None`` values delete a claim).
        """
        now = float(issued_at) if issued_at is not None else self.clock()
        ttl = self.session_token_ttl if expires_in is None else expires_in
        if expired:
            now = now - 3600
            ttl = 3000  # exp = 10 minutes before the clock
        iat = int(now)
        claims: Dict[str, Any] = {}
        if azp is not None:
            claims["azp"] = azp
        claims["exp"] = int(now + ttl)
        claims["fva"] = [0, -1]
        claims["iat"] = iat
        claims["iss"] = self.issuer
        claims["jti"] = "".join(secrets.choice(_ALNUM) for _ in range(20))
        claims["nbf"] = int(not_before) if not_before is not None else iat - 10
        if session_id is None and user_id is None:
            session = self.create_session()
            session_id, user_id = session["id"], session["user_id"]
        elif session_id is None:
            session_id = self.create_session(user_id)["id"]
        elif user_id is None:
            with self._lock:
                session = self.sessions.get(session_id)
            user_id = session["user_id"] if session else _new_id("user")
        claims["sid"] = session_id
        claims["sub"] = user_id
        if session_status:
            claims["sts"] = session_status
        if org:
            claims["org_id"] = org.get("id")
            if org.get("slug") is not None:
                claims["org_slug"] = org.get("slug")
            if org.get("role") is not None:
                claims["org_role"] = org.get("role")
            claims["org_permissions"] = list(org.get("permissions") or [])
        if org_v2 is not None:
            claims["v"] = 2
            o: Dict[str, Any] = {}
            for out, names in (("id", ("id",)), ("slg", ("slg", "slug")), ("rol", ("rol", "role")),
                               ("per", ("per", "permissions")), ("fpm", ("fpm",))):
                for n in names:
                    if org_v2.get(n) is not None:
                        v = org_v2[n]
                        o[out] = ",".join(str(x) for x in v) if isinstance(v, (list, tuple)) else v
                        break
            if o:
                claims["o"] = o
            fea = org_v2.get("fea", org_v2.get("features"))
            if fea is not None:
                claims["fea"] = ",".join(fea) if isinstance(fea, (list, tuple)) else fea
        if actor is not None:
            claims["act"] = dict(actor)
        for k, v in (extra_claims or {}).items():
            if v is None:
                claims.pop(k, None)
            else:
                claims[k] = v
        token = self.sign(claims, kid=kid, forged=forged, alg=alg, typ=typ, headers=headers)
        if not forged:
            with self._lock:
                self._issued[token] = claims
        return token

    def sign(self, claims: Mapping, *, kid: Optional[str] = None, forged: bool = False, alg: str = "RS256",
             typ: Optional[str] = "JWT", headers: Optional[Mapping] = None) -> str:
        """Sign arbitrary claims with the instance key (or a throwaway one when ``forged``)."""
        from .signing import generate_rsa_key, sign_jwt
        key = self.key
        if forged:
            key = _throwaway_key(self._key_bits)
        hdr = {"kid": kid or self.kid}
        hdr.update(headers or {})
        return sign_jwt(dict(claims), key, alg=alg, headers=hdr, typ=typ)

    def issued_claims(self, token: str) -> Optional[dict]:
        with self._lock:
            return self._issued.get(token)

    # ------------------------------------------------------------------ browser-style requests
    def cookies_for(self, token: Optional[str], *, suffixed: bool = False, client_uat: Optional[int] = None,
                    dev_browser: Optional[bool] = None, refresh: Optional[str] = None) -> str:
        """A ``Cookie`` header as a browser signed in to this instance would send it.

        ``__session`` and ``__client_uat`` (``=iat`` of the token unless given; ``0`` when ``token`` is None), named
        ``__session_<suffix>`` / ``__client_uat_<suffix>`` when ``suffixed``; ``__clerk_db_jwt`` (the dev-browser
        token) on development instances unless ``dev_browser=False``; ``__refresh_<suffix>`` when ``refresh`` is given.
        """
        sfx = "_" + self.cookie_suffix if suffixed else ""
        pairs: List[Tuple[str, str]] = []
        if token is not None:
            pairs.append((f"__session{sfx}", token))
            if client_uat is None:
                try:
                    from ..jwt.decode import decode_jwt
                    client_uat = int(decode_jwt(token).payload.get("iat") or 0)
                except Exception:
                    client_uat = int(self.clock())
        pairs.append((f"__client_uat{sfx}", str(int(client_uat or 0))))
        if dev_browser is None:
            dev_browser = self.instance_type == "development"
        if dev_browser:
            pairs.append(("__clerk_db_jwt", self.dev_browser_token))
        if refresh is not None:
            pairs.append((f"__refresh_{self.cookie_suffix}", refresh))
        return "; ".join(f"{k}={v}" for k, v in pairs)

    def headers_for(self, token: str) -> Dict[str, str]:
        """``{'Authorization': 'Bearer <token>'}``."""
        return {"Authorization": f"Bearer {token}"}

    # ------------------------------------------------------------------ webhooks
    def sign_webhook(self, payload: Any, secret: Optional[str] = None, *, msg_id: Optional[str] = None,
                     timestamp: Optional[int] = None) -> Tuple[Dict[str, str], bytes]:
        """Sign a webhook like Clerk (Svix / Standard Webhooks): returns ``(headers, body)``.

        ``payload`` is a mapping (JSON-encoded) or ``str``/``bytes``; ``secret`` a ``whsec_…`` secret
        (default: :attr:`webhook_secret`)."""
        return sign_webhook(payload, secret or self.webhook_secret, msg_id=msg_id,
                            timestamp=int(self.clock()) if timestamp is None else timestamp)

    # ------------------------------------------------------------------ handshake directives
    def _session_directives(self, session_id: Optional[str], *, suffixed: bool, azp: Optional[str]) -> List[str]:
        sfx = "_" + self.cookie_suffix if suffixed else ""
        names = [""] + ([sfx] if suffixed else [])
        out: List[str] = []
        if session_id is None:
            for s in names:
                out.append(f"__session{s}=; Path=/; Max-Age=0; SameSite=Lax")
                out.append(f"__client_uat{s}=0; Path=/; Max-Age=315360000; SameSite=Lax")
        else:
            token = self.mint_session_token(session_id=session_id, azp=azp)
            iat = self._issued[token]["iat"]
            for s in names:
                out.append(f"__session{s}={token}; Path=/; SameSite=Lax")
                out.append(f"__client_uat{s}={iat}; Path=/; Max-Age=315360000; SameSite=Lax")
        if self.instance_type == "development":
            out.append(f"__clerk_db_jwt={self.dev_browser_token}; Path=/; SameSite=Lax")
        return out


_THROWAWAY: Dict[int, Any] = {}


def _throwaway_key(bits: int):
    key = _THROWAWAY.get(bits)
    if key is None:
        from .signing import generate_rsa_key
        key = _THROWAWAY[bits] = generate_rsa_key(bits)
    return key


def sign_webhook(payload: Any, secret: str, *, msg_id: Optional[str] = None,
                 timestamp: Optional[int] = None) -> Tuple[Dict[str, str], bytes]:
    """Standard Webhooks / Svix signature: ``v1,base64(HMAC-SHA256(key, f"{id}.{ts}.{body}"))`` where ``key`` is the
    base64-decoded part of the ``whsec_`` secret.  Returns ``(headers, body)``."""
    if isinstance(payload, bytes):
        body = payload
    elif isinstance(payload, str):
        body = payload.encode("utf-8")
    else:
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    raw = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    key = base64.b64decode(raw)
    mid = msg_id or _new_id("msg")
    ts = str(int(time.time() if timestamp is None else timestamp))
    sig = base64.b64encode(hmac.new(key, f"{mid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    headers = {"svix-id": mid, "svix-timestamp": ts, "svix-signature": f"v1,{sig}",
               "content-type": "application/json"}
    return headers, body


# ====================================================================== HTTP side
def _make_handler(clerk: LocalClerk):
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "LocalClerk"
        sys_version = ""

        def log_message(self, fmt, *args):  # quiet
            pass

        def _dispatch(self):
            parts = urlsplit(self.path)
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            query = dict(pairs)
            query["__all__"] = pairs
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            with clerk._lock:
                clerk.request_log.append((self.command, parts.path))
            try:
                result = _route(clerk, self.command, parts.path, query, raw, self.headers)
            except Exception as exc:  # never leak a traceback page
                result = _error(500, "unexpected_error", f"LocalClerk error: {type(exc).__name__}")
            status, body = result[0], result[1]
            extra = result[2] if len(result) > 2 else {}
            payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
            self.send_response(status)
            if body is not None and not isinstance(body, bytes):
                self.send_header("Content-Type", "application/json")
            for k, v in extra.items():
                for vv in (v if isinstance(v, list) else [v]):
                    self.send_header(k, vv)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = do_HEAD = _dispatch

    return Handler


def _json_body(raw: bytes):
    if not raw:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except Exception:
        return None
    return data if isinstance(data, dict) else None


def _bad_param(name: str, expected: str) -> tuple:
    return _error(422, "form_param_format_invalid", f"{name} must be {expected}",
                  f"The parameter {name} has an invalid format: it must be {expected}.")


def _check_body(body: dict, spec: dict) -> Optional[tuple]:
    """``spec``: name -> (types, description).  ``None`` is always allowed (the field is optional)."""
    for name, (types, what) in spec.items():
        value = body.get(name)
        if value is not None and not isinstance(value, types):
            return _bad_param(name, what)
    return None


def _public(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _route(clerk: LocalClerk, method: str, path: str, query: dict, raw: bytes, headers) -> tuple:
    segs = [s for s in path.split("/") if s]
    # ---- Frontend API (no secret key)
    if method == "GET" and path == "/.well-known/jwks.json":
        return 200, clerk.jwks()
    if method == "GET" and segs == ["v1", "client", "handshake"]:
        return _handshake(clerk, query, headers)
    # ---- Backend API
    if not segs or segs[0] != "v1":
        return _error(404, "resource_not_found", "not found", f"No route for {method} {path}")
    auth = headers.get("Authorization") or ""
    if not (auth.startswith("Bearer ") and hmac.compare_digest(auth[7:].encode(), clerk.secret_key.encode())):
        return _error(401, "clerk_key_invalid", "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.")
    rest = segs[1:]
    body = _json_body(raw) if method in ("POST", "PATCH", "PUT") else {}
    if body is None:
        return _error(400, "request_body_invalid", "Request body is not valid JSON")
    if rest == ["jwks"] and method == "GET":
        return 200, clerk.jwks()
    if rest and rest[0] == "users":
        return _users(clerk, method, rest[1:], query, body)
    if rest and rest[0] == "sessions":
        return _sessions(clerk, method, rest[1:], query, body)
    if rest and rest[0] == "clients":
        return _clients(clerk, method, rest[1:], query, body)
    return _error(404, "resource_not_found", "not found", f"No route for {method} {path}")


def _not_found(what: str, ident: str) -> tuple:
    return _error(404, "resource_not_found", "not found", f"No {what} was found with id {ident}")


def _paginate(items: list, query: dict) -> list:
    try:
        offset = max(0, int(query.get("offset", 0)))
        limit = max(1, min(500, int(query.get("limit", 10))))
    except (TypeError, ValueError):
        offset, limit = 0, 10
    return items[offset:offset + limit]


def _users(clerk: LocalClerk, method: str, rest: list, query: dict, body: dict) -> tuple:
    with clerk._lock:
        users = list(clerk.users.values())
    if not rest:
        if method == "GET":
            emails = set(v for k, v in query["__all__"] if k == "email_address")
            ids = set(v for k, v in query["__all__"] if k == "user_id")
            if emails:
                users = [u for u in users if any(e["email_address"] in emails for e in u["email_addresses"])]
            if ids:
                users = [u for u in users if u["id"] in ids]
            users.sort(key=lambda u: u["created_at"], reverse=query.get("order_by", "-created_at").startswith("-"))
            return 200, _paginate(users, query)
        if method == "POST":
            problem = _check_body(body, {
                "email_address": ((list, str), "a list of strings"), "first_name": (str, "a string"),
                "last_name": (str, "a string"), "username": (str, "a string"), "external_id": (str, "a string"),
                "public_metadata": (dict, "an object"), "private_metadata": (dict, "an object"),
                "unsafe_metadata": (dict, "an object")})
            if problem:
                return problem
            emails = body.get("email_address") or []
            if isinstance(emails, str):
                emails = [emails]
            if not all(isinstance(e, str) for e in emails):
                return _bad_param("email_address", "a list of strings")
            taken = {e["email_address"] for u in users for e in u["email_addresses"]}
            for e in emails:
                if e in taken:
                    return _error(422, "form_identifier_exists", "That email address is taken. Please try another.")
            user = clerk.create_user(email_address=emails, first_name=body.get("first_name"),
                                     last_name=body.get("last_name"), username=body.get("username"),
                                     external_id=body.get("external_id"), public_metadata=body.get("public_metadata"),
                                     private_metadata=body.get("private_metadata"),
                                     unsafe_metadata=body.get("unsafe_metadata"))
            return 200, user
    elif rest == ["count"] and method == "GET":
        return 200, {"object": "total_count", "total_count": len(users)}
    elif len(rest) == 1:
        with clerk._lock:
            user = clerk.users.get(rest[0])
            if user is None:
                return _not_found("user", rest[0])
            if method == "GET":
                return 200, user
            if method == "DELETE":
                del clerk.users[rest[0]]
                return 200, {"object": "user", "id": rest[0], "deleted": True}
    return _error(405, "method_not_allowed", f"{method} is not supported here")


def _sessions(clerk: LocalClerk, method: str, rest: list, query: dict, body: dict) -> tuple:
    if not rest:
        if method == "GET":
            with clerk._lock:
                sessions = [_public(s) for s in clerk.sessions.values()]
            for field in ("user_id", "client_id", "status"):
                if field in query:
                    sessions = [s for s in sessions if s.get(field) == query[field]]
            return 200, _paginate(sessions, query)
        if method == "POST":
            uid = body.get("user_id")
            if uid is not None and not isinstance(uid, str):
                return _bad_param("user_id", "a string")
            if not uid or uid not in clerk.users:
                return _error(422, "form_param_missing" if not uid else "resource_not_found", "user_id is invalid")
            return 200, _public(clerk.create_session(uid))
        return _error(405, "method_not_allowed", f"{method} is not supported here")
    sid = rest[0]
    with clerk._lock:
        session = clerk.sessions.get(sid)
    if session is None:
        return _not_found("session", sid)
    action = rest[1] if len(rest) > 1 else None
    if action is None and method == "GET":
        return 200, _public(session)
    if method != "POST":
        return _error(405, "method_not_allowed", f"{method} is not supported here")
    if action == "revoke" and len(rest) == 2:
        return 200, _public(clerk.revoke_session(sid))
    if session["status"] != "active":
        return _error(400, "session_not_active", f"Session {sid} is {session['status']}")
    if action == "tokens" and len(rest) in (2, 3):
        extra: Dict[str, Any] = {}
        if len(rest) == 3:
            template = clerk.jwt_templates.get(rest[2])
            if template is None:
                return _not_found("JWT template", rest[2])
            extra = dict(template)
        expires = body.get("expires_in_seconds")
        if expires is not None and (not isinstance(expires, int) or isinstance(expires, bool) or expires <= 0):
            return _error(422, "form_param_value_invalid", "expires_in_seconds must be a positive integer")
        token = clerk.mint_session_token(session_id=sid, user_id=session["user_id"], expires_in=expires,
                                         extra_claims=extra or None)
        return 200, {"object": "token", "jwt": token}
    if action == "refresh" and len(rest) == 2:
        refresh = body.get("refresh_token") or ""
        if not isinstance(refresh, str):
            return _bad_param("refresh_token", "a string")
        with clerk._lock:
            owner = clerk._refresh_tokens.get(refresh)
        if owner != sid:
            return _error(400, "refresh_token_invalid", "The refresh token is invalid")
        origin = body.get("request_origin") or None
        if body.get("format") == "cookie":
            cookies = clerk._session_directives(sid, suffixed=query.get("suffixed_cookies") == "true", azp=origin)
            return 200, {"object": "cookies", "cookies": [c for c in cookies if not c.startswith("__clerk_db_jwt")]}
        token = clerk.mint_session_token(session_id=sid, user_id=session["user_id"], azp=origin)
        return 200, {"object": "token", "jwt": token}
    return _error(404, "resource_not_found", "not found")


def _clients(clerk: LocalClerk, method: str, rest: list, query: dict, body: dict) -> tuple:
    if rest == ["handshake_payload"] and method == "GET":
        nonce = query.get("nonce") or ""
        with clerk._lock:
            directives = clerk._nonces.pop(nonce, None)
        if directives is None:
            return _error(404, "resource_not_found", "not found", "Handshake nonce is unknown or already used")
        return 200, {"directives": directives}
    if rest == ["verify"] and method == "POST":
        token = body.get("token") or ""
        if not isinstance(token, str):
            return _bad_param("token", "a string")
        claims = clerk.issued_claims(token)
        if claims is None:
            return _error(400, "token_invalid", "The session token is invalid")
        if claims["exp"] <= clerk.clock():
            return _error(401, "token_expired", "The session token has expired")
        with clerk._lock:
            session = clerk.sessions.get(claims.get("sid"))
            client = clerk.clients.get(session["client_id"]) if session else None
            if client is None:
                return _error(404, "resource_not_found", "not found", "No client for this session token")
            return 200, _client_json(clerk, client)
    if len(rest) == 1 and method == "GET":
        with clerk._lock:
            client = clerk.clients.get(rest[0])
            if client is None:
                return _not_found("client", rest[0])
            return 200, _client_json(clerk, client)
    return _error(404, "resource_not_found", "not found")


def _client_json(clerk: LocalClerk, client: dict) -> dict:
    out = dict(client)
    out["sessions"] = [_public(clerk.sessions[s]) for s in client["session_ids"] if s in clerk.sessions]
    return out


def _handshake(clerk: LocalClerk, query: dict, headers) -> tuple:
    redirect_url = query.get("redirect_url") or ""
    try:
        parts = urlsplit(redirect_url)
        _ = parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return _error(400, "form_param_value_invalid", "redirect_url must be an absolute http(s) URL")
    suffixed = query.get("suffixed_cookies") == "true"
    # which session does "the browser" have?  the one in __session (if still active), else the signed-in one
    sid = None
    claims = clerk.issued_claims(query.get("__session") or "")
    with clerk._lock:
        if claims and clerk.sessions.get(claims.get("sid"), {}).get("status") == "active":
            sid = claims["sid"]
        elif clerk.browser_session_id and clerk.sessions.get(clerk.browser_session_id, {}).get("status") == "active":
            sid = clerk.browser_session_id
    directives = clerk._session_directives(sid, suffixed=suffixed, azp=f"{parts.scheme}://{parts.netloc}")
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in ("__clerk_handshake", "__clerk_handshake_nonce")]
    if query.get("format", "token") == "nonce":
        nonce = secrets.token_urlsafe(24)
        with clerk._lock:
            clerk._nonces[nonce] = directives
        pairs.append(("__clerk_handshake_nonce", nonce))
    else:
        token = clerk.sign({"handshake": directives, "iat": int(clerk.clock()), "iss": clerk.issuer})
        pairs.append(("__clerk_handshake", token))
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))
    return 307, None, {"Location": location, "Cache-Control": "no-store"}
