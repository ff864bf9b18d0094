"""Incidents people work on: acknowledge, assign, note, cause and action; one incident's whole story.

Who may do what (docs/incidents.md): an admin (Kominfo) works on every incident; a unit's operator
acknowledges and notes the incidents of its own unit and the units under it; pimpinan reads; the presenter
sees the wall only. Only an admin assigns (to a Kominfo user, or to an operator of the incident's unit or a
unit above it) and sets the cause and the action taken. Every read is scoped by the target's unit, as the
wall and the availability page count incidents.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from core.access import Role, Viewer, require_role, scoped, subtree_ids, unit_scope
from core.errors import NotFound, PermissionDenied, ValidationError
from core.monitoring.uptime import counted_incidents
from core.text import has_control
from db.models import AppMeta, Unit, User
from db.monitoring import (
    Alert,
    AlertChannel,
    AlertDelivery,
    Heartbeat,
    Incident,
    IncidentActivity,
    Target,
    TargetEvent,
)
from db.services import DigitalService, ServiceUpdate
from db.types import utcnow

CAUSES = ("listrik", "isp_jaringan", "perangkat", "konfigurasi", "aplikasi", "serangan", "lainnya")
TEXT_MAX = 1000
READERS = (Role.ADMIN, Role.PIMPINAN, Role.SKPD)
# Minutes an incident may stay unacknowledged before it escalates, by its target's criticality; admin-set.
ESCALATION_DEFAULTS = {"critical": 15, "high": 30, "normal": 60, "low": 120}
ESCALATION_KEY = "escalation_min_{}"
AROUND = timedelta(minutes=30)  # the checks and state changes shown before and after an incident
CHECKS_SHOWN = 200


# -- reading -----------------------------------------------------------------------------------
def _load(session: Session, viewer: Viewer, incident_id: int) -> tuple[Incident, Target]:
    """The incident and its target, or NotFound when it does not exist or is outside the viewer's units."""
    require_role(viewer, *READERS)
    stmt = select(Incident, Target).join(Target, Target.id == Incident.target_id).where(Incident.id == incident_id)
    row = session.execute(scoped(stmt, Target.unit_id, session, viewer)).first()
    if row is None:
        raise NotFound("incident.not_found")
    return row[0], row[1]


def _allowed_actions(session: Session, viewer: Viewer, target: Target) -> set[str]:
    """What this viewer may do on an incident of this target: ack, note, assign, cause."""
    if viewer.is_admin:
        return {"ack", "note", "assign", "cause"}
    if viewer.role is Role.SKPD and target.unit_id in (unit_scope(session, viewer) or set()):
        return {"ack", "note"}
    return set()


def _require(session: Session, viewer: Viewer, target: Target, action: str) -> None:
    if action not in _allowed_actions(session, viewer, target):
        raise PermissionDenied("incident.not_allowed")


@dataclass
class Activity:
    at: datetime
    who: str
    kind: str  # ack, assign, note, cause
    text: str


@dataclass
class Sent:
    """One alert about the incident and what became of each of its deliveries."""

    at: datetime
    kind: str
    deliveries: list[tuple[str, str, int, str, datetime | None]]  # (channel, status, attempts, last error, sent at)


@dataclass
class IncidentView:
    incident: Incident
    target_name: str
    target_kind: str
    criticality: str
    unit_name: str
    acknowledged_by: str
    assignee: str
    actions: set[str]
    activity: list[Activity] = field(default_factory=list)
    events: list[TargetEvent] = field(default_factory=list)
    checks: list[Heartbeat] = field(default_factory=list)
    alerts: list[Sent] = field(default_factory=list)
    updates: list[tuple[ServiceUpdate, str]] = field(default_factory=list)  # (update, service name)


def _names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids))) if ids else []
    return {i: display or username for i, display, username in rows}


def detail(*, session: Session, viewer: Viewer, incident_id: int, now: datetime | None = None) -> IncidentView:
    """Everything about one incident: its work, the checks and state changes around it, alerts, public updates."""
    incident, target = _load(session, viewer, incident_id)
    now = now or utcnow()
    unit = session.get(Unit, target.unit_id)
    acts = list(session.scalars(select(IncidentActivity).where(IncidentActivity.incident_id == incident.id)
                                .order_by(IncidentActivity.at, IncidentActivity.id)))
    names = _names(session, [a.user_id for a in acts] + [incident.acknowledged_by, incident.assignee_id])
    start, end = incident.started_at - AROUND, (incident.ended_at or now) + AROUND
    events = list(session.scalars(select(TargetEvent).where(
        TargetEvent.target_id == target.id, TargetEvent.at >= start, TargetEvent.at <= end).order_by(TargetEvent.at)))
    checks = list(session.scalars(select(Heartbeat).where(
        Heartbeat.target_id == target.id, Heartbeat.at >= start, Heartbeat.at <= end)
        .order_by(Heartbeat.at.desc()).limit(CHECKS_SHOWN)))
    sent: dict[int, Sent] = {}
    for alert, delivery, channel in session.execute(
            select(Alert, AlertDelivery, AlertChannel.name).outerjoin(AlertDelivery, AlertDelivery.alert_id == Alert.id)
            .outerjoin(AlertChannel, AlertChannel.id == AlertDelivery.channel_id)
            .where(Alert.incident_id == incident.id).order_by(Alert.at, Alert.id, AlertDelivery.id)):
        entry = sent.setdefault(alert.id, Sent(alert.at, alert.kind, []))
        if delivery is not None:
            entry.deliveries.append((channel or "", delivery.status, delivery.attempts, delivery.last_error,
                                     delivery.sent_at))
    updates = [(u, name) for u, name in session.execute(
        select(ServiceUpdate, DigitalService.name).join(DigitalService, DigitalService.id == ServiceUpdate.service_id)
        .where(ServiceUpdate.incident_id == incident.id).order_by(ServiceUpdate.at))]
    return IncidentView(
        incident, target.name, target.kind, target.criticality, unit.name if unit else "",
        names.get(incident.acknowledged_by, ""), names.get(incident.assignee_id, ""),
        _allowed_actions(session, viewer, target),
        [Activity(a.at, names.get(a.user_id, "sistem"), a.kind, a.text) for a in acts],
        events, checks, list(sent.values()), updates)


@dataclass
class Row:
    id: int
    unit_id: int  # the target's unit
    unit: str
    target: str
    started_at: datetime
    ended_at: datetime | None
    acknowledged_at: datetime | None
    assignee: str
    cause: str
    reason: str


LISTS = ("open", "unacknowledged", "recent")
RECENT = timedelta(days=7)


def listing(*, session: Session, viewer: Viewer, which: str = "open", now: datetime | None = None,
            limit: int = 500) -> list[Row]:
    """Incidents for the incident list: ongoing ones (the wall's), ongoing and not acknowledged, or every
    incident of the last seven days; of enabled targets (uptime.counted_incidents), newest first."""
    require_role(viewer, *READERS)
    if which not in LISTS:
        raise ValidationError("incident.list_unknown", field="which")
    now = now or utcnow()
    condition = counted_incidents() if which != "recent" else counted_incidents(now - RECENT, now)
    stmt = (select(Incident, Target.name, Unit.short_name, Unit.name, Unit.id)
            .join(Target, Target.id == Incident.target_id).join(Unit, Unit.id == Target.unit_id).where(condition))
    if which == "unacknowledged":
        stmt = stmt.where(Incident.acknowledged_at.is_(None))
    rows = session.execute(scoped(stmt.order_by(Incident.started_at.desc(), Incident.id.desc()).limit(limit),
                                  Target.unit_id, session, viewer)).all()
    names = _names(session, [i.assignee_id for i, *_ in rows])
    return [Row(i.id, unit_id, short or name, target, i.started_at, i.ended_at, i.acknowledged_at,
                names.get(i.assignee_id, ""), i.cause, i.reason) for i, target, short, name, unit_id in rows]


def unacknowledged_count(*, session: Session, viewer: Viewer) -> int:
    """How many ongoing incidents nobody has acknowledged: the count that links to that list."""
    require_role(viewer, *READERS)
    stmt = (select(func.count(Incident.id)).join(Target, Target.id == Incident.target_id)
            .where(counted_incidents(), Incident.acknowledged_at.is_(None)))
    return session.scalar(scoped(stmt, Target.unit_id, session, viewer)) or 0


def assignable(*, session: Session, viewer: Viewer, incident_id: int) -> list[tuple[int, str]]:
    """(user id, name) an admin may assign this incident to: active Kominfo users (admins), and active
    operators of the incident's unit or of a unit above it (a kecamatan's operator for its kelurahan)."""
    _incident, target = _load(session, viewer, incident_id)
    _require(session, viewer, target, "assign")
    users = session.scalars(select(User).where(User.active.is_(True), User.role.in_((Role.ADMIN, Role.SKPD)))
                            .order_by(User.role, User.display_name)).all()
    return [(u.id, u.display_name or u.username) for u in users if _may_hold(session, u, target.unit_id)]


def _may_hold(session: Session, user: User, unit_id: int) -> bool:
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SKPD and user.unit_id is not None and unit_id in subtree_ids(session, user.unit_id)


# -- working -----------------------------------------------------------------------------------
def _text(value: str, *, required: bool) -> str:
    clean = (value or "").strip()
    if has_control(clean.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise ValidationError("text.control_character", field="text", name="text")
    if len(clean) > TEXT_MAX:
        raise ValidationError("incident.text_too_long", field="text", max=TEXT_MAX)
    if required and not clean:
        raise ValidationError("incident.note_required", field="text")
    return clean


def _log(session: Session, viewer: Viewer, incident: Incident, kind: str, text: str, at: datetime) -> IncidentActivity:
    row = IncidentActivity(incident_id=incident.id, at=at, user_id=viewer.user_id, kind=kind, text=text)
    session.add(row)
    session.flush()
    return row


def acknowledge(*, session: Session, viewer: Viewer, incident_id: int, note: str = "",
                now: datetime | None = None) -> Incident:
    """'I'm on it': the first acknowledgement of an ongoing incident stops its escalation and starts MTTA's end.

    A conditional UPDATE, so two people acknowledging at once leave one acknowledgement (the first)."""
    incident, target = _load(session, viewer, incident_id)
    _require(session, viewer, target, "ack")
    text, now = _text(note, required=False), now or utcnow()
    if incident.ended_at is not None:
        raise ValidationError("incident.already_ended", field="text")
    done = session.execute(update(Incident).where(Incident.id == incident.id, Incident.acknowledged_at.is_(None))
                           .values(acknowledged_at=now, acknowledged_by=viewer.user_id))
    if not done.rowcount:
        raise ValidationError("incident.already_acknowledged", field="text")
    session.refresh(incident)
    _log(session, viewer, incident, "ack", text, now)
    return incident


def add_note(*, session: Session, viewer: Viewer, incident_id: int, text: str, now: datetime | None = None) -> None:
    incident, target = _load(session, viewer, incident_id)
    _require(session, viewer, target, "note")
    _log(session, viewer, incident, "note", _text(text, required=True), now or utcnow())


def assign(*, session: Session, viewer: Viewer, incident_id: int, user_id: int | None,
           now: datetime | None = None) -> Incident:
    """Give the incident to someone (None: to nobody); the activity names who now has it."""
    incident, target = _load(session, viewer, incident_id)
    _require(session, viewer, target, "assign")
    name = ""
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or not user.active or not _may_hold(session, user, target.unit_id):
            raise ValidationError("incident.assignee_invalid", field="assignee")
        name = user.display_name or user.username
    incident.assignee_id = user_id
    session.add(incident)
    _log(session, viewer, incident, "assign", name, now or utcnow())
    return incident


def set_cause(*, session: Session, viewer: Viewer, incident_id: int, cause: str, action: str,
              now: datetime | None = None) -> Incident:
    """The cause category and the action taken (admin): set when the cause is known, changeable after close."""
    incident, target = _load(session, viewer, incident_id)
    _require(session, viewer, target, "cause")
    if cause not in CAUSES:
        raise ValidationError("incident.cause_unknown", field="cause")
    incident.cause, incident.action = cause, _text(action, required=False)
    session.add(incident)
    _log(session, viewer, incident, "cause", f"{cause}: {incident.action}" if incident.action else cause,
         now or utcnow())
    return incident


# -- escalation settings -----------------------------------------------------------------------
def escalation_minutes(*, session: Session, viewer: Viewer | None = None) -> dict[str, int]:
    """Minutes before an unacknowledged incident escalates, per criticality (stored, else the defaults)."""
    keys = {ESCALATION_KEY.format(k): k for k in ESCALATION_DEFAULTS}
    stored = {keys[m.key]: m.value for m in session.scalars(select(AppMeta).where(AppMeta.key.in_(keys)))}
    return {k: int(stored[k]) if k in stored and stored[k].isdigit() else v for k, v in ESCALATION_DEFAULTS.items()}


def set_escalation_minutes(*, session: Session, viewer: Viewer, minutes: dict[str, int]) -> dict[str, int]:
    require_role(viewer, Role.ADMIN)
    for criticality, value in minutes.items():
        if criticality not in ESCALATION_DEFAULTS:
            raise ValidationError("incident.criticality_unknown", field=criticality)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 7 * 24 * 60:
            raise ValidationError("incident.escalation_minutes", field=criticality)
        key = ESCALATION_KEY.format(criticality)
        entry = session.get(AppMeta, key)
        if entry is None:
            session.add(AppMeta(key=key, value=str(value)))
        else:
            entry.value = str(value)
    session.flush()
    return escalation_minutes(session=session)
