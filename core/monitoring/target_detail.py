"""Everything the target detail page shows, for one target the viewer may see."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.access import Viewer
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
    incidents: list[Incident]
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
                                       .order_by(Incident.started_at.desc()).limit(50))),
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
    mean_ms: float | None  # None: nothing answered in that bucket
    min_ms: float | None
    max_ms: float | None
    checks: int
    down_s: int  # time in that bucket the target did not answer: marked on the chart


def latency(*, session: Session, viewer: Viewer, target_id: int, window: str, now: datetime) -> list[LatencyPoint]:
    """Mean, fastest and slowest answer per bucket over the window, from the rollups."""
    get_target(session=session, viewer=viewer, target_id=target_id)  # NotFound outside the scope
    span, level = WINDOWS[window]
    table = ROLLUPS[level]
    rows = session.scalars(select(table).where(table.target_id == target_id, table.bucket >= now - span)
                           .order_by(table.bucket))
    return [LatencyPoint(r.bucket, r.latency_sum_ms / r.latency_n if r.latency_n else None, r.latency_min_ms,
                         r.latency_max_ms, r.checks, r.down_s) for r in rows]
