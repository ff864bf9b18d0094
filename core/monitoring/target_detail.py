"""Everything the target detail page shows, for one target the viewer may see."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Viewer
from core.monitoring import buckets
from core.monitoring.availability import COARSER, kept_from
from core.monitoring.targets import get_target
from db.monitoring import (
    Heartbeat,
    Incident,
    InterfaceSample,
    RollupDay,
    RollupHour,
    RollupMinute,
    Target,
    TargetEvent,
    TargetState,
)


@dataclass(frozen=True)
class SystemInfo:
    name: str  # sysName
    description: str  # sysDescr
    uptime_s: float | None  # None: the agent does not report sysUpTime
    booted_at: datetime | None


@dataclass
class TargetDetail:
    target: Target
    state: TargetState
    checks: list[Heartbeat]
    incidents: list[Incident]  # the newest INCIDENTS_SHOWN
    incident_count: int  # all of them
    events: list[TargetEvent]
    interfaces: list[dict]
    traffic: list[InterfaceSample]

    @property
    def cert_days(self) -> int | None:
        return self.state.details.get("cert_days")

    @property
    def system(self) -> "SystemInfo | None":
        """What an SNMP agent says of itself at the last check; None for other kinds or before a check."""
        details = self.state.details or {}
        if self.target.kind != "snmp" or "sys_name" not in details:
            return None
        ticks, at = details.get("sys_uptime"), details.get("at")
        uptime = ticks / 100 if isinstance(ticks, int) else None
        booted = (datetime.fromtimestamp(at, UTC) - timedelta(seconds=uptime)
                  if uptime is not None and isinstance(at, int | float) else None)
        return SystemInfo(details.get("sys_name") or "", details.get("sys_descr") or "", uptime, booted)

    @property
    def reboots(self) -> list[TargetEvent]:
        return [e for e in self.events if e.kind == "reboot"]


INCIDENTS_SHOWN = 50


def detail(*, session: Session, viewer: Viewer, target_id: int, zone: ZoneInfo, now: datetime,
           hours: int = 48) -> TargetDetail:
    target = get_target(session=session, viewer=viewer, target_id=target_id)  # NotFound outside the scope
    since = now - timedelta(hours=hours)
    beats = list(session.scalars(select(Heartbeat).where(Heartbeat.target_id == target_id, Heartbeat.at >= since)
                                 .order_by(Heartbeat.at)))
    return TargetDetail(
        target=target,
        state=session.get(TargetState, target_id),
        checks=beats[-50:][::-1],
        incidents=list(session.scalars(select(Incident).where(Incident.target_id == target_id)
                                       .order_by(Incident.started_at.desc()).limit(INCIDENTS_SHOWN))),
        incident_count=session.scalar(select(func.count(Incident.id)).where(Incident.target_id == target_id)) or 0,
        events=list(session.scalars(select(TargetEvent).where(TargetEvent.target_id == target_id)
                                    .order_by(TargetEvent.at.desc()).limit(100))),
        interfaces=list((session.get(TargetState, target_id).details or {}).get("interfaces", [])),
        traffic=list(session.scalars(select(InterfaceSample).where(InterfaceSample.target_id == target_id,
                                                                   InterfaceSample.at >= since)
                                     .order_by(InterfaceSample.at))),
    )


# Latency over a window the reader picks: each window reads the rollup level that gives it a readable
# number of points (minutes up to a day, kept 48 h; hours for a week; days for a month or a quarter).
WINDOWS: dict[str, tuple[timedelta, str]] = {
    "1h": (timedelta(hours=1), "minute"), "6h": (timedelta(hours=6), "minute"), "24h": (timedelta(hours=24), "minute"),
    "7d": (timedelta(days=7), "hour"), "30d": (timedelta(days=30), "day"), "90d": (timedelta(days=90), "day"),
}
ROLLUPS = {"minute": RollupMinute, "hour": RollupHour, "day": RollupDay}


@dataclass(frozen=True)
class LatencyPoint:
    at: datetime  # bucket start (UTC)
    end: datetime  # the next bucket's start
    mean_ms: float | None  # None: nothing answered in that bucket (the line breaks there)
    min_ms: float | None
    max_ms: float | None
    checks: int
    down_s: float  # time in that bucket the target did not answer
    unknown_s: float = 0.0  # time in that bucket nobody checked it (no worker, before its first check)
    maintenance_s: float = 0.0


@dataclass(frozen=True)
class Latency:
    """Every bucket of a window, in order, without holes: the chart's x axis spans [start, end)."""

    start: datetime
    end: datetime
    points: list[LatencyPoint]
    monitored_from: datetime  # the target's creation: nothing was checked before it


def _parts(start: datetime, end: datetime, level: str, zone: ZoneInfo, kept: dict[str, datetime]):
    """(level, from, to) covering [start, end) in whole buckets: the window's level, and the coarser level for
    the part before the time from which retention (or the demo) still holds every bucket of it."""
    first = buckets.floor(start, level, zone)
    if level in COARSER and level in kept and kept[level] > first:
        seam = buckets.ceil(kept[level], COARSER[level], zone)
        return _parts(start, min(seam, end), COARSER[level], zone, kept) + ([(level, seam, end)] * (seam < end))
    return [(level, first, end)] if first < end else []


def latency(*, session: Session, viewer: Viewer, target_id: int, window: str, now: datetime,
            zone: ZoneInfo) -> Latency:
    """Mean, fastest and slowest answer per bucket over the whole window, from the rollups, with the time
    the target was down, in maintenance or not checked at all in each bucket."""
    target = get_target(session=session, viewer=viewer, target_id=target_id)  # NotFound outside the scope
    span, level = WINDOWS[window]
    points = []
    for part, a, b in _parts(now - span, now, level, zone, kept_from(session)):
        table = ROLLUPS[part]
        rows = {r.bucket: r for r in session.scalars(select(table).where(
            table.target_id == target_id, table.bucket >= a, table.bucket < b))}
        at = a
        while at < b:
            following = buckets.following(at, part, zone)
            points.append(_point(rows.get(at), at, following, now))
            at = following
    return Latency(now - span, now, points, target.created_at)


def _point(row, at: datetime, end: datetime, now: datetime) -> LatencyPoint:
    length = (min(end, now) - at).total_seconds()  # the bucket in progress counts as far as now
    if row is None:
        return LatencyPoint(at, end, None, None, None, 0, 0.0, length)
    covered = row.up_s + row.down_s + row.degraded_s + row.maintenance_s + row.unknown_s
    return LatencyPoint(at, end, row.latency_sum_ms / row.latency_n if row.latency_n else None, row.latency_min_ms,
                        row.latency_max_ms, row.checks, float(row.down_s),
                        float(row.unknown_s) + max(0.0, length - covered), float(row.maintenance_s))
