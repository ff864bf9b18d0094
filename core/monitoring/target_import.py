"""Bulk import of monitoring targets from CSV or Excel: checked in full first, then written all at once.

A target is matched by unit code + name: a row naming an existing target updates it, any other row adds
one. The export of Admin → Target reads back in unchanged; since the export never holds secrets, a row
without a community string or SNMP key keeps the one already stored.
"""

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from core.access import Role, Viewer, require_role
from core.errors import ImportRejected, Problem, ValidationError, on_row
from core.monitoring import targets
from core.records.sheets import Table, read_table
from db.models import Unit
from db.monitoring import Target

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
TRUE_WORDS = {"", "1", "true", "ya", "yes", "aktif", "y"}
FALSE_WORDS = {"0", "false", "tidak", "no", "nonaktif", "n"}
FIELD_DEFAULTS = targets.TargetCreate.model_fields


def read_targets(content: bytes, filename: str) -> Table:
    return read_table(content, filename, HEADERS, REQUIRED)


def import_targets(*, session: Session, viewer: Viewer, table: Table, dry_run: bool = False) -> dict[str, int]:
    """Add or update every target of the table, or none: ImportRejected lists every bad row and column.

    With dry_run nothing is written and the counts say what a real import would do.
    """
    require_role(viewer, Role.ADMIN)
    unit_ids = {code.upper(): uid for uid, code in session.execute(select(Unit.id, Unit.code))}
    existing = {(t.unit_id, t.name.casefold()): t for t in session.scalars(select(Target))}
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    plan: list[tuple[Target | None, targets.TargetCreate]] = []
    for line, cells in table.rows:
        row_problems: list[Problem] = []
        data = _row(cells, unit_ids, row_problems)
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
            kept = {k: v for k, v in current.options.items() if k in targets.SECRET_OPTIONS}
            data = data.model_copy(update={"options": {**kept, **data.options}})
        try:
            plan.append((current, targets.check_target(data)))
        except ValidationError as exc:
            problems.append(Problem(exc.field or "-", exc.key, row=line, **exc.params))
    if problems:
        raise ImportRejected(table.located(problems), table.filename)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for current, data in plan:
        if current is None:
            counts["created"] += 1
            if not dry_run:
                targets.create_target(session=session, viewer=viewer, data=data)
            continue
        same = all(getattr(current, k) == v for k, v in data.model_dump().items())
        counts["unchanged" if same else "updated"] += 1
        if not same and not dry_run:
            targets.update_target(session=session, viewer=viewer, target_id=current.id, data=data)
    if not dry_run:
        session.flush()
    return counts


def _row(cells: dict[str, Any], unit_ids: dict[str, int], problems: list[Problem]) -> targets.TargetCreate | None:
    """The row as a TargetCreate, or None with every cell that cannot be read added to `problems`."""
    code = str(cells.get("unit", "")).strip().upper()
    unit_id = unit_ids.get(code)
    if unit_id is None:
        problems.append(Problem("unit", "target_import.unit_unknown" if code else "target_import.required",
                                code=code))
    for field in ("name", "kind", "host"):
        if not str(cells.get(field, "")).strip():
            problems.append(Problem(field, "target_import.required"))
    values: dict[str, Any] = {}
    for field, kind in (("port", int), ("interval_s", int), ("timeout_s", float), ("fail_threshold", int)):
        raw = cells.get(field, "")
        if raw == "" or raw is None:
            continue
        number = _number(raw, kind)
        if number is None:
            problems.append(Problem(field, "target_import.not_number", value=str(raw)))
        else:
            values[field] = number
    criticality = str(cells.get("criticality", "")).strip().lower()
    if criticality:
        values["criticality"] = CRITICALITY_WORDS.get(criticality, criticality)
    enabled = str(cells.get("enabled", "")).strip().lower()
    if enabled not in TRUE_WORDS | FALSE_WORDS:
        problems.append(Problem("enabled", "import.bad_boolean", value=enabled))
    options = _options(str(cells.get("options", "")), problems)
    if problems:
        return None
    return targets.TargetCreate(unit_id=unit_id, name=str(cells["name"]), kind=str(cells["kind"]),
                                host=str(cells["host"]), enabled=enabled not in FALSE_WORDS, options=options,
                                **values)


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


def _options(text: str, problems: list[Problem]) -> dict[str, Any]:
    """`key=value, key=value` as the export writes it; verify_tls and expected_status get their types."""
    options: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            problems.append(Problem("options", "target_import.bad_option", part=part))
            continue
        key, value = key.strip(), value.strip()
        if key == "verify_tls":
            value = value.lower() not in FALSE_WORDS
        elif key == "expected_status":
            number = _number(value, int)
            if number is None:
                problems.append(Problem("options", "target_import.not_number", value=value))
                continue
            value = number
        options[key] = value
    return options
