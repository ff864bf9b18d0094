"""Devices, ICT staff and information systems: scoped reads, and one all-or-nothing save for the table
editor and the workbook import alike, every change audited with its old and new values."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlmodel import Session

from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.errors import ImportRejected, NotFound, Problem, ValidationError
from core.i18n import t
from core.records import cells
from core.records.kinds import COMPETENCE_AREAS, DEVICE, KINDS, NEED, STAFF, Lookup, RecordKind
from db.inventory import Application, Device, DeviceCategory, Staff, StaffPosition
from db.models import AuditLog, Unit
from db.monitoring import Target
from db.types import utcnow

DEPRECIATION = ("straight_line", "declining_balance")


@dataclass
class Change:
    """One row to save: where it came from (file line or table row), the record it edits if known, its cells."""

    line: int
    cells: dict[str, Any]
    id: int | None = None


def lookup(*, session: Session, viewer: Viewer, with_refs: bool = False) -> Lookup:
    """Units, lists, staff and targets by the names a person writes, limited to what the viewer may see;
    `with_refs` adds devices and applications (what a need replaces or improves)."""
    units = session.execute(select(Unit.id, Unit.code)).all()
    found = Lookup(
        unit_ids={code.upper(): uid for uid, code in units}, unit_codes=dict(units),
        categories=dict(session.execute(select(DeviceCategory.code, DeviceCategory.name)
                                        .order_by(DeviceCategory.sort)).all()),
        positions=dict(session.execute(select(StaffPosition.code, StaffPosition.name)
                                       .order_by(StaffPosition.sort)).all()),
    )
    stmt = scoped(select(Staff.id, Staff.unit_id, Staff.nip, Staff.name), Staff.unit_id, session, viewer)
    for sid, unit_id, nip, name in session.execute(stmt):
        found.staff_names[sid] = name
        found.staff_refs.setdefault((unit_id, name.casefold()), sid)
        if nip:
            found.staff_refs[(unit_id, nip)] = sid
    stmt = scoped(select(Target.id, Target.unit_id, Target.name), Target.unit_id, session, viewer)
    for tid, unit_id, name in session.execute(stmt):
        found.targets[(unit_id, name.casefold())] = tid
        found.target_names[tid] = name
    if with_refs:
        stmt = scoped(select(Device.id, Device.unit_id, Device.serial_number, Device.asset_tag), Device.unit_id,
                      session, viewer)
        for did, unit_id, serial, tag in session.execute(stmt):
            found.device_names[did] = serial or tag
            for key in (tag, serial):  # the serial number wins where one device's tag is another's serial
                if key:
                    found.device_refs[(unit_id, key.casefold())] = did
        stmt = scoped(select(Application.id, Application.owner_unit_id, Application.name),
                      Application.owner_unit_id, session, viewer)
        for aid, unit_id, name in session.execute(stmt):
            found.app_names[aid] = name
            found.app_refs.setdefault((unit_id, name.casefold()), aid)
    return found


def book_value(value: int | None, age: int | None, life: int, method: str = "straight_line") -> int | None:
    """What a device is still worth on the books after `age` years of a `life`-year useful life."""
    if value is None or age is None:
        return None
    if method == "declining_balance":
        return round(value * max(0.0, 1 - 2 / life) ** max(age, 0)) if age < life else 0
    return round(value * max(0.0, 1 - max(age, 0) / life))


def _model_values(spec: RecordKind, record) -> dict[str, Any]:
    """A stored record as column values (the unit under `unit`, competences one column per area)."""
    values = {c.field: getattr(record, c.field, None) for c in spec.editable if c.field != "unit"}
    values["unit"] = getattr(record, spec.unit_field)
    if spec is STAFF:
        for area in COMPETENCE_AREAS:
            values[f"competence_{area}"] = int((record.competences or {}).get(area, 0))
    return values


def _packed(spec: RecordKind, values: dict[str, Any]) -> dict[str, Any]:
    """Column values as model fields: the reverse of `_model_values`."""
    data = {k: v for k, v in values.items() if not (spec is STAFF and k.startswith("competence_")) and k != "unit"}
    if "unit" in values:
        data[spec.unit_field] = values["unit"]
    if spec is STAFF and any(k.startswith("competence_") for k in values):
        data["competences"] = {a: values.get(f"competence_{a}", 0) for a in COMPETENCE_AREAS}
    return data


def _stmt(spec: RecordKind, session: Session, viewer: Viewer, unit_ids: list[int] | None, search: str,
          fiscal_year: int | None = None):
    model = spec.model
    unit_col = getattr(model, spec.unit_field)
    stmt = scoped(select(model), unit_col, session, viewer)
    if unit_ids is not None:
        stmt = stmt.where(unit_col.in_(unit_ids))
    if fiscal_year is not None and spec is NEED:
        stmt = stmt.where(model.fiscal_year == fiscal_year)
    words = search.strip()
    if words:
        like = f"%{words.lower()}%"
        searched = {"device": ("brand_model", "serial_number", "asset_tag", "location", "ip_address"),
                    "staff": ("nip", "name", "certifications"),
                    "application": ("name", "function", "url", "data_held"),
                    "need": ("item", "justification")}[spec.name]
        stmt = stmt.where(or_(*[func.lower(getattr(model, f)).like(like) for f in searched]))
    return stmt


def count_records(*, session: Session, viewer: Viewer, kind: str, unit_ids: list[int] | None = None,
                  search: str = "", fiscal_year: int | None = None) -> int:
    spec = KINDS[kind]
    stmt = _stmt(spec, session, viewer, unit_ids, search, fiscal_year)
    return session.scalar(select(func.count()).select_from(stmt.subquery()))


def list_records(*, session: Session, viewer: Viewer, kind: str, unit_ids: list[int] | None = None,
                 search: str = "", lang: str = "id", method: str = "straight_line", offset: int = 0,
                 limit: int | None = None, fiscal_year: int | None = None) -> list[dict[str, Any]]:
    """Records the viewer may see, as rows of shown cells keyed by column (plus `id`), ordered by unit."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    spec = KINDS[kind]
    model = spec.model
    stmt = _stmt(spec, session, viewer, unit_ids, search, fiscal_year)
    stmt = stmt.order_by(getattr(model, spec.unit_field), model.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    names = lookup(session=session, viewer=viewer, with_refs=spec is NEED)
    lives = dict(session.execute(select(DeviceCategory.code, DeviceCategory.useful_life_years)).all())
    this_year = utcnow().year
    rows = []
    for record in session.scalars(stmt):
        values = _model_values(spec, record)
        if spec is DEVICE:
            age = this_year - record.purchase_year if record.purchase_year else None
            life = lives.get(record.category, 4)
            values.update(age_years=age, past_life=None if age is None else age >= life,
                          book_value=book_value(record.purchase_value, age, life, method))
        if spec is NEED:
            values.update(total=record.quantity * record.unit_price, status=record.status,
                          review_note=record.review_note)
        row = {"id": record.id}
        for column in spec.columns:
            value = values.get(column.field)
            row[column.field] = column.show(value, names, lang)
        rows.append(row)
    return rows


def natural_keys(spec: RecordKind, values: dict[str, Any]) -> list[tuple]:
    """What identifies a record to a person, strongest first: serial number, then asset tag; NIP (or name
    in the unit for non-ASN); an application's name in its owner unit."""
    unit = values.get("unit")
    if spec.name == "device":
        return [(kind, values[field].casefold()) for kind, field in (("sn", "serial_number"), ("tag", "asset_tag"))
                if values.get(field)]
    if spec.name == "staff":
        return [("nip", values["nip"]) if values.get("nip") else ("name", unit, (values.get("name") or "").casefold())]
    if spec.name == "need":
        return [("need", unit, values.get("fiscal_year"), " ".join((values.get("item") or "").casefold().split()))]
    return [("app", unit, (values.get("name") or "").casefold())]


def _row_rules(spec: RecordKind, values: dict[str, Any]) -> list[Problem]:
    """Rules across cells of one row."""
    if spec.name == "device" and not values.get("serial_number") and not values.get("asset_tag"):
        return [Problem("serial_number", "inventory.device_needs_key")]
    if spec.name == "staff":
        asn = values.get("employment") in ("pns", "pppk")
        if asn and not values.get("nip"):
            return [Problem("nip", "inventory.asn_needs_nip")]
        if not asn and values.get("nip"):
            return [Problem("nip", "inventory.non_asn_has_nip")]
    if spec.name == "need" and values.get("replaces") and not values.get("device_category"):
        return [Problem("device_category", "needs.replaces_needs_category")]
    return []


def save_records(
    *, session: Session, viewer: Viewer, kind: str, changes: list[Change], deletes: list[int] = (),
    filename: str = "", sheet: str = "", labels: dict[str, str] | None = None, upsert: bool = False,
    dry_run: bool = False,
) -> dict[str, int]:
    """Write every change and delete, or none: ImportRejected lists each bad cell (row, column, reason).

    `upsert` (file imports) matches rows without an id to the same unit's stored records by natural key;
    otherwise a row without an id is new. A row for a unit outside the viewer's own rejects the whole save.
    """
    require_role(viewer, Role.ADMIN, Role.SKPD)
    spec = KINDS[kind]
    model = spec.model
    scope = unit_scope(session, viewer)
    names = lookup(session=session, viewer=viewer, with_refs=spec is NEED)
    unit_col = getattr(model, spec.unit_field)
    stmt = scoped(select(model), unit_col, session, viewer)
    if not upsert:  # the editor names its records: only their units' records can clash with the change
        ids = [c.id for c in changes if c.id is not None] + list(deletes)
        units = set(session.scalars(select(unit_col).where(model.id.in_(ids)))) if ids else set()
        units |= {names.unit_ids.get(cells.text(c.cells.get("unit")).upper()) for c in changes if "unit" in c.cells}
        stmt = stmt.where(unit_col.in_(units - {None}))
    stored = {r.id: r for r in session.scalars(stmt)}
    current = {rid: _model_values(spec, r) for rid, r in stored.items()}
    # A unit changes a need only while it is its own (draft, or sent back for revision); Kominfo may always.
    locked = {rid for rid, r in stored.items() if spec is NEED and r.status not in ("draft", "revised")
              and viewer.role is not Role.ADMIN}
    by_key: dict[tuple, list[int]] = {}
    for rid, values in current.items():
        for key in natural_keys(spec, values):
            by_key.setdefault(key, []).append(rid)

    problems: list[Problem] = []
    plan: list[tuple[int, int | None, dict[str, Any]]] = []  # (line, record id or None, new column values)
    seen: dict[tuple, int] = {}
    for change in changes:
        row_problems: list[Problem] = []
        values: dict[str, Any] = {}
        record_id = change.id
        if record_id is not None and record_id not in current:
            raise NotFound("inventory.record_not_found")
        if record_id is not None and "unit" not in change.cells:  # an edit that leaves the unit as it is
            values["unit"] = current[record_id]["unit"]
        else:
            try:
                values["unit"] = spec.column("unit").read(change.cells.get("unit"), names, None)
            except cells.CellError as exc:
                row_problems.append(Problem("unit", exc.key, **exc.params))
        unit_id = values.get("unit")
        if unit_id is not None and scope is not None and unit_id not in scope:
            row_problems.append(Problem("unit", "inventory.unit_out_of_scope", code=names.unit_codes[unit_id]))
        for column in spec.editable:
            if column.field == "unit":
                continue
            if column.field not in change.cells and (record_id is not None or upsert):
                continue  # a column the file does not have keeps what is stored
            try:
                values[column.field] = column.read(change.cells.get(column.field), names, unit_id)
            except cells.CellError as exc:
                row_problems.append(Problem(column.field, exc.key, **exc.params))
        if row_problems:
            problems += _on(row_problems, change.line)
            continue
        if record_id is None and upsert:
            # Matched only within the row's own unit: the same serial number in another unit is either a
            # transfer or a double record, which the Duplikat view lists for an admin to decide.
            record_id = next((rid for key in natural_keys(spec, values) for rid in by_key.get(key, [])
                              if current[rid]["unit"] == unit_id), None)
        merged = {**(current[record_id] if record_id is not None else {}), **values}
        if record_id is None:  # a new record: every column it does not name takes its default
            for column in spec.editable:
                if column.field not in merged:
                    merged[column.field] = column.read("", names, unit_id)
        rule_problems = _row_rules(spec, merged)
        for key in natural_keys(spec, merged):
            scoped_key = (merged["unit"], key)
            if scoped_key in seen:
                rule_problems.append(Problem(_key_column(spec, key), "inventory.duplicate_in_file",
                                             first=seen[scoped_key]))
            seen[scoped_key] = change.line
        if record_id in locked:
            rule_problems.append(Problem("status", "needs.locked", status=t(f"need_status.{stored[record_id].status}")))
        if rule_problems:
            problems += _on(rule_problems, change.line)
            continue
        plan.append((change.line, record_id, merged))

    touched = {rid for _l, rid, _v in plan if rid is not None} | set(deletes)
    for line, rid, merged in plan:  # a key already held by another record of the same unit
        for key in natural_keys(spec, merged):
            if any(other != rid and other not in touched and current[other]["unit"] == merged["unit"]
                   for other in by_key.get(key, [])):
                problems += _on([Problem(_key_column(spec, key), "inventory.key_taken", value=key[-1])], line)
    for rid in deletes:
        if rid not in current:
            raise NotFound("inventory.record_not_found")
        if rid in locked:
            problems.append(Problem("status", "needs.locked", status=t(f"need_status.{stored[rid].status}")))
    if problems:
        located = [_label(p, labels, spec, sheet) for p in problems]
        raise ImportRejected(located, filename)

    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": len(deletes)}
    creates, updates, entries = [], [], []
    now = utcnow()
    for _line, rid, merged in plan:
        if rid is None:
            counts["created"] += 1
            creates.append(_packed(spec, merged))
            continue
        old = {k: v for k, v in current[rid].items() if merged.get(k) != v}
        if not old:
            counts["unchanged"] += 1
            continue
        counts["updated"] += 1
        data = _packed(spec, {k: merged[k] for k in old} | ({"unit": merged["unit"]} if "unit" in old else {}))
        if spec is STAFF and any(k.startswith("competence_") for k in old):
            data["competences"] = _packed(spec, merged)["competences"]
        updates.append({"id": rid, **data, "updated_at": now})
        entries.append(_entry(viewer, "update", spec, rid, merged["unit"], _plain(old),
                              _plain({k: merged[k] for k in old})))
    if dry_run:
        return counts
    if creates:
        ids = session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                              [{**row, "created_at": now, "updated_at": now} for row in creates]).all()
        for rid, row in zip(ids, creates, strict=True):
            entries.append(_entry(viewer, "create", spec, rid, row[spec.unit_field], None, _plain(row)))
    if updates:
        session.execute(update(model), updates)
    if deletes:
        for rid in deletes:
            entries.append(_entry(viewer, "delete", spec, rid, current[rid]["unit"], _plain(current[rid]), None))
        _detach(session, spec, list(deletes))
        session.execute(delete(model).where(model.id.in_(list(deletes))))
    if entries:
        session.execute(insert(AuditLog), entries)
    session.flush()
    return counts


def _detach(session: Session, spec: RecordKind, ids: list[int]) -> None:
    """References to records about to go: a device's holder is cleared when the staff member leaves."""
    if spec is STAFF:
        session.execute(update(Device).where(Device.staff_id.in_(ids)).values(staff_id=None))


def _key_column(spec: RecordKind, key: tuple) -> str:
    return {"sn": "serial_number", "tag": "asset_tag", "nip": "nip", "need": "item"}.get(key[0], "name")


def _on(problems: list[Problem], line: int) -> list[Problem]:
    for problem in problems:
        problem.row = line
    return problems


def _label(problem: Problem, labels: dict[str, str] | None, spec: RecordKind, sheet: str) -> Problem:
    """Name the column as the file (or else the catalogue) names it, and the sheet it is on."""
    field = problem.column
    problem.column = (labels or {}).get(field) or (t(f"{spec.name}.{field}") if field != "-" else field)
    problem.sheet = sheet or None
    return problem


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _entry(viewer: Viewer, action: str, spec: RecordKind, row_id: int, unit_id: int, old, new) -> dict:
    return {"at": utcnow(), "actor_id": viewer.user_id, "actor": viewer.username, "action": action,
            "table_name": spec.model.__tablename__, "row_id": row_id, "unit_id": unit_id,
            "old_values": old, "new_values": new}


def set_employees(*, session: Session, viewer: Viewer, unit_id: int, employees: int | None) -> Unit:
    """The unit's total number of employees (admin, or the unit's own operator), for the ratios."""
    from core import audit
    from core.access import require_unit_write

    require_unit_write(session, viewer, unit_id)
    unit = session.get(Unit, unit_id)
    if employees is not None and not 0 <= employees <= 100_000:
        raise ValidationError("inventory.employees_range", field="employees")
    if unit.employees != employees:
        audit.record(session, viewer=viewer, action="update", table="unit", row_id=unit_id, unit_id=unit_id,
                     old={"employees": unit.employees}, new={"employees": employees})
        unit.employees = employees
    return unit


def get_record(*, session: Session, viewer: Viewer, kind: str, record_id: int):
    """One record, or NotFound when it does not exist or lies outside the viewer's scope."""
    spec = KINDS[kind]
    record = session.get(spec.model, record_id)
    scope = unit_scope(session, viewer)
    if record is None or (scope is not None and getattr(record, spec.unit_field) not in scope):
        raise NotFound("inventory.record_not_found")
    return record

