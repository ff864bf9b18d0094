"""Ringkasan pimpinan and the annual report: city index by the chosen method, ranking, scope of what an skpd
user gets back, and the generated Excel and PDF opened and read."""

import io
from pathlib import Path

import pypdfium2
import pytest
from openpyxl import load_workbook

from core.evaluation import assessment, leadership, report
from core.evaluation.periods import set_city_method
from core.inventory.kinds import APPLICATION
from core.org.units import UnitRow, update_unit
from db.engine import session_scope
from db.models import Unit
from tests.apptest import assert_clean, open_page, texts
from tests.conftest import CITY, ROOT, UNIT_A
from tests.evaluation import evaluated_city, framework_of, new_period
from tests.inventory import add
from tests.monitoring import JAKARTA

ARTIFACTS = ROOT / "tests" / "artifacts"
# Reports are files built from `leadership.overview`, which runs on both stores below; the files on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def overview(store, viewer, period_id):
    with store.session() as s:
        return leadership.overview(session=s, viewer=viewer, period_id=period_id, zone=JAKARTA, org_name="Kota Uji")


def expected_levels(city):
    """The level every unit got this year in evaluated_city, and whether it was verified."""
    return {unit_id: (min(5, 1 + (n + 1) % 5), n % 2 == 0) for n, (_c, unit_id) in enumerate(sorted(city.units.items()))}


@pytest.fixture
def periods(store, city, admin):
    return evaluated_city(store, city, admin)


def test_city_index_follows_the_method_chosen_in_settings(store, city, admin, periods):
    _last, current = periods
    levels = expected_levels(city)
    verified = [lv for lv, ok in levels.values() if ok]
    assert overview(store, admin, current).city.index == pytest.approx(3.0)  # Kominfo's own: all at level 3
    with session_scope(store.engine) as s:
        set_city_method(session=s, viewer=admin, period_id=current, method="average")
    view = overview(store, admin, current)
    assert view.city.index == pytest.approx(sum(verified) / len(verified))
    assert (view.city.verified, view.city.units) == (len(verified), len(city.units))
    assert view.city.inputs | {"up_h": 0, "measured_h": 0} == {
        "city_assessment": "verified", "verified_units": len(verified), "readiness_units": len(city.units),
        "units": len(city.units), "measured_units": 0, "up_h": 0, "measured_h": 0}  # no targets in this city
    with session_scope(store.engine) as s:
        for unit_id, (_lv, ok) in levels.items():
            s.get(Unit, unit_id).employees = 100 if ok else None
        heavy = next(u for u, (_lv, ok) in levels.items() if ok)
        s.get(Unit, heavy).employees = 1000
        set_city_method(session=s, viewer=admin, period_id=current, method="employees")
    weighted = sum(lv * (1000 if u == heavy else 100) for u, (lv, ok) in levels.items() if ok) / \
        (1000 + 100 * (len(verified) - 1))
    assert overview(store, admin, current).city.index == pytest.approx(weighted)


def test_ranking_orders_units_by_index_and_the_change_is_against_last_period(store, city, admin, periods):
    last, current = periods
    view = overview(store, admin, current)
    ranked = sorted((r for r in view.rows if r.rank), key=lambda r: r.rank)
    verified = {unit_id for unit_id, (_lv, ok) in expected_levels(city).items() if ok}
    assert {r.unit_id for r in ranked} == verified  # a self-assessment Kominfo has not checked is not ranked
    assert [r.spbe for r in ranked] == sorted((r.spbe for r in ranked), reverse=True)
    assert [r.rank for r in ranked] == list(range(1, len(verified) + 1))
    assert view.previous.id == last and view.city_previous.index == pytest.approx(3.0)
    assert {p["series"] for p in view.trend} == {"city_index:spbe-2020", "city_readiness"}
    assert sorted({p["year"] for p in view.trend}) == [2025, 2026]
    assert view.weakest_indicators and view.weakest_indicators[0][1] <= view.weakest_indicators[-1][1]


def test_an_skpd_user_gets_their_units_and_the_city_figures_but_no_other_unit(store, city, admin, operator_a,
                                                                             periods):
    _last, current = periods
    add(store, admin, APPLICATION, {"unit": "KEC-KLOJEN", "name": "SIMARSIP Klojen", "function": "kearsipan"},
        {"unit": "DINKES", "name": "SIMARSIP Dinkes Sehat", "function": "kearsipan"})
    everyone, mine = overview(store, admin, current), overview(store, operator_a, current)
    own = city.subtree(UNIT_A)
    assert [(p["apps"], p["others"], p["value"]) for p in mine.problems["duplicate_apps"]] == [
        (["SIMARSIP Klojen"], 1, "")]
    assert "Dinkes" in str(everyone.problems["duplicate_apps"]) and "Dinkes" not in str(mine.problems)
    assert {r.unit_id for r in mine.rows} == own and mine.own_only
    assert mine.city.index == everyone.city.index and mine.city.readiness == everyone.city.readiness
    assert {r.rank for r in mine.rows} == {r.rank for r in everyone.rows if r.unit_id in own}
    for items in mine.problems.values():
        for p in items:
            assert p.get("unit_id", next(iter(own))) in own and not p.get("units")
    assert {"unit_index:spbe-2020", "unit_readiness"} <= {p["series"] for p in mine.trend}


def all_cells(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def pdf_pages(data: bytes) -> list[str]:
    doc = pypdfium2.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def build(store, viewer, period_id, kind, lang="id"):
    with store.session() as s:
        return report.build(session=s, viewer=viewer, period_id=period_id, kind=kind, lang=lang, zone=JAKARTA,
                            org_name="Pemerintah Kota Uji")


@SQLITE_ONLY
def test_the_excel_report_has_a_summary_a_sheet_per_section_and_raw_tables(store, city, admin, periods):
    _last, current = periods
    book = load_workbook(io.BytesIO(build(store, admin, current, "xlsx")))
    assert book.sheetnames == ["Ringkasan", "Peringkat", "Domain dan aspek", "Masalah utama", "Rekomendasi",
                               "Kesiapan TIK", "Isian indikator"]
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Laporan Monev TIK Tahun 2026"] is None
    assert summary["Indeks SPBE kota"] == pytest.approx(3.0) and summary["Predikat"] == "Baik"
    ranking = list(book["Peringkat"].iter_rows(values_only=True))
    assert ranking[0][:3] == ("Peringkat", "Kode", "Unit") and len(ranking) == 1 + len(city.units)
    places = [r[0] for r in ranking[1:] if r[0] is not None]
    assert places == list(range(1, len(places) + 1)) and len(places) < len(city.units)
    answers = list(book["Isian indikator"].iter_rows(values_only=True))
    assert len(answers) == 1 + 47 * len(city.units)


@SQLITE_ONLY
def test_report_cells_cannot_run_as_formulas(store, city, admin, periods):
    _last, current = periods
    with session_scope(store.engine) as s:
        update_unit(session=s, viewer=admin, unit_id=city.units["DINKES"],
                    data=UnitRow("DINKES", '=HYPERLINK("http://127.0.0.1/x","Dinkes")', "dinas", "Dinkes"))
    book = load_workbook(io.BytesIO(build(store, admin, current, "xlsx")))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value or "")]
    assert cells and all(c.value.startswith("=HYPERLINK(") and c.data_type == "s" and c.quotePrefix for c in cells)


def test_an_skpd_users_report_names_no_other_unit(store, city, admin, operator_a, periods):
    _last, current = periods
    own = city.subtree(UNIT_A)
    others = [code for code, unit_id in city.units.items() if unit_id not in own]
    names = {row.code: (row.name, row.short_name) for row in CITY}
    xlsx = all_cells(build(store, operator_a, current, "xlsx"))
    pdf_text = "\n".join(pdf_pages(build(store, operator_a, current, "pdf")))
    for text in (xlsx, pdf_text):
        assert "Kecamatan Klojen" in text and "Kelurahan Kauman" in text
        for code in others:
            assert code not in text and names[code][0] not in text and names[code][1] not in text
    admin_text = "\n".join(pdf_pages(build(store, admin, current, "pdf")))
    assert all(names[code][0] in admin_text for code in others)


@SQLITE_ONLY
def test_the_pdf_has_a_cover_a_summary_with_charts_and_a_page_per_unit(store, city, admin, periods):
    _last, current = periods
    data = build(store, admin, current, "pdf")
    pages = pdf_pages(data)
    assert "Laporan Monev TIK Tahun 2026" in pages[0] and "Pemerintah Kota Uji" in pages[0]
    assert "Ringkasan" in pages[1] and "Indeks SPBE kota" in pages[1]
    assert any("Rekomendasi" in p for p in pages)
    unit_pages = [p for p in pages if "Indikator terukur (Kesiapan TIK)" in p]
    assert len(unit_pages) == len(city.units)
    doc = pypdfium2.PdfDocument(data)
    ARTIFACTS.mkdir(exist_ok=True)
    for number in (0, 1, 2, len(doc) - 1):
        image = doc[number].render(scale=1.2).to_pil().convert("RGB")
        image.save(ARTIFACTS / f"report-page-{number + 1}.png")
        colours = image.getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 20, f"page {number + 1} looks blank"
    cover = doc[0].render(scale=0.5).to_pil().convert("RGB")
    r, g, b = cover.getpixel((cover.width // 2, 10))
    assert b > 120 and r < 60  # the blue cover band
    summary = doc[1].render(scale=0.5).to_pil().convert("RGB")
    assert any(summary.getpixel((x, y))[2] > 150 and summary.getpixel((x, y))[0] < 120
               for x in range(0, summary.width, 4) for y in range(summary.height // 3, summary.height, 4)), \
        "the summary page draws the domain chart"
    assert Path(ARTIFACTS / "report-page-2.png").stat().st_size > 10_000


@SQLITE_ONLY
def test_the_report_speaks_english_when_asked(store, city, admin, periods):
    _last, current = periods
    assert "ICT Monitoring and Evaluation Report 2026" in pdf_pages(build(store, admin, current, "pdf", "en"))[0]
    assert load_workbook(io.BytesIO(build(store, admin, current, "xlsx", "en"))).sheetnames[0] == "Summary"


def test_a_city_assessment_not_filled_in_says_so_in_the_headline_and_draws_no_empty_chart(env, store, city, admin):
    """Rule: a headline is never blank and a chart is never drawn empty: with Kominfo's assessment only
    partly filled in, the card says "belum lengkap", the basis counts the indicators with a level, and the
    aspects chart is replaced by a sentence on the page and in the annual report."""
    period = new_period(store, admin, 2026)
    fw = framework_of(store, period)
    half = {n: 3 for n in sorted(fw.numbers())[:12]}
    with session_scope(store.engine) as s:
        assessment.save_answers(session=s, viewer=admin, period_id=period, unit_id=None, answers=[
            assessment.AnswerInput(n, lv, "SK", source="Hasil" if fw.indicator(n).external else "")
            for n, lv in half.items()])
    with store.session() as s:
        head = leadership.overview(session=s, viewer=admin, period_id=period, zone=JAKARTA).city.headline
        pdf = report.build(session=s, viewer=admin, period_id=period, kind="pdf", lang="id", zone=JAKARTA,
                           org_name="Kota Uji")
    assert (head.value, head.filled, head.of, head.verified) == (None, 12, 20, 0)
    basis = report.basis_text(head, "id")
    assert basis.startswith("Belum ada angka: 12 dari 20 indikator")
    at = open_page("pimpinan", "overview")
    assert_clean(at)
    assert next(m for m in at.metric if m.label == "Indeks Pemdi kota").value == "belum lengkap"
    assert basis in texts(at)
    assert "Belum ada nilai per aspek" in texts(at)
    summary = " ".join(pypdfium2.PdfDocument(pdf)[1].get_textpage().get_text_range().split())
    assert "belum lengkap" in summary and "Belum ada nilai per aspek" in summary


def test_the_annual_pdf_tells_its_progress_page_by_page(store, city, admin):
    """Long work says what it is doing: the report's progress rises to the end and names each unit's page."""
    evaluated_city(store, city, admin)
    heard: list[tuple[float, str]] = []
    with store.session() as s:
        period = leadership.overview(session=s, viewer=admin, period_id=1, zone=JAKARTA).period
        report.build(session=s, viewer=admin, period_id=period.id, kind="pdf", lang="id", zone=JAKARTA,
                     org_name="Kota Uji", progress=lambda share, text: heard.append((share, text)))
    shares = [share for share, _ in heard]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] > 0.9
    pages = [text for _, text in heard if text.startswith("Halaman unit")]
    assert len(pages) == len(city.units)
    assert pages[-1].startswith(f"Halaman unit {len(city.units)} dari {len(city.units)}: ")
