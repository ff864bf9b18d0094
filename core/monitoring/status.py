"""What the live wall shows: each unit's worst target state, and how fresh the data is."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Viewer, scoped
from core.monitoring.dependencies import affected_counts
from core.monitoring.states import SEVERITY, worst
from core.monitoring.targets import target_rows
from core.monitoring.uptime import counted_incidents
from core.org.units import list_units
from db.models import Unit
from db.monitoring import Incident, RollupHour, State, Target, Worker
from db.types import utcnow


@dataclass
class UnitStatus:
    unit_id: int
    name: str
    short_name: str
    kind: str = ""
    parent_id: int | None = None
    worst: State = State.UNKNOWN
    counts: dict[str, int] = field(default_factory=dict)
    unknown_reason: str = ""  # why its targets are unknown, when they say (an agent not reporting)
    affected: int = 0  # targets elsewhere made unreachable by this unit's targets (the root-cause tile counts them)

    @property
    def targets(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Freshness:
    newest_worker_beat: datetime | None
    stale: bool

    def age_s(self, now: datetime) -> float | None:
        return None if self.newest_worker_beat is None else (now - self.newest_worker_beat).total_seconds()


def unit_statuses(*, session: Session, viewer: Viewer, roots: dict[int, int] | None = None) -> list[UnitStatus]:
    """Every visible unit; one without targets stays UNKNOWN, never UP. Its targets are those the
    availability report measures (targets.target_rows without the disabled ones), counted by state; with
    `roots` (dependencies.affected_counts), each unit also counts the targets its own targets make unreachable."""
    units = {u.id: UnitStatus(u.id, u.name, u.short_name, u.kind, u.parent_id) for u in list_units(session=session, viewer=viewer)}
    roots = roots or {}
    for row in target_rows(session=session, viewer=viewer, include_disabled=False):
        status = units.get(row.unit_id)
        if status is None:
            continue
        status.counts[row.state] = status.counts.get(row.state, 0) + 1
        status.affected += roots.get(row.id, 0)
        if row.state == State.UNKNOWN and row.last_reason and (not status.unknown_reason
                                                               or row.last_reason < status.unknown_reason):
            status.unknown_reason = row.last_reason  # why they are unknown, when they say (one reason, always the same)
    for status in units.values():
        status.worst = worst(s for s, n in status.counts.items() if n)
    return list(units.values())


def groups(units: list[UnitStatus]) -> list[tuple[UnitStatus | None, list[UnitStatus]]]:
    """The units in the groups a wall rotates through: the perangkat daerah together (head None) first,
    then each kecamatan with its kelurahan, by name."""
    by_id = {u.unit_id: u for u in units}

    def head_of(unit: UnitStatus) -> int | None:
        if unit.kind == "kecamatan":
            return unit.unit_id
        return unit.parent_id if unit.kind == "kelurahan" and unit.parent_id in by_id else None

    found: dict[int | None, list[UnitStatus]] = {}
    for unit in units:
        found.setdefault(head_of(unit), []).append(unit)
    order = sorted(found, key=lambda h: (h is not None, (by_id[h].short_name or by_id[h].name) if h else ""))
    return [(by_id[h] if h is not None else None, found[h]) for h in order]


def totals(units: list[UnitStatus]) -> dict[str, int]:
    """Targets per state over all the given units."""
    return {state: sum(u.counts.get(state, 0) for u in units) for state in SEVERITY}


MIN_STALE_S = 15.0  # three worker beats (probes/worker.py beats every 5 s)


def freshness(*, session: Session, viewer: Viewer, now: datetime | None = None) -> Freshness:
    """Stale when no worker has reported for more than two check intervals (the shortest one in use,
    60 s by default, so 2 minutes); the wall then says so in red and shows no state as live."""
    newest = session.scalar(select(func.max(Worker.seen_at)))
    shortest = session.scalar(select(func.min(Target.interval_s)).where(Target.enabled.is_(True))) or 60
    now = now or utcnow()
    limit = timedelta(seconds=max(MIN_STALE_S, 2 * shortest))
    return Freshness(newest, newest is None or now - newest > limit)


@dataclass(frozen=True)
class OpenIncident:
    unit_id: int
    unit: str
    target: str
    started_at: datetime
    reason: str
    id: int = 0  # the incident, for its page (pages/monitoring/incident.py)
    acknowledged: bool = False
    target_id: int = 0
    affected: int = 0  # its dependents made unreachable now, that the viewer sees ("12 target terdampak")


def open_incidents(*, session: Session, viewer: Viewer, roots: dict[int, int] | None = None) -> list[OpenIncident]:
    """Incidents not yet ended (uptime.counted_incidents: of the targets the wall counts), longest first;
    with `roots` (dependencies.affected_counts), each with the dependents its outage makes unreachable."""
    roots = roots or {}
    stmt = (select(Incident, Target.name, Unit.short_name, Unit.name).join(Target, Target.id == Incident.target_id)
            .join(Unit, Unit.id == Target.unit_id).where(counted_incidents()).order_by(Incident.started_at))
    return [OpenIncident(unit_id, short or name, target, i.started_at, i.reason, id=i.id,
                         acknowledged=i.acknowledged_at is not None, target_id=i.target_id,
                         affected=roots.get(i.target_id, 0))
            for i, target, short, name, unit_id
            in session.execute(scoped(stmt.add_columns(Target.unit_id), Target.unit_id, session, viewer)).all()]


def hourly(*, session: Session, viewer: Viewer, now: datetime, hours: int = 24) -> dict[int, list[float | None]]:
    """Each unit's availability in each of the last `hours` clock hours, the current one last, from hour
    rollups: the share of checked time its targets answered (maintenance not counted); None for an hour
    with no check at all, so a gap in monitoring never reads as up or as down."""
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    start = this_hour - timedelta(hours=hours - 1)
    stmt = (select(Target.unit_id, RollupHour.bucket, func.sum(RollupHour.up_s + RollupHour.degraded_s),
                   func.sum(RollupHour.down_s))
            .join(Target, Target.id == RollupHour.target_id)
            .where(RollupHour.bucket >= start, Target.enabled.is_(True))
            .group_by(Target.unit_id, RollupHour.bucket))
    cells: dict[int, list[list[float]]] = {}
    for unit_id, bucket, answered, down in session.execute(scoped(stmt, Target.unit_id, session, viewer)).all():
        index = int((bucket - start).total_seconds() // 3600)
        if 0 <= index < hours:
            cell = cells.setdefault(unit_id, [[0.0, 0.0] for _ in range(hours)])[index]
            cell[0] += float(answered or 0)
            cell[1] += float(down or 0)
    return {unit: [up / (up + down) if up + down else None for up, down in row] for unit, row in cells.items()}


@dataclass
class Wall:
    """What one refresh of the live wall shows, read in one transaction (freshness is read apart, live)."""

    units: list[UnitStatus]
    totals: dict[str, int]
    incidents: list[OpenIncident]
    hours: dict[int, list[float | None]]  # per unit, availability in each of the last 24 clock hours


def wall(*, session: Session, viewer: Viewer, now: datetime | None = None) -> Wall:
    now = now or utcnow()
    roots = affected_counts(session=session, viewer=viewer)
    units = unit_statuses(session=session, viewer=viewer, roots=roots)
    return Wall(units, totals(units), open_incidents(session=session, viewer=viewer, roots=roots),
                hourly(session=session, viewer=viewer, now=now))
