"""Reading a register: the lookup a kind reads its cells with, and the records a viewer may see, as rows
of shown cells, counted, paged and searched."""

from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.errors import NotFound
from core.records.kinds import Lookup, RecordKind
from db.models import Unit


def lookup(*, session: Session, viewer: Viewer, kind: RecordKind) -> Lookup:
    """Units by code (and the ones the viewer may fill), plus what the kind's cells name, limited to what
    the viewer may see."""
    units = session.execute(select(Unit.id, Unit.code)).all()
    writable = session.scalars(scoped(select(Unit.code).where(Unit.active.is_(True)).order_by(Unit.code), Unit.id,
                                      session, viewer))
    found = Lookup(unit_ids={code.upper(): uid for uid, code in units}, unit_codes=dict(units),
                   writable=list(writable))
    kind.load(session, viewer, found)
    return found


def values_of(kind: RecordKind, record) -> dict[str, Any]:
    """A stored record as column values (the unit under `unit`, plus what the kind keeps packed)."""
    values = {c.field: getattr(record, c.field, None) for c in kind.editable if c.field != "unit"}
    values["unit"] = getattr(record, kind.unit_field)
    values.update(kind.unpack(record))
    return values


def _stmt(kind: RecordKind, session: Session, viewer: Viewer, unit_ids: list[int] | None, search: str,
          filters: dict[str, Any]):
    model = kind.model
    unit_col = getattr(model, kind.unit_field)
    stmt = scoped(select(model), unit_col, session, viewer)
    if unit_ids is not None:
        stmt = stmt.where(unit_col.in_(unit_ids))
    for name, value in filters.items():
        if name not in kind.filters:
            raise ValueError(f"{kind.name} cannot be filtered by {name}")
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    words = search.strip()
    if words:
        like = f"%{words.lower()}%"
        stmt = stmt.where(or_(*[func.lower(getattr(model, f)).like(like) for f in kind.search]))
    return stmt


def count_records(*, session: Session, viewer: Viewer, kind: RecordKind, unit_ids: list[int] | None = None,
                  search: str = "", **filters) -> int:
    stmt = _stmt(kind, session, viewer, unit_ids, search, filters)
    return session.scalar(select(func.count()).select_from(stmt.subquery()))


def list_records(*, session: Session, viewer: Viewer, kind: RecordKind, unit_ids: list[int] | None = None,
                 search: str = "", lang: str = "id", method: str = "straight_line", offset: int = 0,
                 limit: int | None = None, **filters) -> list[dict[str, Any]]:
    """Records the viewer may see, as rows of shown cells keyed by column (plus `id`), ordered by unit.
    `filters` limit a field the kind allows (a need's fiscal_year)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    model = kind.model
    stmt = _stmt(kind, session, viewer, unit_ids, search, filters)
    stmt = stmt.order_by(getattr(model, kind.unit_field), model.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    names = lookup(session=session, viewer=viewer, kind=kind)
    figures = kind.figures(session, method)
    rows = []
    for record in session.scalars(stmt):
        values = {**values_of(kind, record), **figures(record)}
        rows.append({"id": record.id, **{c.field: c.show(values.get(c.field), names, lang) for c in kind.columns}})
    return rows


def get_record(*, session: Session, viewer: Viewer, kind: RecordKind, record_id: int):
    """One record, or NotFound when it does not exist or lies outside the viewer's scope."""
    record = session.get(kind.model, record_id)
    scope = unit_scope(session, viewer)
    if record is None or (scope is not None and getattr(record, kind.unit_field) not in scope):
        raise NotFound("inventory.record_not_found")
    return record
