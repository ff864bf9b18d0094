"""Spreadsheet exports that cannot run formulas: a cell starting with = + - @ (or a tab/CR) is quoted."""

import csv
import io

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet will show it, never as a formula (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def to_csv(rows: list[dict], columns: list[tuple[str, str]]) -> bytes:
    """CSV (UTF-8 with BOM so Excel reads it) with headers from `columns` = [(key, header)]."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(header) for _key, header in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(key, "")) for key, _header in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
