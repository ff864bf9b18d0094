"""The HTTP server: the Streamlit app (app.py) and, from the same process, the public status page
(/publik, /publik/status.json) and /healthz; the process lifespan starts the probe worker with the
server when MONEV_WORKER_IN_APP=true (not with the first page view) and stops it with the server.
Run with `streamlit run server.py`."""

import logging
import time
from contextlib import asynccontextmanager

import streamlit as st
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from core import startup
from core.config import load_settings
from core.errors import MonevError
from core.services import public
from db.engine import session_scope

log = logging.getLogger("monev.server")
CACHE_S = 30  # the public page is at most this old: one computation serves every visitor meanwhile
_cache: dict[tuple[str, str], tuple[float, str]] = {}
# What the lifespan opened, for the routes (Streamlit's App does not hand the lifespan's state to requests).
_state: dict = {"settings": None, "engine": None}


@asynccontextmanager
async def lifespan(_app):
    settings = load_settings()
    state = _state
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


def _public(kind: str, lang: str, engine, settings) -> str:
    key = (kind, lang)
    hit = _cache.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_S:
        return hit[1]
    with session_scope(engine) as session:
        status = public.collect(session, settings.zone)
    body = public.as_json(status) if kind == "json" else public.as_html(status, lang, settings.zone, settings.org_name)
    _cache[key] = (time.monotonic(), body)
    return body


def _lang(request: Request, settings) -> str:
    asked = request.query_params.get("lang", "")
    return asked if asked in ("id", "en") else settings.language


async def status_page(request: Request) -> Response:
    engine, settings = _state["engine"], _state["settings"]
    if engine is None:
        return HTMLResponse("<!doctype html><title>503</title><p>Layanan status belum tersedia.</p>", status_code=503)
    body = await run_in_threadpool(_public, "html", _lang(request, settings), engine, settings)
    return HTMLResponse(body, headers={"Cache-Control": f"public, max-age={CACHE_S}"})


async def status_json(_request: Request) -> Response:
    engine, settings = _state["engine"], _state["settings"]
    if engine is None:
        return JSONResponse({"error": "store unavailable"}, status_code=503)
    body = await run_in_threadpool(_public, "json", "id", engine, settings)
    return Response(body, media_type="application/json", headers={"Cache-Control": f"public, max-age={CACHE_S}"})


def _store_answers(engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: the store does not answer now
        return False


async def healthz(_request: Request) -> Response:
    """The process answers, and whether its store does; no Streamlit session is touched."""
    engine = _state["engine"]
    store = engine is not None and await run_in_threadpool(_store_answers, engine)
    return JSONResponse({"status": "ok" if store else "degraded", "store": "ok" if store else "unavailable",
                         "worker_in_process": startup.process_worker() is not None},
                        status_code=200 if store else 503)


app = st.App("app.py", lifespan=lifespan, routes=[
    Route("/publik", status_page), Route("/publik/status.json", status_json), Route("/healthz", healthz)])
