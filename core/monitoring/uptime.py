"""The availability report: every unit's figure over a window, goals by criticality, MTTR/MTBF, days."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from core.access import Viewer, scoped
from core.monitoring.availability import PRESETS, TABLES, Availability, kept_from, reads
from core.monitoring.targets import target_rows
from db.models import Unit
from db.monitoring import Incident, RollupDay, Target
from db.types import utcnow

# Availability a target should reach, by criticality (percent); a unit answers to its most critical target.
GOALS = {"critical": 99.5, "high": 99.0, "normal": 98.0, "low": 95.0}
FIELDS = ("up_s", "down_s", "degraded_s", "maintenance_s", "unknown_s", "checks", "latency_n", "latency_sum_ms")


@dataclass(frozen=True)
class UnitUptime:
    unit_id: int
    code: str
    name: str
    short_name: str
    targets: int
    figure: Availability
    goal: float
    incidents: int
    downtime_min: float
    mttr_min: float | None  # mean time to repair: how long an incident lasted on average
    mtbf_h: float | None  # mean time between failures: measured up time per incident

    @property
    def meets_goal(self) -> bool | None:
        return None if self.figure.percent is None else self.figure.percent >= self.goal


def overall_percent(report: list[UnitUptime]) -> float | None:
    """Time-weighted availability over every unit in the report."""
    measured = sum(r.figure.measured_s for r in report)
    return 100 * sum(r.figure.up_s + r.figure.degraded_s for r in report) / measured if measured else None


def goal_count(report: list[UnitUptime]) -> tuple[int, int]:
    """(units meeting their goal, units with measured time)."""
    measured = [r for r in report if r.meets_goal is not None]
    return sum(1 for r in measured if r.meets_goal), len(measured)


def _totals_by_target(session: Session, ids: list[int], start: datetime, end: datetime, zone: ZoneInfo):
    totals: dict[int, dict[str, float]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0.0))
    if not ids:
        return totals
    for level, a, b, share in reads(start, end, zone, kept_from(session)):
        table = TABLES[level]
        rows = session.execute(
            select(table.target_id, *(func.sum(getattr(table, f)) for f in FIELDS))
            .where(table.target_id.in_(ids), table.bucket >= a, table.bucket < b).group_by(table.target_id))
        for target_id, *values in rows:
            for name, value in zip(FIELDS, values, strict=True):
                totals[target_id][name] += float(value or 0) * share
    return totals


def _figure(targets, totals, start: datetime, end: datetime) -> Availability:
    window = sum(max(0.0, (end - max(start, t.created_at)).total_seconds()) for t in targets)
    sums = {f: sum(totals[t.id][f] for t in targets) for f in FIELDS}
    covered = sum(sums[k] for k in ("up_s", "down_s", "degraded_s", "maintenance_s", "unknown_s"))
    scale = min(1.0, window / covered) if covered else 1.0
    latency = sums["latency_sum_ms"] / sums["latency_n"] if sums["latency_n"] else None
    return Availability(window, sums["up_s"] * scale, sums["degraded_s"] * scale, sums["down_s"] * scale,
                        sums["maintenance_s"] * scale, sums["unknown_s"] * scale + max(0.0, window - covered),
                        int(sums["checks"]), latency)


def counted_incidents(start: datetime | None = None, end: datetime | None = None):
    """Which incidents the monitoring pages count and list, as a condition on Incident joined to its Target:
    those of enabled targets (a disabled target's time is not measured either, so its incident is not
    counted), overlapping [start, end), or the ongoing ones when no window is given. The wall and the
    availability page scope and group them by Target.unit_id, as they count the targets."""
    window = [Incident.ended_at.is_(None)] if start is None else [
        Incident.started_at < end, or_(Incident.ended_at.is_(None), Incident.ended_at > start)]
    return and_(Target.enabled.is_(True), *window)


def unit_report(*, session: Session, viewer: Viewer, start: datetime, end: datetime, zone: ZoneInfo) -> list[UnitUptime]:
    """One row per visible unit that has enabled targets, worst availability first: the targets the wall
    counts (targets.target_rows), the incidents it counts (counted_incidents)."""
    members_of = target_rows(session=session, viewer=viewer, include_disabled=False)
    totals = _totals_by_target(session, [t.id for t in members_of], start, end, zone)
    # Plain columns, one pass: a city-wide year holds tens of thousands of incidents.
    repaired: dict[int, list[float]] = defaultdict(list)
    for unit_id, started, ended in session.execute(scoped(
            select(Target.unit_id, Incident.started_at, Incident.ended_at).join(Target, Target.id == Incident.target_id)
            .where(counted_incidents(start, end)), Target.unit_id, session, viewer)):
        repaired[unit_id].append(((ended or end) - started).total_seconds() / 60)
    by_unit: dict[int, list] = defaultdict(list)
    for target in members_of:
        by_unit[target.unit_id].append(target)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(list(by_unit))))}
    report = []
    for unit_id, members in by_unit.items():
        figure = _figure(members, totals, start, end)
        minutes = repaired.get(unit_id, [])
        goal = max(GOALS.get(t.criticality, GOALS["normal"]) for t in members)
        unit = units[unit_id]
        report.append(UnitUptime(
            unit_id, unit.code, unit.name, unit.short_name, len(members), figure, goal, len(minutes),
            figure.down_s / 60, sum(minutes) / len(minutes) if minutes else None,
            (figure.up_s + figure.degraded_s) / 3600 / len(minutes) if minutes else None,
        ))
    return sorted(report, key=lambda r: (r.figure.percent if r.figure.percent is not None else 101, r.name))


CALENDAR_DAYS_AT_MOST = 92  # a longer window's calendar shows weeks: a year of days is 33,000 cells


def _day_sums(session: Session, viewer: Viewer, start: datetime, end: datetime):
    """(unit id, day bucket, answered seconds, measured seconds) per unit and local day with measured time."""
    stmt = (select(Target.unit_id, RollupDay.bucket, func.sum(RollupDay.up_s + RollupDay.degraded_s),
                   func.sum(RollupDay.up_s + RollupDay.degraded_s + RollupDay.down_s))
            .join(Target, Target.id == RollupDay.target_id)
            .where(RollupDay.bucket >= start, RollupDay.bucket < end, Target.enabled.is_(True))
            .group_by(Target.unit_id, RollupDay.bucket))
    return [(u, b, float(up), float(m)) for u, b, up, m in session.execute(scoped(stmt, Target.unit_id, session, viewer))
            if m]


def daily(*, session: Session, viewer: Viewer, start: datetime, end: datetime) -> list[tuple[int, datetime, float]]:
    """(unit id, local day start, availability %) for each unit and day with measured time."""
    return [(unit_id, bucket, 100 * up / measured)
            for unit_id, bucket, up, measured in _day_sums(session, viewer, start, end)]


def calendar(*, session: Session, viewer: Viewer, start: datetime, end: datetime, zone: ZoneInfo,
             weekly: bool) -> list[tuple[int, date, float]]:
    """(unit id, local day (or the Monday of its week), availability %) for the availability calendar.
    A week's figure is time-weighted: its answered seconds over its measured seconds, not a mean of days."""
    sums: dict[tuple[int, date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for unit_id, bucket, up, measured in _day_sums(session, viewer, start, end):
        day = bucket.astimezone(zone).date()
        cell = sums[(unit_id, day - timedelta(days=day.weekday()) if weekly else day)]
        cell[0] += up
        cell[1] += measured
    return [(unit_id, day, 100 * up / measured) for (unit_id, day), (up, measured) in sorted(sums.items())]


INCIDENTS_LISTED = 1000  # the incident table's rows at most, newest first; the count is always all of them


def incidents(*, session: Session, viewer: Viewer, start: datetime, end: datetime, limit: int = INCIDENTS_LISTED):
    """Incidents overlapping the window (counted_incidents), newest first, with their target's name."""
    stmt = (select(Incident, Target.name, Unit.short_name)
            .join(Target, Target.id == Incident.target_id).join(Unit, Unit.id == Target.unit_id)
            .where(counted_incidents(start, end)).order_by(Incident.started_at.desc()).limit(limit))
    return [tuple(r) for r in session.execute(scoped(stmt, Target.unit_id, session, viewer)).all()]


def _incident_count(session: Session, viewer: Viewer, start: datetime, end: datetime) -> int:
    stmt = select(func.count(Incident.id)).join(Target, Target.id == Incident.target_id).where(
        counted_incidents(start, end))
    return session.scalar(scoped(stmt, Target.unit_id, session, viewer)) or 0


@dataclass
class WindowView:
    """What the availability page shows for one window, read in one transaction (the parts asked for)."""

    start: datetime
    end: datetime
    report: list[UnitUptime] = field(default_factory=list)
    days: list[tuple[int, date, float]] = field(default_factory=list)  # the calendar: (unit, day or week, %)
    weekly: bool = False  # the calendar's cells are weeks
    incidents: list[tuple] = field(default_factory=list)  # the newest INCIDENTS_LISTED
    incident_count: int = 0  # all of them


def window_view(*, session: Session, viewer: Viewer, zone: ZoneInfo, preset: str | None = None,
                start: datetime | None = None, end: datetime | None = None,
                parts: tuple[str, ...] = ("report", "days", "incidents")) -> WindowView:
    """A preset window ending now ('30d', ...) or [start, end); the heatmap covers at most a year.

    Taking the preset name rather than the times lets a page cache the view for a few seconds."""
    if preset is not None:
        end = utcnow()
        start = end - PRESETS[preset]
    view = WindowView(start, end)
    if "report" in parts:
        view.report = unit_report(session=session, viewer=viewer, start=start, end=end, zone=zone)
    if "days" in parts:
        view.weekly = end - start > timedelta(days=CALENDAR_DAYS_AT_MOST)
        view.days = calendar(session=session, viewer=viewer, start=max(start, end - timedelta(days=366)), end=end,
                             zone=zone, weekly=view.weekly)
    if "incidents" in parts:
        view.incidents = incidents(session=session, viewer=viewer, start=start, end=end)
        view.incident_count = _incident_count(session, viewer, start, end)
    return view
