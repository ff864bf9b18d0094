"""The Excel round trip with real workbooks written by openpyxl, as people fill them in: every bad cell is
named (sheet, row, column, reason in Indonesian) and nothing is written until the whole file is right."""

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.errors import ImportRejected
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.records import listing, roundtrip
from db.engine import session_scope
from db.inventory import Application, Device, Staff
from db.models import AuditLog
from tests.inventory import NIP_A, NIP_B, add, device_cells, workbook

DEVICE_HEADER = ["Kode unit", "Kategori", "Merek/tipe", "Nomor seri", "Kode barang", "Tahun perolehan",
                 "Nilai perolehan", "Kondisi", "Akhir garansi"]


def upload(store, viewer, kind, content: bytes, filename: str = "isian.xlsx", dry_run: bool = False) -> dict:
    table = roundtrip.read_upload(content, filename, kind)
    with session_scope(store.engine) as s:
        return roundtrip.import_upload(session=s, viewer=viewer, kind=kind, table=table, dry_run=dry_run)


def rejected(store, viewer, kind, content: bytes, filename: str = "isian.xlsx") -> list:
    with pytest.raises(ImportRejected) as caught:
        upload(store, viewer, kind, content, filename)
    return caught.value.problems


def count(store, model) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def devices(store) -> list[Device]:
    with store.session() as s:
        return list(s.scalars(select(Device).order_by(Device.id)))


def test_a_filled_template_previews_then_imports_and_a_second_upload_changes_nothing(store, city, admin):
    with session_scope(store.engine) as s:
        book = load_workbook(io.BytesIO(roundtrip.template(session=s, viewer=admin, kind=DEVICE)))
    sheet = book["Perangkat"]
    sheet.append(["DINKES", "Laptop", "Lenovo ThinkPad E14", "PF3K9X2A", "1.3.2.10.02.001.0001", "Ruang TU", 2021,
                  "Rp 14.250.000", "APBD", "Baik", "Dipakai", "31/12/2024"])
    sheet.append(["KEL-KAUMAN", "Printer", "Epson L3210", "X8Y7Z6", "", "Pelayanan", 2019, 2_600_000, "Hibah",
                  "Rusak Ringan", "Cadangan", None])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    assert upload(store, admin, DEVICE, content, dry_run=True) == {"created": 2, "updated": 0, "unchanged": 0,
                                                                    "deleted": 0}
    assert count(store, Device) == 0, "the preview writes nothing"
    assert upload(store, admin, DEVICE, content)["created"] == 2
    assert upload(store, admin, DEVICE, content)["unchanged"] == 2
    laptop, printer = devices(store)
    assert (laptop.unit_id, laptop.category, laptop.purchase_value, laptop.warranty_end) == (
        city.units["DINKES"], "laptop", 14_250_000, date(2024, 12, 31))
    assert (printer.funding_source, printer.condition, printer.status) == ("hibah", "rusak_ringan", "spare")


def test_the_template_has_indonesian_headers_dropdowns_and_an_instructions_sheet(store, city, operator_a):
    with session_scope(store.engine) as s:
        book = load_workbook(io.BytesIO(roundtrip.template(session=s, viewer=operator_a, kind=STAFF)))
    assert book.sheetnames[0] == "Petunjuk" and "SDM TIK" in book.sheetnames and "Daftar" in book.sheetnames
    data = book["SDM TIK"]
    headers = [c.value for c in data[1]]
    assert headers[:4] == ["Kode unit", "NIP", "Nama", "Status kepegawaian"]
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert "D2:D5000" in lists and "Daftar" in lists["D2:D5000"]  # employment is picked from a list
    units_offered = [r[0] for r in book["Daftar"].iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
    assert sorted(units_offered) == ["KEC-KLOJEN", "KEL-KAUMAN", "KEL-ORO-ORO-DOWO"]  # an operator's own units
    notes = " ".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row if c.value)
    assert "TEKS" in notes and "Excel memotong" in notes  # the NIP advice


def test_an_nip_typed_as_a_number_is_refused_with_the_reason_and_nothing_is_written(store, city, admin):
    content = workbook([["Kode unit", "NIP", "Nama", "Status kepegawaian"],
                        ["DINKES", NIP_B, "Dewi Rahmawati, S.Kom.", "PNS"],
                        ["DINKES", float(NIP_A), "Agus Santoso, S.Kom.", "PNS"]], title="SDM TIK")
    problems = rejected(store, admin, STAFF, content)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("SDM TIK", 3, "NIP")]
    message = problems[0].message("id")
    assert "Excel hanya menyimpan 15 digit" in message and "198503122010011000" in message
    assert count(store, Staff) == 0


def test_rupiah_with_dots_commas_and_the_rp_prefix_is_stored_as_whole_rupiah(store, city, admin):
    values = ["Rp 1.500.000", "1.500.000,00", 1500000, "Rp1,500,000.00", " Rp 1.500.000,- "]
    rows = [DEVICE_HEADER[:4] + ["Nilai perolehan"]] + [["DINKES", "PC", "HP", f"SN{n}", v] for n, v in
                                                       enumerate(values)]
    upload(store, admin, DEVICE, workbook(rows))
    assert [d.purchase_value for d in devices(store)] == [1_500_000] * len(values)


def test_dates_typed_as_text_or_stored_as_excel_dates_are_both_read(store, city, admin):
    rows = [["Kode unit", "Kategori", "Nomor seri", "Akhir garansi"],
            ["DINKES", "PC", "SN1", "28/02/2027"],
            ["DINKES", "PC", "SN2", datetime(2027, 3, 31)],
            ["DINKES", "PC", "SN3", "2027-04-30"]]
    upload(store, admin, DEVICE, workbook(rows, formats={"D3": "DD/MM/YYYY"}))
    assert [d.warranty_end for d in devices(store)] == [date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_a_date_that_does_not_exist_is_named_with_its_cell(store, city, admin):
    problems = rejected(store, admin, DEVICE, workbook([["Kode unit", "Kategori", "Nomor seri", "Akhir garansi"],
                                                         ["DINKES", "PC", "SN1", "31/02/2027"]]))
    assert [(p.row, p.column, p.key) for p in problems] == [(2, "Akhir garansi", "cell.not_date")]
    assert "31/02/2027" in problems[0].message("id") and "dd/mm/yyyy" in problems[0].message("id")


def test_stray_and_non_breaking_spaces_and_any_case_are_forgiven(store, city, admin):
    rows = [[" Kode  unit ", "KATEGORI", "Nomor seri\n", "Kondisi"],
            ["  dinkes ", " laptop", "\xa0SN-77 ", " rusak  ringan"]]
    upload(store, admin, DEVICE, workbook(rows))
    device, = devices(store)
    assert (device.unit_id, device.category, device.serial_number, device.condition) == (
        city.units["DINKES"], "laptop", "SN-77", "rusak_ringan")


def test_merged_header_cells_over_two_header_rows_are_read(store, city, admin):
    # Row 1: a title merged across the sheet. Rows 2-3: "Perolehan" merged over its two columns, the
    # other headers merged down over both rows, as printed inventory forms usually are.
    rows = [["DAFTAR PERANGKAT TIK DINAS KESEHATAN", None, None, None, None],
            ["Kode unit", "Kategori", "Nomor seri", "Perolehan", None],
            [None, None, None, "Tahun perolehan", "Nilai perolehan"],
            ["DINKES", "Server", "SRV-01", 2022, "Rp 98.000.000"]]
    content = workbook(rows, merges=["A1:E1", "A2:A3", "B2:B3", "C2:C3", "D2:E2"])
    assert upload(store, admin, DEVICE, content)["created"] == 1
    device, = devices(store)
    assert (device.category, device.serial_number, device.purchase_year, device.purchase_value) == (
        "server", "SRV-01", 2022, 98_000_000)


def test_a_header_merged_across_two_columns_reads_its_values_from_the_first(store, city, admin):
    rows = [["Kode unit", "Kategori", "Nomor seri", None], ["DINKES", "PC", "SN-A", "catatan"]]
    upload(store, admin, DEVICE, workbook(rows, merges=["C1:D1"]))
    assert [d.serial_number for d in devices(store)] == ["SN-A"]


def test_hidden_empty_rows_are_skipped_and_problems_keep_excels_row_numbers(store, city, admin):
    rows = [["Kode unit", "Kategori", "Nomor seri"], ["DINKES", "PC", "SN1"], [None, None, None], [None, "", None],
            ["DINKES", "Kulkas", "SN2"]]
    problems = rejected(store, admin, DEVICE, workbook(rows, hidden_rows=[3, 4]))
    assert [(p.row, p.column) for p in problems] == [(5, "Kategori")]
    assert "tidak ada dalam daftar" in problems[0].message("id")
    rows[4][1] = "Laptop"
    assert upload(store, admin, DEVICE, workbook(rows, hidden_rows=[3, 4]))["created"] == 2


def test_every_bad_cell_is_listed_with_sheet_row_column_and_an_indonesian_reason(store, city, admin):
    # "Kompetensi Keamanan SPBE": the header of templates made before 8/2026 renamed the area; it still reads.
    rows = [["Nama", "Kode unit", "NIP", "Status kepegawaian", "Kompetensi Keamanan SPBE", "Pendidikan"],
            ["Agus", "DINKES", NIP_A, "PNS", "Mahir", "S1"],  # fine
            ["Budi", "DINAS-ENTAH", "", "Non-ASN", "", ""],  # unknown unit
            ["Citra", "DINKES", "", "PNS", "", ""],  # PNS without NIP
            ["Dedi", "DINKES", "198513122010011001", "PNS", "Jago", "S7"],  # month 13; two bad list values
            ["", "DINKES", "", "Non-ASN", "", ""],  # no name
            ["Agus lagi", "DINKES", NIP_A, "PNS", "", ""]]  # same NIP as row 2
    problems = rejected(store, admin, STAFF, workbook(rows, title="SDM TIK"))
    found = [(p.sheet, p.row, p.column) for p in problems]
    assert found == [("SDM TIK", 3, "Kode unit"), ("SDM TIK", 4, "NIP"), ("SDM TIK", 5, "NIP"),
                     ("SDM TIK", 5, "Kompetensi Keamanan SPBE"), ("SDM TIK", 5, "Pendidikan"), ("SDM TIK", 6, "Nama"),
                     ("SDM TIK", 7, "NIP")]
    messages = [p.message("id") for p in problems]
    assert messages[0] == "Kode unit 'DINAS-ENTAH' tidak dikenal."
    assert messages[1] == "PNS dan PPPK wajib punya NIP."
    assert messages[6] == "Sama dengan baris 2 untuk unit yang sama."
    assert count(store, Staff) == 0


def test_an_operators_upload_with_another_units_row_is_refused_whole(store, city, operator_a):
    rows = [DEVICE_HEADER[:4], ["KEC-KLOJEN", "PC", "HP", "SN-1"], ["KEL-KAUMAN", "PC", "HP", "SN-2"],
            ["DINKES", "PC", "HP", "SN-3"]]
    problems = rejected(store, operator_a, DEVICE, workbook(rows))
    assert [(p.row, p.column, p.key) for p in problems] == [(4, "Kode unit", "inventory.unit_out_of_scope")]
    assert "di luar wewenang Anda" in problems[0].message("id")
    assert count(store, Device) == 0, "the rows of the operator's own units are not written either"


def test_devices_are_matched_by_serial_number_or_asset_tag_and_updated(store, city, admin):
    upload(store, admin, DEVICE, workbook([["Kode unit", "Kategori", "Kode barang", "Kondisi"],
                                             ["DINKES", "PC", "1.3.2.10.01.0001", "Baik"]]))
    # The next stock-take adds the serial number and finds the PC lightly damaged: one device, updated.
    result = upload(store, admin, DEVICE, workbook([["Kode unit", "Kategori", "Kode barang", "Nomor seri", "Kondisi"],
                                                      ["DINKES", "PC", "1.3.2.10.01.0001", "SN-9", "Rusak Ringan"]]))
    assert result == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    device, = devices(store)
    assert (device.serial_number, device.condition) == ("SN-9", "rusak_ringan")
    with store.session() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert entry.old_values == {"serial_number": "", "condition": "baik"}
    assert entry.new_values == {"serial_number": "SN-9", "condition": "rusak_ringan"}


def test_a_column_left_out_of_the_file_keeps_what_is_stored(store, city, admin):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", location="Ruang Server"))
    upload(store, admin, DEVICE, workbook([["Kode unit", "Nomor seri", "Kondisi"], ["DINKES", "SN-1", "Rusak Berat"]]))
    device, = devices(store)
    assert (device.location, device.condition, device.purchase_value) == ("Ruang Server", "rusak_berat", 10_000_000)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", [DEVICE, STAFF, APPLICATION], ids=lambda k: k.name)
def test_an_export_imports_back_unchanged(store, city, admin, kind, fmt):
    add(store, admin, STAFF, {"unit": "DINKES", "nip": NIP_A, "name": "Agus", "competence_data": "Menengah"},
        {"unit": "DINKES", "name": "Rina", "employment": "Non-ASN", "certifications": "CCNA, MTCNA"})
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", staff_id=NIP_A, warranty_end="31/12/2027",
                                             purchase_value="Rp 12.345.678"),
        device_cells("KEL-KAUMAN", "", asset_tag="1.3.2.10.01.0002", condition="Rusak Berat"))
    add(store, admin, APPLICATION, {"unit": "DINKES", "name": "SIMPUS", "integrations": "SATUSEHAT, SIMRS",
                                      "user_units": "KEL-KAUMAN", "annual_cost": "Rp 25.000.000", "app_type": "Khusus"})
    with session_scope(store.engine) as s:
        data = roundtrip.export(session=s, viewer=admin, kind=kind, fmt=fmt)
    result = upload(store, admin, kind, data, f"ekspor.{fmt}")
    assert result["created"] == 0 and result["updated"] == 0 and result["unchanged"] > 0


FORMULAS = ["=HYPERLINK(\"http://127.0.0.1/x\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)"]


def test_exports_never_hand_excel_a_formula(store, city, admin):
    add(store, admin, DEVICE, *[device_cells("DINKES", f"SN-{n}", brand_model=text, location=text)
                                  for n, text in enumerate(FORMULAS)])
    with session_scope(store.engine) as s:
        xlsx = roundtrip.export(session=s, viewer=admin, kind=DEVICE, fmt="xlsx")
        text = roundtrip.export(session=s, viewer=admin, kind=DEVICE, fmt="csv").decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    brands = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in brands] == FORMULAS  # people see what was typed, no apostrophe in front
    assert all(c.data_type == "s" and c.quotePrefix for c in brands)  # a string Excel never evaluates
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row[:3])
    exported = list(csv.reader(io.StringIO(text)))
    assert [row[2] for row in exported[1:]] == ["'" + f for f in FORMULAS]  # a CSV has no types: quoted


def test_a_file_that_is_not_a_workbook_is_refused_in_indonesian(store, city, admin):
    problems = rejected(store, admin, DEVICE, b"PK\x03\x04 bukan excel", "rusak.xlsx")
    assert problems[0].message("id").startswith("Berkas bukan buku kerja Excel")


def test_the_sheet_of_its_kind_is_read_from_a_workbook_of_several(store, city, admin):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi lembar Aplikasi"])
    apps = book.create_sheet("Aplikasi")
    apps.append(["Kode unit pemilik", "Nama aplikasi", "Hosting", "Terintegrasi dengan"])
    apps.append(["DINKES", "SIMPUS", "Server unit sendiri", "SATUSEHAT; SIMRS"])
    out = io.BytesIO()
    book.save(out)
    upload(store, admin, APPLICATION, out.getvalue())
    with store.session() as s:
        app = s.scalars(select(Application)).one()
    assert (app.name, app.hosting, app.integrations) == ("SIMPUS", "own", ["SATUSEHAT", "SIMRS"])
    with session_scope(store.engine) as s:
        rows = listing.list_records(session=s, viewer=admin, kind=APPLICATION)
    assert rows[0]["integrations"] == "SATUSEHAT, SIMRS"


def test_a_serial_number_known_in_another_unit_is_added_for_this_unit_and_listed_as_a_duplicate(store, city, admin):
    from core.inventory import duplicates

    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", location="Gudang Dinkes"))
    result = upload(store, admin, DEVICE, workbook([["Kode unit", "Kategori", "Nomor seri"], ["SETDA", "PC", "SN-1"],
                                                      ["DINKES", "PC", "SN-1"]]))
    assert result == {"created": 1, "updated": 0, "unchanged": 1, "deleted": 0}  # nothing moved between units
    assert sorted((d.unit_id, d.location) for d in devices(store)) == sorted(
        [(city.units["DINKES"], "Gudang Dinkes"), (city.units["SETDA"], "")])
    with session_scope(store.engine) as s:
        conflict, = duplicates.find_conflicts(session=s, viewer=admin)
    assert conflict.kind == "device_serial"


def test_a_header_the_importer_does_not_know_is_a_problem_naming_the_closest_known_header(store, city, admin):
    content = workbook([["Kode unit", "Nomor seri", "Harga Beli Satuan (Rp)", "Catatan Lain"],
                        ["DINKES", "SN-1", "Rp 7.500.000", "baru"]])
    problems = rejected(store, admin, DEVICE, content)
    assert [(p.row, p.column, p.key) for p in problems] == [
        (1, "Harga Beli Satuan (Rp)", "import.unknown_column_like"), (1, "Catatan Lain", "import.unknown_column")]
    assert "maksud Anda 'Nilai perolehan'?" in problems[0].message("id")
    assert "did you mean 'Purchase value'?" in problems[0].message("en")
    assert devices(store) == []  # nothing read, nothing written


def test_the_spellings_people_really_use_for_headers_are_recognised(store, city, admin):
    content = workbook([["No", "OPD", "Jenis Barang", "Merk / Type", "No. Seri", "Kode Barang", "Thn Pengadaan",
                         "Harga Beli (Rp)", "Keadaan Barang", "Lokasi*"],
                        [1, "DINKES", "PC", "Lenovo M70s", "SN-9", "1.3.2.10.01.0009", 2022, "Rp 9.000.000",
                         "Baik", "Ruang TU"]])
    assert upload(store, admin, DEVICE, content)["created"] == 1
    device, = devices(store)
    assert (device.brand_model, device.serial_number, device.asset_tag, device.purchase_year, device.purchase_value,
            device.location) == ("Lenovo M70s", "SN-9", "1.3.2.10.01.0009", 2022, 9_000_000, "Ruang TU")


def test_no_two_columns_of_a_kind_answer_to_the_same_header():
    from core.needs.kind import NEED
    from core.records.sheets import normalise_header

    for kind in (DEVICE, STAFF, APPLICATION, NEED):
        seen = {}
        for field, spellings in roundtrip.headers(kind).items():
            for spelling in spellings:
                key = normalise_header(spelling)
                assert seen.setdefault(key, field) == field, (kind.name, spelling, field, seen[key])


def formula_workbook(cached: str | None) -> bytes:
    """A device row whose value cell holds a formula, with the result a spreadsheet program cached beside it."""
    content = workbook([["Kode unit", "Nomor seri", "Nilai perolehan"], ["DINKES", "SN-F", "=1000*2"]])
    if cached is None:
        return content
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<f>1000*2</f><v />", f"<f>1000*2</f><v>{cached}</v>".encode())
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("cached", [None, "2000"], ids=["no cached result", "cached result"])
def test_a_formula_cell_is_refused_as_a_formula_and_its_cached_result_is_never_taken(store, city, admin, cached):
    problems = rejected(store, admin, DEVICE, formula_workbook(cached))
    assert [(p.row, p.column, p.key) for p in problems] == [(2, "Nilai perolehan", "cell.formula")]
    assert "=1000*2" in problems[0].message("id")
    assert devices(store) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_text_cell_that_starts_with_equals_imports_as_text_as_the_csv_does(store, city, admin, fmt):
    header = ["Kode unit", "Kategori", "Nomor seri", "Merek/tipe", "Lokasi"]
    row = ["DINKES", "PC", "SN-T", "=kabinet", "@gudang"]
    if fmt == "csv":
        content = ("\ufeff" + ",".join(header) + "\r\n" + ",".join(row) + "\r\n").encode()
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(header)
        book.active.append(row)
        typed = book.active["D2"]  # as Excel stores '=kabinet typed with an apostrophe: a string, not a formula
        typed.data_type, typed.quotePrefix = "s", True
        out = io.BytesIO()
        book.save(out)
        content = out.getvalue()
    assert upload(store, admin, DEVICE, content, f"isian.{fmt}")["created"] == 1
    assert [(d.brand_model, d.location) for d in devices(store)] == [("=kabinet", "@gudang")]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_values_an_export_quotes_against_formulas_import_back_as_they_were(store, city, admin, fmt):
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", location="-", brand_model="+Plus Z"),
        device_cells("DINKES", "SN-2", location="@gudang", brand_model="=kabinet"))
    with session_scope(store.engine) as s:
        data = roundtrip.export(session=s, viewer=admin, kind=DEVICE, fmt=fmt)
    assert upload(store, admin, DEVICE, data, f"ekspor.{fmt}")["unchanged"] == 2
    assert sorted((d.location, d.brand_model) for d in devices(store)) == [("-", "+Plus Z"), ("@gudang", "=kabinet")]
