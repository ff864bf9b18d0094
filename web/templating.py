"""The one Jinja2 environment of the HTTP pages: templates under web/templates/, autoescape on for HTML and
XML (a value is escaped unless a template says otherwise, so a forgotten call is no hole), undefined names
an error rather than an empty string, and the words of a page (`Words`) bound to its language and zone.

A page family (web/public.py, web/complaints.py …) renders with `render("public/x.html", w=words(lang), …)`
to a string it can cache, or answers `TEMPLATES.TemplateResponse(request, name, context)` directly."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.templating import Jinja2Templates

from core import formatting
from core.i18n import t
from web.common import STATE

ROOT = Path(__file__).resolve().parent
ENV = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(["html", "xml"]),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
TEMPLATES = Jinja2Templates(env=ENV)


def subscriptions_offered() -> bool:
    """Whether /publik/langganan takes subscriptions here (SMTP and the public address set): the pages offer
    "kabar lewat e-mail" only then, never a link to a page that says it is not available."""
    settings = STATE["settings"]
    return bool(settings is not None and settings.smtp_host and settings.smtp_from and settings.public_url)


ENV.globals["subscriptions_offered"] = subscriptions_offered


class Words:
    """What a template reads in the visitor's language: catalogue messages and the house formats."""

    def __init__(self, lang: str, zone: ZoneInfo):
        self.lang, self.zone = lang, zone
        self.other = "en" if lang == "id" else "id"

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    def when(self, at: datetime | None) -> str:
        return formatting.moment(at, self.zone, self.lang) if at else "–"

    def day(self, value: date) -> str:
        return formatting.day(value, self.lang)

    def pct(self, value: float | None) -> str:
        return "–" if value is None else formatting.percent(value, 2, self.lang)

    def number(self, value: float, decimals: int = 0) -> str:
        return formatting.number(value, decimals, self.lang)


def render(name: str, **context) -> str:
    """A template rendered to text (for pages kept in a cache)."""
    return ENV.get_template(name).render(**context)
