"""Evaluation under PermenPANRB 8/2026: periods pinned to a framework, frameworks frozen with their periods,
outside agencies' indicators, indicator owners with per-indicator verification, the queue, and pages that
say Pemdi (never SPBE) for a Pemdi period."""

import pytest
from sqlalchemy import select, text

from core.errors import ImportRejected, NotFound, PermissionDenied
from core.evaluation import assessment, frameworks, leadership, lifecycle, owners
from core.evaluation.periods import get_period
from db.engine import make_engine, session_scope
from db.evaluation import Assessment, EvaluationPeriod
from db.migrate import alembic_config
from tests.apptest import assert_clean, frames, open_page, texts
from tests.evaluation import answers, assess, evaluated_city, new_period
from tests.monitoring import JAKARTA

PEMDI = frameworks.reference(frameworks.PEMDI)


def test_a_period_takes_the_framework_in_force_that_year_and_keeps_it(store, admin):
    with session_scope(store.engine) as s:
        old = lifecycle.create_period(session=s, viewer=admin, year=2025)
        new = lifecycle.create_period(session=s, viewer=admin, year=2026)
        chosen = lifecycle.create_period(session=s, viewer=admin, year=2027, framework="spbe-2020")
        assert (old.framework, new.framework, chosen.framework) == ("spbe-2020", "pemdi-2026", "spbe-2020")
        with pytest.raises(NotFound):
            lifecycle.create_period(session=s, viewer=admin, year=2028, framework="spbe-1999")


def test_the_migration_keeps_answered_periods_on_the_framework_they_were_answered_on(tmp_path):
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    config = alembic_config(engine)
    command.upgrade(config, "0009")
    with engine.begin() as conn:
        for pid, year in ((1, 2025), (2, 2026), (3, 2027)):
            conn.execute(text("INSERT INTO evaluation_period (id, year, status, city_method) "
                              f"VALUES ({pid}, {year}, 'open', 'kominfo')"))
        conn.execute(text("INSERT INTO assessment (id, period_id, unit_id, status, note, submitted_by, verified_by, "
                          "updated_at) VALUES (1, 2, NULL, 'draft', '', '', '', '2026-05-01 00:00:00')"))
        conn.execute(text("INSERT INTO assessment_answer (assessment_id, indicator, level, justification, links, "
                          "verify_reason) VALUES (1, 47, 3, 'x', '[]', '')"))  # an SPBE-only indicator
    command.upgrade(config, "head")
    with engine.connect() as conn:
        pinned = dict(conn.execute(text("SELECT year, framework FROM evaluation_period")).all())
    assert pinned == {2025: "spbe-2020", 2026: "spbe-2020", 2027: "pemdi-2026"}


def test_a_framework_is_corrected_until_a_period_uses_it_then_frozen(store, admin, operator_a):
    with session_scope(store.engine) as s:
        frameworks.ensure_shipped(s)
    doc = PEMDI.document()
    doc["nodes"][0]["name"] = "Tata Kelola dan Manajemen Pemerintah Digital"
    with session_scope(store.engine) as s:
        with pytest.raises(PermissionDenied):
            frameworks.edit(session=s, viewer=operator_a, code=frameworks.PEMDI, document=doc)
        broken = {**doc, "nodes": [{**doc["nodes"][0], "weight": 12}, *doc["nodes"][1:]]}
        with pytest.raises(ImportRejected) as refused:
            frameworks.edit(session=s, viewer=admin, code=frameworks.PEMDI, document=broken)
        assert {p.key for p in refused.value.problems} == {"framework.weights_differ", "framework.weights_not_100"}
        frameworks.edit(session=s, viewer=admin, code=frameworks.PEMDI, document=doc)
    with session_scope(store.engine) as s:
        assert frameworks.get(s, frameworks.PEMDI).aspects()["A1"].name == "Tata Kelola dan Manajemen Pemerintah Digital"
    new_period(store, admin, 2026)
    with session_scope(store.engine) as s, pytest.raises(PermissionDenied) as frozen:
        frameworks.edit(session=s, viewer=admin, code=frameworks.PEMDI, document=PEMDI.document())
    assert "2026" in frozen.value.message("id")


def test_a_unit_cannot_score_an_outside_agencys_indicator_and_takes_the_city_record_of_it(store, city, admin,
                                                                                          operator_a):
    period = new_period(store, admin, 2026)
    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s, pytest.raises(ImportRejected) as refused:
        assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=klojen,
                                answers=[assessment.AnswerInput(7, 4, "kami menilai sendiri")])
    assert [(p.row, p.key) for p in refused.value.problems] == [(7, "evaluation.external_indicator")]
    with session_scope(store.engine) as s, pytest.raises(ImportRejected) as refused:  # the admin needs a source
        assessment.save_answers(session=s, viewer=admin, period_id=period, unit_id=None,
                                answers=[assessment.AnswerInput(7, 2, "")])
    assert [(p.row, p.key) for p in refused.value.problems] == [(7, "evaluation.source_missing")]
    assess(store, operator_a, period, klojen, level=4, submit=True)  # 15 own indicators at 4, submitted
    with session_scope(store.engine) as s:
        unit_view = assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
        assert unit_view.status == "submitted" and unit_view.index(verified=False).overall is None  # 5 unknown yet
        assessment.save_answers(session=s, viewer=admin, period_id=period, unit_id=None, answers=[
            assessment.AnswerInput(n, 2, "", source=f"Laporan {n} 2026") for n in (5, 6, 7, 12, 18)])
    with session_scope(store.engine) as s:
        unit_view = assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
        result = unit_view.index(verified=False)
    # A3 = (5·2 + 3·2 + 3·2 + 4·4)/15; A4 = (4·4 + 4·4 + 3·4 + 4·2)/15; A6 = (4·4 + 4·4 + 4·4 + 3·2)/15
    assert result.aspects["A3"] == pytest.approx(38 / 15) and result.aspects["A4"] == pytest.approx(52 / 15)
    expected = (10 * 4 + 10 * 4 + 38 + 52 + 10 * 4 + 54 + 25 * 4) / 100
    assert result.overall == pytest.approx(expected)
    assert {n: a.source for n, a in unit_view.external.items()}[7] == "Laporan 7 2026"


@pytest.fixture
def owned(store, city, admin):
    """A 2026 Pemdi period whose indicators 1–2 Diskominfo owns (Dinkes contributes to 2) and 3 Dinkes owns."""
    period = new_period(store, admin, 2026)
    kominfo, dinkes = city.units["DISKOMINFO"], city.units["DINKES"]
    with session_scope(store.engine) as s:
        assert owners.assign(session=s, viewer=admin, period_id=period,
                             owners={1: (kominfo, []), 2: (kominfo, [dinkes]), 3: (dinkes, [])}) == 3
    return period


def test_only_an_admin_assigns_owners_and_a_bad_unit_is_refused(store, city, admin, operator_b, owned):
    with session_scope(store.engine) as s:
        with pytest.raises(PermissionDenied):
            owners.assign(session=s, viewer=operator_b, period_id=owned, owners={4: (city.units["DINKES"], [])})
        with pytest.raises(ImportRejected):
            owners.assign(session=s, viewer=admin, period_id=owned, owners={4: (99_999, [])})
        assert owners.assign(session=s, viewer=admin, period_id=owned, owners={3: (city.units["DINKES"], [])}) == 0


def test_an_owner_fills_only_its_indicators_and_sees_only_what_it_owns_or_contributes_to(store, city, admin,
                                                                                        operator_b, owned):
    with session_scope(store.engine) as s:
        view = assessment.assessment_view(session=s, viewer=operator_b, period_id=owned, unit_id=None)
        assert view.visible == {2, 3} and view.fillable == {3}
        with pytest.raises(ImportRejected) as refused:
            assessment.save_answers(session=s, viewer=operator_b, period_id=owned, unit_id=None,
                                    answers=[assessment.AnswerInput(2, 4, "bukan milik kami")])
        assert [(p.row, p.key) for p in refused.value.problems] == [(2, "owners.not_owner")]
        assessment.save_answers(session=s, viewer=operator_b, period_id=owned, unit_id=None,
                                answers=[assessment.AnswerInput(3, 3, "Rencana pengembangan SDM digital")])
        # A contributor adds evidence to indicator 2; nobody else's indicator takes its files.
        pdf = b"%PDF-1.4 contoh"
        assessment.add_evidence(session=s, viewer=operator_b, period_id=owned, unit_id=None, indicator=2,
                                filename="notulen.pdf", data=pdf)
        with pytest.raises(PermissionDenied):
            assessment.add_evidence(session=s, viewer=operator_b, period_id=owned, unit_id=None, indicator=1,
                                    filename="notulen.pdf", data=pdf)
        with pytest.raises(PermissionDenied):  # a unit never hands in the whole government's assessment
            assessment.submit(session=s, viewer=operator_b, period_id=owned, unit_id=None)
    with session_scope(store.engine) as s:
        view = assessment.assessment_view(session=s, viewer=operator_b, period_id=owned, unit_id=None)
        assert set(view.answers) == {3} and [e.indicator for e in view.evidence] == [2]
        rows = owners.progress(session=s, viewer=operator_b, period_id=owned)
        assert [r.number for r in rows] == [2, 3]


def test_a_unit_without_an_indicator_cannot_open_the_government_assessment(store, city, operator_a, owned):
    with session_scope(store.engine) as s, pytest.raises(PermissionDenied):
        assessment.assessment_view(session=s, viewer=operator_a, period_id=owned, unit_id=None)


def test_an_indicator_is_submitted_by_its_owner_then_verified_or_returned_by_kominfo(store, city, admin,
                                                                                   operator_b, owned):
    with session_scope(store.engine) as s:
        with pytest.raises(ImportRejected) as missing:  # nothing filled yet
            owners.submit_indicator(session=s, viewer=operator_b, period_id=owned, indicator=3)
        assert [p.key for p in missing.value.problems] == ["evaluation.level_missing"]
        assessment.save_answers(session=s, viewer=operator_b, period_id=owned, unit_id=None,
                                answers=[assessment.AnswerInput(3, 3, "Rencana pengembangan SDM digital")])
        owners.submit_indicator(session=s, viewer=operator_b, period_id=owned, indicator=3)
    with session_scope(store.engine) as s:
        # Submitted: locked for the owner until Kominfo returns it.
        assert 3 not in assessment.assessment_view(session=s, viewer=operator_b, period_id=owned, unit_id=None).fillable
        with pytest.raises(PermissionDenied):
            owners.verify_indicator(session=s, viewer=operator_b, period_id=owned, indicator=3)
        queue = owners.queue(session=s, viewer=admin, period_id=owned)
        assert [(w.kind, w.indicator, w.status) for w in queue] == [("indicator", 3, "submitted")]
        owners.return_indicator(session=s, viewer=admin, period_id=owned, indicator=3, reason="Lampirkan SK")
    with session_scope(store.engine) as s:
        row = next(r for r in owners.progress(session=s, viewer=admin, period_id=owned) if r.number == 3)
        assert (row.status, row.note) == ("returned", "Lampirkan SK")
        assert 3 in assessment.assessment_view(session=s, viewer=operator_b, period_id=owned, unit_id=None).fillable
        owners.submit_indicator(session=s, viewer=operator_b, period_id=owned, indicator=3)
        owners.verify_indicator(session=s, viewer=admin, period_id=owned, indicator=3)
    with session_scope(store.engine) as s:
        assert [w.status for w in owners.queue(session=s, viewer=admin, period_id=owned)] == ["verified"]


def test_the_queue_lists_unit_assessments_past_draft_oldest_first(store, city, admin, operator_a, operator_b):
    period = new_period(store, admin, 2026)
    assess(store, operator_b, period, city.units["DINKES"], level=3)
    assess(store, operator_a, period, city.units["KEC-KLOJEN"], level=3, submit=False)
    with session_scope(store.engine) as s:
        queue = owners.queue(session=s, viewer=admin, period_id=period)
        assert [(w.kind, w.unit, w.status) for w in queue] == [("assessment", "Dinkes", "submitted")]
        with pytest.raises(PermissionDenied):
            owners.queue(session=s, viewer=operator_b, period_id=period)


def test_history_across_frameworks_is_two_series_and_no_change_is_computed_between_them(store, city, admin):
    last, current = evaluated_city(store, city, admin, framework=None)  # 2025 on SPBE, 2026 on Pemdi
    with session_scope(store.engine) as s:
        assert (get_period(s, last).framework, get_period(s, current).framework) == ("spbe-2020", "pemdi-2026")
        view = leadership.overview(session=s, viewer=admin, period_id=current, zone=JAKARTA)
    series = {p["series"]: p for p in view.trend if p.get("framework")}
    assert set(series) == {"city_index:spbe-2020", "city_index:pemdi-2026"}
    assert series["city_index:pemdi-2026"]["band"].maturity == "Berkembang"  # every Kominfo answer at level 3
    assert view.framework.code == "pemdi-2026" and view.city_previous.framework.code == "spbe-2020"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_pemdi_period_never_says_spbe_on_its_pages(env, store, city, admin, lang):
    from core.org import users

    evaluated_city(store, city, admin, framework=None)
    with session_scope(store.engine) as s:
        for username in ("admin", "op_a"):
            users.set_language(session=s, viewer=city.viewers[username], language=lang)
    for username, key in (("admin", "overview"), ("admin", "assessment"), ("op_a", "overview"),
                          ("op_a", "assessment"), ("admin", "verification")):
        at = open_page(username, key)
        assert_clean(at)
        shown = texts(at) + "\n" + frames(at)
        # Only the history may name the 2025 period's own framework, on that period's own line.
        spbe = [line for line in shown.splitlines() if "SPBE" in line and "2025" not in line]
        assert ("Pemdi" in shown or key == "verification") and spbe == [], (username, key, spbe[:5])


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_owner_fills_and_submits_its_indicator_through_the_page(env, store, city, admin, owned):
    at = open_page("op_b", "assessment")
    at.selectbox(key="assessment_unit").select_index(0).run()
    assert_clean(at)
    pick = at.selectbox(key=f"assessment_pick_{owned}_None")
    assert pick.options == [f"2. {PEMDI.indicator(2).name} — belum berlevel",
                            f"3. {PEMDI.indicator(3).name} — belum berlevel"]
    pick.set_value(2).run()
    assert not at.radio  # a contributor's indicator: evidence only
    pick = at.selectbox(key=f"assessment_pick_{owned}_None").set_value(3).run()
    field = f"{owned}_None_3"
    at.radio(key=f"ind_level_{field}").set_value(4)
    at.text_area(key=f"ind_reason_{field}").input("Rencana pengembangan kompetensi digital ditetapkan")
    at.button(key="assessment_save_one").click().run()
    assert_clean(at)
    at.button(key="owner_submit").click().run()
    assert_clean(at)
    assert "Indikator 3 diajukan ke Kominfo." in texts(at)
    with store.session() as s:
        row = next(r for r in owners.progress(session=s, viewer=admin, period_id=owned) if r.number == 3)
    assert (row.status, row.level) == ("submitted", 4)
    at = open_page("admin", "verification")
    assert_clean(at)
    assert "Dinkes" in frames(at) and "Menunggu verifikasi 1" in texts(at)


def test_the_unit_index_and_its_submit_leave_outside_indicators_to_the_city(store, city, admin, operator_a):
    period = new_period(store, admin, 2026)
    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=klojen,
                                answers=answers(3, framework=PEMDI, unit=True))
        assessment.submit(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
        status = s.scalar(select(Assessment.status).where(Assessment.unit_id == klojen))
        years = list(s.scalars(select(EvaluationPeriod.year)))
    assert status == "submitted" and years == [2026]


def _staff(store, admin, unit_code: str, name: str, city):
    from core.inventory.kinds import STAFF
    from core.records import save

    with session_scope(store.engine) as s:
        save.save_records(session=s, viewer=admin, kind=STAFF, changes=[save.Change(1, {
            "unit": unit_code, "name": name, "employment": "Non-ASN", "competence_aplikasi": "Menengah"})])


def test_generated_evidence_holds_the_units_own_records_and_is_attached_in_one_click(store, city, admin,
                                                                                   operator_a):
    import io

    from openpyxl import load_workbook

    from core.evaluation import evidence

    period = new_period(store, admin, 2026)
    klojen = city.units["KEC-KLOJEN"]
    _staff(store, admin, "KEC-KLOJEN", "Budi Santoso", city)
    _staff(store, admin, "DINKES", "Siti Rahma", city)
    kwargs = dict(period_id=period, indicator=3, kind="staff", lang="id", zone=JAKARTA, org_name="Kota Uji")
    with session_scope(store.engine) as s:
        doc = evidence.document(session=s, viewer=operator_a, unit_id=klojen, **kwargs)
        listed = {row[1] for section in doc.sections for row in section.rows if len(row) == 5}
        assert "Budi Santoso" in listed and "Siti Rahma" not in listed
        assert ("Indikator", f"3. {PEMDI.indicator(3).name}") in doc.facts
        with pytest.raises(NotFound):  # another unit's records
            evidence.document(session=s, viewer=operator_a, unit_id=city.units["DINKES"], **kwargs)
        with pytest.raises(PermissionDenied):  # the whole city's: Kominfo and leadership only
            evidence.document(session=s, viewer=operator_a, unit_id=None, **kwargs)
        with pytest.raises(NotFound):  # indicator 1 is not one the app measures
            evidence.document(session=s, viewer=operator_a, unit_id=klojen, **{**kwargs, "indicator": 1})
        name, data = evidence.generate(session=s, viewer=admin, unit_id=None, fmt="xlsx", **kwargs)
        cells = {str(v) for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows(values_only=True)
                 for v in row if v is not None}
        assert name.startswith("bukti-03-staff-") and {"Budi Santoso", "Siti Rahma"} <= cells
        attached = evidence.attach(session=s, viewer=operator_a, unit_id=klojen, fmt="pdf", **kwargs)
    with session_scope(store.engine) as s:
        view = assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
        assert [(e.indicator, e.filename) for e in view.evidence] == [(3, attached)]
        _, kind, data = assessment.evidence_file(session=s, viewer=operator_a, evidence_id=view.evidence[0].id)
    assert kind == "application/pdf" and data.startswith(b"%PDF-")


def test_the_national_workbook_lists_every_indicator_in_order_with_owner_level_source_and_evidence(
        store, city, admin, pimpinan, operator_a, owned):
    import io

    from openpyxl import load_workbook

    from core.evaluation import national

    with session_scope(store.engine) as s:
        assessment.save_answers(session=s, viewer=admin, period_id=owned, unit_id=None, answers=[
            assessment.AnswerInput(1, 4, "=HYPERLINK(\"http://evil\")", ["https://jdih.malangkota.go.id/sk-1"]),
            assessment.AnswerInput(7, 2, "", source="Hasil EPSS 2026")])
        assessment.add_evidence(session=s, viewer=admin, period_id=owned, unit_id=None, indicator=1,
                                filename="sk-tata-kelola.pdf", data=b"%PDF-1.4 sk")
        with pytest.raises(PermissionDenied):
            national.workbook(session=s, viewer=operator_a, period_id=owned, lang="id", zone=JAKARTA)
        data = national.workbook(session=s, viewer=pimpinan, period_id=owned, lang="id", zone=JAKARTA)
    book = load_workbook(io.BytesIO(data))
    rows = list(book["Indikator"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == list(range(1, 21))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Level"] == 4 and first["Unit penanggung jawab"] == "Dinas Komunikasi dan Informatika"
    assert first["Penjelasan"] == "=HYPERLINK(\"http://evil\")"  # shown as typed, and never a formula in Excel:
    justification = book["Indikator"].cell(row=2, column=rows[0].index("Penjelasan") + 1)
    assert justification.data_type == "s" and justification.quotePrefix
    assert first["Tautan bukti"] == "https://jdih.malangkota.go.id/sk-1" and first["Berkas"] == "sk-tata-kelola.pdf"
    seventh = dict(zip(rows[0], rows[7], strict=True))
    assert seventh["Penilai"].startswith("BPS") and seventh["Dokumen sumber"] == "Hasil EPSS 2026"
    assert "Indeks Pemdi" in str(list(book["Ringkasan"].iter_rows(values_only=True))[0][0])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_annual_report_of_a_pemdi_period_says_pemdi_in_both_files(store, city, admin, lang):
    import io

    import pypdfium2
    from openpyxl import load_workbook

    from core.evaluation import report

    _last, current = evaluated_city(store, city, admin, framework=None)
    with session_scope(store.engine) as s:
        xlsx = report.build(session=s, viewer=admin, period_id=current, kind="xlsx", lang=lang, zone=JAKARTA,
                            org_name="Kota Uji")
        pdf = report.build(session=s, viewer=admin, period_id=current, kind="pdf", lang=lang, zone=JAKARTA,
                           org_name="Kota Uji")
    cells = [str(v) for ws in load_workbook(io.BytesIO(xlsx)) for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    assert any("Pemdi" in c for c in cells) and not [c for c in cells if "SPBE" in c]
    doc = pypdfium2.PdfDocument(pdf)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(3))
    assert "Pemdi" in text and "SPBE" not in text


def test_processes_starting_together_store_the_shipped_frameworks_once(store):
    import threading

    from db.evaluation import EvaluationFramework

    errors, barrier = [], threading.Barrier(4)

    def start():
        try:
            with session_scope(store.engine) as s:
                barrier.wait(5)
                frameworks.ensure_shipped(s)
        except Exception as exc:  # noqa: BLE001 - what a worker starting beside others would die of
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with session_scope(store.engine) as s:
        codes = sorted(s.scalars(select(EvaluationFramework.code)))
    assert errors == [] and codes == ["pemdi-2026", "spbe-2020"]


def test_the_national_workbook_is_named_by_the_framework_family_and_the_year_once():
    import csv
    from pathlib import Path

    from core.evaluation import national

    path = Path(__file__).resolve().parent.parent / "db" / "reference" / "evaluation_frameworks.csv"
    codes = {row["framework"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    assert codes >= {"pemdi-2026", "spbe-2020"}
    for code in codes:
        for year in (2025, 2026, 2027):
            name = national.file_name(code, year)
            assert name.count(str(year)) == 1 and name.endswith(".xlsx"), name
            assert code.split("-")[0] in name
