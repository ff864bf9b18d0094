"""Alerts: which channels exist, who gets what, and the alerts themselves.

An alert (DOWN, recovery, reminder, certificate, test) is written in the same transaction as the
state change it reports, with one pending delivery per channel it is routed to; `core.notify` sends
them later on a thread of its own. So a slow or failing chat API never holds up probing, and an
incident is stored whether or not anyone could be told about it.

Routing: a channel without a unit is Kominfo's and gets every alert; a unit's channel gets the alerts
of that unit and of the units under it (a kecamatan's contacts hear about its kelurahan).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from core import audit, formatting
from core.access import Role, Viewer, require_role
from core.errors import NotFound, ValidationError
from core.i18n import reason_text, t
from db.models import Unit
from db.monitoring import Alert, AlertChannel, AlertDelivery, Incident, Target, TargetState
from db.types import utcnow

CHANNEL_KINDS = ("telegram", "email", "webhook")
ALERT_KINDS = ("down", "recovery", "reminder", "cert", "test")
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
AUDITED = ["name", "kind", "address", "unit_id", "enabled"]


class ChannelCreate(SQLModel):
    name: str
    kind: str
    address: str
    secret: str = ""
    unit_id: int | None = None
    enabled: bool = True


def check_channel(data: ChannelCreate) -> ChannelCreate:
    name, kind, address = " ".join(data.name.split()), data.kind.strip().lower(), data.address.strip()
    if not name:
        raise ValidationError("alert.channel_name_required", field="name")
    if kind not in CHANNEL_KINDS:
        raise ValidationError("alert.channel_kind_unknown", field="kind", kind=kind)
    if kind == "telegram":
        if not re.fullmatch(r"-?\d+|@[A-Za-z0-9_]{5,}", address):
            raise ValidationError("alert.telegram_chat_invalid", field="address", value=address)
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", data.secret.strip()):
            raise ValidationError("alert.telegram_token_invalid", field="secret")
    elif kind == "email":
        addresses = [a.strip() for a in re.split(r"[,;]", address) if a.strip()]
        bad = [a for a in addresses if not EMAIL.match(a)]
        if not addresses or bad:
            raise ValidationError("alert.email_invalid", field="address", value=", ".join(bad) or address)
        address = ", ".join(addresses)
    else:
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError("alert.webhook_url_invalid", field="address", value=address)
    return data.model_copy(update={"name": name, "kind": kind, "address": address, "secret": data.secret.strip()})


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
        self.channels = session.scalars(select(AlertChannel).where(AlertChannel.enabled.is_(True))).all()
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
        .where(Incident.ended_at.is_(None), TargetState.state == "DOWN")).all()
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


# -- messages ----------------------------------------------------------------------------------
@dataclass
class Message:
    subject: str
    text: str
    fields: dict  # the JSON body of a webhook


def compose(alert: Alert, channel: AlertChannel, *, target: Target | None, unit: Unit | None,
            zone: ZoneInfo, lang: str = "id") -> Message:
    """The alert in words: unit, target, state, since when, reason (and the outage length on recovery)."""
    params = alert.params
    since = datetime.fromisoformat(params["since"]) if params.get("since") else None
    fields = {
        "event": alert.kind, "at": alert.at.isoformat(), "unit": unit.name if unit else "",
        "unit_code": unit.code if unit else "", "target": target.name if target else "",
        "host": target.host if target else "", "kind": target.kind if target else "",
        "state": {"down": "DOWN", "reminder": "DOWN", "recovery": "UP"}.get(alert.kind, ""),
        "since": since.isoformat() if since else None,
        "reason": reason_text(params.get("reason", ""), lang), "duration_s": params.get("duration_s"),
        "cert_days": params.get("days"), "channel": channel.name,
    }
    words = dict(target=fields["target"], unit=fields["unit"], host=fields["host"], reason=fields["reason"] or "–",
                 since=formatting.moment(since, zone, lang) if since else "–", days=params.get("days"),
                 channel=channel.name, when=formatting.moment(alert.at, zone, lang),
                 duration=formatting.duration(float(params.get("duration_s") or (
                     (alert.at - since).total_seconds() if since else 0)), lang))
    subject = t(f"alert.subject.{alert.kind}", lang, **words)
    text = subject + "\n" + t(f"alert.body.{alert.kind}", lang, **words)
    return Message(subject=subject, text=text, fields={**fields, "message": text})
