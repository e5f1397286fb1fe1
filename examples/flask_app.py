"""Flask protected by clerk_edge.

Run against your Clerk instance::

    CLERK_SECRET_KEY=sk_... CLERK_PUBLISHABLE_KEY=pk_... python examples/flask_app.py   # http://127.0.0.1:5000

Run with no keys and no network: ``python examples/flask_app.py`` starts a LocalClerk and shows a few requests.
"""
from __future__ import annotations

import os

from flask import Flask

from clerk_edge.adapters.flask import ClerkWSGIMiddleware, get_auth, require_auth


def create_app(**options) -> Flask:
    app = Flask(__name__)
    # options: authenticate_request's (authorized_parties=[...], ...); keys default to CLERK_* environment variables
    app.wsgi_app = ClerkWSGIMiddleware(app.wsgi_app, **options)

    @app.get("/")
    def index():
        return {"hello": "world"}

    @app.get("/me")
    @require_auth  # 401 JSON {"reason", "message"} unless signed in
    def me():
        auth = get_auth()
        return {"user_id": auth.user_id, "session_id": auth.session_id, "org_id": auth.org_id}

    return app


app = create_app()


def _tour() -> None:
    from clerk_edge.testing import LocalClerk

    with LocalClerk() as clerk:
        client = create_app(secret_key=clerk.secret_key, publishable_key=clerk.publishable_key,
                            api_url=clerk.api_url).test_client(use_cookies=False)  # send our Cookie header as is
        token = clerk.mint_session_token(user_id="user_flask_demo", azp="http://localhost")
        for title, headers in (("signed in (Bearer)", {"Authorization": f"Bearer {token}"}),
                               ("signed in (cookie)", {"Cookie": clerk.cookies_for(token)}),
                               ("no token", {})):
            r = client.get("/me", headers=headers)
            print(f"GET /me  {title:20s} -> {r.status_code} {r.get_json()}")


if __name__ == "__main__":
    if os.environ.get("CLERK_SECRET_KEY"):
        app.run(host="127.0.0.1", port=5000)
    else:
        _tour()
