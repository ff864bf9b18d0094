"""Reading an uploaded table, CSV or Excel, into rows with the line numbers the user sees in the file.

Real files are messy: a title row above the header, stray spaces, blank or hidden empty rows, header
cells typed in any case. The header row is the first of the top rows that names the required columns.
Cells keep their type from Excel (numbers, dates) so each field's own parser decides what is valid.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.errors import ImportRejected, Problem

HEADER_SEARCH_ROWS = 10
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    filename: str
    columns: dict[int, str]  # position in the row → field name
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line in the file, field → cell)
    ignored: list[str] = field(default_factory=list)  # header cells that name no known field
    labels: dict[str, str] = field(default_factory=dict)  # field → its header as written in the file

    def located(self, problems: list[Problem]) -> list[Problem]:
        """The problems with each column named as the file's header names it."""
        for problem in problems:
            problem.column = self.labels.get(problem.column, problem.column)
        return problems


def normalise_header(text: Any) -> str:
    return "_".join(str(text or "").strip().lower().replace("\n", " ").split())


def read_table(content: bytes, filename: str, headers: dict[str, set[str]], required: Iterable[str]) -> Table:
    """The table in `content`; raises ImportRejected when it cannot be read or lacks a required column.

    `headers` maps each field to the header spellings accepted for it (compared lower-case, spaces as _).
    """
    required = list(required)
    lines = _excel_lines(content, filename) if filename.lower().endswith(EXCEL_SUFFIXES) else _csv_lines(content, filename)
    lookup = {normalise_header(name): f for f, names in headers.items() for name in names | {f}}
    header_at, columns, first_seen = None, {}, None
    for number, values in lines[:HEADER_SEARCH_ROWS]:
        found = {i: lookup.get(normalise_header(v)) for i, v in enumerate(values)}
        if first_seen is None and any(_filled(v) for v in values):
            first_seen = (number, found)
        if all(f in found.values() for f in required):
            header_at, columns = number, found
            break
    if header_at is None:
        if first_seen is None:
            raise ImportRejected([Problem("-", "import.empty_file")], filename)
        number, found = first_seen
        missing = [f for f in required if f not in found.values()]
        raise ImportRejected([Problem(f, "import.missing_column", row=number,
                                      accepted=", ".join(sorted(headers[f] | {f}))) for f in missing], filename)
    header_values = next(values for number, values in lines if number == header_at)
    table = Table(filename, {i: f for i, f in columns.items() if f},
                  [str(header_values[i]).strip() for i, f in columns.items() if not f and _filled(header_values[i])])
    table.labels = {f: str(header_values[i]).strip() for i, f in table.columns.items()}
    for number, values in lines:
        if number <= header_at or not any(_filled(v) for v in values):
            continue  # blank rows, also hidden ones, are common at the end of exported files
        table.rows.append((number, {f: _clean(values[i]) for i, f in table.columns.items() if i < len(values)}))
    if not table.rows:
        raise ImportRejected([Problem("-", "import.no_rows")], filename)
    return table


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _clean(value: Any) -> Any:
    """Text without stray or non-breaking spaces; other cell types as Excel gave them; empty as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.replace("\xa0", " ").split())
    return value


def _csv_lines(content: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([Problem("-", "import.not_utf8", row=None, position=exc.start)], filename) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [(number, values) for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]


def _excel_lines(content: bytes, filename: str) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # imported here: only uploads of workbooks pay for it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportRejected([Problem("-", "import.not_excel")], filename) from None
    try:
        sheet = book.worksheets[0]
        return list(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
    finally:
        book.close()
