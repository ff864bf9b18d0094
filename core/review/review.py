"""The monthly SLA review (Pemdi indicator 19, level 3): one month of the city or of one unit, read from the
sources the other pages read, never computed another way:

- SLA compliance per digital service: core.services.sla.measure_many (availability inside service hours).
- Tickets filed in the month (units' reports, accepted complaints): their first-response and resolution
  clocks (core.tickets.clock, through tickets.Lines). Met = done within its target; missed = past its target
  (done late, or still open past it); pending = open and still inside its target, shown apart and left out
  of the share, as complaints.ResponseMonth counts.
- Complaint first response per service: core.tickets.complaints.response_compliance.
- MTTA/MTTR: core.monitoring.response.summary over the incidents that started in the month.
- Downtime by cause: the same incidents (enabled targets, started in the month), each for its calendar
  length from its start to its end (the month's end, or now, while it goes on), under the cause category
  set on it ('' until someone fills it: shown as "belum diisi").
- Obstacles: the causes by downtime, and targets that went down REPEAT times or more in the month.
- Recommendations: the rules in RULES, each shown with the figures that triggered it; no other text.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core import formatting
from core.access import Role, Viewer, require_role, scoped, subtree_ids, unit_scope
from core.errors import NotFound
from core.i18n import t
from core.monitoring import response
from core.monitoring.incidents import CAUSES
from core.monitoring.uptime import counted_incidents
from core.services import register, sla
from core.tickets import complaints, tickets
from core.tickets.clock import Share
from db.models import Unit
from db.monitoring import Incident, Target
from db.tickets import Ticket
from db.types import utcnow

REPEAT = 3  # a target down this many times in a month is an obstacle of its own
MIN_INCIDENTS = 3  # a unit's cause share is judged from this many incidents on
CAUSE_SHARE = 0.5  # ... when one known cause is at least half of them
MIN_DECIDED = 5  # a ticket clock's compliance is judged from this many decided tickets on
MIN_COMPLAINTS = 3  # complaints are fewer: judged from three answered or missed on
COMPLIANCE_GOAL = 80.0  # percent in time below which a clock needs attention
MTTA_GOAL_MIN = 30.0  # minutes to acknowledge above which alerting and escalation need a look
# The rules, in the order they are shown; each names its catalogue message review.rec.<rule>[.<cause>]:
# cause_share  a unit with ≥ MIN_INCIDENTS incidents where one known cause (not 'lainnya') is ≥ CAUSE_SHARE of them
# repeat       a target down ≥ REPEAT times in the month
# sla_missed   a service whose month missed its SLA (availability or p95 response target)
# ticket_response / ticket_resolution  ≥ MIN_DECIDED decided tickets and < COMPLIANCE_GOAL % in time
# complaint_response  ≥ MIN_COMPLAINTS decided complaints and < COMPLIANCE_GOAL % answered in time
# cause_unset  ended incidents whose cause nobody filled
# mtta         MTTA above MTTA_GOAL_MIN minutes
RULES = ("cause_share", "repeat", "sla_missed", "ticket_response", "ticket_resolution", "complaint_response",
         "cause_unset", "mtta")
ACTIONABLE_CAUSES = tuple(c for c in CAUSES if c != "lainnya")


@dataclass(frozen=True)
class ServiceLine:
    service_id: int
    name: str
    unit_id: int
    unit: str
    target: float
    percent: float | None
    p95_ms: float | None
    p95_target: int | None
    unknown_s: float
    breaches: int
    down_s: float  # the breaches' length inside service hours
    met: bool | None




@dataclass(frozen=True)
class CauseLine:
    cause: str  # '' when not filled
    incidents: int
    down_s: float


@dataclass(frozen=True)
class Obstacle:
    kind: str  # cause, repeat
    label: str
    incidents: int
    down_s: float


@dataclass(frozen=True)
class Recommendation:
    rule: str
    text: str
    figures: dict  # the figures behind it, as numbers


@dataclass
class Review:
    month: date
    unit_id: int | None
    scope: str  # the unit's name, or "" for the city
    services: list[ServiceLine]
    ticket_response: Share
    ticket_resolution: Share
    complaints: Share
    times: response.Times
    causes: list[CauseLine]
    obstacles: list[Obstacle]
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def services_met(self) -> tuple[int, int]:
        judged = [s for s in self.services if s.met is not None]
        return sum(1 for s in judged if s.met), len(judged)


def review_units(session: Session, viewer: Viewer, unit_id: int | None) -> set[int] | None:
    """The units a review covers: None (every unit) for the city — admin and leadership only — or the unit and
    the units under it, inside the viewer's scope (another unit is not found)."""
    if unit_id is None:
        require_role(viewer, Role.ADMIN, Role.PIMPINAN)
        return None
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    scope = unit_scope(session, viewer)
    if session.get(Unit, unit_id) is None or (scope is not None and unit_id not in scope):
        raise NotFound("unit.not_found")
    units = subtree_ids(session, unit_id)
    return units if scope is None else units & scope


def month_bounds(month: date, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(month, time(), zone)
    return start, min(datetime.combine(sla.next_month(month), time(), zone), max(now, start))


def _names(session: Session) -> dict[int, str]:
    return {i: s or n for i, s, n in session.execute(select(Unit.id, Unit.short_name, Unit.name))}


def _services(session, viewer, units, month, zone, now, names) -> tuple[list, list[ServiceLine]]:
    services = [s for s in register.list_services(session=session, viewer=viewer) if units is None or s.unit_id in units]
    measured = sla.measure_many(session, services, [month], zone, now)
    lines = []
    for service in services:
        result = sla.Compliance(service, measured[(service.id, month)])
        m = result.month
        lines.append(ServiceLine(service.id, service.name, service.unit_id, names.get(service.unit_id, ""),
                                 service.sla_availability, m.percent, m.p95_ms, service.sla_p95_ms, m.unknown_s,
                                 len(m.breaches), sum(b.service_s for b in m.breaches), result.met))
    return services, lines


def _tickets(session, viewer, units, start, end, zone, now) -> tuple[Share, Share]:
    stmt = scoped(select(Ticket), Ticket.unit_id, session, viewer).where(
        Ticket.moderation.in_(("", "accepted")), Ticket.created_at >= start, Ticket.created_at < end)
    if units is not None:
        stmt = stmt.where(Ticket.unit_id.in_(units or {-1}))
    lines = tickets.Lines(session, zone, now)
    first, fixed = Share(), Share()
    for ticket in session.scalars(stmt):
        clocks = lines.line(ticket).clocks
        for share, item in ((first, clocks.response), (fixed, clocks.resolution)):
            share.add(False if item.breached else (True if item.done_at is not None else None))
    return first, fixed


def _incidents(session, viewer, units, start, end, now) -> list[tuple]:
    stmt = (select(Incident.started_at, Incident.ended_at, Incident.cause, Target.id, Target.name, Target.unit_id)
            .join(Target, Target.id == Incident.target_id)
            .where(counted_incidents(start, end), Incident.started_at >= start, Incident.started_at < end))
    if units is not None:
        stmt = stmt.where(Target.unit_id.in_(units or {-1}))
    return [(s, e, cause or "", tid, name, uid, (min(e or now, end) - s).total_seconds())
            for s, e, cause, tid, name, uid in session.execute(scoped(stmt, Target.unit_id, session, viewer))]


def monthly_review(*, session: Session, viewer: Viewer, month: date, unit_id: int | None = None, zone: ZoneInfo,
                   lang: str = "id", now: datetime | None = None) -> Review:
    """One month's review of the city (admin, leadership) or of a unit and the units under it."""
    units = review_units(session, viewer, unit_id)
    month = sla.month_start(month)
    now = now or utcnow()
    start, end = month_bounds(month, zone, now)
    names = _names(session)
    services, lines = _services(session, viewer, units, month, zone, now, names)
    first, fixed = _tickets(session, viewer, units, start, end, zone, now)
    answered = Share()
    for r in complaints.response_compliance(session, services, [month], zone, now).values():
        answered.met, answered.missed, answered.pending = (answered.met + r.met, answered.missed + r.missed,
                                                           answered.pending + r.pending)
    times = response.summary(session=session, viewer=viewer, start=start, end=end, unit_ids=units)
    incidents = _incidents(session, viewer, units, start, end, now)
    by_cause: dict[str, list] = defaultdict(list)
    for row in incidents:
        by_cause[row[2]].append(row[6])
    causes = sorted((CauseLine(c, len(v), sum(v)) for c, v in by_cause.items()), key=lambda c: (-c.down_s, c.cause))
    per_target = Counter((row[3], row[4], row[5]) for row in incidents)
    down_of = defaultdict(float)
    for row in incidents:
        down_of[row[3]] += row[6]
    obstacles = [Obstacle("cause", cause_label(c.cause, lang), c.incidents, c.down_s) for c in causes[:3]]
    obstacles += [Obstacle("repeat", f"{names.get(uid, '')} · {name}", n, down_of[tid])
                  for (tid, name, uid), n in sorted(per_target.items(), key=lambda kv: (-kv[1], kv[0][1]))
                  if n >= REPEAT]
    review = Review(month, unit_id, "" if unit_id is None else session.get(Unit, unit_id).name, lines, first, fixed,
                    answered, times, causes, obstacles)
    review.recommendations = recommend(review, incidents, per_target, names, lang)
    return review


def cause_label(cause: str, lang: str) -> str:
    return t(f"incident.cause.{cause}", lang) if cause else t("review.cause_unset", lang)


def recommend(review: Review, incidents: list[tuple], per_target: Counter, names: dict[int, str],
              lang: str) -> list[Recommendation]:
    """The recommendations RULES give for this month, each with its figures."""
    out: list[Recommendation] = []

    def add(rule: str, key: str, **figures) -> None:
        # Shares of tickets read to one decimal, availability to two (as the SLA pages show it).
        shown = {k: formatting.percent(v, 1 if k in ("share", "goal_pct") else 2, lang)
                 if k == "share" or k.endswith("_pct") else v for k, v in figures.items()}
        out.append(Recommendation(rule, t(key, lang, **shown), figures))

    per_unit: dict[int, Counter] = defaultdict(Counter)
    for row in incidents:
        per_unit[row[5]][row[2]] += 1
    for uid, counts in sorted(per_unit.items(), key=lambda kv: names.get(kv[0], "")):
        total = sum(counts.values())
        known = [(n, c) for c, n in counts.items() if c in ACTIONABLE_CAUSES]
        if total >= MIN_INCIDENTS and known:
            n, cause = max(known, key=lambda nc: (nc[0], nc[1]))
            if n >= CAUSE_SHARE * total:
                add("cause_share", f"review.rec.cause_share.{cause}", n=n, total=total, unit=names.get(uid, ""))
    for (_tid, name, uid), n in sorted(per_target.items(), key=lambda kv: (-kv[1], kv[0][1])):
        if n >= REPEAT:
            add("repeat", "review.rec.repeat", n=n, target=name, unit=names.get(uid, ""))
    for s in review.services:
        if s.met is False:
            add("sla_missed", "review.rec.sla_missed", service=s.name, unit=s.unit,
                percent_pct=s.percent if s.percent is not None else 0.0, target_pct=s.target, breaches=s.breaches)
    for rule, share, least in (("ticket_response", review.ticket_response, MIN_DECIDED),
                               ("ticket_resolution", review.ticket_resolution, MIN_DECIDED),
                               ("complaint_response", review.complaints, MIN_COMPLAINTS)):
        if share.decided >= least and share.share < COMPLIANCE_GOAL:
            add(rule, f"review.rec.{rule}", met=share.met, decided=share.decided, share=share.share,
                goal_pct=COMPLIANCE_GOAL)
    ended = [row for row in incidents if row[1] is not None]
    unset = sum(1 for row in ended if not row[2])
    if unset:
        add("cause_unset", "review.rec.cause_unset", n=unset, total=len(ended))
    if review.times.mtta_min is not None and review.times.mtta_min > MTTA_GOAL_MIN:
        add("mtta", "review.rec.mtta", minutes=round(review.times.mtta_min), n=review.times.acknowledged,
            goal=round(MTTA_GOAL_MIN))
    return out
