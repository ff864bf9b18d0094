"""Documents the app generates, read back from the files: every evidence kind for the city and for every unit
of the demo city, in PDF and Excel; every PDF embeds its font, prints each character it was given (never
"?") and breaks lines between words, so no name of the demo city is cut in two."""

import io
import re
from collections import Counter
from datetime import UTC, datetime

import pypdfium2
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.evaluation import evidence, frameworks, report
from core.evaluation.periods import list_periods
from core.i18n import CATALOGUES
from core.services import register, sla
from db.evaluation import Evidence
from db.inventory import Application, Staff
from db.models import Unit
from tests.invariants.conftest import JAKARTA

ORG = "Pemerintah Kota Malang"


# A question mark the app's own messages write (a probe's reason: "layanan tidak berjalan?"): a word with it.
ASKED = {word for message in CATALOGUES["id"].values() for word in re.findall(r"\w+\?", message)}


def stray_marks(text: str) -> int:
    """Question marks in a PDF's text other than those the messages ask: characters the font could not print."""
    return sum(1 for token in re.findall(r"\w*\?", text) if token not in ASKED)


def pdf_text(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_bounded() for page in doc)
    finally:
        doc.close()


def embeds_its_font(data: bytes) -> bool:
    """A TrueType font travels inside the file, and no built-in (WinAnsi-only) font is used."""
    return b"/FontFile2" in data and b"/BaseFont /Helvetica" not in data


def name_words(session) -> set[str]:
    """Every word of a name in the demo city: units (name, short name, code), applications, staff."""
    names = [n for u in session.scalars(select(Unit)) for n in (u.name, u.short_name, u.code) if n]
    names += list(session.scalars(select(Application.name))) + list(session.scalars(select(Staff.name)))
    return {w for n in names for w in n.split()}


def cut_names(text: str, source: list[str], words: set[str]) -> dict[str, int]:
    """Name words the source holds more often than the PDF prints them whole (a word cut by a line break)."""
    printed = Counter(text.split())
    wanted = Counter(w for s in source for w in s.split() if w in words)
    return {w: n - printed[w] for w, n in wanted.items() if printed[w] < n}


def unprinted(text: str, source: list[str]) -> set[str]:
    """Characters of the source the PDF does not print (a font without them shows "?" or nothing)."""
    given = "".join(source)
    lost = set(given) - set(text) - set(" \n\t")
    return lost | ({"?"} if text.count("?") > given.count("?") else set())


def strings(doc: evidence.Document) -> list[str]:
    """The text a document gives its PDF (an empty section prints its heading and "no data", not its columns)."""
    return [doc.title] + [f"{label}: {value}" for label, value in doc.facts] + [
        str(v) for s in doc.sections
        for v in [s.heading, *(s.headers if s.rows else []), *(c for row in s.rows for c in row)]]


def current_period(session, viewer):
    """The period whose framework offers generated evidence, with the first indicator offering each kind."""
    for period in sorted(list_periods(session=session, viewer=viewer), key=lambda p: -p.year):
        offers: dict[str, int] = {}
        for node in frameworks.of_period(session, period).indicators():
            for kind in node.evidence:
                offers.setdefault(kind, node.number)
        if offers:
            return period, offers
    raise AssertionError("no period of the demo city offers generated evidence")


SWEEPS: dict[str, tuple] = {}  # per store: what its sweep reads once


def sweep(city) -> tuple:
    """What the sweep of one store needs, read once: the viewer, the period, the indicator offering each kind,
    every scope (the city, then each active unit) and the words of the demo city's names."""
    if city.url not in SWEEPS:
        admin = city.viewer("admin")
        with city.session() as s:
            period, offers = current_period(s, admin)
            words = name_words(s) | {w for sv in register.list_services(session=s, viewer=admin)
                                     for w in sv.name.split()}
            scopes = [(None, ORG)] + [(u.id, u.name) for u in s.scalars(select(Unit).where(Unit.active.is_(True))
                                                                        .order_by(Unit.code))]
        SWEEPS[city.url] = admin, period.id, offers, scopes, words
    return SWEEPS[city.url]


RENDERED: set[str] = set()  # documents already rendered and read back in this process (rendering is pure)
MADE = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # one time of making, so equal data makes equal documents


def problems_of(doc: evidence.Document, scope: str, words: set[str]) -> list[str]:
    """What is wrong with the document's two files, read back: PDF text with pypdfium2, the workbook with openpyxl."""
    problems = []
    pdf, xlsx = evidence.render(doc, "pdf"), evidence.render(doc, "xlsx")
    text = pdf_text(pdf)
    if not embeds_its_font(pdf):
        problems.append("pdf: no embedded font")
    if scope not in " ".join(text.split()):
        problems.append("pdf: scope not named")
    if lost := unprinted(text, strings(doc)):
        problems.append(f"pdf: prints without {sorted(lost)}")
    if cut := cut_names(text, strings(doc), words):
        problems.append(f"pdf: names cut across lines {cut}")
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    sheets = [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]
    book.close()
    if not any(scope in row for row in sheets[0]):
        problems.append("xlsx: scope not named")
    if [len(rows) for rows in sheets[1:]] != [1 + len(section.rows) for section in doc.sections]:
        problems.append("xlsx: a section's sheet is missing rows")
    return problems


@pytest.mark.parametrize("kind", evidence.KINDS)
def test_every_evidence_kind_generates_for_the_city_and_every_unit_in_pdf_and_excel(demo_city, kind):
    """Rule: each evidence kind the framework offers generates for the government-wide assessment and for
    every unit, as a PDF and a workbook that name their scope and hold every section; the PDF prints every
    character it was given and every name of the demo city whole. A document equal to one already read back
    (the other store's, same data) is not rendered twice: rendering depends on the document alone."""
    admin, period_id, offers, scopes, words = sweep(demo_city)
    assert kind in offers, f"no indicator offers {kind}"
    problems = []
    with demo_city.session() as s:
        for unit_id, scope in scopes:
            try:
                doc = evidence.document(session=s, viewer=admin, period_id=period_id, unit_id=unit_id,
                                        indicator=offers[kind], kind=kind, lang="id", zone=JAKARTA, org_name=ORG,
                                        now=MADE)
                if repr(doc) not in RENDERED:
                    problems += [(scope, p) for p in problems_of(doc, scope, words)]
                    RENDERED.add(repr(doc))
            except Exception as exc:  # noqa: BLE001 - every failure is collected, named by its scope
                problems.append((scope, repr(exc)))
    assert problems == []
    assert len(scopes) > 90


def test_the_sla_report_and_the_annual_report_embed_their_font_and_print_every_character_and_name(demo_city):
    """Rule: the monthly SLA report and the annual report (every PDF besides the evidence documents) embed a
    Unicode font, print the minus signs and dashes they were given, and never cut a unit's name across lines."""
    admin = demo_city.viewer("admin")
    with demo_city.session() as s:
        period, _offers = current_period(s, admin)
        words = name_words(s)
        units = list(s.scalars(select(Unit).where(Unit.active.is_(True))))
        services = register.list_services(session=s, viewer=admin)
        month = sla.month_start(datetime.now(JAKARTA).date())  # this month: the demo's monitoring runs to now
        _name, sla_pdf = evidence.sla_report(session=s, viewer=admin, month=month, service_id=None, fmt="pdf",
                                             lang="id", zone=JAKARTA, org_name=ORG)
        annual = report.build(session=s, viewer=admin, period_id=period.id, kind="pdf", lang="id", zone=JAKARTA,
                              org_name=ORG)
    sla_text = pdf_text(sla_pdf)
    assert "(waktu layanan − pemeliharaan − tidak terpantau)" in " ".join(sla_text.split())
    assert stray_marks(sla_text) == 0
    by_id = {u.id: u for u in units}
    owners = [by_id[sv.unit_id].short_name or by_id[sv.unit_id].code for sv in services]
    words |= {w for sv in services for w in sv.name.split()}
    assert cut_names(sla_text, owners + [sv.name for sv in services], words) == {}
    annual_text = pdf_text(annual)
    assert stray_marks(annual_text) == 0
    assert re.findall(r"\b(?:eval|report|measure)\.[a-z_.]+", annual_text) == []  # no message key as text
    assert cut_names(annual_text, [u.name for u in units], words) == {}
    assert embeds_its_font(sla_pdf) and embeds_its_font(annual)


def test_the_demo_evidence_files_embed_their_font(demo_city):
    """Rule: the sample evidence PDFs the demo attaches are made like every other PDF of the app."""
    with demo_city.session() as s:
        files = list(s.scalars(select(Evidence).where(Evidence.content_type == "application/pdf")))
    assert files and all(embeds_its_font(f.data) for f in files)
    text = pdf_text(files[0].data)
    assert "Dokumen contoh" in text and "?" not in text
