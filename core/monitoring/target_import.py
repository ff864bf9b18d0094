"""Bulk import of monitoring targets from CSV or Excel: checked in full first, then written all at once.

A target is matched by unit code + name: a row naming an existing target updates it, any other row adds
one. The export of Admin → Target reads back in unchanged; since the export never holds secrets, a row
without a community string or SNMP key keeps the one already stored.
"""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, unit_scope
from core.errors import ImportRejected, Problem, ValidationError, checked, on_row
from core.monitoring import targets
from core.monitoring.dependencies import cycle_in
from core.records import cells
from core.records.outcome import Outcome
from core.records.sheets import DEFAULT_LIMITS, Limits, Table, read_table
from db.models import Unit
from db.monitoring import Target
from probes.kinds import PROBES
from probes.kinds.base import ProbeKind

HEADERS = {
    "unit": {"unit", "kode_unit", "unit_code", "kode"},
    "name": {"name", "nama", "nama_target"},
    "kind": {"kind", "jenis"},
    "host": {"host", "alamat", "url", "host_/_url", "ip"},
    "port": {"port"},
    "interval_s": {"interval", "interval_(detik)", "interval_detik"},
    "timeout_s": {"timeout", "batas_waktu", "batas_waktu_(detik)"},
    "fail_threshold": {"gagal_sebelum_down", "ambang_gagal", "threshold"},
    "criticality": {"kekritisan", "criticality_level"},
    "enabled": {"aktif", "active"},
    "options": {"opsi"},
    "parent": {"induk", "target_induk", "parent_target"},  # `name` in the row's unit, or `UNIT_CODE/name`
    "state": {"status"},  # in the export; read-only, so ignored on import
}
REQUIRED = ("unit", "name", "kind", "host")
CRITICALITY_WORDS = {"kritis": "critical", "tinggi": "high", "normal": "normal", "biasa": "normal", "rendah": "low"}


LABELS = {"unit": "users.unit", "name": "admin_targets.name", "kind": "admin_targets.kind",
          "host": "admin_targets.host", "port": "admin_targets.port", "interval_s": "admin_targets.interval",
          "timeout_s": "admin_targets.timeout", "fail_threshold": "admin_targets.threshold",
          "criticality": "admin_targets.criticality", "enabled": "admin_targets.enabled",
          "state": "admin_targets.state", "parent": "deps.column"}


def read_targets(content: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    return read_table(content, filename, HEADERS, REQUIRED, label=lambda field: LABELS.get(field, field),
                      limits=limits)


def import_targets(*, session: Session, viewer: Viewer, table: Table, dry_run: bool = False) -> Outcome:
    """Add or update every target of the table, or none: ImportRejected lists every bad row and column.

    With dry_run nothing is written and the counts say what a real import would do.
    """
    require_role(viewer, Role.ADMIN)
    unit_ids = {code.upper(): uid for uid, code in session.execute(select(Unit.id, Unit.code))}
    existing = {(t.unit_id, t.name.casefold()): t for t in session.scalars(select(Target))}
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    plan: list[tuple[int, Target | None, targets.TargetCreate]] = []
    parents: dict[tuple[int, str], tuple[int, str]] = {}  # row's key → (line, the parent cell) when it names one
    has_parents = "parent" in table.columns.values()
    for line, row in table.rows:
        row_problems: list[Problem] = []
        data = _row(row, unit_ids, row_problems)
        if data is None:
            problems += on_row(row_problems, line)
            continue
        key = (data.unit_id, " ".join(data.name.split()).casefold())
        if key in seen:
            problems.append(Problem("name", "target_import.duplicate_in_file", row=line, first=seen[key],
                                    name=data.name))
            continue
        seen[key] = line
        if has_parents:
            parents[key] = (line, str(row.get("parent") or "").strip())
        current = existing.get(key)
        if current is not None:  # secrets are not exported, so a missing one keeps the stored one
            kept = {k: v for k, v in current.options.items() if k in targets.secret_options(current.kind)}
            data = data.model_copy(update={"options": {**kept, **data.options}})
        try:
            plan.append((line, current, targets.check_target(data)))
        except ValidationError as exc:
            problems.append(Problem(exc.field or "-", exc.key, row=line, **exc.params))
    wanted = _parents(session, viewer, parents, existing, unit_ids, seen, problems)
    if problems:
        raise ImportRejected(table.located(problems), table.filename)
    counts, written = {"created": 0, "updated": 0, "unchanged": 0}, []
    made: dict[tuple[int, str], Target] = {}
    key_of = {t.id: k for k, t in existing.items()}
    for line, current, data in plan:
        # Who checks it is chosen on the target's form, not in the sheet; parents are set once all rows are in.
        data = data.model_copy(update={"agent_id": current.agent_id if current else None,
                                       "parent_id": current.parent_id if current else None})
        key = (data.unit_id, " ".join(data.name.split()).casefold())
        moved = key in wanted and wanted[key] != (key_of.get(current.parent_id) if current else None)
        if current is None:
            counts["created"] += 1
            written.append((line, "created"))
            if not dry_run:
                made[key] = targets.create_target(session=session, viewer=viewer, data=data, spread=True)
            continue
        same = all(getattr(current, k) == v for k, v in data.model_dump().items()) and not moved
        counts["unchanged" if same else "updated"] += 1
        if not same:
            written.append((line, "updated"))
        if not same and not dry_run:
            targets.update_target(session=session, viewer=viewer, target_id=current.id, data=data)
    if not dry_run:
        session.flush()
        _set_parents(session, viewer, wanted, {**existing, **made})
    return Outcome(counts, written)


def _parents(session: Session, viewer: Viewer, named: dict, existing: dict, unit_ids: dict[str, int],
             seen: dict, problems: list[Problem]) -> dict[tuple[int, str], tuple[int, str] | None]:
    """Each row's parent as a target key (an existing target the viewer sees, or a row of this file), or a
    problem on the row's parent cell; then the graph as it would be after the import, checked for cycles."""
    scope = unit_scope(session, viewer)
    known = {k for k, t in existing.items() if scope is None or t.unit_id in scope} | set(seen)
    wanted: dict[tuple[int, str], tuple[int, str] | None] = {}
    for key, (line, cell) in named.items():
        if not cell:
            wanted[key] = None
            continue
        found = (key[0], " ".join(cell.split()).casefold())
        if found not in known and "/" in cell:  # UNIT_CODE/name: a parent in another unit
            code, _, name = cell.partition("/")
            found = (unit_ids.get(code.strip().upper(), -1), " ".join(name.split()).casefold())
        if found not in known:
            problems.append(Problem("parent", "deps.import_parent_unknown", row=line, parent=cell))
        else:
            wanted[key] = found
    key_of = {t.id: k for k, t in existing.items()}
    graph = {k: key_of.get(t.parent_id) for k, t in existing.items()} | wanted
    for key, parent in wanted.items():
        if parent is not None and cycle_in(graph, key):
            line, cell = named[key]
            problems.append(Problem("parent", "deps.import_cycle", row=line, parent=cell))
    return wanted


def _set_parents(session: Session, viewer: Viewer, wanted: dict, by_key: dict[tuple[int, str], Target]) -> None:
    """The parents the file names, set after every row is written. Those that change are first cleared, then
    set: every graph on the way is part of the final one, which was checked for cycles."""
    changes = [(by_key[k], by_key[p].id if p is not None else None) for k, p in wanted.items() if k in by_key]
    changes = [(target, parent_id) for target, parent_id in changes if target.parent_id != parent_id]
    old = {target.id: target.parent_id for target, _ in changes}
    for target, _ in changes:
        target.parent_id = None
    session.flush()
    for target, parent_id in changes:
        target.parent_id = parent_id
        audit.record(session, viewer=viewer, action="update", table="target", row_id=target.id,
                     unit_id=target.unit_id, old={"parent_id": old[target.id]}, new={"parent_id": parent_id})
    session.flush()


def _row(row: dict[str, Any], unit_ids: dict[str, int], problems: list[Problem]) -> targets.TargetCreate | None:
    """The row as a TargetCreate, or None with every cell that cannot be read added to `problems`."""
    formulas = [(field, value) for field, value in row.items() if isinstance(value, cells.Formula)]
    if formulas:
        problems += [Problem(field, "cell.formula", formula=str(value)[:60]) for field, value in formulas]
        return None
    code = str(row.get("unit", "")).strip().upper()
    unit_id = unit_ids.get(code)
    if unit_id is None:
        problems.append(Problem("unit", "target_import.unit_unknown" if code else "target_import.required",
                                code=code))
    for field in ("name", "kind", "host"):
        if not str(row.get(field, "")).strip():
            problems.append(Problem(field, "target_import.required"))
    values: dict[str, Any] = {}
    for field, kind in (("port", int), ("interval_s", int), ("timeout_s", float), ("fail_threshold", int)):
        raw = row.get(field, "")
        if raw == "" or raw is None:
            continue
        number = _number(raw, kind)
        if number is None:
            problems.append(Problem(field, "target_import.not_number", value=str(raw)))
        else:
            values[field] = number
    criticality = str(row.get("criticality", "")).strip().lower()
    if criticality:
        values["criticality"] = CRITICALITY_WORDS.get(criticality, criticality)
    try:
        enabled = cells.boolean(row.get("enabled", ""))
    except cells.CellError as exc:
        problems.append(Problem("enabled", exc.key, **exc.params))
    kind = PROBES.get(str(row.get("kind", "")).strip().lower())
    options = _options(str(row.get("options", "")), kind, problems)
    if problems:
        return None
    try:
        return checked(targets.TargetCreate, unit_id=unit_id, name=str(row["name"]), kind=str(row["kind"]),
                       host=str(row["host"]), enabled=enabled, options=options, **values)
    except ValidationError as exc:
        problems.append(Problem(exc.field or "-", exc.key, **exc.params))
        return None


def _number(raw: Any, kind: type) -> int | float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = raw
    else:
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            return None
    if kind is int:
        return int(value) if float(value).is_integer() else None
    return float(value)


def _options(text: str, kind: ProbeKind | None, problems: list[Problem]) -> dict[str, Any]:
    """`key=value, key=value` as the export writes it, each value read as the kind's schema types it (a
    yes/no for a switch, a number for a number); the schema's own check follows in check_target."""
    fields = kind.options.model_fields if kind else {}
    options: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            problems.append(Problem("options", "target_import.bad_option", part=part))
            continue
        key, value = key.strip(), value.strip()
        declared = fields.get(key)
        if declared is not None and declared.annotation is bool:
            try:
                value = cells.boolean(value)
            except cells.CellError as exc:
                problems.append(Problem("options", exc.key, **exc.params))
                continue
        elif declared is not None and declared.annotation in (int, int | None):
            number = _number(value, int)
            if number is None:
                problems.append(Problem("options", "target_import.not_number", value=value))
                continue
            value = number
        options[key] = value
    return options
