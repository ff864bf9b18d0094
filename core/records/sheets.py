"""Reading an uploaded table, CSV or Excel, into rows with the line numbers the user sees in the file.

Real files are messy: a title row above the header, stray spaces, blank or hidden empty rows, header
cells typed in any case, merged header cells (a group title over two header rows, a name merged across
two columns). The header row is the first of the top rows that names the required columns.
Cells keep their type from Excel (numbers, dates) so each field's own parser decides what is valid.
"""

import bisect
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from core.errors import ImportRejected, Problem, Term
from core.export import DANGEROUS
from core.records.cells import Formula

HEADER_SEARCH_ROWS = 10
MAX_MERGES, MAX_MERGE_WIDTH = 10_000, 200  # merged ranges spread into cells: enough for any real header
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
INSTRUCTION_SHEETS = {"petunjuk", "instructions", "instruksi", "daftar", "lists"}
MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


@dataclass(frozen=True)
class Limits:
    """What one upload may weigh, checked before and while it is read (settings: MONEV_UPLOAD_MAX_MB,
    MONEV_IMPORT_MAX_ROWS). A workbook is a zip: it may unpack to at most UNPACK_FACTOR times its limit,
    and no part of it may be squeezed more than MAX_RATIO to one (what a zip bomb is)."""

    max_bytes: int = 20 * 2**20
    max_rows: int = 100_000

    UNPACK_FACTOR = 10
    MAX_RATIO = 100
    CELLS_PER_ROW = 40

    @property
    def max_unpacked(self) -> int:
        return self.UNPACK_FACTOR * self.max_bytes

    @property
    def max_cells(self) -> int:
        return self.CELLS_PER_ROW * self.max_rows


DEFAULT_LIMITS = Limits()


class TooMuch(Exception):
    """Reading stopped at a limit; `problem` says which, in a sentence."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.key)


@dataclass
class Table:
    filename: str
    columns: dict[int, str]
    sheet: str = ""  # the worksheet read, for workbooks  # position in the row → field name
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line in the file, field → cell)
    ignored: list[str] = field(default_factory=list)  # header cells that name no known field
    labels: dict[str, str] = field(default_factory=dict)  # field → its header as written in the file

    def located(self, problems: list[Problem]) -> list[Problem]:
        """The problems with each column named as the file's header names it."""
        for problem in problems:
            problem.column = self.labels.get(problem.column, problem.column)
        return problems


# Words people shorten in headers, spelled out before headers are compared.
ABBREVIATIONS = {"no": "nomor", "nmr": "nomor", "thn": "tahun", "th": "tahun", "tgl": "tanggal", "kd": "kode",
                 "nm": "nama", "brg": "barang", "ket": "keterangan", "jml": "jumlah"}
# A column that numbers the rows ("No", "No."): read as nothing, dropped knowingly.
ROW_NUMBERS = {"nomor", "nomor_urut", "urut", "#", "nomor_baris"}
QUOTED = DANGEROUS  # what a CSV export (and an .xlsx of earlier versions) quotes with a leading apostrophe
SUGGEST_FROM = 75  # how alike (0-100, token-set ratio) an unknown header must be to a known one to be suggested


def normalise_header(text: Any) -> str:
    """A header as compared: lower case, units in brackets and marks (* : . #) left out, a slash joining
    two words without spaces, common shortenings spelled out: "Harga Beli (Rp)*" → "harga_beli",
    "No. Seri" → "nomor_seri", "Merk / Type" → "merk/type"."""
    raw = str(text or "").replace("\n", " ").replace("\xa0", " ").strip().lower()
    raw = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", raw)
    raw = re.sub(r"\s*/\s*", "/", re.sub(r"[*:.#]", " ", raw))
    return "_".join(ABBREVIATIONS.get(w, w) for w in re.split(r"[\s_]+", raw) if w)


def read_table(content: bytes, filename: str, headers: dict[str, set[str]], required: Iterable[str],
               sheets: Iterable[str] = (), label: Callable[[str], str] = lambda field: field,
               limits: Limits = DEFAULT_LIMITS) -> Table:
    """The table in `content`; raises ImportRejected when it cannot be read, lacks a required column, or
    has a column whose header names no field (its values would be lost: the problem names the closest
    known header, as `label` names a field).

    `headers` maps each field to the header spellings accepted for it (compared as normalise_header does).
    In a workbook the sheet named one of `sheets` is read, else the first that is not an instructions sheet.
    """
    required = list(required)
    sheet = ""
    if len(content) > limits.max_bytes:
        raise ImportRejected([Problem("-", "import.too_large", size=_mb(len(content)), limit=_mb(limits.max_bytes))],
                             filename)
    try:
        if filename.lower().endswith(EXCEL_SUFFIXES):
            sheet, lines = _excel_lines(content, filename, [normalise_header(n) for n in sheets], limits)
        else:
            lines = _csv_lines(content, filename, limits)
    except TooMuch as stop:
        raise ImportRejected([stop.problem], filename) from None
    lookup = {normalise_header(name): f for f, names in headers.items() for name in names | {f}}
    header_at, columns, first_seen = None, {}, None
    for number, values in lines[:HEADER_SEARCH_ROWS]:
        found = _fields(values, lookup)
        if first_seen is None and any(_filled(v) for v in values):
            first_seen = (number, found)
        if all(f in found.values() for f in required):
            header_at, columns = number, found
            break
    if header_at is None:
        if first_seen is None:
            raise ImportRejected([Problem("-", "import.empty_file", sheet=sheet or None)], filename)
        number, found = first_seen
        missing = [f for f in required if f not in found.values()]
        raise ImportRejected([Problem(f, "import.missing_column", row=number, sheet=sheet or None,
                                      accepted=", ".join(sorted(headers[f] | {f}))) for f in missing], filename)
    header_values = list(next(values for number, values in lines if number == header_at))
    below = next(((n, v) for n, v in lines if n == header_at + 1), None)
    if below is not None and _all_headers(below[1], lookup):
        # A second header row (a group title merged over its sub-columns above it): its names win.
        for i, field_name in _fields(below[1], lookup).items():
            if field_name:
                columns = {j: (None if f == field_name else f) for j, f in columns.items()}
                columns[i], header_values[i] = field_name, below[1][i]
        header_at += 1
    unknown = [(i, str(header_values[i]).strip()) for i, f in columns.items()
               if not f and _filled(header_values[i]) and normalise_header(header_values[i]) not in lookup
               and normalise_header(header_values[i]) not in ROW_NUMBERS]
    if unknown:
        raise ImportRejected([_unknown_column(text, header_at, sheet, lookup, label) for _i, text in unknown],
                             filename)
    table = Table(filename, {i: f for i, f in columns.items() if f}, sheet,
                  ignored=[str(header_values[i]).strip() for i, f in columns.items()
                           if not f and _filled(header_values[i])])
    table.labels = {f: str(header_values[i]).strip() for i, f in table.columns.items()}
    for number, values in lines:
        if number <= header_at or not any(_filled(v) for v in values):
            continue  # blank rows, also hidden ones, are common at the end of exported files
        table.rows.append((number, {f: _clean(values[i]) for i, f in table.columns.items() if i < len(values)}))
    if not table.rows:
        raise ImportRejected([Problem("-", "import.no_rows", sheet=sheet or None)], filename)
    return table


def _unknown_column(text: str, row: int, sheet: str, lookup: dict[str, str], label: Callable) -> Problem:
    words = {spelling.replace("_", " ").replace("/", " "): spelling for spelling in lookup}
    match = process.extractOne(normalise_header(text).replace("_", " ").replace("/", " "), list(words),
                               scorer=fuzz.token_set_ratio, score_cutoff=SUGGEST_FROM)
    if match is None:
        return Problem(text, "import.unknown_column", row=row, sheet=sheet or None)
    return Problem(text, "import.unknown_column_like", row=row, sheet=sheet or None,
                   suggestion=Term(label(lookup[words[match[0]]])))


def _fields(values, lookup: dict[str, str]) -> dict[int, str | None]:
    """Which field each header cell names; a header merged across columns names its field once, at the left."""
    found: dict[int, str | None] = {}
    for i, v in enumerate(values):
        field_name = lookup.get(normalise_header(v))
        found[i] = field_name if field_name not in found.values() else None
    return found


def _all_headers(values, lookup: dict[str, str]) -> bool:
    filled = [v for v in values if _filled(v)]
    return bool(filled) and all(normalise_header(v) in lookup for v in filled)


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _clean(value: Any) -> Any:
    """Text without stray or non-breaking spaces; other cell types as Excel gave them; empty as ''. The
    apostrophe a CSV export puts before = + - @ (so a spreadsheet shows text, not a formula) comes off again,
    so an exported file reads back as it was (an .xlsx export marks such text with the quote prefix instead)."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value
    if isinstance(value, str):
        if len(value) > 1 and value[0] == "'" and value[1] in QUOTED:
            value = value[1:]
        return " ".join(value.replace("\xa0", " ").split())
    return value


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}".replace(".", ",")


def _counted(rows: Iterable[tuple[int, list[Any]]], limits: Limits) -> list[tuple[int, list[Any]]]:
    """The rows that hold anything, stopping (TooMuch) past the row or cell limit."""
    kept, cells = [], 0
    for number, values in rows:
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()  # a row padded to the sheet's declared width holds nothing there
        if not values:
            continue
        kept.append((number, values))
        cells += len(values)
        if len(kept) > limits.max_rows + HEADER_SEARCH_ROWS:
            raise TooMuch(Problem("-", "import.too_many_rows", limit=limits.max_rows))
        if cells > limits.max_cells:
            raise TooMuch(Problem("-", "import.too_many_cells", limit=limits.max_cells, row=number))
    return kept


def _csv_lines(content: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([Problem("-", "import.not_utf8", row=None, position=exc.start)], filename) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return _counted(enumerate(reader, start=1), limits)
    except csv.Error as exc:  # a field longer than the csv module reads, a stray quote: where and why
        raise ImportRejected([Problem("-", "import.csv_broken", row=reader.line_num, error=str(exc))],
                             filename) from None


def _unpacked(content: bytes, filename: str, limits: Limits) -> None:
    """Refuse a workbook that unpacks to far more than it weighs (a zip bomb) before anything reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected([Problem("-", "import.not_excel")], filename) from None
    total = sum(part.file_size for part in parts)
    squeezed = any(part.file_size > limits.MAX_RATIO * max(part.compress_size, 1) and part.file_size > 2**20
                   for part in parts)
    if total > limits.max_unpacked or squeezed:
        raise ImportRejected([Problem("-", "import.zip_bomb", size=_mb(total), limit=_mb(limits.max_unpacked))],
                             filename)


def _excel_lines(content: bytes, filename: str, wanted: list[str],
                 limits: Limits = DEFAULT_LIMITS) -> tuple[str, list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook  # imported here: only uploads of workbooks pay for it

    _unpacked(content, filename, limits)
    try:
        # Formulas as formulas (not the results the file may have cached): each is refused with its text.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises a dozen kinds for a broken file; each means the same
        raise ImportRejected([Problem("-", "import.not_excel")], filename) from None
    try:
        named = {normalise_header(ws.title): ws for ws in book.worksheets}
        sheet = next((named[n] for n in wanted if n in named), None) or next(
            (ws for ws in book.worksheets if normalise_header(ws.title) not in INSTRUCTION_SHEETS), book.worksheets[0])
        # The sheet's declared size is never trusted: a file that declares A1:XFD1048576 around one cell
        # would otherwise be read as a billion empty cells.
        sheet.reset_dimensions()
        # A formula is a cell of formula type, whatever its text; a string cell that starts with "=" is text
        # (typed with Excel's quote prefix, or exported so), read as the CSV reads it.
        rows = ((n, [Formula(c.value) if c.data_type == "f" else c.value for c in cells])
                for n, cells in enumerate(sheet.iter_rows(min_row=1), start=1))
        lines = _counted(rows, limits)
        _spread_merged(lines, _merged_ranges(content, getattr(sheet, "_worksheet_path", "")))
        return sheet.title, lines
    except TooMuch:
        raise
    except Exception:  # noqa: BLE001 - broken sheet XML and the like: the file is refused with a sentence
        raise ImportRejected([Problem("-", "import.excel_broken")], filename) from None
    finally:
        book.close()


def _merged_ranges(content: bytes, part: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (first row, first column, last row, last column), read from the sheet's XML (openpyxl's
    fast read-only mode does not report them): streamed, keeping only what follows the cell data."""
    from openpyxl.utils import column_index_from_string  # deferred, as in _excel_lines

    if not part:
        return []
    tail, window = b"", b""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(part.lstrip("/")) as stream:
        while chunk := stream.read(2**20):
            if tail:
                tail += chunk
                continue
            window = window[-16:] + chunk
            at = window.find(b"</sheetData>")
            if at >= 0:
                tail = window[at:]
    ranges = []
    for col1, row1, col2, row2 in MERGE.findall(tail):
        c1, r1 = column_index_from_string(col1.decode()), int(row1)
        c2, r2 = (column_index_from_string(col2.decode()), int(row2)) if col2 else (c1, r1)
        ranges.append((r1, c1, r2, c2))
    return ranges


def _spread_merged(lines: list[tuple[int, list[Any]]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the value Excel shows in it (the top-left cell's), in the rows that
    are there (a merge reaching down a million empty rows adds none)."""
    rows, numbers = dict(lines), [number for number, _values in lines]
    for r1, c1, r2, c2 in ranges[:MAX_MERGES]:
        source = rows.get(r1)
        if source is None or c2 - c1 > MAX_MERGE_WIDTH:
            continue
        value = source[c1 - 1] if c1 - 1 < len(source) else None
        for at in range(bisect.bisect_left(numbers, r1), bisect.bisect_right(numbers, r2)):
            row = lines[at][1]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                row[c - 1] = value
