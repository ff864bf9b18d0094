"""Who is looking: roles, the viewer, and the set of units a viewer may see or change.

Every core query takes a Viewer and filters through `unit_scope`, so a page that forgets a
check still cannot leak another unit's rows.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session

from core.errors import PermissionDenied
from db.models import Unit


class Role(StrEnum):
    ADMIN = "admin"
    PIMPINAN = "pimpinan"
    SKPD = "skpd"
    PRESENTER = "presenter"


# Roles that see every unit; skpd sees its own subtree; presenter sees only the live wall.
CITY_WIDE = {Role.ADMIN, Role.PIMPINAN, Role.PRESENTER}


@dataclass(frozen=True)
class Viewer:
    """The person a query runs for, as loaded from the users table at the start of each request."""

    user_id: int | None
    username: str
    role: Role
    unit_id: int | None = None
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def sees_all_units(self) -> bool:
        return self.role in CITY_WIDE


SYSTEM = Viewer(user_id=None, username="system", role=Role.ADMIN, display_name="Sistem")


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """The unit and every unit under it (kelurahan of a kecamatan, bagian of Setda, ...)."""
    rows = session.execute(select(Unit.id, Unit.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in rows:
        children.setdefault(parent_id, []).append(unit_id)
    found, todo = set(), [root_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def subtrees(session: Session, root_ids) -> set[int]:
    """The units and every unit under any of them (what a probe agent bound to those units covers)."""
    return set().union(*(subtree_ids(session, u) for u in root_ids)) if root_ids else set()


def unit_scope(session: Session, viewer: Viewer) -> set[int] | None:
    """Unit ids the viewer may see; None means every unit."""
    if viewer.sees_all_units:
        return None
    if viewer.role is Role.SKPD and viewer.unit_id is not None:
        return subtree_ids(session, viewer.unit_id)
    return set()


def scoped(stmt, column, session: Session, viewer: Viewer):
    """Add the viewer's unit filter to a SELECT on `column` (a unit id column)."""
    scope = unit_scope(session, viewer)
    if scope is None:
        return stmt
    return stmt.where(column.in_(scope))


def require_role(viewer: Viewer, *roles: Role) -> None:
    if viewer.role not in roles:
        raise PermissionDenied("error.not_allowed")


def require_unit_write(session: Session, viewer: Viewer, unit_id: int | None) -> None:
    """Admin writes anywhere; an skpd user only inside their own subtree; everyone else nowhere."""
    if viewer.is_admin:
        return
    if viewer.role is Role.SKPD and unit_id is not None and unit_id in (unit_scope(session, viewer) or set()):
        return
    raise PermissionDenied("error.unit_write_denied")


def can_write_unit(*, session: Session, viewer: Viewer, unit_id: int) -> bool:
    """Whether `require_unit_write` would let this viewer change this unit's data."""
    try:
        require_unit_write(session, viewer, unit_id)
    except PermissionDenied:
        return False
    return True
