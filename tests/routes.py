"""The app's HTTP routes (web/) served by uvicorn on a loopback port, on a thread, for this test's store:
the same handlers server.py mounts beside Streamlit, without starting a Streamlit server per test."""

import json
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware

from core.config import load_settings
from tests.browser import free_port
from web import agents, api, common, opendata, public, subscriptions
from web.common import STATE
from web.guard import Guard


@contextmanager
def serving(engine, **settings):
    app = Starlette(routes=[*agents.ROUTES, *api.ROUTES, *opendata.ROUTES, *public.ROUTES,
                            *subscriptions.ROUTES], middleware=[Middleware(Guard)])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    STATE.update(engine=engine, settings=load_settings(**settings))
    api.limits._seen.clear()
    api.failures._seen.clear()
    agents.failures._seen.clear()
    common._shared.clear()
    public._cache.clear()
    subscriptions.limit._seen.clear()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        STATE.update(engine=None, settings=None)


def call(base: str, method: str, path: str, body=None, token: str = "", headers: dict | None = None):
    """(status, parsed JSON or text, headers) of one request over the socket."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {}),
        **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status, head = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, head = exc.read(), exc.code, dict(exc.headers)
    kind = head.get("content-type", "")
    return status, (json.loads(raw) if "json" in kind and raw else raw.decode("utf-8-sig")), head
