"""AWS Lambda handler protected by clerk_edge (API Gateway REST/HTTP API, Function URLs, ALB).

Deploy with ``clerk_edge`` in the package (it has no dependencies) and set ``CLERK_JWT_KEY`` (networkless) or
``CLERK_SECRET_KEY`` in the function's environment; handler: ``lambda_handler.handler``.

Run with no keys and no network: ``python examples/lambda_handler.py`` invokes it with HTTP API events signed by a
LocalClerk.
"""
from __future__ import annotations

from clerk_edge.adapters.lambda_ import lambda_result, with_clerk_auth


@with_clerk_auth  # 401 in the event's own format unless the request carries a valid session token
def handler(event, context, auth):
    return lambda_result(event, 200, {"user_id": auth.claims["sub"], "session_id": auth.claims.get("sid"),
                                      "carrier": auth.token_carrier})


def http_api_event(path: str = "/me", headers=None, cookies=None) -> dict:
    """A minimal API Gateway HTTP API (payload 2.0) event."""
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "headers": {"host": "abc123.execute-api.us-east-1.amazonaws.com", "x-forwarded-proto": "https",
                        **(headers or {})},
            **({"cookies": cookies} if cookies else {}),
            "requestContext": {"http": {"method": "GET", "path": path}, "domainName": "abc123.execute-api.us-east-1.amazonaws.com"},
            "isBase64Encoded": False}


def _tour() -> None:
    import os

    from clerk_edge.testing import LocalClerk

    with LocalClerk() as clerk:
        os.environ["CLERK_JWT_KEY"] = clerk.jwt_key  # what you would set in the function's configuration
        token = clerk.mint_session_token(user_id="user_lambda_demo")
        for title, event in (("Bearer", http_api_event(headers={"authorization": f"Bearer {token}"})),
                             ("cookie", http_api_event(cookies=[f"__session={token}"])),
                             ("expired", http_api_event(headers={"authorization": "Bearer " + clerk.mint_session_token(expired=True)})),
                             ("no token", http_api_event())):
            result = handler(event, None)
            print(f"{title:8s} -> {result['statusCode']} {result['body']}")


if __name__ == "__main__":
    _tour()
