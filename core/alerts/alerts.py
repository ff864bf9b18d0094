"""Alerts: which channels exist, who gets what, and the alerts themselves.

An alert (DOWN, recovery, reminder, certificate, test) is written in the same transaction as the
state change it reports, with one pending delivery per channel it is routed to; `core.notify` sends
them later on a thread of its own. So a slow or failing chat API never holds up probing, and an
incident is stored whether or not anyone could be told about it.

Routing: a channel without a unit is Kominfo's and gets every alert; a unit's channel gets the alerts
of that unit and of the units under it (a kecamatan's contacts hear about its kelurahan); a channel marked
escalation gets only escalations of unacknowledged incidents (core.alerts.escalation).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.alerts.channels import CHANNELS
from core.errors import NotFound, ValidationError
from core.text import check_name
from db.models import Unit
from db.monitoring import Alert, AlertChannel, AlertChannelBase, AlertDelivery, Incident, State, Target, TargetState
from db.types import utcnow

ALERT_KINDS = ("down", "recovery", "reminder", "cert", "test", "escalation")
AUDITED = ["name", "kind", "address", "unit_id", "enabled", "escalation"]


class ChannelCreate(AlertChannelBase):
    """An alert channel as the form gives it (the table's fields and limits)."""


def check_channel(data: ChannelCreate) -> ChannelCreate:
    name, kind, address = " ".join(data.name.split()), data.kind.strip().lower(), data.address.strip()
    check_name(name, "name")
    check_name(address, "address")
    if not name:
        raise ValidationError("alert.channel_name_required", field="name")
    if kind not in CHANNELS:
        raise ValidationError("alert.channel_kind_unknown", field="kind", kind=kind)
    address, secret = CHANNELS[kind].check(address, data.secret.strip())
    return data.model_copy(update={"name": name, "kind": kind, "address": address, "secret": secret})


# -- channels (admin) --------------------------------------------------------------------------
def list_channels(*, session: Session, viewer: Viewer) -> list[AlertChannel]:
    require_role(viewer, Role.ADMIN)
    return list(session.scalars(select(AlertChannel).order_by(AlertChannel.unit_id.is_not(None), AlertChannel.name)))


def get_channel(*, session: Session, viewer: Viewer, channel_id: int) -> AlertChannel:
    require_role(viewer, Role.ADMIN)
    channel = session.get(AlertChannel, channel_id)
    if channel is None:
        raise NotFound("alert.channel_not_found")
    return channel


def create_channel(*, session: Session, viewer: Viewer, data: ChannelCreate) -> AlertChannel:
    require_role(viewer, Role.ADMIN)
    clean = check_channel(data)
    if clean.unit_id is not None and session.get(Unit, clean.unit_id) is None:
        raise ValidationError("target.unit_unknown", field="unit_id")
    channel = AlertChannel(**clean.model_dump())
    session.add(channel)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="alert_channel", row_id=channel.id,
                 unit_id=channel.unit_id, new=audit.snapshot(channel, AUDITED))
    return channel


def update_channel(*, session: Session, viewer: Viewer, channel_id: int, data: ChannelCreate) -> AlertChannel:
    """Change a channel; an empty secret keeps the stored one (the form never shows it back)."""
    channel = get_channel(session=session, viewer=viewer, channel_id=channel_id)
    clean = check_channel(data.model_copy(update={"secret": data.secret or channel.secret}))
    before = audit.snapshot(channel, AUDITED)
    for key, value in clean.model_dump().items():
        setattr(channel, key, value)
    old, new = audit.changed(before, audit.snapshot(channel, AUDITED))
    if new:
        audit.record(session, viewer=viewer, action="update", table="alert_channel", row_id=channel.id,
                     unit_id=channel.unit_id, old=old, new=new)
    return channel


# -- alerts ------------------------------------------------------------------------------------
class Router:
    """Which enabled channels hear about a unit, read once and reused for a whole batch of results."""

    def __init__(self, session: Session):
        # An escalation channel hears only escalations (core.alerts.escalation), not every outage.
        self.channels = session.scalars(select(AlertChannel).where(AlertChannel.enabled.is_(True),
                                                                   AlertChannel.escalation.is_(False))).all()
        self.parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all()) if self.channels else {}

    def route(self, unit_id: int | None) -> list[AlertChannel]:
        """Kominfo's channels, and those of the unit and of every unit above it."""
        units, current = set(), unit_id
        while current is not None and current not in units:
            units.add(current)
            current = self.parents.get(current)
        return [c for c in self.channels if c.unit_id is None or c.unit_id in units]


def raise_alert(session: Session, kind: str, *, at: datetime, target_id: int | None = None,
                unit_id: int | None = None, incident_id: int | None = None, params: dict | None = None,
                channels: list[AlertChannel] | None = None, router: Router | None = None) -> Alert:
    """Store an alert and a pending delivery for every channel it is routed to (or the ones given)."""
    alert = Alert(kind=kind, at=at, target_id=target_id, unit_id=unit_id, incident_id=incident_id,
                  params=params or {})
    session.add(alert)
    session.flush()
    if channels is None:
        channels = (router or Router(session)).route(unit_id)
    for channel in channels:
        session.add(AlertDelivery(alert_id=alert.id, channel_id=channel.id, next_attempt_at=at))
    return alert


def sweep(session: Session, *, now: datetime, reminder: timedelta, cert_days: int) -> int:
    """Reminders for targets still DOWN, warnings for certificates about to expire. Returns how many."""
    raised, router = 0, Router(session)
    last_told = (select(Alert.incident_id, func.max(Alert.at).label("at"))
                 .where(Alert.kind.in_(("down", "reminder")), Alert.incident_id.is_not(None))
                 .group_by(Alert.incident_id).subquery())
    rows = session.execute(
        select(Incident, last_told.c.at).join(TargetState, TargetState.open_incident_id == Incident.id)
        .outerjoin(last_told, last_told.c.incident_id == Incident.id)
        .where(Incident.ended_at.is_(None), TargetState.state == State.DOWN)).all()
    for incident, told_at in rows:
        if (told_at or incident.started_at) <= now - reminder:
            raise_alert(session, "reminder", at=now, target_id=incident.target_id, unit_id=incident.unit_id,
                        incident_id=incident.id, params={"since": incident.started_at.isoformat(),
                                                         "reason": incident.reason}, router=router)
            raised += 1
    warned = dict(session.execute(select(Alert.target_id, func.max(Alert.at)).where(Alert.kind == "cert")
                                  .group_by(Alert.target_id)).all())
    for target, state in session.execute(select(Target, TargetState).join(TargetState)
                                         .where(Target.kind == "http", Target.enabled.is_(True))).all():
        days = state.details.get("cert_days")
        if isinstance(days, int) and days < cert_days and warned.get(target.id, datetime.min.replace(
                tzinfo=now.tzinfo)) <= now - timedelta(days=1):
            raise_alert(session, "cert", at=now, target_id=target.id, unit_id=target.unit_id, params={"days": days},
                        router=router)
            raised += 1
    return raised


def send_test(*, session: Session, viewer: Viewer, channel_id: int) -> Alert:
    """A test alert to one channel (admin): its delivery is recorded like any other."""
    channel = get_channel(session=session, viewer=viewer, channel_id=channel_id)
    return raise_alert(session, "test", at=utcnow(), unit_id=channel.unit_id,
                       params={"by": viewer.username}, channels=[channel])


@dataclass
class Delivery:
    delivery: AlertDelivery
    alert: Alert
    channel: AlertChannel
    target_name: str
    unit_name: str


def list_deliveries(*, session: Session, viewer: Viewer, limit: int = 200) -> list[Delivery]:
    """The newest deliveries with their alert and channel, for the admin's log."""
    require_role(viewer, Role.ADMIN)
    rows = session.execute(
        select(AlertDelivery, Alert, AlertChannel, Target.name, Unit.name)
        .join(Alert, Alert.id == AlertDelivery.alert_id).join(AlertChannel, AlertChannel.id == AlertDelivery.channel_id)
        .outerjoin(Target, Target.id == Alert.target_id).outerjoin(Unit, Unit.id == Alert.unit_id)
        .order_by(AlertDelivery.id.desc()).limit(limit)).all()
    return [Delivery(d, a, c, tn or "", un or "") for d, a, c, tn, un in rows]
