"""Bulk import of targets from CSV and Excel: a preview naming every bad row, then all or nothing."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from core import export
from core.errors import ImportRejected, PermissionDenied
from core.monitoring import target_import, targets
from db.engine import session_scope
from db.monitoring import Target
from tests.monitoring import add_target


def run(store, viewer, content: bytes, filename: str = "target.csv", dry_run=False):
    table = target_import.read_targets(content, filename)
    with session_scope(store.engine) as s:
        return target_import.import_targets(session=s, viewer=viewer, table=table, dry_run=dry_run)


def count(store) -> int:
    with session_scope(store.engine) as s:
        return s.scalar(select(func.count()).select_from(Target))


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_clean_csv_adds_targets_and_a_second_upload_changes_nothing(store, admin, city):
    content = (b"kode_unit;nama;jenis;host;port;interval;kekritisan\n"
               b"KEC-KLOJEN;Router Klojen;ping;127.0.0.1;;60;kritis\n"
               b"DINKES;Web Dinkes;http;https://127.0.0.1:8443/;;120;tinggi\n"
               b"DINKES;SIMPUS;tcp;127.0.0.1;5432;60;\n")
    assert run(store, admin, content, dry_run=True) == {"created": 3, "updated": 0, "unchanged": 0}
    assert count(store) == 0, "the preview writes nothing"
    assert run(store, admin, content) == {"created": 3, "updated": 0, "unchanged": 0}
    assert run(store, admin, content) == {"created": 0, "updated": 0, "unchanged": 3}
    with session_scope(store.engine) as s:
        router = s.scalar(select(Target).where(Target.name == "Router Klojen"))
        assert (router.unit_id, router.criticality, router.kind) == (city.units["KEC-KLOJEN"], "critical", "ping")


def test_every_bad_row_is_listed_with_row_and_column_and_nothing_is_written(store, admin, city):
    content = (b"unit,nama,jenis,host,port,interval\n"
               b"KEC-KLOJEN,Router,ping,127.0.0.1,,60\n"        # fine
               b"KEC-ENTAH,Router,ping,127.0.0.1,,60\n"         # unknown unit
               b"DINKES,Web,http,bukan-url,,60\n"               # http needs a URL
               b"DINKES,DB,tcp,127.0.0.1,,60\n"                 # tcp needs a port
               b"DINKES,Switch,ping,127.0.0.1,,lima\n"          # interval not a number
               b"KEC-KLOJEN,router,ping,127.0.0.2,,60\n"        # same unit + name as row 2
               b",,ping,,,\n")                         # unit, name and host missing
    with pytest.raises(ImportRejected) as caught:
        run(store, admin, content)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(3, "unit"), (4, "host"), (5, "port"), (6, "interval"), (7, "nama"),
                     (8, "unit"), (8, "nama"), (8, "host")}
    messages = {p.row: p.message("id") for p in caught.value.problems}
    assert "KEC-ENTAH" in messages[3] and "baris 2" in messages[7]
    assert count(store) == 0


def test_an_excel_file_with_a_title_row_stray_spaces_and_blank_rows_imports(store, admin, city):
    content = workbook([
        ["Daftar target pemantauan Kota Malang"],
        [],
        [" Kode Unit ", "Nama", "Jenis", "Host", "Port", "Interval (detik)", "Aktif"],
        ["KEC-KLOJEN ", "  Router   Klojen ", "PING", "127.0.0.1", None, 60, "ya"],
        [],
        ["DINKES", "SIMPUS", "tcp", "127.0.0.1", 5432, 30.0, "tidak"],
        [None, None, None, None, None, None, None],
    ])
    assert run(store, admin, content, "target.xlsx") == {"created": 2, "updated": 0, "unchanged": 0}
    with session_scope(store.engine) as s:
        rows = {t.name: t for t in s.scalars(select(Target))}
    assert set(rows) == {"Router Klojen", "SIMPUS"}
    assert (rows["SIMPUS"].port, rows["SIMPUS"].interval_s, rows["SIMPUS"].enabled) == (5432, 30, False)


def test_excel_rows_are_reported_with_the_row_number_excel_shows(store, admin, city):
    content = workbook([["Judul"], ["unit", "nama", "jenis", "host"], ["DINKES", "A", "ping", "127.0.0.1"],
                        [], ["DINKES", "B", "telnet", "127.0.0.1"]])
    with pytest.raises(ImportRejected) as caught:
        run(store, admin, content, "target.xlsx")
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "jenis")]


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused_with_a_reason(store, admin, city):
    with pytest.raises(ImportRejected) as caught:
        run(store, admin, b"not a zip file", "target.xlsx")
    assert caught.value.problems[0].key == "import.not_excel"
    with pytest.raises(ImportRejected) as caught:
        run(store, admin, b"unit;nama\nDINKES;A\n")
    assert {p.column for p in caught.value.problems} == {"kind", "host"}


def test_the_export_reads_back_unchanged_and_keeps_secrets_it_does_not_hold(store, admin, city):
    add_target(store, admin, city.units["DINKES"], name="Switch", kind="snmp",
               options={"version": "2c", "community": "rahasia"})
    add_target(store, admin, city.units["DINKES"], name="Web", kind="http", host="https://127.0.0.1/",
               options={"keyword": "Dinkes", "expected_status": 200, "verify_tls": False})
    with session_scope(store.engine) as s:
        rows = targets.export_rows(session=s, viewer=admin)
    columns = [(k, k) for k in rows[0]]
    content = export.to_csv(rows, columns)
    assert b"rahasia" not in content
    assert run(store, admin, content) == {"created": 0, "updated": 0, "unchanged": 2}
    with session_scope(store.engine) as s:
        switch = s.scalar(select(Target).where(Target.name == "Switch"))
    assert switch.options["community"] == "rahasia"


def test_only_admins_import_targets(store, operator_a, pimpinan, city):
    content = b"unit;nama;jenis;host\nKEC-KLOJEN;Router;ping;127.0.0.1\n"
    for viewer in (operator_a, pimpinan):
        with pytest.raises(PermissionDenied):
            run(store, viewer, content)
    assert count(store) == 0
