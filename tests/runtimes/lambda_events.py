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


def browser_event(name: str, path: str, query: str = "", cookie: str = "", dest: str = "document") -> dict:
    """A browser request (GET; a page navigation unless ``dest`` says otherwise) as front door ``name`` delivers it."""
    from urllib.parse import parse_qs
    from clerk_edge.adapters.lambda_ import event_kind
    ev = load(name)
    browser = {"accept": "text/html" if dest == "document" else "application/json", "sec-fetch-dest": dest,
               "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"}
    params = parse_qs(query, keep_blank_values=True)
    if event_kind(ev) == "v2":
        ev["rawPath"], ev["rawQueryString"] = path, query
        ev["requestContext"]["http"].update(method="GET", path=path)
        ev["queryStringParameters"] = {k: ",".join(v) for k, v in params.items()} or None
        ev["cookies"] = [c.strip() for c in cookie.split(";") if c.strip()]
        ev["headers"].update(browser)
        ev["body"], ev["isBase64Encoded"] = None, False
        return ev
    ev["path"], ev["httpMethod"], ev["body"] = path, "GET", None
    if "requestContext" in ev and "path" in ev["requestContext"]:
        ev["requestContext"]["path"] = path
    single = dict(browser, **({"cookie": cookie} if cookie else {}))
    if ev.get("multiValueHeaders") is not None:
        for k in [k for k in ev["multiValueHeaders"] if k.lower() in single]:
            del ev["multiValueHeaders"][k]
        ev["multiValueHeaders"].update({k: [v] for k, v in single.items()})
    if ev.get("headers") is not None:
        for k in [k for k in ev["headers"] if k.lower() in single]:
            del ev["headers"][k]
        ev["headers"].update(single)
    if "multiValueQueryStringParameters" in ev:
        ev["multiValueQueryStringParameters"] = params or None
    if "queryStringParameters" in ev:
        ev["queryStringParameters"] = {k: v[-1] for k, v in params.items()} or None
    return ev


def result_headers(result: dict) -> tuple:
    """(lower-cased single headers, Set-Cookie values) of a proxy result in any format."""
    single = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
    cookies = list(result.get("cookies") or [])
    for k, vs in (result.get("multiValueHeaders") or {}).items():
        if k.lower() == "set-cookie":
            cookies.extend(vs)
        else:
            single[k.lower()] = vs[-1]
    if "set-cookie" in single:
        cookies.append(single.pop("set-cookie"))
    return single, cookies
