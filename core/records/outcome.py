"""What an import did, or with dry_run would do: the counts every caller reads, and which lines of the file it
writes, so the page can show those rows before anything is committed."""

from datetime import date, datetime
from typing import Any

from core.records.sheets import Table

PREVIEW_ROWS = 50  # rows a preview shows before the commit; the rest are counted
ACTIONS = ("created", "updated")  # what an import does with a line it writes


class Outcome(dict):
    """The counts of an import (a dict, as every caller reads them: created, updated, unchanged, …), with the
    lines it writes and how, in file order: `written` holds (line, "created" | "updated")."""

    def __init__(self, counts: dict[str, Any], written: list[tuple[int, str]] = ()):
        super().__init__(counts)
        self.written = list(written)


def table_cells(table: Table) -> dict[int, dict[str, Any]]:
    """Each line of a table as the file has it: its header as written in the file → the cell."""
    return {line: {table.labels.get(field, field): value for field, value in row.items()} for line, row in table.rows}


def preview(outcome: Outcome, cells: dict[int, dict[str, Any]], limit: int = PREVIEW_ROWS) -> tuple[list[dict], int]:
    """The first `limit` rows the import writes, each its line, what it does ("created" or "updated") and its
    cells as text; and how many more it writes beyond those."""
    rows = []
    for line, action in outcome.written[:limit]:
        rows.append({"line": line, "action": action, **{k: _text(v) for k, v in cells.get(line, {}).items()}})
    return rows, max(0, len(outcome.written) - limit)


def _text(value: Any) -> str:
    """A cell as the preview shows it: dates as dd/mm/yyyy, whole numbers without ".0", nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
