"""A unit's home: what an SKPD head or operator should look at and do now, read in one transaction.

Live state of the unit's targets and digital services, its open problem reports, this year's self-assessment (progress, deadline,
Kominfo's note when it came back), needs Kominfo sent back with its reasons, devices past their useful
life, and readiness against the city. Each item says which page acts on it. Everything is read for the
viewer: a kecamatan operator's home covers the kecamatan and its kelurahan, never another unit."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.evaluation import assessment, readiness
from core.inventory import summary
from core.monitoring.states import PROBLEMS, rank, worst
from core.org.units import get_unit
from core.tickets import tickets as ticket_list
from db.evaluation import EvaluationPeriod
from db.models import Unit
from db.monitoring import State, Target, TargetState
from db.needs import Need
from db.services import DigitalService

SENT_BACK = ("revised", "rejected")
SOON_DAYS = 14  # a deadline this close (or passed) is urgent


@dataclass(frozen=True)
class TargetLine:
    target_id: int
    unit_id: int
    name: str
    unit: str
    state: str
    since: datetime | None
    reason: str


@dataclass(frozen=True)
class ServiceLine:
    service_id: int
    name: str
    state: str  # the worst state of its targets; UNKNOWN when it has none


@dataclass(frozen=True)
class SentBack:
    need_id: int
    unit_id: int
    unit: str
    item: str
    fiscal_year: int
    status: str  # revised / rejected
    reason: str
    reviewed_by: str
    reviewed_at: datetime | None


@dataclass
class Evaluation:
    period_id: int
    year: int
    framework: str
    status: str  # draft / submitted / returned / verified
    answered: int
    indicators: int
    deadline: date | None
    note: str  # Kominfo's reason when it returned the assessment


@dataclass
class Todo:
    """One thing to do: a catalogue message with its values, how urgent (0 now, 1 soon, 2 when there is
    time) and the page that acts on it."""

    key: str
    params: dict
    urgency: int
    page: str
    items: tuple[int, ...] = ()  # the ids of what it counts: the box or page it points to shows exactly these


@dataclass
class Home:
    unit_id: int
    name: str
    targets: dict[str, int]  # live count per state over the unit (and sub-units) it covers
    problems: list[TargetLine]
    services: list[ServiceLine]
    evaluation: Evaluation | None
    sent_back: list[SentBack]
    past_life: list[dict]  # {id, unit, category, brand_model, serial, year, age, life}
    readiness: float | None  # the unit's readiness index in the current period
    city_readiness: float | None  # the mean over every active unit, the same period
    todos: list[Todo] = field(default_factory=list)
    tickets: list = field(default_factory=list)  # open problem reports of the units covered (core.tickets), newest first

    @property
    def revised(self) -> list[SentBack]:
        """Needs sent back for revision: the unit has to act on these."""
        return [n for n in self.sent_back if n.status == "revised"]

    @property
    def rejected(self) -> list[SentBack]:
        """Needs Kominfo rejected: for the unit's information, nothing to do."""
        return [n for n in self.sent_back if n.status == "rejected"]


def _current_period(session: Session) -> EvaluationPeriod | None:
    """The newest open period, else the newest one."""
    return (session.scalar(select(EvaluationPeriod).where(EvaluationPeriod.status == "open")
                           .order_by(EvaluationPeriod.year.desc()))
            or session.scalar(select(EvaluationPeriod).order_by(EvaluationPeriod.year.desc())))


def _evaluation(session: Session, viewer: Viewer, period: EvaluationPeriod | None, unit_id: int) -> Evaluation | None:
    if period is None:
        return None
    view = assessment.assessment_view(session=session, viewer=viewer, period_id=period.id, unit_id=unit_id)
    own = [i.number for i in view.framework.indicators() if not i.external]  # outside agencies score the rest
    answered = sum(1 for n in own if n in view.answers and view.answers[n].level is not None)
    note = view.assessment.note if view.assessment and view.status == "returned" else ""
    return Evaluation(period.id, period.year, view.framework.code, view.status, answered, len(own), period.deadline, note)


def unit_home(*, session: Session, viewer: Viewer, unit_id: int | None = None, zone: ZoneInfo,
              today: date, org_name: str = "") -> Home:
    """The home of `unit_id` (default: the viewer's own unit) with its sub-units, as the viewer may see it."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    unit = get_unit(session=session, viewer=viewer, unit_id=unit_id or viewer.unit_id or 0)
    scope = unit_scope(session, viewer)
    covered = {u.id for u in session.scalars(select(Unit).where(Unit.active.is_(True)))
               if u.id == unit.id or u.parent_id == unit.id}
    covered = {u for u in covered if scope is None or u in scope}
    names = {u.id: u.short_name or u.name for u in session.scalars(select(Unit).where(Unit.id.in_(covered)))}

    rows = session.execute(scoped(select(Target, TargetState).join(TargetState, TargetState.target_id == Target.id)
                                  .where(Target.enabled.is_(True), Target.unit_id.in_(covered)),
                                  Target.unit_id, session, viewer)).all()
    counts: dict[str, int] = {}
    states = {}
    for target, state in rows:
        counts[state.state] = counts.get(state.state, 0) + 1
        states[target.id] = state.state
    problems = sorted((TargetLine(t.id, t.unit_id, t.name, names.get(t.unit_id, ""), s.state, s.state_since, s.last_reason)
                       for t, s in rows if s.state in PROBLEMS),
                      key=lambda line: (rank(line.state), line.since or datetime.max))
    services = [ServiceLine(s.id, s.name, worst(states[i] for i in s.target_ids if i in states).value)
                for s in session.scalars(scoped(select(DigitalService).where(DigitalService.unit_id.in_(covered))
                                                .order_by(DigitalService.name), DigitalService.unit_id, session, viewer))]

    period = _current_period(session)
    evaluation = _evaluation(session, viewer, period, unit.id)
    sent_back = [SentBack(n.id, n.unit_id, names.get(n.unit_id, ""), n.item, n.fiscal_year, n.status, n.review_note,
                          n.reviewed_by, n.reviewed_at)
                 for n in session.scalars(scoped(select(Need).where(Need.unit_id.in_(covered),
                                                                    Need.status.in_(SENT_BACK),
                                                                    Need.fiscal_year >= today.year)
                                                 .order_by(Need.reviewed_at.desc(), Need.id), Need.unit_id, session, viewer))]
    # What the unit must act on (a revision) before what is only news (a rejection), newest first in each.
    sent_back.sort(key=lambda n: SENT_BACK.index(n.status))
    past_life = summary.summary(session=session, viewer=viewer, unit_ids=[unit.id], with_sub_units=True).past_life
    mine = city = None
    if period is not None:
        everyone = readiness.evaluate(session, period, readiness.active_unit_ids(session), zone, org_name)
        known = [r.index for r in everyone if r.index is not None]
        city = sum(known) / len(known) if known else None
        mine = next((r.index for r in everyone if r.unit_id == unit.id), None)
    home = Home(unit.id, unit.name, counts, problems, services, evaluation, sent_back, past_life, mine, city)
    home.tickets = ticket_list.list_tickets(session=session, viewer=viewer, zone=zone, which="open", unit_ids=covered)
    home.todos = todos(home, today)
    return home


def todos(home: Home, today: date) -> list[Todo]:
    """What to do, most urgent first."""
    out: list[Todo] = []
    down = [p for p in home.problems if p.state == State.DOWN]
    if down:
        out.append(Todo("home.todo.down", {"n": len(down), "name": down[0].name}, 0, "target",
                        tuple(p.target_id for p in down)))
    elif home.problems:
        out.append(Todo("home.todo.degraded", {"n": len(home.problems), "name": home.problems[0].name}, 1, "target",
                        tuple(p.target_id for p in home.problems)))
    ev = home.evaluation
    if ev is not None and ev.status in ("draft", "returned"):
        left = (ev.deadline - today).days if ev.deadline else None
        urgency = 0 if ev.status == "returned" or (left is not None and left <= SOON_DAYS) else 1
        if ev.status == "returned":
            out.append(Todo("home.todo.eval_returned", {"year": ev.year}, urgency, "assessment"))
        elif left is not None and left < 0:
            out.append(Todo("home.todo.eval_late", {"year": ev.year, "days": -left}, 0, "assessment"))
        elif left is not None:
            out.append(Todo("home.todo.eval_due", {"year": ev.year, "days": left, "left": ev.indicators - ev.answered},
                            urgency, "assessment"))
        else:
            out.append(Todo("home.todo.eval_open", {"year": ev.year, "left": ev.indicators - ev.answered}, 1, "assessment"))
    if home.revised:
        out.append(Todo("home.todo.needs_revised", {"n": len(home.revised)}, 1, "needs",
                        tuple(n.need_id for n in home.revised)))
    if home.past_life:
        out.append(Todo("home.todo.past_life", {"n": len(home.past_life)}, 2, "devices",
                        tuple(r["id"] for r in home.past_life)))
    if home.readiness is not None and home.city_readiness is not None and home.readiness < home.city_readiness:
        out.append(Todo("home.todo.readiness", {"unit": home.readiness, "city": home.city_readiness}, 2, "readiness"))
    return sorted(out, key=lambda todo: todo.urgency)
