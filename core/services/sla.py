"""SLA compliance of a digital service per month, from the monitoring rollups.

Inside service hours only (the service's days and minutes in the organisation's zone, holidays left
out when the service says so): availability = answered / (service time − maintenance − unknown) over the
service's targets, time-weighted; unknown time (no check, worker away, before a target existed) is
reported apart and never counted as up. Hours are read from hourly rollups, a partial hour (a service
opening at 07.30) counting its share; months older than hourly retention read day rollups weighted by
the day's share of service time — an average, said so on the page. Response time is the 95th percentile
of the hourly mean response times inside service hours (the rollups keep means, not single checks).
Breaches are the incidents of the service's targets, each with its start, its length inside service
hours and its cause.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlmodel import Session

from core.access import Viewer
from core.i18n import reason_text
from core.monitoring import availability
from core.services.register import get_service, holidays, list_services
from db.monitoring import Incident, RollupDay, RollupHour, Target
from db.services import DigitalService
from db.types import utcnow


@dataclass(frozen=True)
class Breach:
    target: str
    started_at: datetime
    ended_at: datetime | None
    service_s: float  # its length inside service hours, within the month
    reason: str


@dataclass
class Month:
    service_id: int
    month: date  # the first day
    service_s: float = 0.0  # service time in the month × targets
    up_s: float = 0.0
    down_s: float = 0.0
    maintenance_s: float = 0.0
    unknown_s: float = 0.0
    latencies: list[float] = field(default_factory=list)  # hourly means inside service hours
    breaches: list[Breach] = field(default_factory=list)
    from_days: bool = False  # read from day rollups (older than hourly retention)

    @property
    def percent(self) -> float | None:
        measured = self.service_s - self.maintenance_s - self.unknown_s
        return 100 * self.up_s / measured if measured > 0 else None

    @property
    def p95_ms(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


@dataclass(frozen=True)
class Compliance:
    service: DigitalService
    month: Month

    @property
    def availability_ok(self) -> bool | None:
        value = self.month.percent
        return None if value is None else round(value, 9) >= self.service.sla_availability

    @property
    def response_ok(self) -> bool | None:
        if self.service.sla_p95_ms is None or self.month.p95_ms is None:
            return None
        return self.month.p95_ms <= self.service.sla_p95_ms

    @property
    def met(self) -> bool | None:
        checks = [c for c in (self.availability_ok, self.response_ok) if c is not None]
        return all(checks) if checks else None


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def service_windows(service: DigitalService, start: date, end: date, zone: ZoneInfo,
                    off: set[date]) -> list[tuple[datetime, datetime]]:
    """The service's open windows between two local days (end excluded), as UTC datetimes."""
    windows, day = [], start
    while day < end:
        if day.weekday() in service.days and not (service.holidays_off and day in off):
            opens = datetime.combine(day, time(), zone) + timedelta(minutes=service.start_minute)
            closes = datetime.combine(day, time(), zone) + timedelta(minutes=service.end_minute)
            windows.append((opens.astimezone(ZoneInfo("UTC")), closes.astimezone(ZoneInfo("UTC"))))
        day += timedelta(days=1)
    return windows


def _overlap(a0: datetime, a1: datetime, windows: list[tuple[datetime, datetime]]) -> float:
    return sum(max(0.0, (min(a1, w1) - max(a0, w0)).total_seconds()) for w0, w1 in windows)


def measure(session: Session, service: DigitalService, month: date, zone: ZoneInfo,
            now: datetime | None = None) -> Month:
    """One service's month, cut at now for the running month."""
    now = now or utcnow()
    out = Month(service.id, month)
    start_utc = datetime.combine(month, time(), zone)
    end_utc = min(datetime.combine(next_month(month), time(), zone), now)
    if end_utc <= start_utc or not service.target_ids:
        return out
    windows = [(max(a, start_utc), min(b, end_utc)) for a, b in
               service_windows(service, month, next_month(month), zone, holidays(session)) if b > start_utc and a < end_utc]
    targets = {t.id: t for t in session.scalars(select(Target).where(Target.id.in_(service.target_ids)))}
    kept_hours = availability.kept_from(session).get("hour")
    out.from_days = kept_hours is not None and start_utc < kept_hours
    level, step = (RollupDay, timedelta(days=1)) if out.from_days else (RollupHour, timedelta(hours=1))
    rows = session.scalars(select(level).where(level.target_id.in_(list(targets)), level.bucket >= start_utc,
                                               level.bucket < end_utc))
    seen: dict[tuple[int, datetime], object] = {(r.target_id, r.bucket): r for r in rows}
    for target in targets.values():
        since = max(start_utc, target.created_at)
        bucket = start_utc
        while bucket < end_utc:
            following = bucket + step if level is RollupHour else \
                datetime.combine(bucket.astimezone(zone).date() + timedelta(days=1), time(), zone)
            a, b = max(bucket, since), min(following, end_utc)
            share_s = _overlap(a, b, windows) if b > a else 0.0
            if share_s > 0:
                out.service_s += share_s
                row = seen.get((target.id, bucket))
                if row is None:
                    out.unknown_s += share_s
                else:
                    span = max(1.0, (following - bucket).total_seconds())
                    weight = share_s / span  # the share of the bucket inside service hours
                    recorded = row.up_s + row.degraded_s + row.down_s + row.maintenance_s + row.unknown_s
                    out.up_s += weight * (row.up_s + row.degraded_s)
                    out.down_s += weight * row.down_s
                    out.maintenance_s += weight * row.maintenance_s
                    out.unknown_s += weight * (row.unknown_s + max(0.0, span - recorded))
                    if row.latency_n and level is RollupHour:
                        out.latencies.append(row.latency_sum_ms / row.latency_n)
            bucket = following
    incidents = session.scalars(select(Incident).where(
        Incident.target_id.in_(list(targets)), Incident.started_at < end_utc,
        or_(Incident.ended_at.is_(None), Incident.ended_at > start_utc)).order_by(Incident.started_at))
    for incident in incidents:
        a, b = max(incident.started_at, start_utc), min(incident.ended_at or end_utc, end_utc)
        inside = _overlap(a, b, windows)
        if inside > 0:
            out.breaches.append(Breach(targets[incident.target_id].name, incident.started_at, incident.ended_at, inside,
                                       incident.reason))
    return out


def compliance(*, session: Session, viewer: Viewer, service_id: int, months: list[date], zone: ZoneInfo,
               now: datetime | None = None) -> list[Compliance]:
    service = get_service(session=session, viewer=viewer, service_id=service_id)
    return [Compliance(service, measure(session, service, m, zone, now)) for m in months]


def city_month(*, session: Session, viewer: Viewer, month: date, zone: ZoneInfo,
               now: datetime | None = None) -> list[Compliance]:
    """Every service the viewer may see, for one month."""
    return [Compliance(s, measure(session, s, month, zone, now)) for s in list_services(session=session, viewer=viewer)]


def last_months(today: date, count: int = 12) -> list[date]:
    months, m = [], month_start(today)
    for _ in range(count):
        months.append(m)
        m = month_start(m - timedelta(days=1))
    return list(reversed(months))


def breach_reason(breach: Breach, lang: str) -> str:
    return reason_text(breach.reason, lang)

