"""One city index everywhere: Ringkasan Kota's headline, the annual report (Excel and PDF), the national
workbook and the command line give the same figure for the same levels, final or provisional and marked so."""

import io
import json
import subprocess
import sys

import pypdfium2
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.evaluation import frameworks, leadership, national, report
from core.evaluation.owners import owners_of
from db.evaluation import Assessment, AssessmentAnswer, EvaluationPeriod
from tests.apptest import assert_clean, open_page, texts
from tests.conftest import ROOT
from tests.invariants.conftest import JAKARTA

ORG = "Pemerintah Kota Malang"


def _periods(demo_city) -> list[EvaluationPeriod]:
    with demo_city.session() as s:
        return list(s.scalars(select(EvaluationPeriod).order_by(EvaluationPeriod.year)))


def _city_levels(demo_city, period: EvaluationPeriod) -> dict[int, int | None]:
    """The government-wide assessment's levels that count (Kominfo's verified level where it set one)."""
    with demo_city.session() as s:
        city = s.scalar(select(Assessment).where(Assessment.period_id == period.id, Assessment.unit_id.is_(None)))
        answers = s.scalars(select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == city.id)).all()
    return {a.indicator: a.verified_level if a.verified_level is not None else a.level for a in answers}


def _overview(demo_city, username: str, period_id: int) -> leadership.Overview:
    with demo_city.session() as s:
        return leadership.overview(session=s, viewer=demo_city.viewer(username), period_id=period_id, zone=JAKARTA,
                                   org_name=ORG)


def _cli(code: str, levels: list[int]) -> dict:
    done = subprocess.run([sys.executable, "-m", "core.cli", "index", code, *map(str, levels)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _national_index(demo_city, period_id: int) -> float | None:
    with demo_city.session() as s:
        data = national.workbook(session=s, viewer=demo_city.viewer("admin"), period_id=period_id, lang="id",
                                 zone=JAKARTA, org_name=ORG)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("Indeks") and r[2] == 100)
    return row[3]


def test_the_city_index_is_one_figure_on_the_overview_the_national_workbook_and_the_cli(demo_city):
    """Rule: for every period, the headline's figure equals the national workbook's and the CLI's for the same
    levels, and every viewer (leadership, Kominfo, a unit) reads the same city figure."""
    for period in _periods(demo_city):
        levels = _city_levels(demo_city, period)
        fw = frameworks.reference(period.framework)
        head = _overview(demo_city, "pimpinan", period.id).city.headline
        assert head.value is not None, f"{period.year}: a blank headline"
        cli = _cli(period.framework, [levels[n] for n in fw.numbers()])
        assert frameworks.shown(head.value) == frameworks.shown(cli["index"]), period.year
        assert float(frameworks.shown(head.value)) == _national_index(demo_city, period.id), period.year
        for username in ("admin", "klojen", "setda"):
            assert _overview(demo_city, username, period.id).city.headline == head, (period.year, username)


def test_a_running_period_headline_is_its_provisional_index_marked_with_the_indicators_verified(demo_city):
    """Rule: a headline is never blank; a figure not yet verified says "sementara" and how many of the
    framework's indicators are verified, counted from their owners' state."""
    running = next(p for p in _periods(demo_city) if p.status == "open")
    head = _overview(demo_city, "pimpinan", running.id).city.headline
    with demo_city.session() as s:
        verified = sum(1 for o in owners_of(s, running.id).values() if o.status == "verified")
    indicators = len(frameworks.reference(running.framework).numbers())
    assert head.provisional and head.basis == "kominfo"
    assert (head.verified, head.of) == (verified, indicators) and verified < indicators
    basis = report.basis_text(head, "id")
    assert basis.startswith("Sementara") and f"{verified} dari {indicators} indikator" in basis
    for closed in (p for p in _periods(demo_city) if p.status == "closed"):
        assert not _overview(demo_city, "pimpinan", closed.id).city.headline.provisional, closed.year


@pytest.mark.only_store("sqlite")
def test_ringkasan_kota_shows_the_provisional_index_and_never_calls_it_verified(demo_env):
    """Rule: the page's headline card shows the core figure formatted, marked sementara, with its basis; the
    caption does not say "terverifikasi" about a figure that is not."""
    running = next(p for p in _periods(demo_env) if p.status == "open")
    head = _overview(demo_env, "pimpinan", running.id).city.headline
    at = open_page("pimpinan", "overview")
    assert_clean(at)
    card = next(m for m in at.metric if m.label == "Indeks Pemdi kota")
    assert card.value == report.headline_value(head, "id") != "–"
    assert card.delta == "sementara"
    predicate = next(m for m in at.metric if m.label == "Predikat")
    assert predicate.value != "–"
    assert "terverifikasi" not in at.caption[0].value
    assert report.basis_text(head, "id") in texts(at)


def test_the_annual_report_carries_the_headline_and_never_an_empty_chart(demo_city):
    """Rule: the annual report's summary (PDF page 2 and the workbook's summary sheet) shows the same
    headline as the overview, marked provisional, with the aspects drawn or a sentence saying why not."""
    running = next(p for p in _periods(demo_city) if p.status == "open")
    view = _overview(demo_city, "pimpinan", running.id)
    head = view.city.headline
    with demo_city.session() as s:
        kwargs = dict(session=s, viewer=demo_city.viewer("pimpinan"), period_id=running.id, lang="id", zone=JAKARTA,
                      org_name=ORG)
        pdf = report.build(kind="pdf", **kwargs)
        xlsx = report.build(kind="xlsx", **kwargs)
    document = pypdfium2.PdfDocument(pdf)
    page = document[1]
    summary = page.get_textpage().get_text_range()
    assert report.headline_value(head, "id") in summary and "sementara" in summary
    assert f"{head.verified} dari {head.of} indikator" in " ".join(summary.split())
    images = [o for o in page.get_objects() if o.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
    assert images, "the aspects chart is drawn on the summary page"
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    facts = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert facts["Indeks Pemdi kota · sementara"] == round(head.value, 4)
    assert facts["Dasar angka"] == report.basis_text(head, "id")
