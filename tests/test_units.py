"""Units: the rules a Kominfo operator relies on when adding or changing the city's structure."""

import pytest
from sqlalchemy import func, select

from core.errors import PermissionDenied, ValidationError
from core.org import units
from core.org.units import UnitRow
from db.models import AuditLog, Unit


def count(store, model):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def attempt(store, fn, **kwargs):
    with store.session() as s:
        try:
            return fn(session=s, **kwargs)
        finally:
            s.rollback()


def test_admin_adds_a_kelurahan_under_a_kecamatan_and_the_log_says_so(store, admin, city):
    with store.session() as s:
        unit = units.create_unit(session=s, viewer=admin, data=UnitRow(
            " kel-bareng ", "Kelurahan  Bareng", "Kelurahan", parent_code="kec-klojen"))
        s.commit()
        entry = s.scalars(select(AuditLog).where(AuditLog.row_id == unit.id, AuditLog.table_name == "unit")).one()
    assert (unit.code, unit.name, unit.kind, unit.parent_id) == ("KEL-BARENG", "Kelurahan Bareng", "kelurahan",
                                                                 city.units["KEC-KLOJEN"])
    assert entry.actor == "admin" and entry.action == "create"
    assert entry.new_values["code"] == "KEL-BARENG" and entry.old_values is None


@pytest.mark.parametrize(
    ("row", "field", "key"),
    [
        (UnitRow("DINKES", "Dinas Kesehatan Lagi", "dinas"), "code", "unit.code_taken"),
        (UnitRow("KEL X", "Kelurahan X", "kelurahan", parent_code="KEC-KLOJEN"), "code", "unit.code_invalid"),
        (UnitRow("DISNEW", "", "dinas"), "name", "unit.name_required"),
        (UnitRow("DISNEW", "Dinas Baru", "kementerian"), "kind", "unit.kind_unknown"),
        (UnitRow("KEL-BARU", "Kelurahan Baru", "kelurahan"), "parent_code", "unit.parent_required"),
        (UnitRow("KEL-BARU", "Kelurahan Baru", "kelurahan", parent_code="NOPE"), "parent_code", "unit.parent_unknown"),
        (UnitRow("KEL-BARU", "Kelurahan Baru", "kelurahan", parent_code="DINKES"), "parent_code",
         "unit.parent_wrong_kind"),
        (UnitRow("BAG-BARU", "Bagian Baru", "bagian", parent_code="KEC-SUKUN"), "parent_code",
         "unit.parent_wrong_kind"),
        (UnitRow("DISNEW", "Dinas Baru", "dinas", parent_code="SETDA"), "parent_code", "unit.parent_not_allowed"),
    ],
)
def test_a_bad_unit_is_refused_with_the_field_and_nothing_is_written(store, admin, row, field, key):
    before = (count(store, Unit), count(store, AuditLog))
    with pytest.raises(ValidationError) as err:
        attempt(store, units.create_unit, viewer=admin, data=row)
    assert (err.value.field, err.value.key) == (field, key)
    assert (count(store, Unit), count(store, AuditLog)) == before


def test_unknown_parent_message_is_indonesian_and_names_the_code(store, admin):
    with pytest.raises(ValidationError) as err:
        attempt(store, units.create_unit, viewer=admin,
                data=UnitRow("KEL-BARU", "Kelurahan Baru", "kelurahan", parent_code="KEC-ENTAH"))
    assert err.value.message("id") == "Kode induk KEC-ENTAH tidak dikenal."
    assert err.value.message("en") == "Parent code KEC-ENTAH is unknown."


def test_a_kelurahan_whose_parent_is_not_a_kecamatan_is_refused_in_indonesian(store, admin):
    with pytest.raises(ValidationError) as err:
        attempt(store, units.create_unit, viewer=admin,
                data=UnitRow("KEL-BARU", "Kelurahan Baru", "kelurahan", parent_code="DINKES"))
    assert "harus berada di bawah kecamatan" in err.value.message("id")
    assert "DINKES" in err.value.message("id")


def test_moving_a_unit_under_its_own_child_is_refused_as_a_cycle(store, admin, city):
    # Kinds alone already forbid most cycles, so loosen them the way a city could (UPT under UPT).
    units.UNIT_KINDS["upt"] = {"dinas", "upt"}
    try:
        with store.session() as s:
            units.create_unit(session=s, viewer=admin, data=UnitRow("UPT-A", "UPT A", "upt", parent_code="DINKES"))
            units.create_unit(session=s, viewer=admin, data=UnitRow("UPT-B", "UPT B", "upt", parent_code="UPT-A"))
            s.commit()
            upt_a = s.scalar(select(Unit.id).where(Unit.code == "UPT-A"))
        with pytest.raises(ValidationError) as err:
            attempt(store, units.update_unit, viewer=admin, unit_id=upt_a,
                    data=UnitRow("UPT-A", "UPT A", "upt", parent_code="UPT-B"))
        assert err.value.key == "unit.parent_cycle"
        with store.session() as s:
            assert s.get(Unit, upt_a).parent_id == city.units["DINKES"]
    finally:
        units.UNIT_KINDS["upt"] = {"dinas", "badan", "satpol", "rsud"}


def test_a_kecamatan_with_kelurahan_cannot_become_a_dinas(store, admin, city):
    with pytest.raises(ValidationError) as err:
        attempt(store, units.update_unit, viewer=admin, unit_id=city.units["KEC-KLOJEN"],
                data=UnitRow("KEC-KLOJEN", "Kecamatan Klojen", "dinas"))
    assert err.value.key == "unit.children_need_kind"


def test_deactivating_a_unit_with_active_sub_units_is_refused(store, admin, city):
    with pytest.raises(ValidationError) as err:
        attempt(store, units.set_unit_active, viewer=admin, unit_id=city.units["KEC-SUKUN"], active=False)
    assert err.value.key == "unit.children_active"


def test_renaming_a_code_keeps_the_children_and_logs_old_and_new(store, admin, city):
    with store.session() as s:
        units.update_unit(session=s, viewer=admin, unit_id=city.units["KEC-SUKUN"],
                          data=UnitRow("KEC-SUKUN-BARU", "Kecamatan Sukun", "kecamatan", "Kec. Sukun"))
        s.commit()
        child = s.get(Unit, city.units["KEL-SUKUN"])
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert child.parent_id == city.units["KEC-SUKUN"]
    assert entry.old_values == {"code": "KEC-SUKUN"} and entry.new_values == {"code": "KEC-SUKUN-BARU"}


def test_deactivated_unit_disappears_from_lists_but_stays_for_admin(store, admin, city):
    with store.session() as s:
        units.set_unit_active(session=s, viewer=admin, unit_id=city.units["KEL-SUKUN"], active=False)
        s.commit()
        active_codes = {u.code for u in units.list_units(session=s, viewer=admin)}
        all_codes = {u.code for u in units.list_units(session=s, viewer=admin, include_inactive=True)}
    assert "KEL-SUKUN" not in active_codes and "KEL-SUKUN" in all_codes


def test_only_admin_changes_the_unit_structure(store, pimpinan, operator_a, presenter, city):
    for viewer in (pimpinan, operator_a, presenter):
        with pytest.raises(PermissionDenied):
            attempt(store, units.create_unit, viewer=viewer, data=UnitRow("DISNEW", "Dinas Baru", "dinas"))
        with pytest.raises(PermissionDenied):
            attempt(store, units.update_unit, viewer=viewer, unit_id=city.units["KEC-KLOJEN"],
                    data=UnitRow("KEC-KLOJEN", "Kecamatan Klojen Baru", "kecamatan"))


def test_an_operator_updates_their_own_unit_profile_and_the_change_is_audited(store, operator_a, city):
    with store.session() as s:
        units.update_unit_profile(session=s, viewer=operator_a, unit_id=city.units["KEL-KAUMAN"],
                                  data=units.UnitProfile(head_name="Budi Santoso", phone="0341-123456"))
        s.commit()
        entry = s.scalars(select(AuditLog).where(AuditLog.unit_id == city.units["KEL-KAUMAN"],
                                             AuditLog.action == "update")).one()
    assert entry.actor == "op_a"
    assert entry.old_values == {"head_name": "", "phone": ""}
    assert entry.new_values == {"head_name": "Budi Santoso", "phone": "0341-123456"}


@pytest.mark.parametrize(("field", "value", "key"), [("email", "bukan-surel", "unit.email_invalid"),
                                                      ("website", "malangkota.go.id", "unit.website_invalid")])
def test_a_bad_contact_detail_is_refused(store, operator_a, city, field, value, key):
    with pytest.raises(ValidationError) as err:
        attempt(store, units.update_unit_profile, viewer=operator_a, unit_id=city.units["KEC-KLOJEN"],
                data=units.UnitProfile(**{field: value}))
    assert (err.value.field, err.value.key) == (field, key)
