"""Exports: a cell that starts like a formula never runs as one (quoted in a CSV, a quote-prefixed string cell in a
workbook, shown as typed); secrets never leave the store."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.export import as_text, safe_cell, to_csv, xlsx_row
from core.monitoring import targets
from tests.monitoring import add_target


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_like_cells_are_quoted(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Dinas Kesehatan", "127.0.0.1", 42, None, ""])
def test_ordinary_cells_pass_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("write_only", [False, True], ids=["workbook", "write-only workbook"])
def test_formula_like_text_is_a_quote_prefixed_string_cell_shown_as_typed(write_only):
    texts = ["=HYPERLINK(\"http://x\")", "+Plus Z", "-2+3", "@gudang", "\tcmd", "=kabinet", "#N/A"]
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Data") if write_only else book.active
    sheet.append(xlsx_row(sheet, [*texts, "Dinas Kesehatan", 42, None]))
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[-1].iter_rows())[0]
    assert [c.value for c in cells] == [*texts, "Dinas Kesehatan", 42]  # no apostrophe in what people see
    assert [c.data_type for c in cells[:8]] == ["s"] * 8  # text, never a formula ("f") or an error ("e")
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False] * 3  # Excel keeps it text after an edit


def test_a_cell_written_in_place_keeps_its_text_as_text():
    sheet = Workbook().active
    cell = as_text(sheet.cell(row=1, column=1, value="=SUM(A2:A9)"))
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=SUM(A2:A9)", "s", True)


def test_csv_has_a_bom_for_excel_and_quoted_formulas():
    data = to_csv([{"name": "=1+1", "host": "10.0.0.1"}], [("name", "Nama"), ("host", "Host")])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Nama", "Host"], ["'=1+1", "10.0.0.1"]]


def test_target_export_leaves_out_snmp_secrets(store, admin, city):
    add_target(store, admin, city.units["DINKES"], name="=cmd|' /C calc'!A0", kind="snmp",
               options={"version": "3", "user": "monev", "auth_key": "rahasia-auth", "priv_key": "rahasia-priv"})
    with store.session() as s:
        rows = targets.export_rows(session=s, viewer=admin)
    data = to_csv(rows, [(k, k) for k in rows[0]]).decode("utf-8-sig")
    assert "rahasia" not in data and "user=monev" in data
    assert "'=cmd" in data
