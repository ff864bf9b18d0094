"""The inventory pages through AppTest: who sees which rows, who may edit, and what an edit writes."""

import pytest
from sqlalchemy import select

from core.inventory.kinds import DEVICE, STAFF
from db.inventory import Device, DuplicateDecision
from db.models import AuditLog, Unit
from tests.apptest import assert_clean, open_page, texts
from tests.inventory import NIP_A, add, device_cells, fill_every_unit

# The pages are under test here; the queries below them run on both stores in their own tests.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def table_of(at):
    return at.dataframe[0].value


def edit(at, state: dict):
    """Give the page's table editor these edits, as a person's clicks would, then press save."""
    editor = at.data_editor[0]
    at.session_state[editor.key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **state}
    at.button(key=f"{editor.key.split('_editor')[0]}_save").click().run()
    return at


@pytest.mark.parametrize(("key", "kind"), [("devices", "device"), ("staff", "staff"), ("applications", "application")])
def test_each_inventory_page_shows_an_operator_only_their_units(env, city, store, admin, key, kind):
    fill_every_unit(store, admin, city)
    everything = table_of(open_page("admin", key))
    mine = open_page("op_a", key)
    assert_clean(mine)
    assert set(everything["unit"]) == set(city.units)
    assert set(table_of(mine)["unit"]) == {"KEC-KLOJEN", "KEL-KAUMAN", "KEL-ORO-ORO-DOWO"}
    assert mine.data_editor, "an operator edits their own unit's rows in place"


def test_pimpinan_reads_the_inventory_without_an_editor_or_import(env, city, store, admin):
    fill_every_unit(store, admin, city)
    at = open_page("pimpinan", "devices")
    assert_clean(at)
    assert not at.data_editor and len(table_of(at)) == len(city.units)
    assert "Hanya baca" in texts(at)
    assert "Impor Excel" not in [tab.label for tab in at.tabs]


def test_an_operators_cell_edit_is_saved_and_audited(env, city, store, operator_a):
    add(store, operator_a, DEVICE, device_cells("KEC-KLOJEN", "SN-1", location="Ruang TU"))
    at = edit(open_page("op_a", "devices"), {"edited_rows": {0: {"location": "Ruang Camat",
                                                                 "condition": "Rusak Ringan"}}})
    assert_clean(at)
    assert "Tersimpan: 0 ditambah, 1 diubah, 0 dihapus." in texts(at)
    assert list(table_of(at)["location"]) == ["Ruang Camat"]
    with store.session() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert (entry.actor, entry.old_values, entry.new_values) == (
        "op_a", {"location": "Ruang TU", "condition": "baik"}, {"location": "Ruang Camat", "condition": "rusak_ringan"})


def test_a_bad_cell_in_the_editor_is_named_and_nothing_is_saved(env, city, store, operator_a):
    add(store, operator_a, DEVICE, device_cells("KEC-KLOJEN", "SN-1"))
    at = edit(open_page("op_a", "devices"), {
        "edited_rows": {0: {"location": "Gudang"}},
        "added_rows": [{"unit": "KEC-KLOJEN", "category": "Laptop", "serial_number": "SN-2",
                        "warranty_end": "31/13/2027"}]})
    assert_clean(at)
    assert "ditolak: 1 masalah" in at.error[0].value
    problems = at.dataframe[-1].value
    assert list(problems.iloc[0]) == [2, "Akhir garansi",
                                      "'31/13/2027' bukan tanggal yang sah; tulis dd/mm/yyyy, misalnya 31/12/2026."]
    with store.session() as s:
        assert [(d.serial_number, d.location) for d in s.scalars(select(Device))] == [("SN-1", "")]


def test_an_operator_adds_and_deletes_rows_in_the_editor(env, city, store, operator_a):
    add(store, operator_a, DEVICE, device_cells("KEC-KLOJEN", "SN-1"))
    at = edit(open_page("op_a", "devices"), {
        "deleted_rows": [0], "added_rows": [{"unit": "KEL-KAUMAN", "category": "Printer", "serial_number": "PR-9",
                                             "purchase_value": "Rp 2.500.000"}]})
    assert "Tersimpan: 1 ditambah, 0 diubah, 1 dihapus." in texts(at)
    with store.session() as s:
        device = s.scalars(select(Device)).one()
    assert (device.serial_number, device.category, device.purchase_value) == ("PR-9", "printer", 2_500_000)


def test_the_unit_page_sums_up_the_inventory_of_an_operators_kecamatan(env, city, store, admin):
    fill_every_unit(store, admin, city)
    add(store, admin, STAFF, {"unit": "KEC-KLOJEN", "nip": NIP_A, "name": "Agus", "competence_data": "Mahir"})
    at = open_page("op_a", "unit")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Perangkat"], metrics["SDM TIK"], metrics["Aplikasi"]) == ("3", "4", "3")
    assert metrics["Perangkat per pegawai"] == "–"  # no headcount entered yet
    assert "Tanpa SDM: Proses Bisnis Pemerintahan, Arsitektur Pemerintah Digital, Aplikasi Pemerintah Digital, " \
           "Infrastruktur Pemerintah Digital" in texts(at)


def test_an_operator_enters_their_units_headcount_on_the_staff_page(env, city, store):
    at = open_page("op_a", "staff")
    at.session_state["staff_tabs"] = "Jumlah pegawai unit (semua pegawai)"
    at.run()
    at.selectbox(key="employees_unit").set_value(city.units["KEC-KLOJEN"])
    at.number_input(key="employees_number").set_value(42)
    at.button(key="FormSubmitter:employees_form-Simpan").click().run()
    assert_clean(at)
    with store.session() as s:
        assert s.get(Unit, city.units["KEC-KLOJEN"]).employees == 42


def test_admin_keeps_a_duplicate_with_a_reason_and_pimpinan_only_reads(env, city, store, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"), device_cells("SETDA", "SN-1"))
    readonly = open_page("pimpinan", "duplicates")
    assert_clean(readonly)
    assert "Hanya admin yang menyelesaikan konflik." in texts(readonly) and not readonly.radio
    at = open_page("admin", "duplicates")
    assert "SN-1" in at.dataframe[0].value.to_csv()
    at.radio(key="dup_action").set_value("keep")
    at.text_input(key="dup_reason").input("Pinjam pakai antar-unit")
    at.button[0].click().run()
    assert_clean(at)
    assert "Konflik diselesaikan." in texts(at) and "Tidak ada duplikat terbuka." in texts(at)
    with store.session() as s:
        assert s.scalars(select(DuplicateDecision)).one().reason == "Pinjam pakai antar-unit"


def test_an_admin_changes_a_useful_life_and_adds_a_category_in_place(env, city, store):
    from core.inventory import lists
    from db.engine import session_scope

    at = open_page("admin", "devices")
    at.session_state["device_tabs"] = "Masa manfaat"
    at.session_state["list_category"] = {"edited_rows": {0: {"useful_life_years": 6}},
                                         "added_rows": [{"code": "tablet", "name": "Tablet", "useful_life_years": 3}],
                                         "deleted_rows": []}
    at.run()
    at.button(key="list_category_save").click().run()
    assert_clean(at)
    assert "Daftar disimpan: 1 ditambah, 1 diubah." in texts(at)
    with session_scope(store.engine) as s:
        lives = {c.code: c.useful_life_years for c in lists.categories(session=s, viewer=city.viewers["admin"])}
    assert (lives["pc"], lives["tablet"]) == (6, 3)


def test_pimpinan_sees_the_useful_lives_but_cannot_change_them(env, city, store):
    at = open_page("pimpinan", "devices")
    at.session_state["device_tabs"] = "Masa manfaat"
    at.run()
    assert_clean(at)
    assert not at.data_editor and "PC" in at.dataframe[0].value.to_csv()
