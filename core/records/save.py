"""The one all-or-nothing save behind every register's table editor and workbook import, in five steps:
read (the stored records the change can touch) → match (each row to its record) → check (cells, rules,
keys, locks) → plan (creates, updates, deletes and their audit entries) → write. Nothing is written unless
every row is right; ImportRejected lists each bad cell (row, column, reason). What differs between kinds
is declared on the kind (`core.records.kinds.RecordKind` hooks), never branched on here."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.errors import ImportRejected, NotFound, Problem
from core.i18n import t
from core.records import cells
from core.records.kinds import Lookup, RecordKind
from core.records.listing import lookup as load_lookup
from core.records.listing import values_of
from core.records.outcome import Outcome
from db.models import AuditLog
from db.types import utcnow

WRITE_BATCH = 2_000
STAMPS = ("created_at", "updated_at")


@dataclass
class Change:
    """One row to save: where it came from (file line or table row), the record it edits if known, its cells."""

    line: int
    cells: dict[str, Any]
    id: int | None = None


@dataclass
class Stored:
    """The records a save can touch, as column values, indexed by natural key."""

    records: dict[int, Any]
    values: dict[int, dict[str, Any]]
    by_key: dict[tuple, list[int]]


@dataclass
class Row:
    """A change read and matched: its line, the record it edits (None: a new one), its merged values."""

    line: int
    id: int | None
    values: dict[str, Any]


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)  # audit entries of the updates
    deleted: list[dict[str, Any]] = field(default_factory=list)  # audit entries of the deletes
    counts: dict[str, int] = field(default_factory=dict)
    written: list[tuple[int, str]] = field(default_factory=list)  # (line, "created" | "updated") in order


def save_records(
    *, session: Session, viewer: Viewer, kind: RecordKind, changes: list[Change], deletes: list[int] = (),
    filename: str = "", sheet: str = "", labels: dict[str, str] | None = None, upsert: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Write every change and delete, or none: ImportRejected lists each bad cell (row, column, reason).

    `upsert` (file imports) matches rows without an id to the same unit's stored records by natural key;
    otherwise a row without an id is new. A row for a unit outside the viewer's own rejects the whole save.
    """
    require_role(viewer, Role.ADMIN, Role.SKPD)
    names = load_lookup(session=session, viewer=viewer, kind=kind)
    stored = read(session, viewer, kind, names, changes, deletes, upsert)
    rows, unreadable = match(kind, names, stored, changes, unit_scope(session, viewer), upsert)
    broken, clashes = check(kind, viewer, stored, rows, deletes)
    order = {c.line: n for n, c in enumerate(changes)}  # each row's problems where the row stands
    problems = sorted(unreadable + broken, key=lambda p: order.get(p.row, 0)) + clashes
    if problems:
        raise ImportRejected([_label(p, labels, kind, sheet) for p in problems], filename)
    plan = plan_changes(kind, viewer, stored, rows, list(deletes))
    if not dry_run:
        write(session, kind, viewer, plan)
    return Outcome(plan.counts, plan.written)


def read(session: Session, viewer: Viewer, kind: RecordKind, names: Lookup, changes: list[Change],
         deletes, upsert: bool) -> Stored:
    """The viewer's stored records the change can clash with: for an import every one of the kind; for the
    editor, which names its records, only those of the units it touches."""
    model = kind.model
    unit_col = getattr(model, kind.unit_field)
    stmt = scoped(select(model), unit_col, session, viewer)
    if not upsert:
        ids = [c.id for c in changes if c.id is not None] + list(deletes)
        units = set(session.scalars(select(unit_col).where(model.id.in_(ids)))) if ids else set()
        units |= {names.unit_ids.get(cells.text(c.cells.get("unit")).upper()) for c in changes if "unit" in c.cells}
        stmt = stmt.where(unit_col.in_(units - {None}))
    records = {r.id: r for r in session.scalars(stmt)}
    values = {rid: values_of(kind, r) for rid, r in records.items()}
    by_key: dict[tuple, list[int]] = {}
    for rid, v in values.items():
        for key in kind.keys(v):
            by_key.setdefault(key, []).append(rid)
    return Stored(records, values, by_key)


def _cells(kind: RecordKind, names: Lookup, change: Change, stored: Stored, scope: set[int] | None,
           upsert: bool) -> tuple[dict[str, Any], list[Problem]]:
    """The values a change's cells give, and every cell that cannot be read."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    if change.id is not None and "unit" not in change.cells:  # an edit that leaves the unit as it is
        values["unit"] = stored.values[change.id]["unit"]
    else:
        try:
            values["unit"] = kind.column("unit").read(change.cells.get("unit"), names, None)
        except cells.CellError as exc:
            problems.append(Problem("unit", exc.key, **exc.params))
    unit_id = values.get("unit")
    if unit_id is not None and scope is not None and unit_id not in scope:
        problems.append(Problem("unit", "inventory.unit_out_of_scope", code=names.unit_codes[unit_id]))
    for column in kind.editable:
        if column.field == "unit":
            continue
        if column.field not in change.cells and (change.id is not None or upsert):
            continue  # a column the file does not have keeps what is stored
        try:
            values[column.field] = column.read(change.cells.get(column.field), names, unit_id)
        except cells.CellError as exc:
            problems.append(Problem(column.field, exc.key, **exc.params))
    return values, problems


def match(kind: RecordKind, names: Lookup, stored: Stored, changes: list[Change], scope: set[int] | None,
          upsert: bool) -> tuple[list[Row], list[Problem]]:
    """Each change read and matched to the record it edits; a new record takes every default it leaves out.
    Rows with unreadable cells are left out, their problems returned."""
    rows, problems = [], []
    for change in changes:
        if change.id is not None and change.id not in stored.values:
            raise NotFound("inventory.record_not_found")
        values, bad = _cells(kind, names, change, stored, scope, upsert)
        if bad:
            problems += _on(bad, change.line)
            continue
        record_id = change.id
        if record_id is None and upsert:
            # Matched only within the row's own unit: the same serial number in another unit is either a
            # transfer or a double record, which the Duplikat view lists for an admin to decide.
            record_id = next((rid for key in kind.keys(values) for rid in stored.by_key.get(key, [])
                              if stored.values[rid]["unit"] == values["unit"]), None)
        merged = {**(stored.values[record_id] if record_id is not None else {}), **values}
        if record_id is None:
            # A new record's columns the file leaves out take their default; a required one has none, and
            # that is a problem of this row and column like any unreadable cell, never an error of the import.
            missing = []
            for column in kind.editable:
                if column.field not in merged:
                    try:
                        merged[column.field] = column.read("", names, merged["unit"])
                    except cells.CellError as exc:
                        missing.append(Problem(column.field, exc.key, **exc.params))
            if missing:
                problems += _on(missing, change.line)
                continue
        kind.complete(merged, names)
        rows.append(Row(change.line, record_id, merged))
    return rows, problems


def check(kind: RecordKind, viewer: Viewer, stored: Stored, rows: list[Row],
          deletes) -> tuple[list[Problem], list[Problem]]:
    """Rules across a row's cells, a key twice in the change or already held by another record of the same
    unit, and records the viewer may not change (the kind's lock): (problems of rows, clashes)."""
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}
    clean = []
    for row in rows:
        found = kind.rules(row.values)
        for key in kind.keys(row.values):
            scoped_key = (row.values["unit"], key)
            if scoped_key in seen:
                found.append(Problem(kind.key_columns[key[0]], "inventory.duplicate_in_file", first=seen[scoped_key]))
            seen[scoped_key] = row.line
        if row.id is not None and (locked := kind.locked(stored.records[row.id], viewer)):
            found.append(locked)
        if found:
            problems += _on(found, row.line)
        else:
            clean.append(row)
    clashes: list[Problem] = []
    touched = {r.id for r in clean if r.id is not None} | set(deletes)
    for row in clean:
        for key in kind.keys(row.values):
            if any(other != row.id and other not in touched and stored.values[other]["unit"] == row.values["unit"]
                   for other in stored.by_key.get(key, [])):
                clashes += _on([Problem(kind.key_columns[key[0]], "inventory.key_taken", value=key[-1])], row.line)
    for rid in deletes:
        if rid not in stored.values:
            raise NotFound("inventory.record_not_found")
        if locked := kind.locked(stored.records[rid], viewer):
            clashes.append(locked)
    return problems, clashes


def plan_changes(kind: RecordKind, viewer: Viewer, stored: Stored, rows: list[Row], deletes: list[int]) -> Plan:
    """What the write will do, counted: new records, changed fields (with their audit entries), deletes."""
    plan = Plan(deletes=deletes, counts={"created": 0, "updated": 0, "unchanged": 0, "deleted": len(deletes)})
    now = utcnow()
    for row in rows:
        if row.id is None:
            plan.counts["created"] += 1
            plan.written.append((row.line, "created"))
            plan.creates.append(row.values)  # as model fields only when written, a batch at a time
            continue
        old = {k: v for k, v in stored.values[row.id].items() if row.values.get(k) != v}
        if not old:
            plan.counts["unchanged"] += 1
            continue
        plan.counts["updated"] += 1
        plan.written.append((row.line, "updated"))
        changed = {k: row.values[k] for k in old}
        # A packed field is written whole: one changed competence rewrites the six.
        data = {k: v for k, v in _fields(kind, row.values).items() if k in _fields(kind, changed)}
        plan.updates.append({"id": row.id, **data, "updated_at": now})
        plan.entries.append(_entry(viewer, "update", kind, row.id, row.values["unit"], _plain(old), _plain(changed)))
    plan.deleted = [_entry(viewer, "delete", kind, rid, stored.values[rid]["unit"], _plain(stored.values[rid]), None)
                    for rid in deletes]
    return plan


def write(session: Session, kind: RecordKind, viewer: Viewer, plan: Plan) -> None:
    """In batches of WRITE_BATCH rows, so the largest import allowed costs a batch's memory, not a file's
    (one transaction all the same: the caller's session commits or rolls back the whole)."""
    model, now = kind.model, utcnow()
    for start in range(0, len(plan.creates), WRITE_BATCH):
        rows = [{**_fields(kind, values), "created_at": now, "updated_at": now}
                for values in plan.creates[start:start + WRITE_BATCH]]
        ids = session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows).all()
        session.execute(insert(AuditLog), [_entry(viewer, "create", kind, rid, row[kind.unit_field], None,
                                                  _plain({k: v for k, v in row.items() if k not in STAMPS}))
                                           for rid, row in zip(ids, rows, strict=True)])
    for start in range(0, len(plan.updates), WRITE_BATCH):
        session.execute(update(model), plan.updates[start:start + WRITE_BATCH])
    if plan.deletes:
        kind.before_delete(session, plan.deletes)
        session.execute(delete(model).where(model.id.in_(plan.deletes)))
    entries = plan.entries + plan.deleted
    for start in range(0, len(entries), WRITE_BATCH):
        session.execute(insert(AuditLog), entries[start:start + WRITE_BATCH])
    session.flush()


def _fields(kind: RecordKind, values: dict[str, Any]) -> dict[str, Any]:
    """Column values as model fields: the unit under the model's unit column, packed fields packed."""
    data = kind.pack({k: v for k, v in values.items() if k != "unit"})
    if "unit" in values:
        data[kind.unit_field] = values["unit"]
    return data


def _on(problems: list[Problem], line: int) -> list[Problem]:
    for problem in problems:
        problem.row = line
    return problems


def _label(problem: Problem, labels: dict[str, str] | None, kind: RecordKind, sheet: str) -> Problem:
    """Name the column as the file (or else the catalogue) names it, and the sheet it is on."""
    name = problem.column
    problem.column = (labels or {}).get(name) or (t(f"{kind.name}.{name}") if name != "-" else name)
    problem.sheet = sheet or None
    return problem


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _entry(viewer: Viewer, action: str, kind: RecordKind, row_id: int, unit_id: int, old, new) -> dict:
    return {"at": utcnow(), "actor_id": viewer.user_id, "actor": viewer.username, "action": action,
            "table_name": kind.model.__tablename__, "row_id": row_id, "unit_id": unit_id,
            "old_values": old, "new_values": new}
