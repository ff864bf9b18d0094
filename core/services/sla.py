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


def _weights(service: DigitalService, month: date, zone: ZoneInfo, off: set[date], start_utc: datetime,
             end_utc: datetime, daily: bool) -> dict[datetime, tuple[float, float]]:
    """Each bucket of the month that overlaps service hours: bucket start → (seconds inside, bucket length)."""
    out: dict[datetime, tuple[float, float]] = {}
    for a, b in service_windows(service, month, next_month(month), zone, off):
        a, b = max(a, start_utc), min(b, end_utc)
        if b <= a:
            continue
        if daily:
            local = a.astimezone(zone)
            bucket = datetime.combine(local.date(), time(), zone)
            length = (datetime.combine(local.date() + timedelta(days=1), time(), zone) - bucket).total_seconds()
            seconds, _ = out.get(bucket, (0.0, length))
            out[bucket] = (seconds + (b - a).total_seconds(), length)
            continue
        hour = a.replace(minute=0, second=0, microsecond=0)
        while hour < b:
            inside = (min(b, hour + timedelta(hours=1)) - max(a, hour)).total_seconds()
            seconds, _ = out.get(hour, (0.0, 3600.0))
            out[hour] = (seconds + inside, 3600.0)
            hour += timedelta(hours=1)
    return out


def measure_many(session: Session, services: list[DigitalService], months: list[date], zone: ZoneInfo,
                 now: datetime | None = None) -> dict[tuple[int, date], Month]:
    """Every (service, month) at once: one read of the rollups and incidents per month for all targets."""
    now = now or utcnow()
    off = holidays(session)
    kept_hours = availability.kept_from(session).get("hour")
    target_ids = sorted({t for s in services for t in s.target_ids})
    targets = {t.id: t for t in session.scalars(select(Target).where(Target.id.in_(target_ids)))} if target_ids else {}
    out: dict[tuple[int, date], Month] = {}
    for month in months:
        start_utc = datetime.combine(month, time(), zone)
        end_utc = min(datetime.combine(next_month(month), time(), zone), now)
        daily = kept_hours is not None and start_utc < kept_hours
        level = RollupDay if daily else RollupHour
        rows: dict[tuple[int, datetime], object] = {}
        incidents: list[Incident] = []
        if target_ids and end_utc > start_utc:
            # Plain rows (no ORM objects): a year of a hundred services is a quarter of a million buckets.
            rows = {(r.target_id, r.bucket): r for r in session.execute(select(
                level.target_id, level.bucket, level.up_s, level.degraded_s, level.down_s, level.maintenance_s,
                level.unknown_s, level.latency_n, level.latency_sum_ms).where(
                level.target_id.in_(target_ids), level.bucket >= start_utc, level.bucket < end_utc))}
            incidents = list(session.scalars(select(Incident).where(
                Incident.target_id.in_(target_ids), Incident.started_at < end_utc,
                or_(Incident.ended_at.is_(None), Incident.ended_at > start_utc)).order_by(Incident.started_at)))
        shapes: dict[tuple, dict] = {}  # services with the same hours share their weights
        for service in services:
            result = Month(service.id, month, from_days=daily)
            out[(service.id, month)] = result
            if end_utc <= start_utc or not service.target_ids:
                continue
            shape = (tuple(service.days), service.start_minute, service.end_minute, service.holidays_off)
            if shape not in shapes:
                shapes[shape] = _weights(service, month, zone, off, start_utc, end_utc, daily)
            weights = shapes[shape]
            for target_id in service.target_ids:
                target = targets.get(target_id)
                if target is None:
                    continue
                for bucket, (inside, length) in weights.items():
                    if bucket + timedelta(seconds=length) <= target.created_at:
                        continue
                    if bucket < target.created_at:  # the target began inside this bucket
                        inside *= max(0.0, (bucket + timedelta(seconds=length) - target.created_at).total_seconds()) / length
                    result.service_s += inside
                    row = rows.get((target_id, bucket))
                    if row is None:
                        result.unknown_s += inside
                        continue
                    weight = inside / length
                    recorded = row.up_s + row.degraded_s + row.down_s + row.maintenance_s + row.unknown_s
                    result.up_s += weight * (row.up_s + row.degraded_s)
                    result.down_s += weight * row.down_s
                    result.maintenance_s += weight * row.maintenance_s
                    result.unknown_s += weight * (row.unknown_s + max(0.0, length - recorded))
                    if row.latency_n and not daily:
                        result.latencies.append(row.latency_sum_ms / row.latency_n)
            windows = [(max(a, start_utc), min(b, end_utc)) for a, b in
                       service_windows(service, month, next_month(month), zone, off) if b > start_utc and a < end_utc]
            mine = set(service.target_ids)
            for incident in incidents:
                if incident.target_id not in mine:
                    continue
                a, b = max(incident.started_at, start_utc), min(incident.ended_at or end_utc, end_utc)
                inside = _overlap(a, b, windows)
                if inside > 0:
                    result.breaches.append(Breach(targets[incident.target_id].name, incident.started_at,
                                                  incident.ended_at, inside, incident.reason))
    return out


def measure(session: Session, service: DigitalService, month: date, zone: ZoneInfo,
            now: datetime | None = None) -> Month:
    """One service's month, cut at now for the running month."""
    return measure_many(session, [service], [month], zone, now)[(service.id, month)]


def compliance(*, session: Session, viewer: Viewer, service_id: int, months: list[date], zone: ZoneInfo,
               now: datetime | None = None) -> list[Compliance]:
    service = get_service(session=session, viewer=viewer, service_id=service_id)
    measured = measure_many(session, [service], months, zone, now)
    return [Compliance(service, measured[(service.id, m)]) for m in months]


def city_month(*, session: Session, viewer: Viewer, month: date, zone: ZoneInfo,
               now: datetime | None = None) -> list[Compliance]:
    """Every service the viewer may see, for one month."""
    services = list_services(session=session, viewer=viewer)
    measured = measure_many(session, services, [month], zone, now)
    return [Compliance(s, measured[(s.id, month)]) for s in services]


def last_months(today: date, count: int = 12) -> list[date]:
    months, m = [], month_start(today)
    for _ in range(count):
        months.append(m)
        m = month_start(m - timedelta(days=1))
    return list(reversed(months))


def breach_reason(breach: Breach, lang: str) -> str:
    return reason_text(breach.reason, lang)

