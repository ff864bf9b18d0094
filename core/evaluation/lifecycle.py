"""A period's life: created open (with the newest earlier period's readiness rules), closed (every unit's
measured figures frozen), reopened (live again)."""

from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import ValidationError
from core.evaluation import frameworks, readiness
from core.evaluation.periods import get_period
from db.evaluation import EvaluationPeriod, MeasureSnapshot
from db.types import utcnow


def create_period(*, session: Session, viewer: Viewer, year: int, framework: str | None = None) -> EvaluationPeriod:
    """A new open period pinned to one framework (by default the one in force that year: spbe-2020 up to
    2025, pemdi-2026 from 2026); it starts with the readiness rules of the newest earlier period."""
    require_role(viewer, Role.ADMIN)
    if not 2000 <= year <= 2100:
        raise ValidationError("evaluation.year_invalid", field="year", year=year)
    framework = framework or frameworks.default_for(year)
    frameworks.get(session, framework)  # NotFound for a framework that does not exist
    if session.scalar(select(EvaluationPeriod.id).where(EvaluationPeriod.year == year)):
        raise ValidationError("evaluation.year_exists", field="year", year=year)
    previous = session.scalar(select(EvaluationPeriod).where(EvaluationPeriod.year < year)
                              .order_by(EvaluationPeriod.year.desc()))
    period = EvaluationPeriod(year=year, framework=framework,
                              city_method=previous.city_method if previous else "kominfo")
    session.add(period)
    session.flush()
    rules = readiness.rules_for(session, previous.id) if previous else readiness.default_rules()
    readiness.store_rules(session, viewer.username, period.id, rules)
    audit.record(session, viewer=viewer, action="create", table="evaluation_period", row_id=period.id, unit_id=None,
                 new={"year": year, "framework": framework})
    return period



def close_period(*, session: Session, viewer: Viewer, period_id: int, zone: ZoneInfo, org_name: str = "") -> int:
    """Freeze the period: the measured figures of every unit are kept as they stand now. Returns how many."""
    require_role(viewer, Role.ADMIN)
    period = get_period(session, period_id)
    if period.status == "closed":
        raise ValidationError("evaluation.period_closed", field="period", year=period.year)
    count = readiness.take_snapshot(session, period, zone, org_name)
    period.status, period.closed_at = "closed", utcnow()
    audit.record(session, viewer=viewer, action="close", table="evaluation_period", row_id=period.id, unit_id=None,
                 new={"year": period.year, "snapshots": count})
    return count



def reopen_period(*, session: Session, viewer: Viewer, period_id: int) -> None:
    """Open a closed period again; its measured figures are live again until the next closing."""
    require_role(viewer, Role.ADMIN)
    period = get_period(session, period_id)
    if period.status != "closed":
        return
    session.execute(delete(MeasureSnapshot).where(MeasureSnapshot.period_id == period.id))
    period.status, period.closed_at = "open", None
    audit.record(session, viewer=viewer, action="reopen", table="evaluation_period", row_id=period.id, unit_id=None,
                 new={"year": period.year})
