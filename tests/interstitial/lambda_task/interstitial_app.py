"""A Lambda function using the 0.x request state (run by tests/interstitial/test_lambda_auth_state.py
under the real awslambdaric runtime loop).  Keys from the function's environment."""
import clerk_edge.sync
from clerk_edge.adapters.lambda_ import lambda_result


def auth_state(event, context):
    state = clerk_edge.sync.auth_state(request=event)
    debug = clerk_edge.sync.debug_auth_state(state)
    if state.is_interstitial:
        page = clerk_edge.sync.local_interstitial(publishable_key=state.publishable_key, debug_data=debug)
        return lambda_result(event, 401, page, headers={"content-type": "text/html; charset=utf-8"})
    auth = state.to_auth()
    body = dict(debug, status=state.status, user_id=getattr(auth, "user_id", None))
    return lambda_result(event, 200 if state.is_signed_in else 401, body)
