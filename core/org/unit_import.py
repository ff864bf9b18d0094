"""Reading a units file (CSV or Excel, as every import reads one: records.sheets) into rows for
`units.import_units`."""

from core.errors import ImportRejected, Problem
from core.org.units import UnitRow
from core.records import cells
from core.records.sheets import DEFAULT_LIMITS, Limits, read_table

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


def parse_units_csv(content: bytes, filename: str = "units.csv",
                    limits: Limits = DEFAULT_LIMITS) -> list[tuple[int, UnitRow]]:
    """Rows with their line numbers; raises ImportRejected naming every bad row and column."""
    table = read_table(content, filename, HEADERS, REQUIRED, limits=limits,
                       label=lambda field: "unit.parent" if field == "parent_code" else f"unit.{field}")
    rows: list[tuple[int, UnitRow]] = []
    problems: list[Problem] = []
    for line, row in table.rows:
        try:
            data = {field: cells.text(row.get(field, "")) for field in HEADERS if field != "active"}
            active = cells.boolean(row.get("active", ""))
        except cells.CellError as exc:
            problems.append(Problem("active" if exc.key == "import.bad_boolean" else "-", exc.key, row=line,
                                    **exc.params))
            continue
        # Empty required cells are reported by the unit checks, together with every other problem.
        rows.append((line, UnitRow(**data, active=active)))
    if problems:
        raise ImportRejected(problems, filename)
    return rows
