"""SPBE self-assessment workflow: who may edit or verify at each step, evidence files, closed periods."""

import io

import pytest
from fpdf import FPDF
from sqlalchemy import select

from core.errors import ImportRejected, NotFound, PermissionDenied, ValidationError
from core.evaluation import assessment, frameworks, lifecycle, periods
from db.engine import session_scope
from db.models import AuditLog
from tests.evaluation import answers, assess, new_period
from tests.monitoring import JAKARTA


def pdf_bytes() -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=12)
    doc.cell(0, 10, "SK Arsitektur SPBE")
    return bytes(doc.output())


def status_of(store, viewer, period_id, unit_id):
    with store.session() as s:
        return assessment.assessment_view(session=s, viewer=viewer, period_id=period_id, unit_id=unit_id).status


def test_the_unit_fills_in_submits_and_kominfo_verifies_with_a_different_level(store, city, admin, operator_a):
    period = new_period(store, admin, framework="spbe-2020")
    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=klojen,
                                answers=answers(3)[:40])
    with store.session() as s, pytest.raises(ImportRejected) as refused:
        assessment.submit(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
    assert sorted(p.row for p in refused.value.problems) == list(range(41, 48))  # says which are missing
    assert status_of(store, operator_a, period, klojen) == "draft"

    assessment_id = assess(store, operator_a, period, klojen, level={1: 4})
    assert status_of(store, operator_a, period, klojen) == "submitted"
    with store.session() as s, pytest.raises(PermissionDenied) as locked:
        assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=klojen, answers=answers(5))
    assert locked.value.key == "evaluation.locked"

    with store.session() as s, pytest.raises(ImportRejected) as no_reason:
        assessment.verify(session=s, viewer=admin, assessment_id=assessment_id, corrections={1: (2, "")})
    assert [(p.row, p.key) for p in no_reason.value.problems] == [(1, "evaluation.reason_required_level")]
    with session_scope(store.engine) as s:
        assessment.verify(session=s, viewer=admin, assessment_id=assessment_id,
                          corrections={1: (2, "SK belum ditandatangani")})
    with store.session() as s:
        view = assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
        actions = [e.action for e in s.scalars(select(AuditLog).where(AuditLog.table_name == "assessment",
                                                                    AuditLog.row_id == assessment_id)
                                               .order_by(AuditLog.id))]
    assert view.status == "verified"
    assert view.answers[1].level == 4 and view.answers[1].verified_level == 2
    assert view.index(verified=False).aspects["A1"] == pytest.approx((4 + 3 * 9) / 10)
    assert view.index(verified=True).aspects["A1"] == pytest.approx((2 + 3 * 9) / 10)
    assert actions == ["create", "submit", "verify"]


def test_kominfo_returns_with_a_reason_and_the_unit_may_edit_again(store, city, admin, operator_a):
    period = new_period(store, admin, framework="spbe-2020")
    klojen = city.units["KEC-KLOJEN"]
    assessment_id = assess(store, operator_a, period, klojen)
    with store.session() as s, pytest.raises(ValidationError):
        assessment.return_assessment(session=s, viewer=admin, assessment_id=assessment_id, reason="  ")
    with session_scope(store.engine) as s:
        assessment.return_assessment(session=s, viewer=admin, assessment_id=assessment_id,
                                     reason="Bukti indikator 8 belum ada")
    with session_scope(store.engine) as s:
        view = assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
        assert (view.status, view.assessment.note, view.can_edit) == ("returned", "Bukti indikator 8 belum ada", True)
        assert assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=klojen,
                                       answers=answers(4)[:1]) == 1
        assessment.submit(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
    assert status_of(store, operator_a, period, klojen) == "submitted"


@pytest.mark.parametrize(("who", "unit", "allowed"), [
    ("op_a", "KEC-KLOJEN", True), ("op_a", "KEL-KAUMAN", True),  # a kecamatan fills in for its kelurahan
    ("op_a", "DINKES", False), ("op_b", "KEC-KLOJEN", False), ("pimpinan", "DINKES", False),
    ("presenter", "DINKES", False), ("admin", "DINKES", True),
    ("op_a", None, False), ("pimpinan", None, False), ("admin", None, True),  # the city's own: Kominfo only
])
def test_who_may_fill_in_a_draft(store, city, admin, who, unit, allowed):
    period = new_period(store, admin, framework="spbe-2020")
    viewer, unit_id = city.viewers[who], city.units.get(unit)
    with session_scope(store.engine) as s:
        if allowed:
            assert assessment.save_answers(session=s, viewer=viewer, period_id=period, unit_id=unit_id,
                                           answers=answers(2)[:3]) == 3
        else:
            with pytest.raises((PermissionDenied, NotFound)):
                assessment.save_answers(session=s, viewer=viewer, period_id=period, unit_id=unit_id,
                                        answers=answers(2)[:3])


@pytest.mark.parametrize("who", ["op_a", "op_b", "pimpinan", "presenter"])
def test_only_kominfo_verifies_or_returns(store, city, admin, operator_a, who):
    period = new_period(store, admin, framework="spbe-2020")
    assessment_id = assess(store, operator_a, period, city.units["KEC-KLOJEN"])
    viewer = city.viewers[who]
    with store.session() as s:
        with pytest.raises(PermissionDenied):
            assessment.verify(session=s, viewer=viewer, assessment_id=assessment_id)
        with pytest.raises(PermissionDenied):
            assessment.return_assessment(session=s, viewer=viewer, assessment_id=assessment_id, reason="x")
    assert status_of(store, admin, period, city.units["KEC-KLOJEN"]) == "submitted"


def test_a_draft_cannot_be_verified_and_a_closed_period_changes_no_more(store, city, admin, operator_a):
    period = new_period(store, admin, framework="spbe-2020")
    klojen, kauman = city.units["KEC-KLOJEN"], city.units["KEL-KAUMAN"]
    draft_id = assess(store, operator_a, period, kauman, submit=False)
    with store.session() as s, pytest.raises(ValidationError):
        assessment.verify(session=s, viewer=admin, assessment_id=draft_id)
    submitted_id = assess(store, operator_a, period, klojen)
    with session_scope(store.engine) as s:
        lifecycle.close_period(session=s, viewer=admin, period_id=period, zone=JAKARTA)
    with store.session() as s:
        with pytest.raises(PermissionDenied) as closed:
            assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=kauman, answers=answers())
        assert closed.value.key == "evaluation.period_closed"
        with pytest.raises(PermissionDenied):
            assessment.verify(session=s, viewer=admin, assessment_id=submitted_id)
        with pytest.raises(PermissionDenied):
            assessment.save_answers(session=s, viewer=admin, period_id=period, unit_id=None, answers=answers())


def test_bad_answers_are_refused_whole_saying_which_indicator_and_column(store, city, admin, operator_a):
    period = new_period(store, admin, framework="spbe-2020")
    klojen = city.units["KEC-KLOJEN"]
    bad = [assessment.AnswerInput(1, 3, "ok"), assessment.AnswerInput(2, 7, "x"),
           assessment.AnswerInput(3, 2, "x", ["javascript:alert(1)"]), assessment.AnswerInput(48, 1, "x")]
    with store.session() as s, pytest.raises(ImportRejected) as refused:
        assessment.save_answers(session=s, viewer=operator_a, period_id=period, unit_id=klojen, answers=bad)
    # Columns are named as the user reads them, never by internal key.
    assert {(p.row, p.column_label("id"), p.key) for p in refused.value.problems} == {
        (2, "Level", "evaluation.level_invalid"), (3, "Tautan bukti", "evaluation.link_invalid"),
        (48, "Indikator", "evaluation.indicator_unknown")}
    with store.session() as s:
        assert assessment.assessment_view(session=s, viewer=operator_a, period_id=period,
                                          unit_id=klojen).answers == {}


def test_evidence_is_type_checked_size_limited_and_kept_to_its_unit(store, city, admin, operator_a, operator_b):
    period = new_period(store, admin, framework="spbe-2020")
    klojen = city.units["KEC-KLOJEN"]
    with session_scope(store.engine) as s:
        evidence_id = assessment.add_evidence(session=s, viewer=operator_a, period_id=period, unit_id=klojen,
                                              indicator=1, filename="C:\\dokumen\\sk-arsitektur.pdf",
                                              data=pdf_bytes())
    with store.session() as s:
        name, content_type, data = assessment.evidence_file(session=s, viewer=admin, evidence_id=evidence_id)
        assert (name, content_type, data[:5]) == ("sk-arsitektur.pdf", "application/pdf", b"%PDF-")
        with pytest.raises(NotFound):
            assessment.evidence_file(session=s, viewer=operator_b, evidence_id=evidence_id)
        with pytest.raises(NotFound):
            assessment.remove_evidence(session=s, viewer=operator_b, evidence_id=evidence_id)
        for filename, data, key in [
            ("bukti.pdf", b"MZ\x90\x00 not a pdf", "evaluation.evidence_type"),
            ("bukti.exe", pdf_bytes(), "evaluation.evidence_type"),
            ("besar.pdf", b"%PDF-" + b"0" * assessment.MAX_EVIDENCE_BYTES, "evaluation.evidence_too_large"),
            ("kosong.pdf", b"", "evaluation.evidence_empty"),
        ]:
            with pytest.raises(ValidationError) as refused:
                assessment.add_evidence(session=s, viewer=operator_a, period_id=period, unit_id=klojen,
                                        indicator=1, filename=filename, data=data)
            assert refused.value.key == key and refused.value.params["filename"] == filename
        with pytest.raises(NotFound):
            assessment.add_evidence(session=s, viewer=operator_b, period_id=period, unit_id=klojen, indicator=1,
                                    filename="x.pdf", data=pdf_bytes())
    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4), "white").save(png, format="PNG")
    with session_scope(store.engine) as s:
        assessment.add_evidence(session=s, viewer=operator_a, period_id=period, unit_id=klojen, indicator=25,
                                filename="foto.png", data=png.getvalue())
        assessment.remove_evidence(session=s, viewer=operator_a, evidence_id=evidence_id)
    with store.session() as s:
        view = assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=klojen)
    assert [(e.indicator, e.filename) for e in view.evidence] == [(25, "foto.png")]


def test_skpd_cannot_open_another_units_assessment(store, city, admin, operator_a, operator_b):
    period = new_period(store, admin, framework="spbe-2020")
    assess(store, operator_b, period, city.units["DINKES"])
    with store.session() as s:
        with pytest.raises(NotFound):
            assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=city.units["DINKES"])
        # the city government's assessment is Kominfo's: a unit's operator may not open it (the page never
        # offered it; core now refuses it too)
        with pytest.raises(PermissionDenied):
            assessment.assessment_view(session=s, viewer=operator_a, period_id=period, unit_id=None)


def test_periods_are_unique_per_year_and_start_with_the_previous_rules(store, city, admin):
    from core.evaluation import readiness

    first = new_period(store, admin, 2025)
    with session_scope(store.engine) as s:
        readiness.save_rules(session=s, viewer=admin, period_id=first,
                             rules={"availability": {"thresholds": [90, 95, 97, 99], "weight": 3}})
    second = new_period(store, admin, 2026)
    with store.session() as s:
        assert readiness.rules_for(s, second)["availability"] == {"thresholds": [90, 95, 97, 99], "weight": 3}
        with pytest.raises(ValidationError):
            lifecycle.create_period(session=s, viewer=admin, year=2026)
        assert [p.year for p in periods.list_periods(session=s, viewer=admin)] == [2026, 2025]


def test_indicator_level_names_follow_their_scale():
    spbe, pemdi = frameworks.reference("spbe-2020"), frameworks.reference("pemdi-2026")
    assert spbe.level_name(spbe.indicator(1), 1) == "Rintisan"
    assert spbe.level_name(spbe.indicator(42), 3) == "Transaksi"
    assert spbe.level_name(spbe.indicator(42), 3, "en") == "Transaction"
    assert [pemdi.level_name(pemdi.indicator(19), lv) for lv in frameworks.LEVELS] == [
        "Merintis", "Membangun", "Berkembang", "Melembaga", "Unggul"]


@pytest.mark.parametrize("code", [frameworks.PEMDI, frameworks.SPBE])
def test_every_level_of_every_indicator_reads_in_english_for_an_english_reader(code):
    """Issue 29 (15): an English reader reads what each level means in English, indicator by indicator."""
    framework = frameworks.reference(code)
    for node in framework.indicators():
        own, english = framework.level_descriptions(node, "id"), framework.level_descriptions(node, "en")
        assert len(own) == len(english) == 5, node.number
        for level, (said, read) in enumerate(zip(own, english, strict=True), start=1):
            assert read.strip() and read != said, (node.number, level)
            assert node.name not in read, (node.number, level)  # English words, not the Indonesian name
    # Each indicator its own text: no two indicators read the same for a level.
    assert len({framework.level_descriptions(n, "en")[2] for n in framework.indicators()}) == len(
        framework.indicators())


def test_a_framework_stored_before_english_came_reads_its_levels_in_english():
    """A stored framework holds the Indonesian it was stored with; an English reader reads the shipped English of
    it (the general wording of older stores too), and an admin's own Indonesian until the admin adds English."""
    doc = frameworks.shipped()[frameworks.SPBE]
    nodes = [{k: v for k, v in n.items() if k != "descriptions_en"} for n in doc["nodes"]]
    nodes[-1] = {**nodes[-1], "descriptions": list(frameworks.LEVEL_DESCRIPTIONS["layanan"])}  # an older store's text
    nodes[-2] = {**nodes[-2], "descriptions": ["Rumusan admin sendiri"] * 5}
    stored = frameworks.from_document({**doc, "nodes": nodes})
    first, older, own = stored.indicator(1), stored.indicator(47), stored.indicator(46)
    assert stored.level_descriptions(first, "en") == frameworks.reference(frameworks.SPBE).level_descriptions(
        frameworks.reference(frameworks.SPBE).indicator(1), "en")
    assert stored.level_descriptions(older, "en")[2] == "The service allows a full electronic transaction."
    assert stored.level_descriptions(own, "en") == ("Rumusan admin sendiri",) * 5
