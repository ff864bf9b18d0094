"""Spreadsheet exports that cannot run formulas: text starting with = + - @ (or a tab/CR) never becomes one.

A CSV has no cell types, so such a cell is quoted with a leading apostrophe (OWASP's CSV injection advice;
an import takes the apostrophe off again). An .xlsx cell has a type: such text is written as a string cell
with Excel's quote prefix, so people see exactly what was typed, Excel never evaluates it, and it stays
text when someone edits the cell."""

import csv
import io

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}  # openpyxl types these as errors


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS)


def safe_cell(value):
    """The value as a CSV cell that a spreadsheet shows and never runs as a formula (OWASP CSV injection advice)."""
    if formula_like(value):
        return "'" + value
    return value


def as_text(cell):
    """The workbook cell, kept as the text it holds: a string cell (openpyxl makes "=…" a formula and "#N/A"
    an error), with the quote prefix when the text starts like a formula. The cell, for chaining."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if formula_like(cell.value):
            cell.quotePrefix = True
    return cell


def xlsx_row(sheet, values) -> list:
    """A row for `sheet.append` (also on a write-only sheet) whose text cells stay text (as_text)."""
    from openpyxl.cell import Cell  # deferred: openpyxl costs 0.2 s to load; only a workbook pays for it

    return [as_text(Cell(sheet, row=1, column=1, value=v)) if formula_like(v) or v in ERROR_CODES else v
            for v in values]


def to_csv(rows: list[dict], columns: list[tuple[str, str]]) -> bytes:
    """CSV (UTF-8 with BOM so Excel reads it) with headers from `columns` = [(key, header)]."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(header) for _key, header in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(key, "")) for key, _header in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
