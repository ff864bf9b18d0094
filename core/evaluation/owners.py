"""Indicator owners of the government-wide assessment: per period each indicator is assigned to the unit
responsible for it (BKPSDM for digital HR, Bappeda for data, Diskominfo for most); that unit's operators
fill its level, justification and evidence; contributing units add evidence; the Koordinator (admin)
sees progress per indicator and owner and verifies or returns each with a reason.

Per indicator: draft → submitted (by the owner) → verified (by Kominfo), or returned with a reason and
back to the owner. The per-unit internal review (every unit assessed on the whole framework) stays the
unit assessments of `core.evaluation.assessment`, beside this.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, unit_scope
from core.errors import ImportRejected, NotFound, NotReady, PermissionDenied, Problem, Term, ValidationError
from core.evaluation import frameworks
from core.evaluation.periods import get_period
from db.evaluation import Assessment, AssessmentAnswer, EvaluationPeriod, Evidence, IndicatorOwner
from db.models import Unit
from db.types import utcnow

EDITABLE = ("draft", "returned")


@dataclass(frozen=True)
class OwnedIndicator:
    """One indicator of the government-wide assessment as the progress table shows it."""

    number: int
    name: str
    external: str
    owner_id: int | None
    owner: str
    contributors: list[str]
    status: str  # "unassigned" before an owner is set
    note: str
    level: int | None
    explained: bool  # a justification (or, for an outside agency's indicator, its source) is there
    evidence: int
    since: datetime | None  # when the indicator last changed state


def owners_of(session: Session, period_id: int) -> dict[int, IndicatorOwner]:
    return {o.indicator: o for o in session.scalars(select(IndicatorOwner).where(IndicatorOwner.period_id == period_id))}


def viewer_indicators(session: Session, viewer: Viewer, period_id: int) -> tuple[set[int], set[int]]:
    """(indicators the viewer's units own, indicators they contribute to) in the period."""
    scope = unit_scope(session, viewer)
    owned, contributed = set(), set()
    for number, owner in owners_of(session, period_id).items():
        if scope is None or owner.unit_id in scope:
            owned.add(number)
        elif set(owner.contributors or []) & scope:
            contributed.add(number)
    return owned, contributed


def fillable(session: Session, viewer: Viewer, period: EvaluationPeriod) -> set[int]:
    """The indicators of the government-wide assessment the viewer may fill now: every one for an admin,
    an owner's own while they are in draft or returned."""
    if period.status == "closed":
        return set()
    framework = frameworks.of_period(session, period)
    owners = owners_of(session, period.id)
    if viewer.is_admin:
        return framework.numbers()
    if viewer.role is not Role.SKPD:
        return set()
    scope = unit_scope(session, viewer) or set()
    return {n for n, o in owners.items() if o.unit_id in scope and o.status in EDITABLE}


def progress(*, session: Session, viewer: Viewer, period_id: int) -> list[OwnedIndicator]:
    """Every indicator of the period with its owner and state; an skpd viewer gets only the indicators
    their units own or contribute to."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    period = get_period(session, period_id)
    framework = frameworks.of_period(session, period)
    owners = owners_of(session, period_id)
    shown, scope = None, unit_scope(session, viewer)
    if viewer.role is Role.SKPD:
        owned, contributed = viewer_indicators(session, viewer, period_id)
        shown = owned | contributed
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    city = session.scalar(select(Assessment).where(Assessment.period_id == period_id, Assessment.unit_id.is_(None)))
    answers = {a.indicator: a for a in session.scalars(
        select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == city.id))} if city else {}
    files = dict(session.execute(select(Evidence.indicator, func.count()).where(Evidence.assessment_id == city.id)
                                 .group_by(Evidence.indicator)).all()) if city else {}
    out = []
    for node in framework.indicators():
        if shown is not None and node.number not in shown:
            continue
        owner, answer = owners.get(node.number), answers.get(node.number)
        explained = bool(answer and (answer.source.strip() if node.external else answer.justification.strip()))
        # An skpd viewer reads its own units among the owners and contributors, never another unit's name.
        owner_id = owner.unit_id if owner and (scope is None or owner.unit_id in scope) else None
        contributors = [u for u in (owner.contributors if owner else []) if scope is None or u in scope]
        out.append(OwnedIndicator(
            node.number, node.name, node.external, owner_id, names.get(owner_id, "") if owner_id else "",
            [names.get(u, "") for u in contributors],
            owner.status if owner else "unassigned", owner.note if owner else "", answer.level if answer else None,
            explained, files.get(node.number, 0), (owner.verified_at or owner.submitted_at or owner.updated_at)
            if owner else None))
    return out


def assign(*, session: Session, viewer: Viewer, period_id: int, owners: dict[int, tuple[int | None, list[int]]]) -> int:
    """Set each indicator's owner unit and contributing units ({indicator: (unit, [units])}, unit None
    removes the assignment). All or nothing; returns how many changed."""
    require_role(viewer, Role.ADMIN)
    period = get_period(session, period_id)
    if period.status == "closed":
        raise PermissionDenied("evaluation.period_closed", year=period.year)
    numbers = frameworks.of_period(session, period).numbers()
    known = set(session.scalars(select(Unit.id)))
    problems = []
    for number, (unit_id, contributors) in owners.items():
        if number not in numbers:
            problems.append(Problem(Term("eval.indicator"), "evaluation.indicator_unknown", row=number))
        elif (unit_id is not None and unit_id not in known) or not set(contributors) <= known:
            problems.append(Problem(Term("owners.owner"), "unit.not_found", row=number))
    if problems:
        raise ImportRejected(problems)
    stored, changed = owners_of(session, period_id), 0
    for number, (unit_id, contributors) in sorted(owners.items()):
        row = stored.get(number)
        contributors = sorted(set(contributors) - {unit_id})
        if unit_id is None:
            if row is not None:
                audit.record(session, viewer=viewer, action="delete", table="indicator_owner", row_id=row.id,
                             unit_id=row.unit_id, old={"indicator": number, "unit": row.unit_id})
                session.delete(row)
                changed += 1
            continue
        if row is not None and (row.unit_id, sorted(row.contributors)) == (unit_id, contributors):
            continue
        old = {"unit": row.unit_id, "contributors": row.contributors} if row else None
        if row is None:
            row = IndicatorOwner(period_id=period_id, indicator=number, unit_id=unit_id)
            session.add(row)
        row.unit_id, row.contributors, row.updated_at = unit_id, contributors, utcnow()
        session.flush()
        audit.record(session, viewer=viewer, action="update" if old else "create", table="indicator_owner",
                     row_id=row.id, unit_id=unit_id, old=old,
                     new={"indicator": number, "unit": unit_id, "contributors": contributors})
        changed += 1
    return changed


def _owned(session: Session, viewer: Viewer, period_id: int, indicator: int) -> IndicatorOwner:
    row = session.scalar(select(IndicatorOwner).where(IndicatorOwner.period_id == period_id,
                                                      IndicatorOwner.indicator == indicator))
    if row is None:
        raise NotFound("owners.not_assigned")
    period = get_period(session, period_id)
    if period.status == "closed":
        raise PermissionDenied("evaluation.period_closed", year=period.year)
    return row


def submit_indicator(*, session: Session, viewer: Viewer, period_id: int, indicator: int) -> None:
    """The owner hands one indicator to Kominfo: it needs a level and a justification (or its source)."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    row = _owned(session, viewer, period_id, indicator)
    scope = unit_scope(session, viewer)
    if scope is not None and row.unit_id not in scope:
        raise PermissionDenied("owners.not_owner")
    if row.status not in EDITABLE:
        raise ValidationError("owners.not_editable", field="status")
    node = frameworks.of_period(session, get_period(session, period_id)).indicator(indicator)
    city = session.scalar(select(Assessment).where(Assessment.period_id == period_id, Assessment.unit_id.is_(None)))
    answer = session.scalar(select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == city.id,
                                                           AssessmentAnswer.indicator == indicator)) if city else None
    problems = []
    if answer is None or answer.level is None:
        problems.append(Problem(Term("eval.level"), "evaluation.level_missing", row=indicator))
    elif node.external and not answer.source.strip():
        problems.append(Problem(Term("assessment.source"), "evaluation.source_missing", row=indicator,
                                agency=node.external))
    elif not node.external and not answer.justification.strip():
        problems.append(Problem(Term("assessment.justification"), "evaluation.justification_missing", row=indicator))
    if problems:
        raise NotReady(problems, "owners.incomplete", number=indicator)
    row.status, row.note = "submitted", ""
    row.submitted_at, row.submitted_by, row.updated_at = utcnow(), viewer.username, utcnow()
    audit.record(session, viewer=viewer, action="submit", table="indicator_owner", row_id=row.id, unit_id=row.unit_id,
                 new={"indicator": indicator, "status": "submitted"})


def verify_indicator(*, session: Session, viewer: Viewer, period_id: int, indicator: int) -> None:
    require_role(viewer, Role.ADMIN)
    row = _owned(session, viewer, period_id, indicator)
    if row.status != "submitted":
        raise ValidationError("evaluation.not_submitted", field="status")
    row.status, row.verified_at, row.verified_by, row.updated_at = "verified", utcnow(), viewer.username, utcnow()
    audit.record(session, viewer=viewer, action="verify", table="indicator_owner", row_id=row.id, unit_id=row.unit_id,
                 new={"indicator": indicator, "status": "verified"})


def return_indicator(*, session: Session, viewer: Viewer, period_id: int, indicator: int, reason: str) -> None:
    require_role(viewer, Role.ADMIN)
    row = _owned(session, viewer, period_id, indicator)
    if row.status not in ("submitted", "verified"):
        raise ValidationError("evaluation.not_submitted", field="status")
    if not reason.strip():
        raise ValidationError("evaluation.reason_required", field="reason")
    old = row.status
    row.status, row.note, row.verified_at, row.verified_by = "returned", reason.strip()[:500], None, ""
    row.updated_at = utcnow()
    audit.record(session, viewer=viewer, action="return", table="indicator_owner", row_id=row.id, unit_id=row.unit_id,
                 old={"status": old}, new={"indicator": indicator, "status": "returned", "reason": reason.strip()})


@dataclass(frozen=True)
class Waiting:
    """One line of Kominfo's verification queue: a unit's assessment or an owned indicator."""

    kind: str  # "assessment" or "indicator"
    unit_id: int | None
    unit: str
    indicator: int | None
    name: str
    status: str
    since: datetime | None
    note: str


def queue(*, session: Session, viewer: Viewer, period_id: int) -> list[Waiting]:
    """What waits for Kominfo in a period, oldest first within each state (submitted before returned
    before verified): every unit assessment past draft, and every owned indicator past draft."""
    require_role(viewer, Role.ADMIN)
    get_period(session, period_id)
    names = {uid: short or name for uid, short, name in session.execute(select(Unit.id, Unit.short_name, Unit.name))}
    lines = [Waiting("assessment", a.unit_id, names.get(a.unit_id, ""), None, "", a.status,
                     a.verified_at or a.submitted_at or a.updated_at, a.note)
             for a in session.scalars(select(Assessment).where(Assessment.period_id == period_id,
                                                               Assessment.unit_id.is_not(None),
                                                               Assessment.status != "draft"))]
    framework = frameworks.of_period(session, get_period(session, period_id))
    for owned in progress(session=session, viewer=viewer, period_id=period_id):
        if owned.status in ("submitted", "returned", "verified"):
            lines.append(Waiting("indicator", owned.owner_id, names.get(owned.owner_id, owned.owner), owned.number,
                                 framework.indicator(owned.number).name, owned.status, owned.since, owned.note))
    order = {"submitted": 0, "returned": 1, "verified": 2}
    return sorted(lines, key=lambda w: (order.get(w.status, 3), w.since or utcnow(), w.unit, w.indicator or 0))
