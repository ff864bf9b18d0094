"""Every importer turns an empty required cell into a problem named by row and column (never an error of
the import itself), and writes nothing: records (devices, staff, applications, needs), targets, units, SIPD
budget lines and the standard price list (SSH)."""

import pytest
from sqlalchemy import func, select

from core.errors import ImportRejected
from core.i18n import t
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.needs.kind import NEED
from core.org import units
from core.org.unit_import import parse_units_csv
from core.records import roundtrip
from db.engine import session_scope
from db.inventory import Application, Device, Staff
from db.models import Unit
from db.monitoring import Target
from db.needs import BudgetLine, Need, StandardPrice
from tests.test_sipd import import_lines, import_ssh, rka_workbook, ssh_workbook
from tests.test_target_import import run as import_targets


def csv(*rows: list) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode()


def count(store, model) -> int:
    with session_scope(store.engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def rejected(call) -> list[tuple[int | None, str]]:
    with pytest.raises(ImportRejected) as caught:
        call()
    return [(p.row, p.column) for p in caught.value.problems]


@pytest.mark.parametrize(("kind", "model", "given", "required"), [
    (NEED, Need, {"unit": "KEC-KLOJEN", "fiscal_year": "2027", "justification": "Untuk ruang rapat"}, "item"),
    (DEVICE, Device, {"unit": "KEC-KLOJEN", "serial_number": "SN-001"}, "category"),
    (STAFF, Staff, {"unit": "KEC-KLOJEN", "certifications": "CCNA"}, "name"),
    (APPLICATION, Application, {"unit": "KEC-KLOJEN", "function": "Surat"}, "name"),
])
def test_a_new_record_without_its_required_column_is_a_problem_of_its_row(store, city, admin, kind, model, given,
                                                                          required):
    """A file with only some columns (issue 30: a needs row with unit, year and a description raised
    CellError from the save): each new row missing a required column is named by row and column."""
    header = [t(f"{kind.name}.{field}") for field in given]
    content = csv(header, list(given.values()), list(given.values()))

    def run():
        table = roundtrip.read_upload(content, "isian.csv", kind)
        with session_scope(store.engine) as s:
            roundtrip.import_upload(session=s, viewer=admin, kind=kind, table=table)
    problems = rejected(run)
    assert (2, t(f"{kind.name}.{required}")) in problems and (3, t(f"{kind.name}.{required}")) in problems
    assert count(store, model) == 0


@pytest.mark.parametrize(("kind", "model", "row"), [
    (DEVICE, Device, {"unit": "KEC-KLOJEN", "category": "", "serial_number": "SN-002"}),
    (STAFF, Staff, {"unit": "KEC-KLOJEN", "name": "", "certifications": "CCNA"}),
])
def test_a_required_cell_left_empty_is_a_problem_of_its_row(store, city, admin, kind, model, row):
    content = csv([t(f"{kind.name}.{f}") for f in row], list(row.values()))

    def run():
        table = roundtrip.read_upload(content, "isian.csv", kind)
        with session_scope(store.engine) as s:
            roundtrip.import_upload(session=s, viewer=admin, kind=kind, table=table)
    empty = next(f for f, v in row.items() if v == "")
    assert (2, t(f"{kind.name}.{empty}")) in rejected(run)
    assert count(store, model) == 0


def test_targets_with_empty_required_cells_are_problems_of_their_rows(store, city, admin):
    content = csv(["Kode unit", "Nama", "Jenis", "Host"], ["KEC-KLOJEN", "", "ping", "127.0.0.1"],
                  ["KEC-KLOJEN", "Router", "ping", ""])
    problems = rejected(lambda: import_targets(store, admin, content))
    assert {row for row, _ in problems} == {2, 3}
    assert count(store, Target) == 0


def test_units_with_empty_required_cells_are_problems_of_their_rows(store, city, admin):
    before = count(store, Unit)
    content = csv(["kode", "nama", "jenis"], ["DISHUB", "", "dinas"], ["", "Dinas Sosial", "dinas"])

    def run():
        with store.session() as s:
            units.import_units(session=s, viewer=admin, rows=parse_units_csv(content, "unit.csv"), filename="unit.csv")
            s.commit()
    assert {row for row, _ in rejected(run)} == {2, 3}
    assert count(store, Unit) == before


def test_sipd_lines_and_the_ssh_with_empty_required_cells_are_problems_of_their_rows(store, city, admin):
    line = (1, "1.02.01.2.07.0006", "Pengadaan", "5.2.02.10.01.0002", "Belanja Modal PC", "Personal Computer",
            "Core i5", "", "Unit", "", "")
    problems = rejected(lambda: import_lines(store, admin, "KEC-KLOJEN", 2026, rka_workbook(line)))
    assert problems == [(6, "koefisien"), (6, "harga_satuan")]  # the sheet's row 6, under its two header rows
    assert count(store, BudgetLine) == 0
    problems = rejected(lambda: import_ssh(store, admin, ssh_workbook(("1.1.7.01", "", "", "Unit", ""))))
    assert problems == [(4, "Uraian Barang"), (4, "Harga Satuan (Rp)")]
    assert count(store, StandardPrice) == 0
