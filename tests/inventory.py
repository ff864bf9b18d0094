"""Helpers for inventory tests: rows in every unit, workbooks written by openpyxl as Excel users write them."""

import io

from openpyxl import Workbook

from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.records import save
from core.records.save import Change
from db.engine import session_scope

# NIPs that pass every check: born 12 Mar 1985, appointed Jan 2010, male/female, sequence 001/002.
NIP_A = "198503122010011001"
NIP_B = "199001012015032002"


def device_cells(unit: str, serial: str, **extra) -> dict:
    return {"unit": unit, "category": "PC", "brand_model": "Lenovo M70s", "serial_number": serial,
            "purchase_year": 2020, "purchase_value": 10_000_000, **extra}


def add(store, viewer, kind, *rows: dict) -> dict:
    with session_scope(store.engine) as s:
        return save.save_records(session=s, viewer=viewer, kind=kind,
                                      changes=[Change(n + 2, row) for n, row in enumerate(rows)])


def fill_every_unit(store, admin, city) -> None:
    """A device, a staff member and an application in every unit of the test city."""
    codes = sorted(city.units)
    add(store, admin, DEVICE, *[device_cells(code, f"SN-{code}") for code in codes])
    add(store, admin, STAFF, *[{"unit": code, "name": f"Staf {code}", "employment": "Non-ASN",
                                  "competence_keamanan": "Mahir"} for code in codes])
    add(store, admin, APPLICATION, *[{"unit": code, "name": f"Aplikasi {code}", "hosting": "cloud"}
                                       for code in codes])


def workbook(rows: list[list], title: str = "Perangkat", merges: list[str] = (), hidden_rows: list[int] = (),
             formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx with one sheet holding `rows` as given (None = empty cell), merged ranges and hidden rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

