"""The HTTP server: the Streamlit app (app.py) and, from the same process, the public status page
(/publik, /publik/status.json, /publik/feed.atom, the feedback form /publik/masukan, the complaint form and
report pages /publik/laporan, the open data
/publik/data), the agents' endpoints (/agent/v1/…), the read API (/api/v1/…, /api/openapi.json), /healthz
and /metrics; the process lifespan starts the probe worker with the
server when MONEV_WORKER_IN_APP=true (not with the first page view) and stops it with the server.
Run with `streamlit run server.py`."""

import asyncio
import hmac
import ipaddress
import logging
import time
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

import streamlit as st
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from core import startup
from core.config import load_settings
from core.errors import MonevError
from core.monitoring import metrics
from core.org import logins
from core.services import public, voice
from db.engine import session_scope
from web import agents as agent_routes
from web import api as api_routes
from web import bodies
from web import complaints as complaint_routes
from web import opendata as opendata_routes
from web.bodies import BadBody
from web.common import STATE, page_lang, read_body
from web.guard import Guard

log = logging.getLogger("monev.server")
CACHE_S = 30  # the public page is at most this old: one computation serves every visitor meanwhile
REFRESH_S = 20  # from this age on the next copy is computed in the background
_cache: dict[tuple[str, str], tuple[float, str]] = {}



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


NOTICES = ("thanks", "too_many", "invalid")
MAX_FORM_BYTES = 8192


def _compute(kind: str, lang: str, engine, settings, notice: str = "") -> str:
    with session_scope(engine) as session:
        status = public.collect(session, settings.zone)
    if kind == "json":
        return public.as_json(status)
    if kind == "atom":
        return public.as_atom(status, lang, settings.zone, settings.org_name)
    return public.as_html(status, lang, settings.zone, settings.org_name, notice)


_refreshing: set[tuple] = set()


async def _public(kind: str, lang: str, engine, settings, notice: str = "") -> str:
    """The page as computed at most CACHE_S ago, served from memory without leaving the event loop. From
    REFRESH_S on, one background thread computes the next copy while the current one is still served, so
    visitors do not wait for the store; only past CACHE_S (or the first time) does a request wait."""
    key = (kind, lang, notice)
    hit = _cache.get(key)
    age = time.monotonic() - hit[0] if hit else None
    if hit is not None and age < CACHE_S:
        if age >= REFRESH_S and key not in _refreshing:
            _refreshing.add(key)
            asyncio.get_running_loop().create_task(_refresh(key, kind, lang, engine, settings, notice))
        return hit[1]
    body = await run_in_threadpool(_compute, kind, lang, engine, settings, notice)
    _cache[key] = (time.monotonic(), body)
    return body


async def _refresh(key, kind, lang, engine, settings, notice) -> None:
    try:
        body = await run_in_threadpool(_compute, kind, lang, engine, settings, notice)
        _cache[key] = (time.monotonic(), body)
    except Exception:  # noqa: BLE001 - the store away: the page served stays the last good one
        log.warning("refreshing the public page failed", exc_info=True)
    finally:
        _refreshing.discard(key)


async def status_page(request: Request) -> Response:
    engine, settings = STATE["engine"], STATE["settings"]
    if engine is None:
        return HTMLResponse("<!doctype html><title>503</title><p>Layanan status belum tersedia.</p>", status_code=503)
    notice = request.query_params.get("masukan", "")
    body = await _public("html", page_lang(request), engine, settings, notice if notice in NOTICES else "")
    return HTMLResponse(body, headers={"Cache-Control": f"public, max-age={CACHE_S}"})


async def feed(_request: Request) -> Response:
    engine, settings = STATE["engine"], STATE["settings"]
    if engine is None:
        return Response("", status_code=503)
    body = await _public("atom", settings.language, engine, settings)
    return Response(body, media_type="application/atom+xml", headers={"Cache-Control": f"public, max-age={CACHE_S}"})


def _client(request: Request, settings) -> str:
    """The visitor's address, by the same rule as a login's (core.org.logins.client_address)."""
    return logins.client_address(request.client.host if request.client else "?",
                                 request.headers.get("x-forwarded-for", ""), settings.trusted_proxies)


def _take_feedback(engine, settings, service_id: int, rating: int, comment: str, client: str) -> str:
    secret = settings.cookie_key.get_secret_value() if settings.cookie_key else "monev"
    try:
        with session_scope(engine) as session:
            voice.give_feedback(session, service_id=service_id, rating=rating, comment=comment,
                                client=voice.client_key(client, secret))
    except MonevError as exc:
        return "too_many" if exc.key == "feedback.too_many" else "invalid"
    return "thanks"


async def feedback(request: Request) -> Response:
    """The public feedback form (no script): stored as plain text, then back to the page with a notice. A body
    no form of ours sends (too large, a service id that is no number or too big) is a 400 or 413 saying so."""
    engine, settings = STATE["engine"], STATE["settings"]
    if engine is None:
        return Response("", status_code=503)
    lang = page_lang(request)
    try:
        raw = await read_body(request, MAX_FORM_BYTES)
        fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        form = bodies.parse_form(bodies.Feedback, fields)
    except BadBody as exc:
        return HTMLResponse(public.refusal_html(lang, str(exc)), status_code=exc.status)
    outcome = await run_in_threadpool(_take_feedback, engine, settings, form.service, form.rating or 0, form.comment,
                                      _client(request, settings))
    return RedirectResponse(f"/publik?lang={lang}&masukan={outcome}", status_code=303)


async def status_json(_request: Request) -> Response:
    engine, settings = STATE["engine"], STATE["settings"]
    if engine is None:
        return JSONResponse({"error": "store unavailable"}, status_code=503)
    body = await _public("json", "id", engine, settings)
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
    engine = STATE["engine"]
    store = engine is not None and await run_in_threadpool(_store_answers, engine)
    return JSONResponse({"status": "ok" if store else "degraded", "store": "ok" if store else "unavailable",
                         "worker_in_process": startup.process_worker() is not None},
                        status_code=200 if store else 503)


def _loopback(host: str) -> bool:
    """127.0.0.0/8 and ::1, also as an IPv4-mapped address (a dual-stack socket reports ::ffff:127.0.0.1)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _exposition(engine) -> str:
    with session_scope(engine) as session:
        return metrics.exposition(session)


async def metrics_route(request: Request) -> Response:
    """Prometheus text format, for loopback scrapers or a bearer of MONEV_METRICS_TOKEN."""
    engine, settings = STATE["engine"], STATE["settings"]
    token = settings.metrics_token.get_secret_value() if settings and settings.metrics_token else ""
    # Behind a reverse proxy every request comes from loopback: then only the token opens it.
    local = (request.client is not None and _loopback(request.client.host)
             and settings is not None and settings.trusted_proxies == 0)
    given = request.headers.get("authorization", "")
    if not (local or (token and hmac.compare_digest(given, f"Bearer {token}"))):
        return Response("forbidden\n", status_code=403, media_type="text/plain")
    if engine is None:
        return Response("store unavailable\n", status_code=503, media_type="text/plain")
    body = await run_in_threadpool(_exposition, engine)
    return Response(body, media_type="text/plain; version=0.0.4")


app = st.App("app.py", lifespan=lifespan, middleware=[Middleware(Guard)], routes=[
    Route("/publik", status_page), Route("/publik/status.json", status_json), Route("/publik/feed.atom", feed),
    Route("/publik/masukan", feedback, methods=["POST"]), Route("/healthz", healthz), Route("/metrics", metrics_route),
    *complaint_routes.ROUTES, *opendata_routes.ROUTES, *agent_routes.ROUTES, *api_routes.ROUTES])
