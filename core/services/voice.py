"""What a service's people tell citizens (updates on a problem) and what citizens tell the service
(feedback: a rating 1–5 and an optional comment). Both are plain text: stored as typed, written into the
public page only through escaping, never as markdown or HTML.

Feedback is rate-limited per client address and service (the address kept only as a keyed hash); the
service's owner unit and admin moderate it: a hidden comment stays counted in the rating but is never
shown. Satisfaction per service and quarter: count, mean, distribution, comments.
"""

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write, scoped
from core.errors import NotFound, ValidationError
from core.services.register import get_service
from core.text import has_control
from db.monitoring import Incident, Target
from db.services import DigitalService, Feedback, ServiceUpdate
from db.types import utcnow

UPDATE_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAX_FEEDBACK_PER_HOUR = 3  # per client address and service
MAX_COMMENT = 1000


def service_incidents(*, session: Session, viewer: Viewer, service_id: int, now: datetime | None = None,
                      days: int = 14) -> list[tuple[Incident, str]]:
    """The incidents of a service's targets an update can be about: open ones and those of the last days
    (the public page's history), newest first, each with its target's name, of targets the viewer may see."""
    service = get_service(session=session, viewer=viewer, service_id=service_id)
    if not service.target_ids:
        return []
    since = (now or utcnow()) - timedelta(days=days)
    stmt = (select(Incident, Target.name).join(Target, Target.id == Incident.target_id)
            .where(Incident.target_id.in_(service.target_ids),
                   or_(Incident.ended_at.is_(None), Incident.ended_at > since))
            .order_by(Incident.started_at.desc(), Incident.id.desc()))
    return [(incident, name) for incident, name in session.execute(scoped(stmt, Target.unit_id, session, viewer)).all()]


def post_update(*, session: Session, viewer: Viewer, service_id: int, incident_id: int | None, status: str,
                message: str, at: datetime | None = None, now: datetime | None = None) -> int:
    """An update on an incident of the service, for citizens; by admin or the owner unit's operator. It is
    dated now or at a moment given (written up afterwards), never before its incident began nor ahead of now."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    service = get_service(session=session, viewer=viewer, service_id=service_id)
    require_unit_write(session, viewer, service.unit_id)
    now = now or utcnow()
    incident = next((i for i, _name in service_incidents(session=session, viewer=viewer, service_id=service.id,
                                                          now=now) if i.id == incident_id), None)
    if incident is None:
        raise ValidationError("update.incident_required", field="incident_id")
    at = at or now
    # People type minutes: an update in the incident's first minute counts from the incident's start.
    if _minute(at) < _minute(incident.started_at):
        raise ValidationError("update.before_incident", field="at")
    if at > now:
        raise ValidationError("update.in_future", field="at")
    at = max(at, incident.started_at)
    message = message.strip()
    if status not in UPDATE_STATUSES:
        raise ValidationError("update.status_invalid", field="status")
    if not message or len(message) > 500 or has_control(message.replace("\n", " ")):
        raise ValidationError("update.message_invalid", field="message", limit=500)
    row = ServiceUpdate(service_id=service.id, incident_id=incident.id, at=at, status=status, message=message,
                        author=viewer.username)
    session.add(row)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="service_update", row_id=row.id, unit_id=service.unit_id,
                 new={"service": service.name, "status": status, "message": message})
    return row.id


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def updates_of(session: Session, service_ids: list[int], since: datetime) -> list[ServiceUpdate]:
    """Updates of the given services since a moment, newest first (for the public page: no viewer)."""
    if not service_ids:
        return []
    return list(session.scalars(select(ServiceUpdate).where(ServiceUpdate.service_id.in_(service_ids),
                                                            ServiceUpdate.at >= since)
                                .order_by(ServiceUpdate.at.desc(), ServiceUpdate.id.desc())))


def client_key(address: str, secret: str) -> str:
    """The client address as kept: a keyed hash, enough to count a client's feedback, not to name it."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def give_feedback(session: Session, *, service_id: int, rating: int, comment: str, client: str,
                  now: datetime | None = None) -> int:
    """A citizen's feedback on a public service (the public form: no viewer). ValidationError with a
    reason for a bad rating, an over-long comment, a service that is not public, or too many from one
    client in an hour."""
    now = now or utcnow()
    service = session.get(DigitalService, service_id)
    if service is None or service.audience != "public":
        raise NotFound("service.not_found")
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError("feedback.rating_invalid", field="rating")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError("feedback.comment_long", field="comment", limit=MAX_COMMENT)
    comment = "".join(ch for ch in comment if ch in "\n\t" or not has_control(ch))
    recent = session.scalar(select(func.count()).select_from(Feedback).where(
        Feedback.service_id == service_id, Feedback.client == client, Feedback.at >= now - timedelta(hours=1)))
    if recent >= MAX_FEEDBACK_PER_HOUR:
        raise ValidationError("feedback.too_many", field="client", limit=MAX_FEEDBACK_PER_HOUR)
    row = Feedback(service_id=service_id, at=now, rating=rating, comment=comment, client=client)
    session.add(row)
    session.flush()
    return row.id


def quarter_of(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = date(first.year + (first.month == 10), (first.month + 3 - 1) % 12 + 1, 1)
    return first, last


@dataclass
class Satisfaction:
    service_id: int
    quarter: date
    count: int
    mean: float | None
    distribution: dict[int, int]
    comments: list[Feedback]  # visible ones, newest first; hidden ones only for moderators


def satisfaction(*, session: Session, viewer: Viewer, service_id: int, quarter: date, zone) -> Satisfaction:
    """A service's feedback in a quarter; the comments are for its owner unit and admin (who moderate)."""
    service = get_service(session=session, viewer=viewer, service_id=service_id)
    first, last = quarter_of(quarter)
    start, end = (datetime.combine(d, datetime.min.time(), zone) for d in (first, last))
    rows = list(session.scalars(select(Feedback).where(Feedback.service_id == service.id, Feedback.at >= start,
                                                        Feedback.at < end).order_by(Feedback.at.desc())))
    counts = Counter(r.rating for r in rows)
    mean = sum(r.rating for r in rows) / len(rows) if rows else None
    return Satisfaction(service.id, first, len(rows), mean, {n: counts.get(n, 0) for n in range(1, 6)},
                        [r for r in rows if r.comment])


def public_summary(session: Session, service_ids: list[int], since: datetime, minimum: int = 5) -> dict[int, tuple]:
    """(mean, count) of each public service's ratings since a moment, where there are at least `minimum`."""
    if not service_ids:
        return {}
    rows = session.execute(select(Feedback.service_id, func.avg(Feedback.rating), func.count())
                           .where(Feedback.service_id.in_(service_ids), Feedback.at >= since)
                           .group_by(Feedback.service_id)).all()
    return {sid: (float(mean), count) for sid, mean, count in rows if count >= minimum}


def moderate(*, session: Session, viewer: Viewer, feedback_id: int, hidden: bool) -> None:
    """Hide a comment (it stays counted in the rating) or show it again: the owner unit or admin."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    row = session.get(Feedback, feedback_id)
    if row is None:
        raise NotFound("feedback.not_found")
    service = get_service(session=session, viewer=viewer, service_id=row.service_id)
    require_unit_write(session, viewer, service.unit_id)
    if row.hidden != hidden:
        row.hidden, row.moderated_by = hidden, viewer.username
        audit.record(session, viewer=viewer, action="update", table="feedback", row_id=row.id, unit_id=service.unit_id,
                     old={"hidden": not hidden}, new={"hidden": hidden})
