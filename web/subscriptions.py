"""Citizens' e-mail subscriptions (core.services.subscriptions), as plain forms without script:
/publik/langganan (the form: a public service and an address), /publik/langganan/konfirmasi and
/publik/langganan/berhenti (the links mailed: each shows a button to post, so a mail scanner opening a link
changes nothing). The form is limited per client in this process's memory; nothing about the client is stored."""

import hashlib
import threading
import time
from collections import deque

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from core.errors import MonevError
from core.services import subscriptions
from db.engine import session_scope
from web import bodies
from web.bodies import ID_MAX, BadBody
from web.common import client, page_lang
from web.public import form_fields, refusal_html, store_route
from web.templating import Words, render

NOTICES = ("sent", "too_many", "invalid")
NO_STORE = {"Cache-Control": "no-store"}  # the pages carry a personal link's code


class ClientLimit:
    """At most `per_hour` posts per client in any sliding hour, in this process's memory only (kept as a hash,
    forgotten when idle): enough to stop one address from filling strangers' inboxes through our form."""

    def __init__(self, per_hour: int = 5, clients: int = 10_000):
        self.per_hour, self.clients = per_hour, clients
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        key = hashlib.sha256(address.encode()).hexdigest()
        with self._lock:
            if len(self._seen) >= self.clients:
                for stale in [k for k, v in self._seen.items() if not v or v[-1] <= now - 3600]:
                    del self._seen[stale]
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - 3600:
                seen.popleft()
            if len(seen) >= self.per_hour:
                return False
            seen.append(now)
            return True


limit = ClientLimit()


def available(settings) -> bool:
    """Mails can go out and their links lead somewhere: SMTP and the public address are set (the rule the
    pages' links follow, web.templating.subscriptions_offered)."""
    return bool(settings.smtp_host and settings.smtp_from and settings.public_url)


def _choices(engine) -> list[tuple[int, str]]:
    with session_scope(engine) as session:
        return subscriptions.choices(session)


def _page(name: str, request: Request, settings, status: int = 200, **context) -> Response:
    body = render(name, w=Words(page_lang(request), settings.zone), org=settings.org_name, **context)
    return HTMLResponse(body, status_code=status, headers=NO_STORE)


@store_route
async def form(request: Request, engine, settings) -> Response:
    raw, notice = request.query_params.get("layanan", ""), request.query_params.get("kabar", "")
    chosen = int(raw) if raw.isdigit() and int(raw) <= ID_MAX else None
    return _page("public/subscribe.html", request, settings, services=await run_in_threadpool(_choices, engine),
                 chosen=chosen, available=available(settings), notice=notice if notice in NOTICES else "")


def _subscribe(engine, settings, service_id: int, email: str) -> str:
    try:
        with session_scope(engine) as session:
            subscriptions.subscribe(session, service_id=service_id, email=email, key=settings.secret_cookie_key())
    except MonevError as exc:
        return "too_many" if exc.key == "subscription.too_many" else "invalid"
    except IntegrityError:  # the same address for the same service posted twice at once: the other one stands
        pass
    return "sent"


@store_route
async def take(request: Request, engine, settings) -> Response:
    """The form's post: a confirm mail queued (or not, saying the same), then back to the form with a notice."""
    lang = page_lang(request)
    try:
        fields = await form_fields(request, bodies.Subscribe)
    except BadBody as exc:
        return HTMLResponse(refusal_html(lang, str(exc), settings.zone, settings.org_name, "/publik/langganan",
                                         "public_pages.refused_help", "public_pages.refused"), status_code=exc.status)
    if not available(settings):
        outcome = "invalid"
    elif not limit.allow(client(request)):
        outcome = "too_many"
    else:
        outcome = await run_in_threadpool(_subscribe, engine, settings, fields.service, fields.email)
    return RedirectResponse(f"/publik/langganan?lang={lang}&kabar={outcome}&layanan={fields.service}",
                            status_code=303)


STEPS = {
    "confirm": dict(title="public_pages.confirm_title", question="public_pages.confirm_question",
                    button="public_pages.confirm_button", done_key="public_pages.confirmed",
                    action="/publik/langganan/konfirmasi", look=subscriptions.pending_confirmation,
                    act=subscriptions.confirm),
    "unsubscribe": dict(title="public_pages.unsubscribe_title", question="public_pages.unsubscribe_question",
                        button="public_pages.unsubscribe_button", done_key="public_pages.unsubscribed",
                        action="/publik/langganan/berhenti", look=subscriptions.subscribed_to,
                        act=subscriptions.unsubscribe),
}


def _run(engine, settings, fn, code: str) -> str | None:
    with session_scope(engine) as session:
        return fn(session, code=code, key=settings.secret_cookie_key())


def _step(kind: str):
    step = STEPS[kind]
    words = {k: step[k] for k in ("title", "question", "button", "action")}

    @store_route
    async def handle(request: Request, engine, settings) -> Response:
        if request.method == "GET":  # the link as mailed: ask for the button, change nothing
            code = request.query_params.get("kode", "")[:200]
            service = await run_in_threadpool(_run, engine, settings, step["look"], code)
            return _page("public/subscription_step.html", request, settings, 200 if service else 404,
                         service=service, code=code, done="", **words)
        try:
            code = (await form_fields(request, bodies.Code, 4096)).kode
        except BadBody as exc:
            return HTMLResponse(refusal_html(page_lang(request), str(exc), settings.zone, settings.org_name,
                                             "/publik/langganan", "public_pages.refused_help", "public_pages.refused"), status_code=exc.status)
        service = await run_in_threadpool(_run, engine, settings, step["act"], code)
        return _page("public/subscription_step.html", request, settings, 200 if service else 404,
                     service=service, code="", done=step["done_key"], **words)
    return handle


ROUTES = [Route("/publik/langganan", form), Route("/publik/langganan", take, methods=["POST"]),
          Route("/publik/langganan/konfirmasi", _step("confirm"), methods=["GET", "POST"]),
          Route("/publik/langganan/berhenti", _step("unsubscribe"), methods=["GET", "POST"])]
