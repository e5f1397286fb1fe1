"""clerk_edge example: a Cloudflare Python Worker that protects routes with Clerk.

Routes
  GET /               public
  GET /me             the verified session claims (token from `Authorization: Bearer` or the `__session`
                      cookie), else 401 with Clerk's reason
  GET /auth-state     the 0.x "interstitial era" request state (`clerk_edge.auth_state`) as JSON
  GET /authenticate   today's "handshake era" request state (`clerk_edge.authenticate_request`); a
                      handshake (or a resolved one that carries a Location, on development instances)
                      becomes a 307 redirect carrying Clerk's headers

Keys come from the Worker's env bindings: CLERK_SECRET_KEY (a secret), CLERK_PUBLISHABLE_KEY,
optionally CLERK_JWT_KEY (networkless verification) and CLERK_API_URL.  Only `workers.WorkerEntrypoint`,
`workers.Response` and clerk_edge are used, so the same file runs on Cloudflare, in the project's
workerd harness and on CPython through clerk_edge's `workers` shim.
"""
from urllib.parse import urlsplit

from workers import Response, WorkerEntrypoint

import clerk_edge
from clerk_edge.adapters.headers import redirect_headers
from clerk_edge.adapters.workers import VERIFY_KEYS, clerk_options, json_response, request_view, session_token

ROUTES = ["/", "/me", "/auth-state", "/authenticate"]


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        path = urlsplit(request.url).path
        try:
            if path == "/":
                return json_response({"app": "clerk_edge workers_example", "routes": ROUTES,
                                      "clerk_edge": clerk_edge.__version__})
            if path == "/me":
                return await self.me(request)
            if path == "/auth-state":
                return await self.auth_state(request)
            if path == "/authenticate":
                return await self.authenticate(request)
            return json_response({"error": "not found", "routes": ROUTES}, status=404)
        except clerk_edge.ClerkEdgeError as err:  # configuration problems: typed, never a stack trace
            return json_response({"error": type(err).__name__, "message": str(err)}, status=500)

    async def me(self, request):
        token, carrier = session_token(request_view(request))
        if token is None:
            return json_response({"error": "unauthenticated", "reason": "session-token-missing"}, status=401)
        try:
            claims = await clerk_edge.verify_token(token, **clerk_options(self.env, only=VERIFY_KEYS))
        except clerk_edge.TokenVerificationError as err:
            return json_response({"error": "unauthenticated", "reason": err.reason, "message": err.message,
                                  "carrier": carrier}, status=401)
        return json_response({"user_id": claims.get("sub"), "session_id": claims.get("sid"),
                              "carrier": carrier, "claims": claims})

    async def auth_state(self, request):
        state = await clerk_edge.auth_state(request=request_view(request), **clerk_options(self.env))
        return json_response(clerk_edge.debug_auth_state(state),
                             status=401 if state.is_interstitial else 200)

    async def authenticate(self, request):
        state = await clerk_edge.authenticate_request(request_view(request), **clerk_options(self.env))
        redirect = redirect_headers(state)
        if redirect is not None:
            return Response(None, status=307, headers=redirect)
        headers = list(state.headers.items()) if state.headers is not None else []
        auth = state.to_auth()
        body = {"status": state.status, "reason": state.reason, "message": state.message,
                "user_id": getattr(auth, "user_id", None), "session_id": getattr(auth, "session_id", None)}
        return json_response(body, status=200 if state.status == "signed-in" else 401, headers=headers)
