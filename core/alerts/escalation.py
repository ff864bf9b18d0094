"""Escalation: an ongoing incident nobody acknowledged within its criticality's minutes (admin-set, see
core.monitoring.incidents.escalation_minutes) alerts the escalation channels, and again every as many
minutes until someone acknowledges it or it ends.

Run by the notifier's sweep with the time it is given, so tests drive it with a simulated clock. The alert is
stored in the sweep's transaction with a pending delivery per channel: a channel that fails is retried like
any delivery, and the incident is never touched (a failed notification loses nothing). With no escalation
channel set, Kominfo's own channels (those without a unit) hear it, so an escalation is never silent.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core.alerts.alerts import raise_alert
from core.monitoring.incidents import escalation_minutes
from core.monitoring.uptime import counted_incidents
from db.monitoring import Alert, AlertChannel, Incident, Target


def channels(session: Session) -> list[AlertChannel]:
    """The enabled escalation channels; without any, Kominfo's ordinary channels."""
    enabled = session.scalars(select(AlertChannel).where(AlertChannel.enabled.is_(True))
                              .order_by(AlertChannel.id)).all()
    marked = [c for c in enabled if c.escalation]
    return marked or [c for c in enabled if c.unit_id is None]


def escalate(session: Session, *, now: datetime) -> int:
    """Raise the escalations due at `now`; returns how many."""
    minutes = escalation_minutes(session=session)
    last = (select(Alert.incident_id, func.max(Alert.at).label("at")).where(Alert.kind == "escalation")
            .group_by(Alert.incident_id).subquery())
    rows = session.execute(
        select(Incident, Target.criticality, last.c.at).join(Target, Target.id == Incident.target_id)
        .outerjoin(last, last.c.incident_id == Incident.id)
        .where(counted_incidents(), Incident.acknowledged_at.is_(None))).all()
    raised, to = 0, None
    for incident, criticality, told_at in rows:
        every = timedelta(minutes=minutes.get(criticality, minutes["normal"]))
        if (told_at or incident.started_at) + every > now:
            continue
        to = channels(session) if to is None else to
        waited = round((now - incident.started_at).total_seconds() / 60)
        raise_alert(session, "escalation", at=now, target_id=incident.target_id, unit_id=incident.unit_id,
                    incident_id=incident.id, channels=to,
                    params={"since": incident.started_at.isoformat(), "reason": incident.reason, "minutes": waited})
        raised += 1
    return raised
