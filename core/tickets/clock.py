"""A ticket's clocks: first response and resolution against the targets of its priority (admin-set), counted
in the hours of the service it names when there is one (its days and minutes in the organisation's zone,
holidays left out when the service says so: the same windows as the service's SLA, core.services.sla), else in
calendar time. A citizen's complaint answers first to its service's own complaint target (sla_response_h).

A ticket not triaged yet runs on the targets of UNTRIAGED: its clock starts when it is filed, not when
Kominfo first looks at it."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core import audit, formatting
from core.access import Role, Viewer, require_role
from core.errors import ValidationError
from core.i18n import t
from core.services.sla import service_windows
from db.models import AppMeta
from db.services import DigitalService
from db.tickets import Ticket

PRIORITIES = ("kritis", "tinggi", "sedang", "rendah")
UNTRIAGED = "sedang"
# Hours to first response and to resolution; what a city starts with until its admin says otherwise.
DEFAULT_TARGETS: dict[str, tuple[float, float]] = {"kritis": (1, 8), "tinggi": (4, 24), "sedang": (8, 72),
                                                   "rendah": (24, 168)}
TARGETS_KEY = "ticket_targets"
MAX_TARGET_H = 24 * 90
HORIZON_DAYS = 400  # a deadline is looked for this far ahead (a service open one day a week still finds it)


@dataclass(frozen=True)
class Hours:
    """The hours a ticket's clock runs in: a service's windows, or calendar time (service None)."""

    service: DigitalService | None
    zone: ZoneInfo
    off: frozenset[date] = frozenset()

    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        if self.service is None:
            return [(start, end)]
        first = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=2)
        return service_windows(self.service, first, last, self.zone, set(self.off))

    def between(self, start: datetime, end: datetime) -> float:
        """Seconds of these hours from start to end."""
        if end <= start:
            return 0.0
        return sum(max(0.0, (min(end, b) - max(start, a)).total_seconds()) for a, b in self.windows(start, end))

    def after(self, start: datetime, seconds: float) -> datetime | None:
        """The moment `seconds` of these hours have passed since start (None: not within the horizon)."""
        if self.service is None:
            return start + timedelta(seconds=seconds)
        left, day = seconds, start
        while day < start + timedelta(days=HORIZON_DAYS):
            chunk = day + timedelta(days=14)
            for a, b in self.windows(day, chunk):
                a, b = max(a, day), min(b, chunk)
                if b <= a:
                    continue
                if (b - a).total_seconds() >= left:
                    return a + timedelta(seconds=left)
                left -= (b - a).total_seconds()
            day = chunk
        return None


@dataclass(kw_only=True)
class Share:
    """Items against a time target: in time, late, and still inside the target (left out of the share)."""

    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        return 100 * self.met / self.decided if self.decided else None

    def add(self, met: bool | None) -> None:
        if met is None:
            self.pending += 1
        elif met:
            self.met += 1
        else:
            self.missed += 1


@dataclass(frozen=True)
class Clock:
    """One of a ticket's clocks: its target, the time counted so far (stopped when done), its deadline."""

    target_s: float
    elapsed_s: float
    due_at: datetime | None
    done_at: datetime | None
    in_service_hours: bool

    @property
    def breached(self) -> bool:
        return self.elapsed_s > self.target_s

    @property
    def remaining_s(self) -> float:
        return self.target_s - self.elapsed_s


@dataclass(frozen=True)
class Clocks:
    response: Clock
    resolution: Clock

    @property
    def breached(self) -> bool:
        return self.response.breached or self.resolution.breached


def load_targets(session: Session) -> dict[str, tuple[float, float]]:
    stored = session.get(AppMeta, TARGETS_KEY)
    if stored is None:
        return dict(DEFAULT_TARGETS)
    values = json.loads(stored.value)
    return {p: tuple(values.get(p, DEFAULT_TARGETS[p])) for p in PRIORITIES}


def targets(*, session: Session, viewer: Viewer) -> dict[str, tuple[float, float]]:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return load_targets(session)


def save_targets(*, session: Session, viewer: Viewer, values: dict[str, tuple[float, float]]) -> dict:
    """Set the hours to first response and to resolution per priority (admin); response never after resolution."""
    require_role(viewer, Role.ADMIN)
    clean = {}
    for priority in PRIORITIES:
        response, resolution = (float(v) for v in values[priority])
        if not (0 < response <= MAX_TARGET_H and 0 < resolution <= MAX_TARGET_H):
            raise ValidationError("ticket.target_invalid", field=priority, most=MAX_TARGET_H)
        if response > resolution:
            raise ValidationError("ticket.target_order", field=priority)
        clean[priority] = (round(response, 2), round(resolution, 2))
    before = load_targets(session)
    entry = session.get(AppMeta, TARGETS_KEY)
    value = json.dumps({p: list(v) for p, v in clean.items()}, separators=(",", ":"))
    if entry is None:
        session.add(AppMeta(key=TARGETS_KEY, value=value))
    else:
        entry.value = value
    session.flush()
    if before != clean:
        audit.record(session, viewer=viewer, action="update", table="app_meta", row_id=None, unit_id=None,
                     old={TARGETS_KEY: {p: list(v) for p, v in before.items()}}, new={TARGETS_KEY: json.loads(value)})
    return clean


def hours_for(service: DigitalService | None, zone: ZoneInfo, off: set[date]) -> Hours:
    return Hours(service, zone, frozenset(off))


def clocks(ticket: Ticket, hours: Hours, goals: dict[str, tuple[float, float]], now: datetime) -> Clocks:
    """The ticket's two clocks at `now`."""
    response_h, resolution_h = goals[ticket.priority or UNTRIAGED]
    if ticket.source == "citizen" and hours.service is not None and hours.service.sla_response_h:
        response_h = hours.service.sla_response_h
    resolved = ticket.resolved_at or ticket.closed_at
    return Clocks(_clock(hours, ticket.created_at, response_h, ticket.first_response_at or resolved, now),
                  _clock(hours, ticket.created_at, resolution_h, resolved, now))


def _clock(hours: Hours, start: datetime, target_h: float, done: datetime | None, now: datetime) -> Clock:
    target_s = target_h * 3600
    return Clock(target_s, hours.between(start, done or now), hours.after(start, target_s), done,
                 hours.service is not None)


def span(seconds: float, in_service_hours: bool, lang: str) -> str:
    """A clock's length as a reader takes it: calendar time in days, hours and minutes; service time in hours
    and minutes of service (a service day is not 24 hours, so it is never written as days)."""
    if not in_service_hours:
        return formatting.duration(max(0.0, seconds), lang)
    hours, minutes = divmod(int(max(0.0, seconds) // 60), 60)
    return t("tickets.service_span", lang, h=hours, m=f"{minutes:02d}")


def words(item: Clock, lang: str) -> str:
    """A clock in words: done within its target or late, else time left or how far past its target."""
    def length(seconds: float) -> str:
        return span(seconds, item.in_service_hours, lang)
    target = length(item.target_s)
    if item.done_at is not None:
        return t("tickets.clock_done_late" if item.breached else "tickets.clock_done", lang,
                 spent=length(item.elapsed_s), target=target)
    if item.breached:
        return t("tickets.clock_over", lang, over=length(-item.remaining_s), target=target)
    return t("tickets.clock_left", lang, left=length(item.remaining_s), target=target)
