"""The Lambda function the lambda tier deploys (task root = this folder): clerk_edge's Lambda
adapter, unchanged, behind the real awslambdaric runtime loop.  Keys come from the function's
environment (CLERK_SECRET_KEY + CLERK_API_URL → JWKS over the network, or CLERK_JWT_KEY)."""
import os
import time

_T_IMPORT = time.time()

from clerk_edge.adapters.headers import redirect_headers  # noqa: E402
from clerk_edge.adapters.lambda_ import lambda_result, request_view, with_authenticate_request, with_clerk_auth  # noqa: E402


@with_clerk_auth(authorized_parties=[os.environ["APP_AUTHORIZED_PARTY"]] if os.environ.get("APP_AUTHORIZED_PARTY") else None)
def protected(event, context, auth):
    view = auth.request
    return lambda_result(event, 200, {
        "sub": auth.user_id, "sid": auth.session_id, "carrier": auth.token_carrier,
        "method": view.method, "url": view.url, "query": view.query,
        "cookies": sorted(k for k in view.cookies if k != "__session"),
        "request_id": context.aws_request_id, "function": context.function_name,
        "remaining_ms_positive": context.get_remaining_time_in_millis() > 0,
    }, headers={"Set-Cookie": ["seen=1; Path=/; Secure", "n=2; Path=/"]})


def public(event, context):
    return lambda_result(event, 200, {"path": request_view(event).url})


def explode(event, context):
    raise ValueError("handler exploded")


def authenticate(event, context):
    """Today's request authentication (handshake era) in Lambda: `authenticate_request` on the event,
    Clerk's headers applied to the result; a handshake becomes a 307."""
    import clerk_edge.sync as clerk
    state = clerk.authenticate_request(request_view(event), secret_key=os.environ.get("CLERK_SECRET_KEY"),
                                       publishable_key=os.environ.get("CLERK_PUBLISHABLE_KEY"),
                                       api_url=os.environ.get("CLERK_API_URL"))
    headers = list(state.headers.items()) if state.headers is not None else []
    redirect = redirect_headers(state)
    if redirect is not None:
        return lambda_result(event, 307, None, redirect)
    auth = state.to_auth()
    return lambda_result(event, 200 if state.status == "signed-in" else 401,
                         {"status": state.status, "reason": state.reason,
                          "user_id": getattr(auth, "user_id", None)}, headers)


@with_authenticate_request(require_auth=True)  # keys from CLERK_SECRET_KEY / CLERK_PUBLISHABLE_KEY / CLERK_API_URL
def page(event, context, auth):
    """The decorator's whole flow: handshake redirects, resolution, Clerk's cookies on this result."""
    return lambda_result(event, 200, {"user_id": auth.user_id, "request_id": context.aws_request_id},
                         headers={"Set-Cookie": "app=1; Path=/"})
