"""FastAPI protected by clerk_edge.

Run against your Clerk instance (needs ``pip install uvicorn``)::

    CLERK_SECRET_KEY=sk_... CLERK_PUBLISHABLE_KEY=pk_... uvicorn examples.fastapi_app:app

Run with no keys and no network: ``python examples/fastapi_app.py`` starts a LocalClerk and shows a few requests.
"""
from __future__ import annotations

import os

from fastapi import Depends, FastAPI

from clerk_edge.adapters.starlette import ClerkAuth, ClerkMiddleware


def create_app(**options) -> FastAPI:
    app = FastAPI(title="clerk_edge + FastAPI")
    # every request gets request.state.auth; browser navigations with a stale session get the handshake redirect.
    # options: authenticate_request's (authorized_parties=[...], ...); keys default to CLERK_* environment variables
    app.add_middleware(ClerkMiddleware, **options)

    @app.get("/")
    async def index():
        return {"hello": "world"}

    @app.get("/me")
    async def me(auth=Depends(ClerkAuth())):  # 401 unless signed in
        return {"user_id": auth.user_id, "session_id": auth.session_id, "org_id": auth.org_id}

    return app


app = create_app()


def _tour() -> None:
    from fastapi.testclient import TestClient

    from clerk_edge.testing import LocalClerk

    with LocalClerk() as clerk:
        client = TestClient(create_app(secret_key=clerk.secret_key, publishable_key=clerk.publishable_key,
                                       api_url=clerk.api_url), base_url="http://localhost:8000")
        token = clerk.mint_session_token(user_id="user_fastapi_demo", azp="http://localhost:8000")
        for title, headers in (("signed in (Bearer)", {"Authorization": f"Bearer {token}"}),
                               ("signed in (cookie)", {"Cookie": clerk.cookies_for(token)}),
                               ("no token", {})):
            r = client.get("/me", headers=headers)
            print(f"GET /me  {title:20s} -> {r.status_code} {r.json()}")


if __name__ == "__main__":
    if os.environ.get("CLERK_SECRET_KEY"):
        import uvicorn  # pip install uvicorn

        uvicorn.run(app, host="127.0.0.1", port=8000)
    else:
        _tour()
