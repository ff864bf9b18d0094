"""The agents' endpoints as a service of their own, for a city whose agents push more than one process
can store: `uvicorn web.ingest:app --workers N --host 127.0.0.1 --port 8502`, with the reverse proxy
sending /agent/v1/* there and everything else to the app. Each worker opens the store itself; the same
handlers as inside server.py (web/agents.py), so nothing else changes."""

from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware

from core import startup
from core.config import load_settings
from web import agents
from web.common import STATE
from web.guard import Guard


@asynccontextmanager
async def lifespan(_app):
    settings = load_settings()
    STATE["settings"] = settings
    STATE["engine"] = await run_in_threadpool(startup.open_store, settings)
    yield


app = Starlette(routes=agents.ROUTES, lifespan=lifespan, middleware=[Middleware(Guard)])
