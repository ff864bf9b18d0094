"""The public status page citizens read: public services only, those with a problem first, the others
grouped as citizens know them, each with its state now and 90 days of uptime; what is wrong now with its
people's updates, what is planned, and 14 days of incidents (the ongoing ones included); one public
incident with what citizens were told, and the change log of the last 90 days. Data only (and its JSON):
web/public.py renders it from templates.

Nothing internal ever leaves here: no host, address, port, target name, unit-internal reason or
maintenance note — only service names and groups, states, times and percentages. Reads run as the system (the page has no viewer) and select only what is
listed above.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlmodel import Session

from core import formatting
from core.access import SYSTEM
from core.i18n import t
from core.monitoring import availability
from core.monitoring.status import freshness
from core.services import voice
from db.monitoring import Incident, MaintenanceWindow, RollupDay, State, TargetState
from db.services import DigitalService, ServiceUpdate
from db.types import utcnow

DAYS = 90
CHANGELOG_DAYS = 90  # the public change log: incidents and what citizens were told
STATES = ("operational", "degraded", "outage", "maintenance", "unknown")  # worst last but unknown
RANK = {"outage": 0, "degraded": 1, "maintenance": 2, "unknown": 3, "operational": 4}
PROBLEMS = ("outage", "degraded", "maintenance")  # a citizen cannot fully use the service now; listed first


@dataclass
class PublicService:
    id: int
    name: str
    group: str
    description: str
    state: str
    days: list[tuple[date, float | None]]
    uptime: float | None  # the 90 days together
    support: str
    satisfaction: tuple[float, int] | None = None  # this quarter's mean rating and count, from 5 ratings on


@dataclass
class Update:
    service: str
    at: datetime
    status: str
    message: str
    id: int = 0
    service_id: int = 0
    incident_id: int | None = None  # None: written before updates named their incident


@dataclass
class Notice:
    service: str
    started_at: datetime
    ended_at: datetime | None
    service_id: int = 0
    incident_id: int = 0
    updates: list[Update] = field(default_factory=list)  # about this incident of this service, newest first


@dataclass
class PublicStatus:
    generated_at: datetime
    overall: str
    stale: bool
    affected: list[PublicService] = field(default_factory=list)  # with a problem now, worst first
    groups: dict[str, list[PublicService]] = field(default_factory=dict)  # the others
    incidents: list[Notice] = field(default_factory=list)  # now, with their updates
    maintenance: list[Notice] = field(default_factory=list)  # now and planned
    history: list[Notice] = field(default_factory=list)  # the last 14 days, the ongoing ones included
    updates: list[Update] = field(default_factory=list)  # what the services' people said, last 14 days

    def services(self) -> list[PublicService]:
        """Every public service in the page's order: those with a problem, then group by group."""
        return self.affected + [s for group in self.groups.values() for s in group]

    def loose_updates(self) -> list[Update]:
        """Updates not shown under an incident of the page (older ones that name none)."""
        shown = {id(u) for n in self.incidents + self.history for u in n.updates}
        return [u for u in self.updates if id(u) not in shown]


def _state(states: list[str], stale: bool) -> str:
    if stale or not states:
        return "unknown"
    if State.DOWN in states or State.UNREACHABLE in states:  # behind a dead parent: still out for citizens
        return "outage"
    if State.DEGRADED in states or State.PENDING in states:
        return "degraded"
    if State.MAINTENANCE in states:
        return "maintenance"
    if State.UNKNOWN in states:
        return "unknown"
    return "operational"


def collect(session: Session, zone: ZoneInfo, now: datetime | None = None) -> PublicStatus:
    now = now or utcnow()
    stale = freshness(session=session, viewer=SYSTEM, now=now).stale
    services = list(session.scalars(select(DigitalService).where(DigitalService.audience == "public")
                                    .order_by(DigitalService.group, DigitalService.name)))
    target_ids = sorted({t for s in services for t in s.target_ids})
    states = dict(session.execute(select(TargetState.target_id, TargetState.state)
                                  .where(TargetState.target_id.in_(target_ids))).all())
    today = formatting.local(now, zone).date()
    first = today - timedelta(days=DAYS - 1)
    start = datetime.combine(first, time(), zone)
    daily: dict[tuple[int, date], list[float]] = {}
    for row in session.scalars(select(RollupDay).where(RollupDay.target_id.in_(target_ids), RollupDay.bucket >= start)):
        day = formatting.local(row.bucket, zone).date()
        daily.setdefault((row.target_id, day), [0.0, 0.0])
        daily[(row.target_id, day)][0] += row.up_s + row.degraded_s
        daily[(row.target_id, day)][1] += row.up_s + row.degraded_s + row.down_s
    status = PublicStatus(now, "operational", stale)
    quarter_start = datetime.combine(voice.quarter_of(today)[0], time(), zone)
    ratings = voice.public_summary(session, [s.id for s in services], quarter_start)
    by_id = {s.id: s.name for s in services}
    status.updates = [Update(by_id[u.service_id], u.at, u.status, u.message, u.id, u.service_id, u.incident_id)
                      for u in voice.updates_of(session, list(by_id), now - timedelta(days=14))]
    names: dict[int, list[tuple[int, str]]] = {}
    for service in services:
        days, up_all, measured_all = [], 0.0, 0.0
        for n in range(DAYS):
            day = first + timedelta(days=n)
            up = sum(daily.get((t, day), [0, 0])[0] for t in service.target_ids)
            measured = sum(daily.get((t, day), [0, 0])[1] for t in service.target_ids)
            if day == today:  # today's day bucket fills in as the day goes: read it to the minute
                figure = availability.of_targets(session, service.target_ids, start=datetime.combine(day, time(), zone),
                                                  end=now, zone=zone)
                up, measured = figure.up_s + figure.degraded_s, figure.up_s + figure.degraded_s + figure.down_s
            days.append((day, 100 * up / measured if measured else None))
            up_all, measured_all = up_all + up, measured_all + measured
        current = _state([states.get(t, State.UNKNOWN) for t in service.target_ids], stale)
        shown = PublicService(service.id, service.name, service.group, service.description, current, days,
                              100 * up_all / measured_all if measured_all else None, service.support_channel,
                              ratings.get(service.id))
        if current in PROBLEMS:
            status.affected.append(shown)
        else:
            status.groups.setdefault(service.group or t("public.other_group"), []).append(shown)
        for target in service.target_ids:
            names.setdefault(target, []).append((service.id, service.name))
    status.affected.sort(key=lambda s: RANK[s.state])  # stable: group and name order within a state
    status.overall = min((s.state for s in status.services()), key=RANK.get, default="unknown")
    if target_ids:
        _incidents(session, status, target_ids, names, now)
        for window in session.scalars(select(MaintenanceWindow).where(
                MaintenanceWindow.kind == "once", MaintenanceWindow.target_id.in_(target_ids),
                MaintenanceWindow.ends_at > now, MaintenanceWindow.starts_at < now + timedelta(days=14))
                .order_by(MaintenanceWindow.starts_at)):
            for _service_id, name in names.get(window.target_id, []):
                status.maintenance.append(Notice(name, window.starts_at, window.ends_at))
    return status


def _incidents(session: Session, status: PublicStatus, target_ids: list[int], names: dict, now: datetime) -> None:
    """Ongoing incidents, and the 14 days' history, which holds the ongoing ones too; each incident of a
    service carries that service's updates about it (shown once: under 'now' while it lasts)."""
    updates: dict[tuple[int, int | None], list[Update]] = {}
    for update in status.updates:
        updates.setdefault((update.service_id, update.incident_id), []).append(update)
    since = now - timedelta(days=14)
    for incident in session.scalars(select(Incident).where(
            Incident.target_id.in_(target_ids), or_(Incident.ended_at.is_(None), Incident.ended_at > since))
            .order_by(Incident.started_at.desc(), Incident.id.desc())):
        for service_id, name in names.get(incident.target_id, []):
            told = updates.get((service_id, incident.id), [])
            if incident.ended_at is None:
                status.incidents.append(Notice(name, incident.started_at, None, service_id, incident.id, told))
                told = []
            status.history.append(Notice(name, incident.started_at, incident.ended_at, service_id, incident.id, told))


def as_json(status: PublicStatus) -> str:
    started = {(n.service_id, n.incident_id): n.started_at.isoformat() for n in status.history}
    return json.dumps({
        "generated_at": status.generated_at.isoformat(), "overall": status.overall, "stale": status.stale,
        "services": [{"name": s.name, "group": s.group, "state": s.state,
                      "uptime_90d": None if s.uptime is None else round(s.uptime, 3),
                      "days": [{"date": d.isoformat(), "uptime": None if v is None else round(v, 3)} for d, v in s.days]}
                     for s in status.services()],
        "incidents": [{"id": n.incident_id, "service": n.service, "started_at": n.started_at.isoformat()}
                      for n in status.incidents],
        "maintenance": [{"service": n.service, "starts_at": n.started_at.isoformat(),
                         "ends_at": n.ended_at.isoformat() if n.ended_at else None} for n in status.maintenance],
        "history": [{"id": n.incident_id, "service": n.service, "started_at": n.started_at.isoformat(),
                     "ended_at": n.ended_at.isoformat() if n.ended_at else None} for n in status.history],
        "updates": [{"service": u.service, "at": u.at.isoformat(), "status": u.status, "message": u.message,
                     "incident_started_at": started.get((u.service_id, u.incident_id))} for u in status.updates],
    }, ensure_ascii=False)


@dataclass
class PublicIncident:
    """One incident as citizens may read it: the public services it hit, when, and their people's updates in
    the order they were told (oldest first). Never its target, host or probe reason."""

    id: int
    services: list[tuple[int, str]]  # (id, name) of the public services whose targets include the incident's
    started_at: datetime
    ended_at: datetime | None
    updates: list[Update] = field(default_factory=list)

    @property
    def service_names(self) -> str:
        return ", ".join(name for _id, name in self.services)


def _public_services(session: Session) -> list[DigitalService]:
    return list(session.scalars(select(DigitalService).where(DigitalService.audience == "public")
                                .order_by(DigitalService.name)))


def _told(session: Session, incident_ids: list[int], services: dict[int, str]) -> dict[int, list[Update]]:
    """The public updates about each incident (of public services only), in the order they were told."""
    told: dict[int, list[Update]] = {}
    if not incident_ids or not services:
        return told
    for row in session.scalars(select(ServiceUpdate).where(ServiceUpdate.incident_id.in_(incident_ids),
                                                           ServiceUpdate.service_id.in_(list(services)))
                               .order_by(ServiceUpdate.at, ServiceUpdate.id)):
        told.setdefault(row.incident_id, []).append(Update(services[row.service_id], row.at, row.status, row.message,
                                                           row.id, row.service_id, row.incident_id))
    return told


def incident(session: Session, incident_id: int) -> PublicIncident | None:
    """One incident for /publik/insiden/<id>, or None when no public service is built on its target (an
    internal service's or a target-only incident is not the public's)."""
    row = session.get(Incident, incident_id)
    if row is None:
        return None
    hit = [(s.id, s.name) for s in _public_services(session) if row.target_id in s.target_ids]
    if not hit:
        return None
    told = _told(session, [row.id], dict(hit))
    return PublicIncident(row.id, hit, row.started_at, row.ended_at, told.get(row.id, []))


def changelog(session: Session, now: datetime | None = None, days: int = CHANGELOG_DAYS,
              limit: int = 500) -> list[PublicIncident]:
    """The incidents of public services of the last `days` (the ongoing ones included), newest first, each
    with what citizens were told about it."""
    now = now or utcnow()
    services = _public_services(session)
    by_target: dict[int, list[tuple[int, str]]] = {}
    for service in services:
        for target in service.target_ids:
            by_target.setdefault(target, []).append((service.id, service.name))
    if not by_target:
        return []
    rows = list(session.scalars(select(Incident).where(
        Incident.target_id.in_(list(by_target)),
        or_(Incident.ended_at.is_(None), Incident.ended_at > now - timedelta(days=days)))
        .order_by(Incident.started_at.desc(), Incident.id.desc()).limit(limit)))
    told = _told(session, [r.id for r in rows], {s.id: s.name for s in services})
    return [PublicIncident(r.id, by_target[r.target_id], r.started_at, r.ended_at, told.get(r.id, [])) for r in rows]
