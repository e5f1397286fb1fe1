"""The CPython stand-in for Cloudflare's ``workers`` SDK: Response/Request shapes and serving over loopback HTTP."""
from __future__ import annotations

import asyncio
import json
import sys
import textwrap

import pytest

from clerk_edge.testing import workers_shim as ws

pytestmark = pytest.mark.no_pyodide(reason="the shim is the CPython stand-in for the Workers SDK")


@pytest.fixture(autouse=True)
def _restore_workers_module():
    saved = sys.modules.get("workers")
    yield
    if saved is None:
        sys.modules.pop("workers", None)
    else:
        sys.modules["workers"] = saved


def test_response_shapes():
    r = ws.Response("hi", status=201, headers={"x-a": "1"})
    assert (r.status, r.body, r.headers["x-a"], r.headers["content-type"]) == (201, b"hi", "1", "text/plain;charset=UTF-8")
    j = ws.Response.json({"a": 1}, status=401)  # static use, like the SDK
    assert j.status == 401 and j.headers["content-type"] == "application/json" and json.loads(j.body) == {"a": 1}
    assert asyncio.run(j.json()) == {"a": 1}     # instance use parses
    redirect = ws.Response.redirect("https://x.test/", 307)
    assert redirect.status == 307 and redirect.headers["location"] == "https://x.test/"
    multi = ws.Response(None, headers=[("set-cookie", "a=1"), ("set-cookie", "b=2")])
    assert multi.headers.get_all("set-cookie") == ["a=1", "b=2"] and multi.body == b""
    with pytest.raises(TypeError):
        ws.Response({"not": "allowed"})


def test_request_and_env():
    req = ws.Request("http://h.test/p?q=1", "post", {"Authorization": "Bearer t"}, b'{"x": 2}')
    assert req.method == "POST" and req.headers.get("authorization") == "Bearer t"
    assert asyncio.run(req.json()) == {"x": 2}
    env = ws.Env({"CLERK_SECRET_KEY": "sk_test_1"})
    assert env.CLERK_SECRET_KEY == "sk_test_1"
    with pytest.raises(AttributeError):
        env.MISSING
    from clerk_edge.env import get_env
    assert get_env(env, "CLERK_SECRET_KEY") == "sk_test_1" and get_env(env, "MISSING") is None
    from clerk_edge.adapters.request import to_request_view
    view = to_request_view(req)
    assert view.url == "http://h.test/p?q=1" and view.header("Authorization") == "Bearer t"


def test_load_entrypoint_and_serve(tmp_path):
    entry = tmp_path / "entry.py"
    entry.write_text(textwrap.dedent('''
        from workers import WorkerEntrypoint, Response

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                if request.url.endswith("/boom"):
                    raise RuntimeError("kaput")
                body = await request.text()
                return Response.json({"method": request.method, "url": request.url, "body": body,
                                      "auth": request.headers.get("authorization"),
                                      "secret": self.env.SECRET[:3]},
                                     headers=[("set-cookie", "a=1"), ("set-cookie", "b=2")])
    '''))
    cls = ws.load_entrypoint(str(entry))
    assert cls.__name__ == "Default" and issubclass(cls, ws.WorkerEntrypoint)
    assert sys.modules["workers"].Response is ws.Response
    from clerk_edge.testing.demo import http
    with ws.serve(cls, {"SECRET": "sk_test_abc"}) as served:
        ex = http("GET", served.url + "/x?y=1", {"Authorization": "Bearer tok"})
        assert ex.status == 200
        data = json.loads(ex.body)
        assert data == {"method": "GET", "url": served.url + "/x?y=1", "body": "", "auth": "Bearer tok", "secret": "sk_"}
        assert [v for k, v in ex.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]
        boom = http("GET", served.url + "/boom")
        assert boom.status == 500 and b"kaput" in boom.body


def test_load_entrypoint_needs_one_class(tmp_path):
    entry = tmp_path / "two.py"
    entry.write_text("from workers import WorkerEntrypoint\nclass A(WorkerEntrypoint): pass\nclass B(WorkerEntrypoint): pass\n")
    with pytest.raises(ImportError, match="found 2"):
        ws.load_entrypoint(str(entry))
    assert ws.load_entrypoint(str(entry), class_name="B").__name__ == "B"
