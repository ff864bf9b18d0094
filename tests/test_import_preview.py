"""Issue 29 (12): an import's preview shows the rows it will write, as the file has them (the first 50, with
how many more), and only those: a row that changes nothing is not written, so it is not shown."""

import pytest

from core.inventory.kinds import DEVICE
from core.records import roundtrip
from core.records.outcome import PREVIEW_ROWS, preview, table_cells
from tests.inventory import workbook
from tests.test_inventory_import import upload
from tests.test_sipd import LINES, SSH, import_lines, import_ssh, rka_workbook, ssh_workbook
from tests.test_target_import import run as import_targets
from tests.test_unit_import import run_import as import_units

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
HEADER = ["Kode unit", "Kategori", "Merek/tipe", "Nomor seri", "Nilai perolehan", "Akhir garansi"]


def device_rows(count: int, unit: str = "DINKES") -> list[list]:
    return [[unit, "PC", f"HP ProDesk {n}", f"SN-{n:03d}", "Rp 9.500.000", "31/12/2027"] for n in range(count)]


def test_a_device_import_previews_the_first_50_rows_it_writes_as_the_file_has_them(store, city, admin):
    content = workbook([HEADER, *device_rows(53)])
    plan = upload(store, admin, DEVICE, content, dry_run=True)
    assert plan.written == [(line, "created") for line in range(2, 55)]  # the file's own line numbers
    rows, more = preview(plan, table_cells(roundtrip.read_upload(content, "isian.xlsx", DEVICE)))
    assert len(rows) == PREVIEW_ROWS == 50 and more == 3
    assert rows[0] == {"line": 2, "action": "created", "Kode unit": "DINKES", "Kategori": "PC",
                       "Merek/tipe": "HP ProDesk 0", "Nomor seri": "SN-000", "Nilai perolehan": "Rp 9.500.000",
                       "Akhir garansi": "31/12/2027"}


def test_a_row_that_changes_nothing_is_not_in_the_preview(store, city, admin):
    upload(store, admin, DEVICE, workbook([HEADER, *device_rows(3)]))
    again = device_rows(3)
    again[1][2] = "HP ProDesk 600 G6"  # one model corrected, two rows as stored
    plan = upload(store, admin, DEVICE, workbook([HEADER, *again]), dry_run=True)
    assert plan == {"created": 0, "updated": 1, "unchanged": 2, "deleted": 0} and plan.written == [(3, "updated")]


def test_units_targets_standard_prices_and_sipd_lines_name_the_lines_they_write(store, city, admin):
    units = import_units(store, admin, b"kode;nama;jenis;induk\nDISPERKIM;Dinas Perumahan;dinas;\n"
                                       b"DINKES;Dinas Kesehatan;dinas;\n", dry_run=True)
    assert units.written == [(2, "created")]  # DINKES is stored as the file has it
    targets = import_targets(store, admin, b"kode_unit;nama;jenis;host\nDINKES;SIMPUS;ping;127.0.0.1\n"
                                           b"DINKES;Web;ping;127.0.0.2\n", dry_run=True)
    assert [line for line, _ in targets.written] == [2, 3]
    ssh = import_ssh(store, admin, ssh_workbook(*SSH), dry_run=True)
    assert len(ssh.written) == 3 and {action for _, action in ssh.written} == {"created"}
    lines = import_lines(store, admin, "KEC-KLOJEN", 2027, rka_workbook(*LINES), dry_run=True)
    assert len(lines.written) == lines["lines"] == 3
