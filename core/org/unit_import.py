"""Reading a units file (CSV, UTF-8) into rows for `units.import_units`."""

import csv
import io

from core.errors import ImportRejected, Problem
from core.org.units import UnitRow
from core.records import cells

# Header spellings accepted for each field: the English names of the reference file and Indonesian ones.
HEADERS = {
    "code": {"code", "kode", "kode_unit"},
    "name": {"name", "nama", "nama_unit"},
    "short_name": {"short_name", "nama_singkat", "singkatan"},
    "kind": {"kind", "jenis", "jenis_unit"},
    "parent_code": {"parent_code", "kode_induk", "induk"},
    "active": {"active", "aktif"},
}
REQUIRED = ("code", "name", "kind")


def _field_for(header: str) -> str | None:
    key = header.strip().lower().replace(" ", "_")
    return next((field for field, names in HEADERS.items() if key in names), None)


def parse_units_csv(content: bytes, filename: str = "units.csv") -> list[tuple[int, UnitRow]]:
    """Rows with their line numbers; raises ImportRejected naming every bad row and column."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([Problem("-", "import.not_utf8", row=None, position=exc.start)], filename) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise ImportRejected([Problem("-", "import.empty_file")], filename)
    columns = {index: _field_for(name) for index, name in enumerate(header)}
    missing = [f for f in REQUIRED if f not in columns.values()]
    if missing:
        raise ImportRejected(
            [Problem(f, "import.missing_column", row=1, accepted=", ".join(sorted(HEADERS[f]))) for f in missing],
            filename,
        )
    rows: list[tuple[int, UnitRow]] = []
    problems: list[Problem] = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines are common at the end of exported files
        data = {field: values[i].strip() for i, field in columns.items() if field and i < len(values)}
        try:
            active = cells.boolean(data.pop("active", ""))
        except cells.CellError as exc:
            problems.append(Problem("active", exc.key, row=line, **exc.params))
            continue
        # Empty required cells are reported by the unit checks, together with every other problem.
        rows.append((line, UnitRow(**{**dict.fromkeys(REQUIRED, ""), **data}, active=active)))
    if problems:
        raise ImportRejected(problems, filename)
    if not rows:
        raise ImportRejected([Problem("-", "import.no_rows")], filename)
    return rows
