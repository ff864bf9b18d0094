"""Importing units from CSV: every bad row listed with row and column, and nothing half-written."""

import pytest
from sqlalchemy import func, select

from core.demo import UNITS_FILE
from core.errors import ImportRejected
from core.org import units
from core.org.unit_import import parse_units_csv
from db.models import Unit


def run_import(store, viewer, content: bytes, dry_run=False):
    with store.session() as s:
        rows = parse_units_csv(content, "unit.csv")
        result = units.import_units(session=s, viewer=viewer, rows=rows, filename="unit.csv", dry_run=dry_run)
        s.commit()
        return result


def unit_count(store):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Unit))


def test_the_reference_file_of_kota_malang_imports_whole(store, admin, city):
    result = run_import(store, admin, UNITS_FILE.read_bytes())
    already = {"SETDA", "BAG-HUKUM", "DISKOMINFO", "DINKES", "KEC-KLOJEN", "KEC-SUKUN"}  # test city ∩ file
    assert result["created"] == 91 - len(already)
    assert result["updated"] + result["unchanged"] == len(already)
    assert unit_count(store) == 91 + len(city.units) - len(already)
    with store.session() as s:
        klojen = s.scalar(select(Unit).where(Unit.code == "KEC-KLOJEN"))
        kelurahan = s.scalars(select(Unit.kind).where(Unit.parent_id == klojen.id)).all()
    assert kelurahan and set(kelurahan) == {"kelurahan"}


def test_importing_the_same_file_again_changes_nothing(store, admin):
    run_import(store, admin, UNITS_FILE.read_bytes())
    assert run_import(store, admin, UNITS_FILE.read_bytes())["created"] == 0
    assert run_import(store, admin, UNITS_FILE.read_bytes()) == {"created": 0, "updated": 0, "unchanged": 91}


def test_a_file_with_bad_rows_lists_every_problem_with_row_and_column_and_writes_nothing(store, admin, city):
    content = (
        b"kode;nama;jenis;kode_induk\n"
        b"DISPORA;Dinas Pemuda dan Olahraga;dinas;\n"          # fine on its own
        b"KEL-BARU;Kelurahan Baru;kelurahan;DINKES\n"          # parent is not a kecamatan
        b"KEL-LAIN;Kelurahan Lain;kelurahan;KEC-ENTAH\n"       # unknown parent code
        b"DISPORA;Dinas Pemuda (dobel);dinas;\n"               # duplicate code in the file
        b"BADAN-X;Badan X;kementerian;\n"                      # unknown kind
        b";Tanpa Kode;dinas;\n"                                # empty required cell
    )
    before = unit_count(store)
    with pytest.raises(ImportRejected) as err:
        run_import(store, admin, content)
    found = {(p.row, p.column, p.key) for p in err.value.problems}
    assert found == {
        (3, "parent_code", "unit.parent_wrong_kind"),
        (4, "parent_code", "unit.parent_unknown"),
        (5, "code", "unit.code_duplicate_in_file"),
        (6, "kind", "unit.kind_unknown"),
        (7, "code", "unit.code_required"),
    }
    assert err.value.message("id").startswith("Berkas unit.csv ditolak: 5 masalah.")
    assert unit_count(store) == before


def test_a_file_without_a_required_column_names_it(store, admin):
    with pytest.raises(ImportRejected) as err:
        parse_units_csv(b"code,name\nX,Dinas X\n", "unit.csv")
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "kind")]
    assert "kind" in err.value.problems[0].message("id")


def test_a_file_that_is_not_utf8_is_refused_with_advice(store, admin):
    with pytest.raises(ImportRejected) as err:
        parse_units_csv("code,name,kind\nDISX,Dinas Kebudayaan é,dinas\n".encode("cp1252"), "unit.csv")
    assert "UTF-8" in err.value.problems[0].message("id")


def test_a_kelurahan_may_come_before_its_kecamatan_in_the_file(store, admin):
    content = b"code,name,kind,parent_code\nKEL-B,Kelurahan B,kelurahan,KEC-B\nKEC-B,Kecamatan B,kecamatan,\n"
    assert run_import(store, admin, content) == {"created": 2, "updated": 0, "unchanged": 0}


def test_a_dry_run_reports_what_would_change_and_writes_nothing(store, admin, city):
    content = b"code,name,kind\nDINKES,Dinas Kesehatan Kota,dinas\nDISPORA,Dinas Pemuda,dinas\nDISKOMINFO,Dinas Komunikasi dan Informatika,dinas\n"
    before = unit_count(store)
    assert run_import(store, admin, content, dry_run=True) == {"created": 1, "updated": 1, "unchanged": 1}
    assert unit_count(store) == before
