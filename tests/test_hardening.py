"""Smaller holes closed: templates never carry formulas, ids are parsed strictly, names hold no control
characters, evidence names and Office files are checked for what they are, and the government-wide
assessment is read only by the roles that may open it."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from core.errors import ImportRejected, PermissionDenied, ValidationError
from core.evaluation import assessment
from core.inventory import lists
from core.inventory.kinds import DEVICE
from core.org.units import UnitRow, create_unit
from core.records import roundtrip
from db.engine import session_scope
from tests.apptest import app, assert_clean
from tests.evaluation import new_period
from tests.inventory import add, device_cells


def test_a_template_writes_admin_typed_list_entries_as_text_never_as_formulas(store, city, admin):
    with session_scope(store.engine) as s:
        lists.save_list(session=s, viewer=admin, name="category",
                        rows=[{"code": "evil", "name": '=HYPERLINK("http://127.0.0.1/x","klik")', "useful_life_years": 4}])
        book = load_workbook(io.BytesIO(roundtrip.template(session=s, viewer=admin, kind=DEVICE)))
    cells = [c for row in book["Daftar"].iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" and c.quotePrefix and str(c.value).startswith("=") for c in cells)


def test_a_target_id_that_is_not_plain_digits_opens_the_page_on_the_first_target(env, store, city, admin):
    from tests.monitoring import add_target

    add_target(store, admin, city.units["DINKES"], name="Router", kind="ping")
    at = app("admin")
    at.query_params["id"] = "²"
    at.switch_page("pages/monitoring/target.py").run()
    assert_clean(at)


@pytest.mark.parametrize("name", ["Dinas\x00Baru", "Dinas\x07Baru", "Dinas\x1bBaru"])
def test_names_with_control_characters_are_refused(store, city, admin, name):
    with session_scope(store.engine) as s, pytest.raises(ValidationError) as caught:
        create_unit(session=s, viewer=admin, data=UnitRow("DINAS-X", name, "dinas"))
    assert caught.value.key == "text.control_character"
    with pytest.raises(ImportRejected) as rejected:
        add(store, admin, DEVICE, device_cells("DINKES", "SN-1", location=name))
    assert [p.key for p in rejected.value.problems] == ["cell.control_character"]


def evidence(store, viewer, period, unit_id, filename, data):
    with session_scope(store.engine) as s:
        return assessment.add_evidence(session=s, viewer=viewer, period_id=period, unit_id=unit_id, indicator=1,
                                       filename=filename, data=data)


def office(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_long_evidence_name_is_refused_for_its_length_not_its_type(store, city, admin):
    period = new_period(store, admin, framework="spbe-2020")
    with pytest.raises(ValidationError) as caught:
        evidence(store, admin, period, city.units["DINKES"], "Laporan " + "x" * 240 + ".pdf", b"%PDF-1.4 x")
    assert caught.value.key == "evaluation.evidence_name_long" and caught.value.params["limit"] == 200
    with pytest.raises(ValidationError) as caught:
        evidence(store, admin, period, city.units["DINKES"], "SK\x00.pdf", b"%PDF-1.4 x")
    assert caught.value.key == "text.control_character"


def test_office_files_are_checked_for_what_they_hold(store, city, admin):
    period = new_period(store, admin, framework="spbe-2020")
    unit = city.units["DINKES"]
    docx = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert evidence(store, admin, period, unit, "SK.docx", docx)
    with pytest.raises(ValidationError) as caught:
        evidence(store, admin, period, unit, "tagihan.docx", office({"[Content_Types].xml": b"<Types/>",
                                                                  "word/document.xml": b"<w:document/>",
                                                                  "word/setup.exe": b"MZ\x90\x00"}))
    assert caught.value.key == "evaluation.evidence_runnable"
    with pytest.raises(ValidationError) as caught:  # a zip that is no Word document at all
        evidence(store, admin, period, unit, "SK.docx", office({"setup.exe": b"MZ\x90\x00"}))
    assert caught.value.key == "evaluation.evidence_type"
    with pytest.raises(ValidationError) as caught:  # a workbook wearing a Word document's name
        evidence(store, admin, period, unit, "SK.docx", office({"[Content_Types].xml": b"<Types/>",
                                                              "xl/workbook.xml": b"<workbook/>"}))
    assert caught.value.key == "evaluation.evidence_type"


def test_the_government_wide_assessment_is_read_by_admin_and_leadership_only(store, city, admin, pimpinan,
                                                                            operator_a, presenter):
    period = new_period(store, admin, framework="spbe-2020")
    with store.session() as s:
        for viewer in (admin, pimpinan):
            assert assessment.assessment_view(session=s, viewer=viewer, period_id=period, unit_id=None).unit_id is None
        for viewer in (operator_a, presenter):
            with pytest.raises(PermissionDenied):
                assessment.assessment_view(session=s, viewer=viewer, period_id=period, unit_id=None)
