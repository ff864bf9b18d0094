"""One master record: the Duplikat view finds records held twice across units, and an admin merges,
transfers or keeps them, every decision audited."""

import pytest
from sqlalchemy import select

from core.errors import PermissionDenied, ValidationError
from core.inventory import duplicates
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from db.engine import session_scope
from db.inventory import Application, Device, Staff
from db.models import AuditLog
from tests.inventory import NIP_A, add, device_cells


def conflicts(store, viewer, **kwargs):
    with session_scope(store.engine) as s:
        return duplicates.find_conflicts(session=s, viewer=viewer, **kwargs)


def resolve(store, viewer, **kwargs):
    with session_scope(store.engine) as s:
        duplicates.resolve(session=s, viewer=viewer, **kwargs)


def test_the_same_serial_number_or_asset_tag_in_two_units_is_a_conflict(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"), device_cells("SETDA", "sn-1"),
        device_cells("DINKES", "", asset_tag="1.3.2.10.01.0007"), device_cells("KEL-KAUMAN", "", asset_tag="1.3.2.10.01.0007"),
        device_cells("DINKES", "SN-ONLY-HERE"))
    found = {(c.kind, c.value.casefold()): sorted(r["unit"] for r in c.records) for c in conflicts(store, admin)}
    assert found == {("device_serial", "sn-1"): ["Dinkes", "Setda"],
                     ("device_tag", "1.3.2.10.01.0007"): ["Dinkes", "Kel. Kauman"]}


def test_the_same_nip_in_two_units_is_a_conflict(store, city, admin):
    add(store, admin, STAFF, {"unit": "DISKOMINFO", "nip": NIP_A, "name": "Agus Santoso"},
        {"unit": "BAG-HUKUM", "nip": NIP_A, "name": "Agus S."}, {"unit": "DINKES", "name": "Tanpa NIP",
                                                                "employment": "Non-ASN"})
    found, = conflicts(store, admin)
    assert (found.kind, found.value, sorted(r["label"] for r in found.records)) == (
        "staff_nip", NIP_A, ["Agus S.", "Agus Santoso"])


def test_look_alike_applications_are_grouped_with_a_score_and_khusus_copies_of_umum_are_named(store, city, admin):
    add(store, admin, APPLICATION,
        {"unit": "DISKOMINFO", "name": "SRIKANDI", "function": "naskah dinas elektronik", "app_type": "Umum"},
        {"unit": "KEC-KLOJEN", "name": "E-Surat Kecamatan Klojen", "function": "Naskah Dinas Elektronik"},
        {"unit": "KEC-SUKUN", "name": "E-Surat Sukun", "function": "naskah dinas elektronik"},
        {"unit": "DINKES", "name": "SIMPEG Dinkes", "function": "kepegawaian"},
        {"unit": "SETDA", "name": "Sistem Informasi Kepegawaian (SIMPEG)", "function": ""},
        {"unit": "DINKES", "name": "SIMPUS", "function": "rekam medis puskesmas"},
        {"unit": "SETDA", "name": "JDIH", "function": "dokumentasi hukum"})
    found = {c.kind: c for c in conflicts(store, admin)}
    assert set(found) == {"app_umum", "app_similar"}
    letters = found["app_umum"]
    assert [r["label"] for r in letters.records][0] == "SRIKANDI"  # the Umum one first: keep it
    assert sorted(r["unit"] for r in letters.records) == ["Diskominfo", "Kec. Klojen", "Kec. Sukun"]
    assert letters.score == 100 and "naskah dinas elektronik" in letters.detail
    personnel = found["app_similar"]
    assert sorted(r["label"] for r in personnel.records) == ["SIMPEG Dinkes", "Sistem Informasi Kepegawaian (SIMPEG)"]
    assert duplicates.SIMILAR_NAME <= personnel.score <= 100


def test_two_applications_of_one_unit_are_not_a_conflict_across_units(store, city, admin):
    add(store, admin, APPLICATION, {"unit": "DINKES", "name": "SIMPUS", "function": "rekam medis"},
        {"unit": "DINKES", "name": "SIMPUS Mobile", "function": "rekam medis"})
    assert conflicts(store, admin) == []


def test_merging_keeps_one_device_and_removes_the_other_with_an_audit_trail(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"), device_cells("SETDA", "SN-1"))
    conflict, = conflicts(store, admin)
    keep = next(r["id"] for r in conflict.records if r["unit"] == "Dinkes")
    resolve(store, admin, key=conflict.key, action="merge", keep_id=keep)
    with store.session() as s:
        assert [d.id for d in s.scalars(select(Device))] == [keep]
        actions = [(e.action, e.row_id) for e in s.scalars(select(AuditLog).where(AuditLog.action != "create"))]
    assert ("merge", keep) in actions and any(a == "delete" for a, _ in actions)
    assert conflicts(store, admin) == []


def test_transferring_moves_the_kept_record_to_the_chosen_unit(store, city, admin):
    add(store, admin, STAFF, {"unit": "DISKOMINFO", "nip": NIP_A, "name": "Agus"},
        {"unit": "BAG-HUKUM", "nip": NIP_A, "name": "Agus"})
    add(store, admin, DEVICE, device_cells("BAG-HUKUM", "SN-1"))
    with store.session() as s:
        holder = s.scalars(select(Staff).where(Staff.unit_id == city.units["BAG-HUKUM"])).one()
        device = s.scalars(select(Device)).one()
        device.staff_id = holder.id
        s.commit()
    conflict, = conflicts(store, admin)
    keep = next(r["id"] for r in conflict.records if r["unit"] == "Diskominfo")
    resolve(store, admin, key=conflict.key, action="transfer", keep_id=keep, unit_id=city.units["BAG-HUKUM"])
    with store.session() as s:
        remaining = s.scalars(select(Staff)).one()
        assert (remaining.id, remaining.unit_id) == (keep, city.units["BAG-HUKUM"])
        assert s.get(Device, device.id).staff_id == keep  # the device follows the person kept
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "transfer")).one()
    assert entry.old_values == {"unit_id": city.units["DISKOMINFO"]}
    assert entry.new_values["unit_id"] == city.units["BAG-HUKUM"]


def test_merging_applications_makes_the_other_owners_users_of_the_one_kept(store, city, admin):
    add(store, admin, APPLICATION,
        {"unit": "DISKOMINFO", "name": "SRIKANDI", "function": "naskah dinas", "app_type": "Umum",
         "integrations": "SIMPEG"},
        {"unit": "KEC-KLOJEN", "name": "E-Surat Klojen", "function": "naskah dinas", "integrations": "SIAK"})
    conflict, = conflicts(store, admin)
    keep = conflict.records[0]["id"]
    resolve(store, admin, key=conflict.key, action="merge", keep_id=keep)
    with store.session() as s:
        app = s.scalars(select(Application)).one()
    assert (app.name, app.user_units, app.integrations) == ("SRIKANDI", ["KEC-KLOJEN"], ["SIAK", "SIMPEG"])


def test_keeping_both_needs_a_reason_and_hides_the_conflict_until_the_records_change(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"), device_cells("SETDA", "SN-1"))
    conflict, = conflicts(store, admin)
    with pytest.raises(ValidationError):
        resolve(store, admin, key=conflict.key, action="keep", reason="  ")
    resolve(store, admin, key=conflict.key, action="keep", reason="Perangkat pinjam pakai, tercatat di dua unit")
    assert conflicts(store, admin) == []
    kept, = conflicts(store, admin, include_kept=True)
    assert kept.key == conflict.key
    with store.session() as s:
        entries = list(s.scalars(select(AuditLog).where(AuditLog.action == "keep")))
    assert len(entries) == 2 and entries[0].new_values["reason"].startswith("Perangkat pinjam pakai")
    add(store, admin, DEVICE, device_cells("KEL-KAUMAN", "SN-1"))  # a third unit: a new conflict
    assert len(conflicts(store, admin)) == 1


def test_only_admins_resolve_and_a_record_outside_the_conflict_cannot_be_kept(store, city, admin, pimpinan):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1"), device_cells("SETDA", "SN-1"),
        device_cells("SETDA", "SN-2"))
    conflict, = conflicts(store, admin)
    with pytest.raises(PermissionDenied):
        resolve(store, pimpinan, key=conflict.key, action="merge", keep_id=conflict.records[0]["id"])
    with store.session() as s:
        other = s.scalars(select(Device).where(Device.serial_number == "SN-2")).one().id
    with pytest.raises(ValidationError):
        resolve(store, admin, key=conflict.key, action="merge", keep_id=other)
    with store.session() as s:
        assert len(list(s.scalars(select(Device)))) == 3


def test_the_organisations_own_name_in_system_names_does_not_make_them_alike(store, city, admin):
    add(store, admin, APPLICATION, {"unit": "DISKOMINFO", "name": "PPID Kota Malang", "function": "informasi publik"},
        {"unit": "SETDA", "name": "JDIH Kota Malang", "function": "dokumentasi hukum"},
        {"unit": "DINKES", "name": "SIMPUS Kota Malang", "function": "rekam medis"})
    assert conflicts(store, admin, org_name="Pemerintah Kota Malang") == []
