"""The change history reads as sentences in the reader's language, with the labels the forms use:
never a table or column name, never an id where a unit's name belongs."""

import re

import pytest

from core import audit
from core.monitoring.targets import TargetCreate, update_target
from core.needs import budget, workflow
from core.needs.budget import Params
from core.org.units import UnitRow, update_unit
from db.engine import session_scope
from tests.apptest import open_page, shown
from tests.monitoring import JAKARTA, add_target
from tests.needs import NEXT_YEAR, add_needs, need_cells

RAW = re.compile(r"\b(need|scenario|short_name|parent_id|interval_s|timeout_s|funded|True|False)\b")  # Indonesian
COLUMNS = re.compile(r"\b(short_name|parent_id|interval_s|timeout_s|unit_id|True|False)\b")  # either language


def sentences(store, viewer, lang="id", **where) -> list[str]:
    with store.session() as s:
        return [line.text for line in audit.history(session=s, viewer=viewer, lang=lang, **where)]


def test_funding_a_need_in_an_adopted_scenario_reads_as_one_sentence(store, city, admin, pimpinan):
    [need] = add_needs(store, admin, need_cells("DINKES", "Laptop staf"))
    with session_scope(store.engine) as s:
        workflow.submit(session=s, viewer=admin, need_ids=[need])
        workflow.review(session=s, viewer=admin, need_ids=[need], decision="approved")
        scenario = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, name=f"APBD {NEXT_YEAR}",
                                        params=Params(ceiling=50_000_000))
        budget.adopt(session=s, viewer=pimpinan, scenario_id=scenario.id, zone=JAKARTA)
    said = sentences(store, admin, table="need", row_id=need)
    assert f"Kebutuhan 'Laptop staf' didanai dalam skenario 'APBD {NEXT_YEAR}' oleh pimpinan." in said
    assert "Kebutuhan 'Laptop staf' disetujui oleh admin." in said
    english = sentences(store, admin, "en", table="need", row_id=need)
    assert f"Need 'Laptop staf' funded in scenario 'APBD {NEXT_YEAR}' by pimpinan." in english
    assert not any(RAW.search(line) for line in said) and not any(COLUMNS.search(line) for line in english)


def test_a_need_sent_back_says_why(store, city, admin):
    [need] = add_needs(store, admin, need_cells("DINKES", "Server SIMPUS"))
    with session_scope(store.engine) as s:
        workflow.submit(session=s, viewer=admin, need_ids=[need])
        workflow.review(session=s, viewer=admin, need_ids=[need], decision="revised", reason="Gunakan VM Pusat Data")
    assert sentences(store, admin, table="need", row_id=need)[0] == (
        "Kebutuhan 'Server SIMPUS' dikembalikan untuk revisi oleh admin. Alasan: Gunakan VM Pusat Data")


def test_changed_fields_are_named_as_the_form_names_them_and_units_by_their_name(store, city, admin):
    target = add_target(store, admin, city.units["DINKES"], name="SIMPUS", port=80, interval_s=60)
    with session_scope(store.engine) as s:
        update_target(session=s, viewer=admin, target_id=target, data=TargetCreate(
            unit_id=city.units["DINKES"], name="SIMPUS", kind="tcp", host="127.0.0.1", port=443, interval_s=30,
            timeout_s=2.5))
        update_unit(session=s, viewer=admin, unit_id=city.units["KEL-SUKUN"], data=UnitRow(
            "KEL-SUKUN", "Kelurahan Sukun", "kelurahan", "Kel. Sukun Baru", "KEC-KLOJEN"))
    [changed] = [line for line in sentences(store, admin, table="target", row_id=target) if "diubah" in line]
    assert changed.startswith("Target 'SIMPUS' diubah oleh admin: ")
    assert "Port dari 80 menjadi 443" in changed and "Interval (detik) dari 60 menjadi 30" in changed
    assert "Batas waktu (detik) dari 1 menjadi 2,5" in changed
    english = [line for line in sentences(store, admin, "en", table="target", row_id=target) if "changed" in line][0]
    assert "Timeout" in english and "from 1 to 2.5" in english
    [unit] = [line for line in sentences(store, admin, table="unit", row_id=city.units["KEL-SUKUN"]) if "diubah" in line]
    assert unit == ("Unit 'Kelurahan Sukun' diubah oleh admin: Nama singkat dari 'Kel. Sukun' menjadi 'Kel. Sukun Baru'; "
                    "Induk dari Kec. Sukun menjadi Kec. Klojen.")
    assert not RAW.search(changed + unit)


@pytest.mark.parametrize("table", sorted(audit.NAMED_BY))
def test_every_logged_field_has_a_label_in_both_languages(table):
    model = audit.NAMED_BY[table][0]
    for field in set(model.model_fields) - {"id", "created_at", "updated_at"} - audit.SECRET_FIELDS:
        for lang in ("id", "en"):
            assert audit.field_label(table, field, lang) != audit.t("audit.field.other", lang), (table, field, lang)


def test_the_unit_page_shows_its_history_as_sentences(env, store, city, admin):
    add_target(store, admin, city.units["DINKES"], name="SIMPUS", kind="ping")
    at = open_page("admin", "unit")
    at.selectbox(key="unit_pick").set_value(city.units["DINKES"]).run()
    [history] = [shown(m.value) for m in at.markdown if "Target 'SIMPUS' dibuat oleh admin." in shown(m.value)]
    assert "target" not in history.replace("Target", "")  # no table name
