"""The overview: every visible unit with counts of what the store holds about it so far."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Viewer, scoped
from core.units import child_counts, list_units
from db.models import User


@dataclass(frozen=True)
class UnitSummary:
    unit_id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_name: str
    sub_units: int
    accounts: int


def unit_summaries(*, session: Session, viewer: Viewer) -> list[UnitSummary]:
    """One row per active unit in the viewer's scope."""
    units = list_units(session=session, viewer=viewer)
    names = {u.id: u.short_name or u.name for u in units}
    children = child_counts(session=session, viewer=viewer)
    stmt = select(User.unit_id, func.count()).where(User.active.is_(True), User.unit_id.is_not(None))
    accounts = dict(session.execute(scoped(stmt, User.unit_id, session, viewer).group_by(User.unit_id)).all())
    return [
        UnitSummary(
            unit_id=u.id, code=u.code, name=u.name, short_name=u.short_name, kind=u.kind,
            parent_name=names.get(u.parent_id, ""), sub_units=children.get(u.id, 0), accounts=accounts.get(u.id, 0),
        )
        for u in units
    ]


def kind_counts(summaries: list[UnitSummary]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in summaries:
        counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts
