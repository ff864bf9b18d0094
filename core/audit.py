"""The audit log: who changed which row, when, from what to what."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from core.access import Role, Viewer, require_role, scoped
from db.models import AuditLog

# Never copied into the log, whatever table they sit in.
SECRET_FIELDS = {"password_hash", "password"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: SQLModel, fields: list[str] | None = None) -> dict[str, Any]:
    """The row's values as JSON-ready data, without secrets."""
    data = row.model_dump()
    keys = fields if fields is not None else list(data)
    return {k: _plain(data[k]) for k in keys if k not in SECRET_FIELDS}


def changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(
    session: Session,
    *,
    viewer: Viewer,
    action: str,
    table: str,
    row_id: int | None,
    unit_id: int | None,
    old: dict | None = None,
    new: dict | None = None,
) -> AuditLog:
    """Add an entry in the caller's transaction, so the change and its record commit together."""
    entry = AuditLog(
        actor_id=viewer.user_id,
        actor=viewer.username,
        action=action,
        table_name=table,
        row_id=row_id,
        unit_id=unit_id,
        old_values=old,
        new_values=new,
    )
    session.add(entry)
    return entry


def list_audit(
    *, session: Session, viewer: Viewer, table: str | None = None, row_id: int | None = None,
    unit_id: int | None = None, limit: int = 200,
) -> list[AuditLog]:
    """Newest entries first, limited to the units the viewer may see."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    stmt = scoped(stmt, AuditLog.unit_id, session, viewer)
    if table is not None:
        stmt = stmt.where(AuditLog.table_name == table)
    if row_id is not None:
        stmt = stmt.where(AuditLog.row_id == row_id)
    if unit_id is not None:
        stmt = stmt.where(AuditLog.unit_id == unit_id)
    return list(session.scalars(stmt))


def describe(old: dict | None, new: dict | None) -> str:
    """One line a person can read: `name: A → B; active: True → False`."""
    old, new = old or {}, new or {}
    parts = []
    for key in dict.fromkeys([*new, *old]):
        before, after = old.get(key), new.get(key)
        if key in old and key in new:
            parts.append(f"{key}: {_show(before)} → {_show(after)}")
        elif key in new:
            parts.append(f"{key}: {_show(after)}")
        else:
            parts.append(f"{key}: {_show(before)} → –")
    return "; ".join(parts)


def _show(value) -> str:
    return "–" if value in (None, "") else str(value)
