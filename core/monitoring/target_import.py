"""Bulk import of monitoring targets from CSV or Excel: checked in full first, then written all at once.

A target is matched by unit code + name: a row naming an existing target updates it, any other row adds
one. The export of Admin → Target reads back in unchanged; since the export never holds secrets, a row
without a community string or SNMP key keeps the one already stored.
"""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from core.access import Role, Viewer, require_role
from core.errors import ImportRejected, Problem, ValidationError, checked, on_row
from core.monitoring import targets
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
    "state": {"status"},  # in the export; read-only, so ignored on import
}
REQUIRED = ("unit", "name", "kind", "host")
CRITICALITY_WORDS = {"kritis": "critical", "tinggi": "high", "normal": "normal", "biasa": "normal", "rendah": "low"}


LABELS = {"unit": "users.unit", "name": "admin_targets.name", "kind": "admin_targets.kind",
          "host": "admin_targets.host", "port": "admin_targets.port", "interval_s": "admin_targets.interval",
          "timeout_s": "admin_targets.timeout", "fail_threshold": "admin_targets.threshold",
          "criticality": "admin_targets.criticality", "enabled": "admin_targets.enabled",
          "state": "admin_targets.state"}


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
        current = existing.get(key)
        if current is not None:  # secrets are not exported, so a missing one keeps the stored one
            kept = {k: v for k, v in current.options.items() if k in targets.secret_options(current.kind)}
            data = data.model_copy(update={"options": {**kept, **data.options}})
        try:
            plan.append((line, current, targets.check_target(data)))
        except ValidationError as exc:
            problems.append(Problem(exc.field or "-", exc.key, row=line, **exc.params))
    if problems:
        raise ImportRejected(table.located(problems), table.filename)
    counts, written = {"created": 0, "updated": 0, "unchanged": 0}, []
    for line, current, data in plan:
        if current is not None:  # who checks it is chosen on the target's form, not in the sheet: kept
            data = data.model_copy(update={"agent_id": current.agent_id})
        if current is None:
            counts["created"] += 1
            written.append((line, "created"))
            if not dry_run:
                targets.create_target(session=session, viewer=viewer, data=data, spread=True)
            continue
        same = all(getattr(current, k) == v for k, v in data.model_dump().items())
        counts["unchanged" if same else "updated"] += 1
        if not same:
            written.append((line, "updated"))
        if not same and not dry_run:
            targets.update_target(session=session, viewer=viewer, target_id=current.id, data=data)
    if not dry_run:
        session.flush()
    return Outcome(counts, written)


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
