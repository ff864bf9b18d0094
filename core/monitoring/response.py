"""MTTA and MTTR, computed once for every page that shows them (Ketersediaan, the leadership overview).

Over the incidents of enabled targets (uptime.counted_incidents) that STARTED inside the window, scoped by
the target's unit: MTTA = mean(acknowledged − started) over those acknowledged, MTTR = mean(ended − started)
over those ended. An ongoing incident counts in neither mean (it has no repair time yet); a recovered one
nobody acknowledged counts in MTTR only. Months are cut in the organisation's zone.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.access import Viewer, scoped
from core.monitoring.incidents import unacknowledged_count
from core.monitoring.uptime import counted_incidents
from db.models import Unit
from db.monitoring import Incident, Target
from db.types import utcnow

GROUPS = ("unit", "target", "cause", "month")


@dataclass(frozen=True)
class Times:
    key: str | int | date | None  # the unit or target id, the cause, the month's first day; None for all
    label: str
    incidents: int
    acknowledged: int
    resolved: int
    mtta_min: float | None
    mttr_min: float | None


def _times(key, label: str, rows: list[tuple]) -> Times:
    acks = [(a - s).total_seconds() / 60 for s, _e, a in rows if a is not None]
    fixes = [(e - s).total_seconds() / 60 for s, e, _a in rows if e is not None]
    return Times(key, label, len(rows), len(acks), len(fixes), sum(acks) / len(acks) if acks else None,
                 sum(fixes) / len(fixes) if fixes else None)


def _rows(session: Session, viewer: Viewer, start: datetime, end: datetime, unit_ids: set[int] | None = None):
    stmt = (select(Incident.started_at, Incident.ended_at, Incident.acknowledged_at, Incident.cause,
                   Target.id, Target.name, Unit.id, Unit.short_name, Unit.name)
            .join(Target, Target.id == Incident.target_id).join(Unit, Unit.id == Target.unit_id)
            .where(counted_incidents(start, end), Incident.started_at >= start, Incident.started_at < end))
    if unit_ids is not None:  # one unit's review: its subtree only, inside the viewer's scope all the same
        stmt = stmt.where(Target.unit_id.in_(unit_ids or {-1}))
    return session.execute(scoped(stmt, Target.unit_id, session, viewer)).all()


def summary(*, session: Session, viewer: Viewer, start: datetime, end: datetime,
            unit_ids: set[int] | None = None) -> Times:
    """MTTA and MTTR over every incident the viewer sees that started in [start, end) (on these units' targets
    when given)."""
    return _times(None, "", [(s, e, a) for s, e, a, *_ in _rows(session, viewer, start, end, unit_ids)])


def by(*, session: Session, viewer: Viewer, start: datetime, end: datetime, zone: ZoneInfo, group: str) -> list[Times]:
    """MTTA and MTTR per unit, target, cause category ('' when not yet set) or month, most incidents first
    (months in order)."""
    if group not in GROUPS:
        raise ValueError(group)
    buckets: dict = defaultdict(list)
    labels: dict = {}
    for s, e, a, cause, target_id, target, unit_id, short, name in _rows(session, viewer, start, end):
        if group == "unit":
            key, label = unit_id, short or name
        elif group == "target":
            key, label = target_id, f"{short or name} · {target}"
        elif group == "cause":
            key, label = cause, cause
        else:
            local = s.astimezone(zone)
            key = date(local.year, local.month, 1)
            label = key.isoformat()
        buckets[key].append((s, e, a))
        labels[key] = label
    out = [_times(k, labels[k], rows) for k, rows in buckets.items()]
    if group == "month":
        return sorted(out, key=lambda r: r.key)
    return sorted(out, key=lambda r: (-r.incidents, r.label))


def month_window(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[first moment of this month, now) in the organisation's zone: the figure both pages head with."""
    local = now.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0), now


@dataclass(frozen=True)
class Month:
    """The figures both Ketersediaan and the leadership overview head with: this month's MTTA and MTTR, and
    how many ongoing incidents nobody has acknowledged (the count that links to that list)."""

    start: datetime
    times: Times
    unacknowledged: int


def this_month(*, session: Session, viewer: Viewer, zone: ZoneInfo, now: datetime | None = None) -> Month:
    start, end = month_window(now or utcnow(), zone)
    return Month(start, summary(session=session, viewer=viewer, start=start, end=end),
                 unacknowledged_count(session=session, viewer=viewer))
