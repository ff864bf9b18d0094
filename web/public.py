"""The public status pages citizens read without login: /publik (the status page), /publik/insiden/<id> (one
incident and what citizens were told), /publik/riwayat (the change log of 90 days), /publik/feed.atom,
/publik/status.json and the feedback form's post /publik/masukan. HTML and the feed come from the templates
under web/templates/public/ (autoescape on); core.services.public gives the data.

The status page, its feed and JSON are computed at most CACHE_S apart and served from memory meanwhile, so a
crowd of visitors during an outage costs the store one read per half minute."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from core.errors import MonevError
from core.services import public, voice
from db.engine import session_scope
from web import bodies
from web.bodies import ID_MAX, BadBody
from web.common import STATE, client, page_lang, read_body, shared
from web.templating import ROOT, Words, render

log = logging.getLogger("monev.public")
CACHE_S = 30  # the public page is at most this old: one computation serves every visitor meanwhile
REFRESH_S = 20  # from this age on the next copy is computed in the background
FEED_ENTRIES = 50
NOTICES = ("thanks", "too_many", "invalid")
MAX_FORM_BYTES = 8192
CSS = (ROOT / "static" / "public.css").read_text()
_cache: dict[tuple[str, str, str], tuple[float, str]] = {}
_refreshing: set[tuple] = set()


# -- rendering (pure: data in, text out) -------------------------------------------------------------------
def as_html(status: public.PublicStatus, lang: str, zone: ZoneInfo, org_name: str, notice: str = "") -> str:
    """The status page, complete: no script, readable on a phone, every data value escaped by the template."""
    return render("public/status.html", w=Words(lang, zone), org=org_name, status=status, notice=notice,
                  max_comment=voice.MAX_COMMENT)


@dataclass
class Entry:
    id: str
    title: str
    published: datetime
    updated: datetime
    text: str
    link: str = ""


def feed_entries(status: public.PublicStatus, w: Words) -> list[Entry]:
    """The feed's entries, newest first: the services' updates and the incidents (one entry per incident, however
    many services it hit). Each id is its row's (RFC 4287: an entry keeps its id), never its place in the list."""
    entries = [Entry(f"urn:monev:service-update:{u.id}", f"{u.service}: {w.t(f'update.status.{u.status}')}", u.at,
                     u.at, u.message, f"/publik/insiden/{u.incident_id}" if u.incident_id else "")
               for u in status.updates]
    incidents: dict[int, list[public.Notice]] = {}
    for notice in status.history:  # the ongoing incidents are in the history too
        incidents.setdefault(notice.incident_id, []).append(notice)
    for incident_id, notices in incidents.items():
        first = notices[0]
        services = ", ".join(dict.fromkeys(n.service for n in notices))
        text = w.t("public.incident_since", at=w.when(first.started_at))
        if first.ended_at:
            text = w.t("public_pages.incident_ended_text", start=w.when(first.started_at), end=w.when(first.ended_at))
        entries.append(Entry(f"urn:monev:incident:{incident_id}", f"{services}: {w.t('public.state.outage')}",
                             first.started_at, first.ended_at or first.started_at, text,
                             f"/publik/insiden/{incident_id}"))
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries[:FEED_ENTRIES]


def as_atom(status: public.PublicStatus, lang: str, zone: ZoneInfo, org_name: str, base: str = "") -> str:
    """An Atom feed (RFC 4287) of what citizens should know; links absolute when the public address is known."""
    w = Words(lang, zone)
    entries = feed_entries(status, w)
    updated = max((e.updated for e in entries), default=status.generated_at)
    return render("public/feed.xml", w=w, org=org_name, entries=entries, updated=updated, base=base.rstrip("/"))


def refusal_html(lang: str, detail: str, zone: ZoneInfo, org_name: str, back: str = "/publik",
                 help_key: str = "public.refused_help", title_key: str = "public.refused") -> str:
    """A short page for a post no form of ours sends (tampered or too large): what was wrong, and the way back."""
    return render("public/refused.html", w=Words(lang, zone), org=org_name, detail=detail, back=back, help=help_key,
                  title=title_key)


def incident_html(incident: public.PublicIncident, lang: str, zone: ZoneInfo, org_name: str) -> str:
    return render("public/incident.html", w=Words(lang, zone), org=org_name, incident=incident)


def changelog_html(incidents: list[public.PublicIncident], lang: str, zone: ZoneInfo, org_name: str) -> str:
    return render("public/changelog.html", w=Words(lang, zone), org=org_name, incidents=incidents,
                  days=public.CHANGELOG_DAYS)


def not_found_html(lang: str, zone: ZoneInfo, org_name: str) -> str:
    return render("public/not_found.html", w=Words(lang, zone), org=org_name)


# -- serving ------------------------------------------------------------------------------------------------
def store_route(handler: Callable[..., Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """What every public route repeats: 503 in words while the store is away, else the handler with the
    engine and settings the lifespan opened."""
    @wraps(handler)
    async def route(request: Request) -> Response:
        engine, settings = STATE["engine"], STATE["settings"]
        if engine is None or settings is None:
            return HTMLResponse("<!doctype html><title>503</title><p>Layanan status belum tersedia. "
                                "The status service is not available yet.</p>", status_code=503)
        return await handler(request, engine, settings)
    return route


def _compute(kind: str, lang: str, engine, settings, notice: str = "") -> str:
    with session_scope(engine) as session:
        status = public.collect(session, settings.zone)
    if kind == "json":
        return public.as_json(status)
    if kind == "atom":
        return as_atom(status, lang, settings.zone, settings.org_name, settings.public_url)
    return as_html(status, lang, settings.zone, settings.org_name, notice)


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


def _cached(media_type: str, body: str) -> Response:
    return Response(body, media_type=media_type, headers={"Cache-Control": f"public, max-age={CACHE_S}"})


@store_route
async def status_page(request: Request, engine, settings) -> Response:
    notice = request.query_params.get("masukan", "")
    body = await _public("html", page_lang(request), engine, settings, notice if notice in NOTICES else "")
    return _cached("text/html", body)


@store_route
async def feed(_request: Request, engine, settings) -> Response:
    return _cached("application/atom+xml", await _public("atom", settings.language, engine, settings))


@store_route
async def status_json(_request: Request, engine, settings) -> Response:
    return _cached("application/json", await _public("json", "id", engine, settings))


async def stylesheet(_request: Request) -> Response:
    return Response(CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def _take_feedback(engine, settings, service_id: int, rating: int, comment: str, address: str) -> str:
    secret = settings.cookie_key.get_secret_value() if settings.cookie_key else "monev"
    try:
        with session_scope(engine) as session:
            voice.give_feedback(session, service_id=service_id, rating=rating, comment=comment,
                                client=voice.client_key(address, secret))
    except MonevError as exc:
        return "too_many" if exc.key == "feedback.too_many" else "invalid"
    return "thanks"


async def form_fields(request: Request, model: type[bodies.Body], limit: int = MAX_FORM_BYTES) -> bodies.Body:
    """A posted form (application/x-www-form-urlencoded) read within `limit` and validated as `model`."""
    raw = await read_body(request, limit)
    fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
    return bodies.parse_form(model, fields)


@store_route
async def feedback(request: Request, engine, settings) -> Response:
    """The public feedback form (no script): stored as plain text, then back to the page with a notice. A body
    no form of ours sends (too large, a service id that is no number or too big) is a 400 or 413 saying so."""
    lang = page_lang(request)
    try:
        form = await form_fields(request, bodies.Feedback)
    except BadBody as exc:
        return HTMLResponse(refusal_html(lang, str(exc), settings.zone, settings.org_name), status_code=exc.status)
    outcome = await run_in_threadpool(_take_feedback, engine, settings, form.service, form.rating or 0, form.comment,
                                      client(request))
    return RedirectResponse(f"/publik?lang={lang}&masukan={outcome}", status_code=303)


def _incident(engine, incident_id: int) -> public.PublicIncident | None:
    with session_scope(engine) as session:
        return public.incident(session, incident_id)


@store_route
async def incident_page(request: Request, engine, settings) -> Response:
    """One public incident; 404 for an id that is no public service's incident (nothing says whether it exists)."""
    lang, raw = page_lang(request), request.path_params["incident_id"]
    found = await run_in_threadpool(_incident, engine, int(raw)) if raw.isdigit() and int(raw) <= ID_MAX else None
    if found is None:
        return HTMLResponse(not_found_html(lang, settings.zone, settings.org_name), status_code=404)
    return _cached("text/html", incident_html(found, lang, settings.zone, settings.org_name))


def _changelog(engine, settings) -> list[public.PublicIncident]:
    def make():
        with session_scope(engine) as session:
            return public.changelog(session)
    return shared(("public.changelog", settings.database_url), CACHE_S, make)


@store_route
async def changelog_page(request: Request, engine, settings) -> Response:
    incidents = await run_in_threadpool(_changelog, engine, settings)
    return _cached("text/html", changelog_html(incidents, page_lang(request), settings.zone, settings.org_name))


ROUTES = [Route("/publik", status_page), Route("/publik/status.json", status_json), Route("/publik/feed.atom", feed),
          Route("/publik/gaya.css", stylesheet), Route("/publik/masukan", feedback, methods=["POST"]),
          Route("/publik/insiden/{incident_id}", incident_page), Route("/publik/riwayat", changelog_page)]
