"""What the live wall shows: each unit's worst target state, and how fresh the data is."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Viewer, scoped
from core.units import list_units
from db.monitoring import Target, TargetState, Worker
from db.types import utcnow

# Worst first: a unit takes the colour of its worst target.
SEVERITY = ["DOWN", "PENDING", "DEGRADED", "MAINTENANCE", "UP", "UNKNOWN"]


@dataclass
class UnitStatus:
    unit_id: int
    name: str
    short_name: str
    worst: str = "UNKNOWN"
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def targets(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Freshness:
    newest_worker_beat: datetime | None
    stale: bool

    def age_s(self, now: datetime) -> float | None:
        return None if self.newest_worker_beat is None else (now - self.newest_worker_beat).total_seconds()


def unit_statuses(*, session: Session, viewer: Viewer) -> list[UnitStatus]:
    """Every visible unit; one without targets stays UNKNOWN, never UP."""
    units = {u.id: UnitStatus(u.id, u.name, u.short_name) for u in list_units(session=session, viewer=viewer)}
    stmt = (select(Target.unit_id, TargetState.state, func.count()).join(TargetState)
            .where(Target.enabled.is_(True)).group_by(Target.unit_id, TargetState.state))
    for unit_id, state, n in session.execute(scoped(stmt, Target.unit_id, session, viewer)).all():
        if unit_id in units:
            units[unit_id].counts[state] = n
    for status in units.values():
        present = [s for s in SEVERITY if status.counts.get(s)]
        status.worst = present[0] if present else "UNKNOWN"
    return list(units.values())


def freshness(*, session: Session, viewer: Viewer, interval_s: int = 60, now: datetime | None = None) -> Freshness:
    """Stale when no worker has reported for more than two intervals (the wall then says so in red)."""
    newest = session.scalar(select(func.max(Worker.seen_at)))
    now = now or utcnow()
    return Freshness(newest, newest is None or now - newest > timedelta(seconds=2 * interval_s))
