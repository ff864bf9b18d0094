"""Everything the target detail page shows, for one target the viewer may see."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import quantiles
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.access import Viewer
from core.monitoring import buckets
from core.monitoring.targets import get_target
from db.monitoring import Heartbeat, Incident, InterfaceSample, Target, TargetEvent, TargetState


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
    latency_hourly: list[tuple[datetime, float, float, int]]  # (local hour start, p50, p95, samples)
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
        latency_hourly=_percentiles(beats, zone),
        incidents=list(session.scalars(select(Incident).where(Incident.target_id == target_id)
                                       .order_by(Incident.started_at.desc()).limit(50))),
        events=list(session.scalars(select(TargetEvent).where(TargetEvent.target_id == target_id)
                                    .order_by(TargetEvent.at.desc()).limit(100))),
        interfaces=list((session.get(TargetState, target_id).details or {}).get("interfaces", [])),
        traffic=list(session.scalars(select(InterfaceSample).where(InterfaceSample.target_id == target_id,
                                                                   InterfaceSample.at >= since)
                                     .order_by(InterfaceSample.at))),
    )


def _percentiles(beats: list[Heartbeat], zone: ZoneInfo) -> list[tuple[datetime, float, float, int]]:
    """p50 and p95 latency per local hour from the raw checks (rollups only keep avg/min/max)."""
    by_hour: dict[datetime, list[float]] = defaultdict(list)
    for beat in beats:
        if beat.latency_ms is not None:
            by_hour[buckets.floor(beat.at, "hour", zone)].append(beat.latency_ms)
    rows = []
    for hour, values in sorted(by_hour.items()):
        if len(values) == 1:
            p50 = p95 = values[0]
        else:
            cuts = quantiles(values, n=100, method="inclusive")
            p50, p95 = cuts[49], cuts[94]
        rows.append((hour, p50, p95, len(values)))
    return rows
