"""Evaluation periods: a year each, open or closed, and how the city index is formed for it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import NotFound, ValidationError
from db.evaluation import EvaluationPeriod
from db.types import utcnow

CITY_METHODS = ("kominfo", "average", "employees")


def list_periods(*, session: Session, viewer: Viewer) -> list[EvaluationPeriod]:
    """Every period, newest first (periods hold no unit's data)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return list(session.scalars(select(EvaluationPeriod).order_by(EvaluationPeriod.year.desc())))



def get_period(session: Session, period_id: int) -> EvaluationPeriod:
    period = session.get(EvaluationPeriod, period_id)
    if period is None:
        raise NotFound("evaluation.period_not_found")
    return period



def set_city_method(*, session: Session, viewer: Viewer, period_id: int, method: str) -> None:
    require_role(viewer, Role.ADMIN)
    if method not in CITY_METHODS:
        raise ValidationError("evaluation.city_method_invalid", field="city_method")
    period = get_period(session, period_id)
    if period.city_method != method:
        audit.record(session, viewer=viewer, action="update", table="evaluation_period", row_id=period.id,
                     unit_id=None, old={"city_method": period.city_method}, new={"city_method": method})
        period.city_method = method


def set_deadline(*, session: Session, viewer: Viewer, period_id: int, deadline: date | None) -> None:
    """The day by which units submit their self-assessment (admin); None clears it."""
    require_role(viewer, Role.ADMIN)
    period = get_period(session, period_id)
    if period.deadline != deadline:
        audit.record(session, viewer=viewer, action="update", table="evaluation_period", row_id=period.id,
                     unit_id=None, old={"deadline": period.deadline and period.deadline.isoformat()},
                     new={"deadline": deadline and deadline.isoformat()})
        period.deadline = deadline


def period_window(period: EvaluationPeriod, zone: ZoneInfo, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The period's calendar year in the organisation's zone, cut at now for the running year."""
    start = datetime(period.year, 1, 1, tzinfo=zone)
    end = datetime(period.year + 1, 1, 1, tzinfo=zone)
    return start, min(end, now or utcnow())
