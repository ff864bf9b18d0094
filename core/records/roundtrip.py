"""Excel round trip for every register: a template per record kind, reading a filled workbook (or CSV)
into changes for `records.save.save_records`, and exports of any filtered view that cannot run formulas."""

import io
from typing import Any

from sqlmodel import Session

from core.access import Viewer
from core.errors import ImportRejected
from core.export import as_text, to_csv, xlsx_row
from core.i18n import CATALOGUES, t
from core.records import listing
from core.records.kinds import Lookup, RecordKind
from core.records.outcome import Outcome
from core.records.save import Change, save_records
from core.records.sheets import DEFAULT_LIMITS, Limits, Table, read_table

MAX_ROWS_WITH_LISTS = 5000  # dropdown validation is drawn this far down the template


def headers(spec: RecordKind) -> dict[str, set[str]]:
    """Header spellings accepted for each column: the field name and its label in every language."""
    return {c.field: {c.field, *c.aliases, *(t(f"{spec.name}.{c.field}", lang) for lang in CATALOGUES)}
            for c in spec.columns}


def sheet_names(spec: RecordKind) -> list[str]:
    return [t(f"inventory.sheet.{spec.name}", lang) for lang in CATALOGUES]


def read_upload(content: bytes, filename: str, kind: RecordKind, limits: Limits = DEFAULT_LIMITS) -> Table:
    """The rows of an uploaded workbook or CSV; the unit column is the only one a file must have."""
    return read_table(content, filename, headers(kind), ["unit"], sheets=sheet_names(kind),
                      label=lambda field: f"{kind.name}.{field}", limits=limits)


def changes_from(table: Table, kind: RecordKind) -> list[Change]:
    """The table's rows as changes; derived (read-only) columns in the file are left out."""
    editable = {c.field for c in kind.editable}
    return [Change(line, row if editable.issuperset(row) else {k: v for k, v in row.items() if k in editable})
            for line, row in table.rows]


def import_upload(*, session: Session, viewer: Viewer, kind: RecordKind, table: Table,
                  dry_run: bool = False) -> Outcome:
    """Add or update every row of the file by natural key, or nothing (ImportRejected names each bad cell,
    row by row and left to right as the file has them)."""
    try:
        return save_records(session=session, viewer=viewer, kind=kind, changes=changes_from(table, kind),
                            filename=table.filename, sheet=table.sheet, labels=table.labels, upsert=True,
                            dry_run=dry_run)
    except ImportRejected as exc:
        position = {label: i for i, label in enumerate(table.labels.get(f, f) for f in table.columns.values())}
        exc.problems.sort(key=lambda p: (p.row or 0, position.get(p.column, len(position))))
        raise


def template(*, session: Session, viewer: Viewer, kind: RecordKind, lang: str = "id") -> bytes:
    """An empty workbook: the data sheet with headers and dropdowns, an instructions sheet, the lists."""
    from openpyxl import Workbook  # deferred: openpyxl costs 0.2 s to load; only a download pays for it
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    names = listing.lookup(session=session, viewer=viewer, kind=kind)
    book = Workbook()
    data = book.active
    data.title = t(f"inventory.sheet.{kind.name}", lang)
    columns = kind.editable
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    lists = book.create_sheet(t("inventory.sheet.lists", lang))
    for index, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index, value=column.label(kind.name, lang))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = column.width
        if column.kind == "text":
            data.column_dimensions[letter].number_format = "@"  # NIP and codes stay text, all 18 digits
        options = options_of(column, names, lang)
        if options:
            lists.cell(row=1, column=index, value=column.label(kind.name, lang)).font = Font(bold=True)
            for row, option in enumerate(options, start=2):
                as_text(lists.cell(row=row, column=index, value=option))  # admin-typed entries: never formulas
            source = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(options) + 1}"
            check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                   errorTitle=column.label(kind.name, lang), error=t("inventory.template.pick", lang))
            check.add(f"{letter}2:{letter}{MAX_ROWS_WITH_LISTS}")
            data.add_data_validation(check)
    data.freeze_panes = "A2"
    notes = book.create_sheet(t("inventory.sheet.instructions", lang), 0)
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 90
    notes.append([t(f"inventory.template.title.{kind.name}", lang)])
    notes["A1"].font = Font(bold=True, size=14)
    for line in t("inventory.template.rules", lang).split("\n"):
        notes.append(["", line])
    notes.append([])
    notes.append([t("inventory.template.column", lang), t("inventory.template.meaning", lang)])
    for column in columns:
        notes.append([column.label(kind.name, lang), t(f"{kind.name}.{column.field}.help", lang)])
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def options_of(column, lookup: Lookup, lang: str) -> list[str]:
    """The entries a column's dropdown offers: for the unit, the units the viewer may fill."""
    if column.field == "unit":
        return lookup.writable
    return column.options(lookup, lang) if column.options else []


def export_columns(kind: RecordKind, lang: str) -> list[tuple[str, str]]:
    return [(c.field, c.label(kind.name, lang)) for c in kind.columns]


def to_xlsx(rows: list[dict[str, Any]], columns: list[tuple[str, str]], title: str) -> bytes:
    """A workbook of the rows; text that Excel would run as a formula is written as plain text."""
    from openpyxl import Workbook  # deferred: openpyxl costs 0.2 s to load; only a download pays for it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, (_key, header) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) + 4))
    sheet.freeze_panes = "A2"
    head = []
    for _key, header in columns:
        cell = as_text(WriteOnlyCell(sheet, value=header))
        cell.font = Font(bold=True)
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append(xlsx_row(sheet, [row.get(key) for key, _header in columns]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(*, session: Session, viewer: Viewer, kind: RecordKind, fmt: str, unit_ids: list[int] | None = None,
           search: str = "", lang: str = "id", method: str = "straight_line", **filters) -> bytes:
    """The filtered view as .xlsx or .csv, as the viewer sees it, ready to edit and import back."""
    rows = listing.list_records(session=session, viewer=viewer, kind=kind, unit_ids=unit_ids, search=search,
                                lang=lang, method=method, **filters)
    columns = export_columns(kind, lang)
    if fmt == "csv":
        return to_csv(rows, columns)
    return to_xlsx(rows, columns, t(f"inventory.sheet.{kind.name}", lang))
