"""Devices, ICT staff and applications through the same save the table editor uses: checked all at once,
scoped to the viewer's units, every change audited with its old and new values."""

from datetime import date

import pytest
from sqlalchemy import select

from core.errors import ImportRejected, NotFound, PermissionDenied
from core.inventory import lists, summary
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.org import units
from core.records import listing
from core.records.save import Change, save_records
from db.engine import session_scope
from db.inventory import Device, Staff
from db.models import AuditLog, Unit
from db.types import utcnow
from tests.inventory import NIP_A, NIP_B, add, device_cells


def save(store, viewer, kind, changes=(), deletes=()):
    with session_scope(store.engine) as s:
        return save_records(session=s, viewer=viewer, kind=kind, changes=list(changes), deletes=list(deletes))


def rows(store, viewer, kind, **kwargs):
    with session_scope(store.engine) as s:
        return listing.list_records(session=s, viewer=viewer, kind=kind, **kwargs)


def audit_of(store, table):
    with store.session() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.table_name == table).order_by(AuditLog.id)))


def test_an_edited_cell_is_saved_and_audited_with_its_old_and_new_value(store, city, operator_b):
    add(store, operator_b, DEVICE, device_cells("DINKES", "SN-1", location="Ruang TU"))
    device_id = rows(store, operator_b, DEVICE)[0]["id"]
    result = save(store, operator_b, DEVICE, [Change(1, {"location": "Ruang Server",
                                                                    "condition": "Rusak Berat"}, device_id)])
    assert result == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    created, updated = audit_of(store, "device")
    assert (created.action, created.actor, created.unit_id) == ("create", "op_b", city.units["DINKES"])
    assert created.new_values["serial_number"] == "SN-1" and created.old_values is None
    assert updated.old_values == {"location": "Ruang TU", "condition": "baik"}
    assert updated.new_values == {"location": "Ruang Server", "condition": "rusak_berat"}


def test_a_deleted_row_is_gone_and_the_log_keeps_what_it_held(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"), device_cells("DINKES", "SN-2"))
    first = rows(store, admin, DEVICE)[0]["id"]
    assert save(store, admin, DEVICE, deletes=[first])["deleted"] == 1
    assert [r["serial_number"] for r in rows(store, admin, DEVICE)] == ["SN-2"]
    deleted = [e for e in audit_of(store, "device") if e.action == "delete"]
    assert len(deleted) == 1 and deleted[0].old_values["serial_number"] == "SN-1" and deleted[0].new_values is None


def test_one_bad_row_among_good_ones_saves_nothing(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"))
    device_id = rows(store, admin, DEVICE)[0]["id"]
    with pytest.raises(ImportRejected) as caught:
        save(store, admin, DEVICE, [Change(1, {"location": "Gudang"}, device_id),
                                      Change(2, device_cells("DINKES", "SN-2", purchase_value="mahal"))])
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "Nilai perolehan")]
    assert [r["location"] for r in rows(store, admin, DEVICE)] == [""]


def test_a_device_needs_a_serial_number_or_an_asset_tag(store, city, admin):
    with pytest.raises(ImportRejected) as caught:
        save(store, admin, DEVICE, [Change(1, {"unit": "DINKES", "category": "PC"})])
    assert caught.value.problems[0].key == "inventory.device_needs_key"


def test_a_serial_number_already_in_the_unit_is_refused_but_another_unit_may_hold_it(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"))
    with pytest.raises(ImportRejected) as caught:
        save(store, admin, DEVICE, [Change(1, device_cells("DINKES", "sn-1"))])
    assert caught.value.problems[0].message("id") == "'sn-1' sudah dipakai data lain di unit ini."
    # In another unit it is saved, and the Duplikat view lists it (tests/test_duplicates.py).
    assert save(store, admin, DEVICE, [Change(1, device_cells("SETDA", "SN-1"))])["created"] == 1


def test_pimpinan_and_the_presenter_change_nothing(store, city, pimpinan, presenter):
    for viewer in (pimpinan, presenter):
        with pytest.raises(PermissionDenied):
            save(store, viewer, DEVICE, [Change(1, device_cells("DINKES", "SN-1"))])


def test_an_operator_cannot_edit_or_delete_another_units_record_by_id(store, city, admin, operator_a):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"))
    device_id = rows(store, admin, DEVICE)[0]["id"]
    with pytest.raises(NotFound):
        save(store, operator_a, DEVICE, [Change(1, {"location": "x"}, device_id)])
    with pytest.raises(NotFound):
        save(store, operator_a, DEVICE, deletes=[device_id])
    assert len(rows(store, admin, DEVICE)) == 1


def test_age_past_life_and_straight_line_book_value_follow_the_category(store, city, admin):
    year = utcnow().year
    add(store, admin, DEVICE, device_cells("DINKES", "OLD", purchase_year=year - 5, purchase_value=10_000_000),
        device_cells("DINKES", "NEW", purchase_year=year - 1, purchase_value=10_000_000, category="Server"))
    old, new = rows(store, admin, DEVICE)
    assert (old["age_years"], old["past_life"], old["book_value"]) == (5, "ya", 0)  # a PC lives 4 years
    assert (new["age_years"], new["past_life"], new["book_value"]) == (1, "tidak", 8_000_000)  # a server 5
    declining = rows(store, admin, DEVICE, method="declining_balance")[1]
    assert declining["book_value"] == 6_000_000  # 10 M × (1 − 2/5)


def test_changing_a_categorys_useful_life_moves_its_devices_and_is_audited(store, city, admin):
    year = utcnow().year
    add(store, admin, DEVICE, device_cells("DINKES", "PC-1", purchase_year=year - 5))
    with session_scope(store.engine) as s:
        lists.save_list(session=s, viewer=admin, name="category",
                            rows=[{"code": "pc", "name": "PC", "useful_life_years": 7}])
    assert rows(store, admin, DEVICE)[0]["past_life"] == "tidak"
    entry, = audit_of(store, "device_category")
    assert entry.old_values == {"code": "pc", "useful_life_years": 4} and entry.new_values["useful_life_years"] == 7


def test_admins_add_a_category_and_a_position_that_imports_then_accept(store, city, admin):
    with session_scope(store.engine) as s:
        assert lists.save_list(session=s, viewer=admin, name="category", rows=[
            {"code": "tablet", "name": "Tablet", "useful_life_years": 3}]) == {"created": 1, "updated": 0,
                                                                               "unchanged": 0}
        lists.save_list(session=s, viewer=admin, name="position", rows=[
            {"code": "analis_data", "name": "Analis Data"}])
    add(store, admin, DEVICE, device_cells("DINKES", "TB-1", category="Tablet"))
    add(store, admin, STAFF, {"unit": "DINKES", "name": "Rina", "employment": "Non-ASN", "position": "Analis Data"})
    assert rows(store, admin, DEVICE)[0]["category"] == "Tablet"
    assert rows(store, admin, STAFF)[0]["position"] == "Analis Data"


def test_a_bad_list_entry_is_named_and_nothing_changes(store, city, admin):
    with session_scope(store.engine) as s, pytest.raises(ImportRejected) as caught:
        lists.save_list(session=s, viewer=admin, name="category", rows=[
            {"code": "pc", "name": "PC", "useful_life_years": 6}, {"code": "Kamera Saku!", "name": "",
                                                                   "useful_life_years": 40}])
    assert [(p.row, p.column, p.key) for p in caught.value.problems] == [
        (2, "code", "inventory.list_code"), (2, "name", "cell.required"), (2, "useful_life_years", "cell.out_of_range")]
    with store.session() as s:
        assert lists.categories(session=s, viewer=admin)[0].useful_life_years == 4


def test_asn_staff_need_an_nip_and_non_asn_staff_have_none(store, city, admin):
    with pytest.raises(ImportRejected) as caught:
        save(store, admin, STAFF, [Change(1, {"unit": "DINKES", "name": "A", "employment": "PPPK"}),
                                     Change(2, {"unit": "DINKES", "name": "B", "employment": "Non-ASN",
                                                          "nip": NIP_A})])
    assert [p.key for p in caught.value.problems] == ["inventory.asn_needs_nip", "inventory.non_asn_has_nip"]


def test_staff_competences_are_kept_per_area_and_a_device_holder_is_found_by_nip(store, city, admin):
    add(store, admin, STAFF, {"unit": "DINKES", "nip": NIP_A, "name": "Agus", "competence_keamanan": "Mahir",
                                "competence_infrastruktur": "Dasar", "position": "Pranata Komputer Ahli Muda"})
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", staff_id=NIP_A))
    with store.session() as s:
        staff = s.scalars(select(Staff)).one()
        device = s.scalars(select(Device)).one()
    assert staff.competences == {"proses_bisnis": 0, "arsitektur": 0, "data": 0, "keamanan": 3, "aplikasi": 0,
                                 "infrastruktur": 1}
    assert staff.position == "pk_muda" and device.staff_id == staff.id
    assert rows(store, admin, DEVICE)[0]["staff_id"] == "Agus"
    save(store, admin, STAFF, deletes=[staff.id])  # the person leaves: the device has no holder any more
    with store.session() as s:
        assert s.get(Device, device.id).staff_id is None


def test_a_holder_from_another_unit_is_not_found(store, city, admin):
    add(store, admin, STAFF, {"unit": "DINKES", "nip": NIP_A, "name": "Agus"})
    with pytest.raises(ImportRejected) as caught:
        save(store, admin, DEVICE, [Change(1, device_cells("SETDA", "SN-1", staff_id=NIP_A))])
    assert caught.value.problems[0].key == "cell.staff_unknown"


def test_search_and_unit_filters_narrow_the_list(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", brand_model="HP ProDesk"),
        device_cells("DINKES", "SN-2", brand_model="Lenovo"), device_cells("SETDA", "SN-3", brand_model="HP Elite"))
    with session_scope(store.engine) as s:
        assert listing.count_records(session=s, viewer=admin, kind=DEVICE, search="hp") == 2
        assert listing.count_records(session=s, viewer=admin, kind=DEVICE, search="hp",
                                       unit_ids=[city.units["SETDA"]]) == 1
    ordered = [r["serial_number"] for r in rows(store, admin, DEVICE)]
    assert ordered == ["SN-3", "SN-1", "SN-2"]  # by unit (SETDA was created first), then as entered
    assert [r["serial_number"] for r in rows(store, admin, DEVICE, offset=1, limit=1)] == ["SN-1"]


def test_the_unit_summary_adds_up_devices_staff_ratios_and_applications(store, city, admin, operator_a):
    year = utcnow().year
    add(store, admin, DEVICE, device_cells("KEC-KLOJEN", "A", purchase_year=year - 6, condition="Rusak Berat"),
        device_cells("KEC-KLOJEN", "B", purchase_year=year - 1, category="Laptop"),
        device_cells("KEL-KAUMAN", "C", purchase_year=year - 2, status="Cadangan"),
        device_cells("KEL-KAUMAN", "D", purchase_year=year - 2, status="Dihapus"))
    add(store, admin, STAFF, {"unit": "KEC-KLOJEN", "nip": NIP_A, "name": "Agus", "competence_data": "Mahir"},
        {"unit": "KEL-KAUMAN", "nip": NIP_B, "name": "Dewi", "competence_data": "Dasar",
         "competence_infrastruktur": "Menengah"})
    add(store, admin, APPLICATION, {"unit": "KEC-KLOJEN", "name": "SIDAK", "hosting": "Pusat data Diskominfo",
                                      "integrations": "SIAK Terpusat"},
        {"unit": "KEC-KLOJEN", "name": "E-Surat", "hosting": "Server unit sendiri"})
    ids = sorted(city.subtree("KEC-KLOJEN"))
    with session_scope(store.engine) as s:
        for code, employees in (("KEC-KLOJEN", 40), ("KEL-KAUMAN", 12), ("KEL-ORO-ORO-DOWO", 8)):
            units.set_employees(session=s, viewer=operator_a, unit_id=city.units[code], employees=employees)
    with session_scope(store.engine) as s:
        totals = summary.summary(session=s, viewer=operator_a, unit_ids=ids)
    assert (totals.devices, totals.in_use, totals.staff, totals.applications) == (3, 2, 2, 2)
    assert [r["serial"] for r in totals.past_life] == ["A"]
    assert {(r["category"], r["condition"]): r["count"] for r in totals.by_category} == {
        ("PC", "rusak_berat"): 1, ("Laptop", "baik"): 1, ("PC", "baik"): 1}
    assert totals.employees == 60
    assert totals.devices_per_employee == pytest.approx(2 / 60)
    assert totals.staff_per_100 == pytest.approx(2 * 100 / 60)
    assert {(r["area"], r["level"]): r["count"] for r in totals.competence} == {
        ("data", 3): 1, ("data", 1): 1, ("infrastruktur", 2): 1}
    assert totals.areas_without_staff == ["proses_bisnis", "arsitektur", "keamanan", "aplikasi"]
    assert {(r["hosting"], r["integrated"]): r["count"] for r in totals.apps_by_hosting} == {
        ("pdn", True): 1, ("own", False): 1}


def test_ratios_are_unknown_until_every_unit_has_entered_its_employees(store, city, admin):
    add(store, admin, DEVICE, device_cells("KEC-KLOJEN", "A"))
    with session_scope(store.engine) as s:
        units.set_employees(session=s, viewer=admin, unit_id=city.units["KEC-KLOJEN"], employees=40)
        totals = summary.summary(session=s, viewer=admin, unit_ids=sorted(city.subtree("KEC-KLOJEN")))
        assert totals.employees is None and totals.devices_per_employee is None
        assert s.get(Unit, city.units["KEC-KLOJEN"]).employees == 40
    entry, = [e for e in audit_of(store, "unit") if e.new_values == {"employees": 40}]
    assert entry.old_values == {"employees": None}


def test_dates_and_money_typed_in_the_editor_are_read_like_the_workbook(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"))
    device_id = rows(store, admin, DEVICE)[0]["id"]
    save(store, admin, DEVICE, [Change(1, {"purchase_value": "Rp 7.250.000",
                                                      "warranty_end": "30/06/2027"}, device_id)])
    with store.session() as s:
        device = s.get(Device, device_id)
    assert (device.purchase_value, device.warranty_end) == (7_250_000, date(2027, 6, 30))


def test_the_summary_with_sub_units_reaches_every_kelurahan_but_never_past_the_viewers_scope(store, city, admin,
                                                                                             operator_a):
    from tests.inventory import fill_every_unit

    fill_every_unit(store, admin, city)
    with session_scope(store.engine) as s:
        mine = summary.summary(session=s, viewer=operator_a, unit_ids=[city.units["KEC-KLOJEN"]],
                                       with_sub_units=True)
        alone = summary.summary(session=s, viewer=operator_a, unit_ids=[city.units["KEC-KLOJEN"]])
        theirs = summary.summary(session=s, viewer=operator_a, unit_ids=[city.units["KEC-SUKUN"]],
                                         with_sub_units=True)
    assert (mine.devices, alone.devices, theirs.devices) == (3, 1, 0)
