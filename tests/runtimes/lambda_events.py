"""Load the project's Lambda event fixtures (``tests/fixtures/lambda/*.json``) and put a session
token into them the way each front door delivers it."""
from __future__ import annotations

import copy
import json
import os

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "lambda")
KINDS = {  # fixture -> (event_kind, powertools parser model name)
    "apigw_rest_v1": ("v1", "APIGatewayProxyEventModel"),
    "http_api_v2": ("v2", "APIGatewayProxyEventV2Model"),
    "function_url": ("v2", "LambdaFunctionUrlModel"),
    "alb": ("alb", "AlbModel"),
    "alb_multi_value": ("alb", None),  # powertools' AlbModel only models single-value headers
}


def load(name: str) -> dict:
    with open(os.path.join(FIXTURES, name + ".json")) as fh:
        return json.load(fh)


def _add_header(ev: dict, name: str, value: str) -> None:
    if ev.get("multiValueHeaders") is not None:
        ev["multiValueHeaders"].setdefault(name, []).append(value)
    if ev.get("headers") is not None or ev.get("multiValueHeaders") is None:
        headers = ev.setdefault("headers", {})
        if name in headers:
            headers[name] = headers[name] + "; " + value if name.lower() == "cookie" else value
        else:
            headers[name] = value


def with_token(name_or_event, token: str, carrier: str = "header") -> dict:
    """A copy of the event carrying ``token`` as ``Authorization: Bearer`` or the ``__session`` cookie."""
    ev = copy.deepcopy(load(name_or_event) if isinstance(name_or_event, str) else name_or_event)
    if carrier == "header":
        _add_header(ev, "Authorization", f"Bearer {token}")
    elif ev.get("version") == "2.0":
        ev.setdefault("cookies", []).append(f"__session={token}")
    else:
        existing = None
        for source in (ev.get("headers") or {}, {k: v[-1] for k, v in (ev.get("multiValueHeaders") or {}).items()}):
            for k, v in source.items():
                if k.lower() == "cookie":
                    existing = (k, v)
        if existing is None:
            _add_header(ev, "Cookie", f"__session={token}")
        else:
            k, v = existing
            if ev.get("headers") is not None and k in ev["headers"]:
                ev["headers"][k] = f"{v}; __session={token}"
            if ev.get("multiValueHeaders") is not None and k in ev["multiValueHeaders"]:
                ev["multiValueHeaders"][k] = [f"{v}; __session={token}"]
    return ev
