"""Citizens' complaints, no login and no script: /publik/laporan is the form (a public service, the kind of
problem, plain text) and a box to look a report up; a POST files it (core.tickets.complaints: rate-limited per
client and service, moderated before anyone reads it) and leads to /publik/laporan/<code>, which shows the
report's state and the staff's public replies only. HTML from Jinja2 templates with autoescape on."""

from typing import Literal
from urllib.parse import parse_qs, quote
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core import formatting
from core.errors import MonevError
from core.i18n import t
from core.services import voice
from core.tickets import complaints, tickets
from db.engine import session_scope
from web.bodies import ID_MAX, BadBody, Body, parse_form
from web.common import STATE, client, page_lang, read_body
from web.guard import STRICT_CSP
from web.templating import TEMPLATES, Words  # the one environment of the HTTP pages: autoescape on, strict undefined

MAX_FORM_BYTES = 8 * 1024
NO_STORE = {"Cache-Control": "no-store", "Content-Security-Policy": STRICT_CSP}


class Complaint(Body):
    """The form's fields as they arrive (text, so lax on type); what our form cannot send is refused here, a
    description too short or too long is the citizen's to correct and core says so on the form."""

    model_config = ConfigDict(strict=False, extra="ignore")
    service: int = Field(ge=1, le=ID_MAX)
    category: Literal["jaringan", "perangkat", "aplikasi", "akun", "lainnya"]
    description: str = Field(default="", max_length=4 * tickets.MAX_DESCRIPTION)


def _page(request: Request, name: str, lang: str, status: int = 200, **values) -> Response:
    settings = STATE["settings"]

    def say(key: str, **params) -> str:
        return t(key, lang, **params)
    zone = settings.zone if settings else ZoneInfo("Asia/Jakarta")
    return TEMPLATES.TemplateResponse(request, f"complaints/{name}", {
        "lang": lang, "t": say, "w": Words(lang, zone), "org": settings.org_name if settings else "", **values},
        status_code=status, headers=NO_STORE)


def _unavailable(request: Request) -> Response:
    return _page(request, "message.html", page_lang(request), 503, heading="503",
                 message="Layanan belum tersedia." if page_lang(request) == "id" else "Not available yet.")


def _services() -> list[tuple[int, str]]:
    with session_scope(STATE["engine"]) as session:
        return [(s.id, s.name) for s in complaints.public_services(session)]


def _form(request: Request, lang: str, status: int = 200, error: str = "", chosen: dict | None = None) -> Response:
    return _page(request, "form.html", lang, status, error=error, chosen=chosen or {}, services=_services(),
                 categories=[(k, t(f"tickets.category.{k}", lang)) for k in tickets.CATEGORIES],
                 least=tickets.MIN_DESCRIPTION, most=tickets.MAX_DESCRIPTION)


async def form(request: Request) -> Response:
    """The form; `?kode=` (the look-up box, a GET form) leads to that report's page."""
    if STATE["engine"] is None:
        return _unavailable(request)
    lang = page_lang(request)
    code = tickets.normal_code(request.query_params.get("kode", ""))
    if code:
        return RedirectResponse(f"/publik/laporan/{quote(code)}?lang={lang}", status_code=303)
    # ?layanan=N (the status page's link beside each service) picks that service in the form.
    wanted = request.query_params.get("layanan", "")
    chosen = {"service": int(wanted)} if wanted.isascii() and wanted.isdigit() and len(wanted) < 10 else {}
    return await run_in_threadpool(_form, request, lang, 200, t("complaint.not_found", lang)
                                   if request.query_params.get("kode") else "", chosen)


def _file(form_: Complaint, address: str) -> str:
    settings = STATE["settings"]
    secret = settings.cookie_key.get_secret_value() if settings.cookie_key else "monev"
    with session_scope(STATE["engine"]) as session:
        return complaints.file_complaint(session, service_id=form_.service, category=form_.category,
                                         description=form_.description, client=voice.client_key(address, secret))


async def submit(request: Request) -> Response:
    if STATE["engine"] is None:
        return _unavailable(request)
    lang = page_lang(request)
    try:
        raw = await read_body(request, MAX_FORM_BYTES)
        fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        filed = parse_form(Complaint, fields)
    except BadBody as exc:
        return _page(request, "message.html", lang, exc.status, heading=t("complaint.bad_form", lang),
                     message=str(exc))
    try:
        code = await run_in_threadpool(_file, filed, client(request))
    except MonevError as exc:
        status = 429 if exc.key == "complaint.too_many" else 400
        return await run_in_threadpool(_form, request, lang, status,
                                       t("complaint.refused", lang, reason=exc.message(lang)),
                                       {"service": filed.service, "category": filed.category,
                                        "description": filed.description})
    return RedirectResponse(f"/publik/laporan/{quote(code)}?lang={lang}&baru=1", status_code=303)


def _lookup(code: str) -> complaints.PublicView | None:
    with session_scope(STATE["engine"]) as session:
        return complaints.lookup(session, code)


async def report(request: Request) -> Response:
    if STATE["engine"] is None:
        return _unavailable(request)
    lang, zone = page_lang(request), STATE["settings"].zone
    view = await run_in_threadpool(_lookup, request.path_params["code"])
    if view is None:
        return _page(request, "message.html", lang, 404, heading=t("complaint.lookup_heading", lang),
                     message=t("complaint.not_found", lang))
    state = (t(f"complaint.state.{view.state}", lang) if view.state in ("moderasi", "ditolak")
             else t(f"tickets.state.{view.state}", lang))
    return _page(request, "report.html", lang, view=view, state=state, new=request.query_params.get("baru") == "1",
                 category=t(f"tickets.category.{view.category}", lang),
                 filed=formatting.moment(view.filed_at, zone, lang),
                 replies=[(formatting.moment(r.at, zone, lang), r.message) for r in view.replies])


ROUTES = [
    Route("/publik/laporan", form, methods=["GET"]),
    Route("/publik/laporan", submit, methods=["POST"]),
    Route("/publik/laporan/{code}", report, methods=["GET"]),
]
