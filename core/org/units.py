"""Units (perangkat daerah, kecamatan, kelurahan, bagian): scoped reads, validated writes, audit."""

import re
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write, scoped, unit_scope
from core.errors import ImportRejected, NotFound, Problem, ValidationError, on_row
from core.records.outcome import Outcome
from core.text import check_name, has_control
from db.models import Unit, UnitProfile
from db.types import utcnow

# Which kinds of unit may sit under which; an empty set means the kind stands at the top.
UNIT_KINDS: dict[str, set[str]] = {
    "sekretariat": set(),
    "inspektorat": set(),
    "dinas": set(),
    "badan": set(),
    "satpol": set(),
    "rsud": set(),
    "kecamatan": set(),
    "kelurahan": {"kecamatan"},
    "bagian": {"sekretariat"},
    "upt": {"dinas", "badan", "satpol", "rsud"},
}
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
PROFILE_FIELDS = ["head_name", "address", "phone", "email", "website"]
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class UnitRow:
    """A unit as a person writes it: parent given by code, as in a form or a CSV file."""

    code: str
    name: str
    kind: str
    short_name: str = ""
    parent_code: str = ""
    active: bool = True

    def normalised(self) -> "UnitRow":
        return UnitRow(
            code=self.code.strip().upper(),
            name=" ".join(self.name.split()),
            kind=self.kind.strip().lower(),
            short_name=" ".join(self.short_name.split()),
            parent_code=self.parent_code.strip().upper(),
            active=self.active,
        )


@dataclass
class _Node:
    kind: str
    parent: str
    active: bool
    name: str


def _graph(session: Session) -> dict[str, _Node]:
    rows = session.execute(select(Unit.id, Unit.code, Unit.kind, Unit.parent_id, Unit.active, Unit.name)).all()
    code_of = {r.id: r.code for r in rows}
    return {r.code: _Node(r.kind, code_of.get(r.parent_id, ""), r.active, r.name) for r in rows}


def _check(row: UnitRow, graph: dict[str, _Node]) -> list[Problem]:
    """Everything wrong with `row` once `graph` (the store with the change applied) holds it."""
    problems: list[Problem] = [Problem(f, "text.control_character", name=f) for f in ("code", "name", "short_name")
                               if has_control(getattr(row, f))]
    if not row.code:
        problems.append(Problem("code", "unit.code_required"))
    elif not CODE_PATTERN.match(row.code):
        problems.append(Problem("code", "unit.code_invalid", code=row.code))
    if not row.name:
        problems.append(Problem("name", "unit.name_required"))
    if not row.kind:
        problems.append(Problem("kind", "unit.kind_required", kinds=", ".join(UNIT_KINDS)))
        return problems
    if row.kind not in UNIT_KINDS:
        problems.append(Problem("kind", "unit.kind_unknown", kind=row.kind, kinds=", ".join(UNIT_KINDS)))
        return problems
    allowed = UNIT_KINDS[row.kind]
    if not row.parent_code:
        if allowed:
            problems.append(Problem("parent_code", "unit.parent_required", kind=row.kind, parents=", ".join(sorted(allowed))))
        return problems
    parent = graph.get(row.parent_code)
    if parent is None:
        problems.append(Problem("parent_code", "unit.parent_unknown", code=row.parent_code))
    elif not allowed:
        problems.append(Problem("parent_code", "unit.parent_not_allowed", kind=row.kind))
    elif parent.kind not in allowed:
        problems.append(Problem(
            "parent_code", "unit.parent_wrong_kind",
            kind=row.kind, parent=row.parent_code, parent_kind=parent.kind, parents=", ".join(sorted(allowed)),
        ))
    elif not parent.active and row.active:
        problems.append(Problem("parent_code", "unit.parent_inactive", parent=row.parent_code))
    if parent is not None and _makes_cycle(row.code, graph):
        problems.append(Problem("parent_code", "unit.parent_cycle", code=row.code, parent=row.parent_code))
    return problems


def _makes_cycle(code: str, graph: dict[str, _Node]) -> bool:
    seen, current = set(), code
    while current:
        if current in seen:
            return True
        seen.add(current)
        node = graph.get(current)
        current = node.parent if node else ""
    return False


def _children_problems(code: str, row: UnitRow, graph: dict[str, _Node]) -> list[Problem]:
    """A unit whose kind or state changes must still fit the units under it."""
    problems = []
    for child_code, child in graph.items():
        if child.parent != code or child_code == code:
            continue
        if row.kind not in UNIT_KINDS.get(child.kind, set()):
            problems.append(Problem("kind", "unit.children_need_kind", child=child_code, child_kind=child.kind))
        elif not row.active and child.active:
            problems.append(Problem("active", "unit.children_active", child=child_code))
    return problems


def _apply(graph: dict[str, _Node], row: UnitRow) -> None:
    graph[row.code] = _Node(row.kind, row.parent_code, row.active, row.name)


def _raise_first(problems: list[Problem]) -> None:
    if problems:
        first = problems[0]
        raise ValidationError(first.key, field=first.column, **first.params)


def _id_of(session: Session, code: str) -> int | None:
    return session.scalar(select(Unit.id).where(Unit.code == code)) if code else None


def list_units(*, session: Session, viewer: Viewer, include_inactive: bool = False) -> list[Unit]:
    """Units the viewer may see, ordered by code."""
    stmt = scoped(select(Unit).order_by(Unit.code), Unit.id, session, viewer)
    if not include_inactive:
        stmt = stmt.where(Unit.active.is_(True))
    return list(session.scalars(stmt))


def get_unit(*, session: Session, viewer: Viewer, unit_id: int) -> Unit:
    """One unit, or NotFound when it does not exist or lies outside the viewer's scope."""
    scope = unit_scope(session, viewer)
    unit = session.get(Unit, unit_id)
    if unit is None or (scope is not None and unit_id not in scope):
        raise NotFound("unit.not_found")
    return unit


def child_counts(*, session: Session, viewer: Viewer) -> dict[int, int]:
    """How many active units sit directly under each visible unit."""
    stmt = select(Unit.parent_id, func.count()).where(Unit.active.is_(True), Unit.parent_id.is_not(None))
    stmt = scoped(stmt, Unit.parent_id, session, viewer).group_by(Unit.parent_id)
    return dict(session.execute(stmt).all())


def create_unit(*, session: Session, viewer: Viewer, data: UnitRow) -> Unit:
    """Add a unit (admin only) after checking code, kind and parent."""
    require_role(viewer, Role.ADMIN)
    row = data.normalised()
    graph = _graph(session)
    if row.code in graph:
        raise ValidationError("unit.code_taken", field="code", code=row.code, name=graph[row.code].name)
    _apply(graph, row)
    _raise_first(_check(row, graph))
    unit = Unit(
        code=row.code, name=row.name, short_name=row.short_name or row.name, kind=row.kind,
        parent_id=_id_of(session, row.parent_code), active=row.active,
    )
    session.add(unit)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="unit", row_id=unit.id, unit_id=unit.id,
                 new=audit.snapshot(unit, ["code", "name", "short_name", "kind", "parent_id", "active"]))
    return unit


def update_unit(*, session: Session, viewer: Viewer, unit_id: int, data: UnitRow) -> Unit:
    """Change a unit's code, names, kind, parent or active flag (admin only)."""
    require_role(viewer, Role.ADMIN)
    unit = get_unit(session=session, viewer=viewer, unit_id=unit_id)
    row = data.normalised()
    graph = _graph(session)
    if row.code != unit.code and row.code in graph:
        raise ValidationError("unit.code_taken", field="code", code=row.code, name=graph[row.code].name)
    old_code = unit.code
    graph.pop(old_code)
    for node in graph.values():  # children follow a renamed code
        if node.parent == old_code:
            node.parent = row.code
    _apply(graph, row)
    _raise_first(_check(row, graph) + _children_problems(row.code, row, graph))
    _update(session, viewer, unit, row)
    return unit


def _update(session: Session, viewer: Viewer, unit: Unit, row: UnitRow) -> bool:
    """Write a checked row onto a unit and audit what changed; True when anything did."""
    fields = ["code", "name", "short_name", "kind", "parent_id", "active"]
    before = audit.snapshot(unit, fields)
    unit.code, unit.name, unit.kind, unit.active = row.code, row.name, row.kind, row.active
    unit.short_name = _filled(row, unit).short_name
    unit.parent_id = _id_of(session, row.parent_code)
    unit.updated_at = utcnow()
    old, new = audit.changed(before, audit.snapshot(unit, fields))
    if new:
        audit.record(session, viewer=viewer, action="update", table="unit", row_id=unit.id, unit_id=unit.id,
                     old=old, new=new)
    return bool(new)


def set_unit_active(*, session: Session, viewer: Viewer, unit_id: int, active: bool) -> Unit:
    """Deactivate or reactivate a unit; its history stays."""
    unit = get_unit(session=session, viewer=viewer, unit_id=unit_id)
    row = row_from_unit(session, unit)
    row.active = active
    return update_unit(session=session, viewer=viewer, unit_id=unit_id, data=row)


def update_unit_profile(*, session: Session, viewer: Viewer, unit_id: int, data: UnitProfile) -> Unit:
    """Contact details: admin for any unit, an skpd user for the units in their own scope."""
    require_unit_write(session, viewer, unit_id)
    unit = get_unit(session=session, viewer=viewer, unit_id=unit_id)
    clean = {k: check_name(" ".join(str(v).split()), k) for k, v in data.model_dump().items()}
    if clean["email"] and not EMAIL_PATTERN.match(clean["email"]):
        raise ValidationError("unit.email_invalid", field="email", email=clean["email"])
    if clean["website"] and not clean["website"].startswith(("http://", "https://")):
        raise ValidationError("unit.website_invalid", field="website", website=clean["website"])
    before = audit.snapshot(unit, PROFILE_FIELDS)
    for key, value in clean.items():
        setattr(unit, key, value)
    unit.updated_at = utcnow()
    old, new = audit.changed(before, clean)
    if new:
        audit.record(session, viewer=viewer, action="update", table="unit", row_id=unit.id, unit_id=unit.id,
                     old=old, new=new)
    return unit


def import_units(
    *, session: Session, viewer: Viewer, rows: list[tuple[int, UnitRow]], filename: str = "", dry_run: bool = False
) -> Outcome:
    """Add or update units by code, all or nothing; raises ImportRejected listing every bad row.

    With dry_run the rows are only checked, and the counts say what a real import would do.
    """
    require_role(viewer, Role.ADMIN)
    graph = _graph(session)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    clean: list[tuple[int, UnitRow]] = []
    for line, raw in rows:
        row = raw.normalised()
        if not row.code:
            problems.extend(on_row(_check(row, graph), line))
            continue
        if row.code in seen:
            problems.append(Problem("code", "unit.code_duplicate_in_file", row=line, code=row.code, first=seen[row.code]))
            continue
        seen[row.code] = line
        clean.append((line, row))
        _apply(graph, row)
    for line, row in clean:
        problems.extend(on_row(_check(row, graph) + _children_problems(row.code, row, graph), line))
    if problems:
        raise ImportRejected(problems, filename)
    counts, written = {"created": 0, "updated": 0, "unchanged": 0}, []
    if dry_run:
        existing = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_([r.code for _, r in clean])))}
        for line, row in clean:
            unit = existing.get(row.code)
            key = "created" if unit is None else ("unchanged" if row_from_unit(session, unit) == _filled(row, unit) else "updated")
            counts[key] += 1
            if key != "unchanged":
                written.append((line, key))
        return Outcome(counts, written)
    # Parents first, so every parent code resolves to an id when its children are written.
    for line, row in sorted(clean, key=lambda item: _depth(item[1].code, graph)):
        unit_id = _id_of(session, row.code)
        if unit_id is None:
            create_unit(session=session, viewer=viewer, data=row)
            counts["created"] += 1
            written.append((line, "created"))
            continue
        changed = _update(session, viewer, session.get(Unit, unit_id), row)
        counts["updated" if changed else "unchanged"] += 1
        if changed:
            written.append((line, "updated"))
        session.flush()
    return Outcome(counts, sorted(written))


def _filled(row: UnitRow, unit: Unit | None = None) -> UnitRow:
    """The row as it would be stored: an empty short name keeps the stored one, else takes the full name."""
    return replace(row, short_name=row.short_name or (unit.short_name if unit else "") or row.name)


def _depth(code: str, graph: dict[str, _Node]) -> int:
    depth, current = 0, graph[code].parent
    while current and depth < len(graph):
        depth += 1
        current = graph[current].parent if current in graph else ""
    return depth


def row_from_unit(session: Session, unit: Unit) -> UnitRow:
    """A stored unit as a UnitRow, for forms that edit it."""
    parent_code = session.get(Unit, unit.parent_id).code if unit.parent_id else ""
    return UnitRow(**{**{k: getattr(unit, k) for k in ("code", "name", "kind", "short_name", "active")},
                      "parent_code": parent_code})


def set_employees(*, session: Session, viewer: Viewer, unit_id: int, employees: int | None) -> Unit:
    """The unit's total number of employees (admin, or the unit's own operator), for the ratios."""
    require_unit_write(session, viewer, unit_id)
    unit = session.get(Unit, unit_id)
    if employees is not None and not 0 <= employees <= 100_000:
        raise ValidationError("inventory.employees_range", field="employees")
    if unit.employees != employees:
        audit.record(session, viewer=viewer, action="update", table="unit", row_id=unit_id, unit_id=unit_id,
                     old={"employees": unit.employees}, new={"employees": employees})
        unit.employees = employees
    return unit
