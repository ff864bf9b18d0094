"""The HTTP server: the Streamlit app (app.py) and, from the same process, the routes of web/ — the public
status pages (web.public), citizens' e-mail subscriptions (web.subscriptions), citizens' complaints
(web.complaints), open data (web.opendata), the agents' endpoints (web.agents), the read API (web.api), /healthz and /metrics (web.health); the process
lifespan starts the probe worker with the server when MONEV_WORKER_IN_APP=true (not with the first page
view) and stops it with the server. Run with `streamlit run server.py`."""

import logging
from contextlib import asynccontextmanager

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware

from core import startup
from core.config import load_settings
from core.errors import MonevError
from web import agents, api, complaints, health, opendata, public, subscriptions
from web.common import STATE
from web.guard import Guard

log = logging.getLogger("monev.server")


@asynccontextmanager
async def lifespan(_app):
    settings = load_settings()
    state = STATE
    state["settings"] = settings
    try:
        state["engine"] = await run_in_threadpool(startup.open_store, settings)
    except MonevError as exc:  # the app's pages say why; the routes answer 503 meanwhile
        log.error("store not available at start: %s", exc.message("en"))
    runner = None
    if state["engine"] is not None and settings.worker_in_app:
        runner = startup.start_process_worker(state["engine"], settings)
    try:
        yield
    finally:
        if runner is not None:
            await run_in_threadpool(startup.stop_process_worker)


app = st.App("app.py", lifespan=lifespan, middleware=[Middleware(Guard)], routes=[
    *public.ROUTES, *subscriptions.ROUTES, *complaints.ROUTES, *opendata.ROUTES, *agents.ROUTES, *api.ROUTES,
    *health.ROUTES])
