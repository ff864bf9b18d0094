"""Laporan gangguan: a unit's operator files a problem for its unit (with what it is about: a target, device,
application or service it may see, and an optional photo); Kominfo (admin) triages it (priority), assigns it,
replies (to the reporter) or notes (internal), resolves and closes it; a ticket can be linked to an incident or
opened from one. Every read is scoped by the viewer's units; a citizen's complaint waiting for moderation is
read only by its moderators (admin, the service's owner unit). Each ticket carries its clocks (core.tickets.clock).
"""

import io
import secrets
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, can_write_unit, require_role, require_unit_write, scoped, unit_scope
from core.errors import NotFound, PermissionDenied, ValidationError
from core.i18n import t
from core.services.register import holidays
from core.text import has_control
from core.tickets import clock
from db.inventory import Application, Device
from db.models import Unit, User
from db.monitoring import Incident, Target
from db.services import DigitalService
from db.tickets import Ticket, TicketActivity, TicketPhoto
from db.types import utcnow

CATEGORIES = ("jaringan", "perangkat", "aplikasi", "akun", "lainnya")
STATES = ("baru", "ditriase", "dikerjakan", "selesai", "ditutup")
OPEN = ("baru", "ditriase", "dikerjakan")  # someone still has to act; selesai waits only to be closed
SOURCES = ("unit", "citizen", "kominfo")
MAX_DESCRIPTION = 2000
MIN_DESCRIPTION = 10
MAX_MESSAGE = 2000
# A photo: what an evidence file may weigh (core.evaluation.assessment), a PNG or JPEG by its content, and no
# more pixels than a phone camera makes (a small file may declare a huge picture: a decompression bomb).
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000
PHOTO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud and typed back without doubt
CODE_LENGTH = 10  # 30^10 ≈ 2^49 codes: not guessed, short enough to write down


@dataclass(frozen=True)
class TicketLine:
    ticket: Ticket
    unit: str
    service: str
    assignee: str
    clocks: clock.Clocks


@dataclass(frozen=True)
class Detail:
    line: TicketLine
    activity: list[TicketActivity]
    photo: bool
    links: dict[str, str]  # target / device / application / incident → what it is called
    names: dict[str, str] = field(default_factory=dict)  # an activity's actor (username) → the name people read


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normal_code(code: str) -> str:
    """A reference code as typed (lower case, spaces, with or without the dash) in its stored form."""
    raw = "".join(ch for ch in str(code).upper() if ch.isalnum())[:CODE_LENGTH + 2]
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == CODE_LENGTH else ""


def clean_text(value: str, field: str, most: int, least: int = 1) -> str:
    """Plain text as typed: trimmed, control characters refused (line breaks and tabs kept), bounded."""
    value = str(value or "").strip()
    if len(value) < least or len(value) > most:
        raise ValidationError("ticket.text_length", field=field, least=least, most=most)
    if has_control(value.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
        raise ValidationError("ticket.text_control", field=field)
    return value


def photo_type(data: bytes) -> str:
    """The photo's content type, read from its content (never its name); ValidationError otherwise."""
    if not data:
        raise ValidationError("ticket.photo_empty", field="photo")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError("ticket.photo_too_large", field="photo", limit_mb=MAX_PHOTO_BYTES // 2**20)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            kind, (width, height) = image.format, image.size
            if kind not in PHOTO_TYPES or width * height > MAX_PHOTO_PIXELS:
                raise ValidationError("ticket.photo_type", field="photo")
            image.verify()  # the whole file is the picture it declares, not a header on something else
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise ValidationError("ticket.photo_type", field="photo") from None
    return PHOTO_TYPES[kind]


def _visible(session: Session, viewer: Viewer, model, column, row_id: int | None, field: str) -> None:
    if row_id is None:
        return
    found = session.scalar(scoped(select(model.id).where(model.id == row_id), column, session, viewer))
    if found is None:
        raise ValidationError("ticket.link_unknown", field=field)


def record_step(session: Session, ticket: Ticket, by: Viewer, kind: str, *, value: str = "", message: str = "",
                public: bool = False, at: datetime | None = None) -> None:
    """One step on the ticket's activity, by whom and when; the ticket's last change moves with it."""
    session.add(TicketActivity(ticket_id=ticket.id, at=at or utcnow(), actor=by.username, kind=kind,
                               public=public, value=value, message=message))
    ticket.updated_at = at or utcnow()


def file_ticket(*, session: Session, viewer: Viewer, unit_id: int, category: str, description: str,
                target_id: int | None = None, device_id: int | None = None, application_id: int | None = None,
                service_id: int | None = None, incident_id: int | None = None, photo: bytes | None = None,
                now: datetime | None = None) -> Ticket:
    """A unit's report (its operator, or Kominfo on its behalf), about things the viewer may see."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    require_unit_write(session, viewer, unit_id)
    if category not in CATEGORIES:
        raise ValidationError("ticket.category_invalid", field="category")
    description = clean_text(description, "description", MAX_DESCRIPTION, MIN_DESCRIPTION)
    _visible(session, viewer, Target, Target.unit_id, target_id, "target_id")
    _visible(session, viewer, Device, Device.unit_id, device_id, "device_id")
    _visible(session, viewer, Application, Application.owner_unit_id, application_id, "application_id")
    _visible(session, viewer, DigitalService, DigitalService.unit_id, service_id, "service_id")
    _visible(session, viewer, Incident, Incident.unit_id, incident_id, "incident_id")
    content_type = photo_type(photo) if photo is not None else None
    now = now or utcnow()
    ticket = Ticket(code=new_code(), unit_id=unit_id, source="kominfo" if viewer.is_admin else "unit",
                    category=category, description=description, target_id=target_id, device_id=device_id,
                    application_id=application_id, service_id=service_id, incident_id=incident_id,
                    reporter=viewer.username, created_at=now, updated_at=now)
    session.add(ticket)
    session.flush()
    if content_type is not None:
        session.add(TicketPhoto(ticket_id=ticket.id, content_type=content_type, size=len(photo), data=photo))
    if incident_id is not None:
        record_step(session, ticket, viewer, "incident", value=str(incident_id), at=now)
    audit.record(session, viewer=viewer, action="create", table="ticket", row_id=ticket.id, unit_id=unit_id,
                 new={"code": ticket.code, "category": category, "description": description})
    return ticket


def from_incident(*, session: Session, viewer: Viewer, incident_id: int, description: str = "",
                  now: datetime | None = None) -> Ticket:
    """A ticket opened by Kominfo from an incident: the incident's unit and target, linked to it."""
    require_role(viewer, Role.ADMIN)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("ticket.incident_unknown")
    target = session.get(Target, incident.target_id)
    # Stored text, in the installation's default language like every other stored default.
    text = description.strip() or t("ticket.from_incident", target=target.name if target else "", id=incident.id)
    return file_ticket(session=session, viewer=viewer, unit_id=incident.unit_id, category="jaringan",
                       description=text, target_id=incident.target_id, incident_id=incident.id, now=now)


def _moderator(session: Session, viewer: Viewer, ticket: Ticket) -> bool:
    return viewer.role in (Role.ADMIN, Role.SKPD) and can_write_unit(session=session, viewer=viewer,
                                                                      unit_id=ticket.unit_id)


def _readable(session: Session, viewer: Viewer, ticket: Ticket) -> bool:
    scope = unit_scope(session, viewer)
    if scope is not None and ticket.unit_id not in scope:
        return False
    return ticket.moderation in ("", "accepted") or _moderator(session, viewer, ticket)


def get_ticket(*, session: Session, viewer: Viewer, ticket_id: int) -> Ticket:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or not _readable(session, viewer, ticket):
        raise NotFound("ticket.not_found")
    return ticket


class Lines:
    """Turns tickets into lines with their clocks, reading the names, services and hours once."""

    def __init__(self, session: Session, zone, now: datetime | None = None):
        self.session, self.zone, self.now = session, zone, now or utcnow()
        self.goals = clock.load_targets(session)
        self.off = holidays(session)
        self.names = {i: s or n for i, s, n in session.execute(select(Unit.id, Unit.short_name, Unit.name))}
        self.services = {s.id: s for s in session.scalars(select(DigitalService))}
        self.users = {i: d or u for i, u, d in session.execute(select(User.id, User.username, User.display_name))}

    def hours(self, ticket: Ticket) -> clock.Hours:
        return clock.hours_for(self.services.get(ticket.service_id), self.zone, self.off)

    def line(self, ticket: Ticket) -> TicketLine:
        service = self.services.get(ticket.service_id)
        return TicketLine(ticket, self.names.get(ticket.unit_id, ""), service.name if service else "",
                          self.users.get(ticket.assignee_id, ""),
                          clock.clocks(ticket, self.hours(ticket), self.goals, self.now))


def list_tickets(*, session: Session, viewer: Viewer, zone, which: str = "all", unit_ids: set[int] | None = None,
                 service_id: int | None = None, incident_id: int | None = None,
                 now: datetime | None = None) -> list[TicketLine]:
    """Tickets the viewer may read, newest first. `which`: all, open (someone has to act), breached (a clock
    past its target, open or not), moderation (citizens' complaints waiting, for their moderators).
    `incident_id`: only the tickets linked to that incident (its page lists them)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(Ticket), Ticket.unit_id, session, viewer)
    if unit_ids is not None:
        stmt = stmt.where(Ticket.unit_id.in_(unit_ids or {-1}))
    if service_id is not None:
        stmt = stmt.where(Ticket.service_id == service_id)
    if incident_id is not None:
        stmt = stmt.where(Ticket.incident_id == incident_id)
    if which == "moderation":
        stmt = stmt.where(Ticket.moderation == "pending")
    else:
        stmt = stmt.where(Ticket.moderation.in_(("", "accepted")))
    if which == "open":
        stmt = stmt.where(Ticket.state.in_(OPEN))
    rows = [t for t in session.scalars(stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()))
            if which != "moderation" or _moderator(session, viewer, t)]
    lines = Lines(session, zone, now)
    out = [lines.line(t) for t in rows]
    return [line for line in out if line.clocks.breached] if which == "breached" else out


def ticket_detail(*, session: Session, viewer: Viewer, ticket_id: int, zone, now: datetime | None = None) -> Detail:
    """One ticket with its activity (internal notes for Kominfo and leadership only), links and photo flag."""
    ticket = get_ticket(session=session, viewer=viewer, ticket_id=ticket_id)
    stmt = select(TicketActivity).where(TicketActivity.ticket_id == ticket.id)
    if viewer.role is Role.SKPD:
        stmt = stmt.where(TicketActivity.kind != "note")
    activity = list(session.scalars(stmt.order_by(TicketActivity.at, TicketActivity.id)))
    links = {}
    for key, model, row_id, attr in (("target", Target, ticket.target_id, "name"),
                                     ("device", Device, ticket.device_id, "brand_model"),
                                     ("application", Application, ticket.application_id, "name")):
        row = session.get(model, row_id) if row_id else None
        if row is not None:
            links[key] = getattr(row, attr) or f"#{row.id}"
    if ticket.incident_id:
        links["incident"] = f"#{ticket.incident_id}"
    photo = session.get(TicketPhoto, ticket.id) is not None
    actors = {a.actor for a in activity}
    names = {u: d or u for u, d in session.execute(select(User.username, User.display_name)
                                                   .where(User.username.in_(actors)))} if actors else {}
    return Detail(Lines(session, zone, now).line(ticket), activity, photo, links, names)


def ticket_photo(*, session: Session, viewer: Viewer, ticket_id: int) -> tuple[str, bytes]:
    ticket = get_ticket(session=session, viewer=viewer, ticket_id=ticket_id)
    row = session.get(TicketPhoto, ticket.id)
    if row is None:
        raise NotFound("ticket.not_found")
    return row.content_type, row.data


def _writable(session: Session, viewer: Viewer, ticket_id: int) -> Ticket:
    ticket = get_ticket(session=session, viewer=viewer, ticket_id=ticket_id)
    require_unit_write(session, viewer, ticket.unit_id)
    if ticket.moderation == "pending" and not viewer.is_admin:
        raise ValidationError("ticket.not_moderated", field="ticket_id")
    return ticket


def triage(*, session: Session, viewer: Viewer, ticket_id: int, priority: str, now: datetime | None = None) -> None:
    """Kominfo sets the priority; a new ticket becomes triaged."""
    require_role(viewer, Role.ADMIN)
    ticket = _writable(session, viewer, ticket_id)
    if priority not in clock.PRIORITIES:
        raise ValidationError("ticket.priority_invalid", field="priority")
    if ticket.moderation == "pending":
        raise ValidationError("ticket.not_moderated", field="ticket_id")
    if ticket.priority != priority:
        ticket.priority = priority
        record_step(session, ticket, viewer, "priority", value=priority, at=now)
    if ticket.state == "baru":
        ticket.state = "ditriase"
        record_step(session, ticket, viewer, "state", value="ditriase", at=now)


def assignees(*, session: Session, viewer: Viewer, ticket_id: int) -> list[User]:
    """Who may take the ticket: Kominfo's admins, or an operator of the ticket's unit."""
    ticket = get_ticket(session=session, viewer=viewer, ticket_id=ticket_id)
    rows = session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name, User.username))
    return [u for u in rows if u.role == Role.ADMIN or (u.role == Role.SKPD and u.unit_id == ticket.unit_id)]


def assign(*, session: Session, viewer: Viewer, ticket_id: int, user_id: int | None, now: datetime | None = None) -> None:
    require_role(viewer, Role.ADMIN)
    ticket = _writable(session, viewer, ticket_id)
    if user_id is not None and user_id not in {u.id for u in assignees(session=session, viewer=viewer,
                                                                        ticket_id=ticket.id)}:
        raise ValidationError("ticket.assignee_invalid", field="user_id")
    if ticket.assignee_id == user_id:
        return
    ticket.assignee_id = user_id
    user = session.get(User, user_id) if user_id else None
    record_step(session, ticket, viewer, "assign", value=(user.display_name or user.username)[:60] if user else "", at=now)
    if user is not None and ticket.state in ("baru", "ditriase"):
        ticket.state = "dikerjakan"
        record_step(session, ticket, viewer, "state", value="dikerjakan", at=now)


def _responder(viewer: Viewer, ticket: Ticket) -> bool:
    """Whose public reply is the first response: Kominfo's, or on a complaint also the service's owner unit."""
    return viewer.is_admin or (ticket.source == "citizen" and viewer.role is Role.SKPD)


def reply(*, session: Session, viewer: Viewer, ticket_id: int, message: str, public: bool = True,
          now: datetime | None = None) -> None:
    """A reply the reporter reads (public), or an internal note (Kominfo only)."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    ticket = _writable(session, viewer, ticket_id)
    if not public and not viewer.is_admin:
        raise PermissionDenied("error.not_allowed")
    message = clean_text(message, "message", MAX_MESSAGE)
    now = now or utcnow()
    record_step(session, ticket, viewer, "reply" if public else "note", message=message, public=public, at=now)
    if public and ticket.first_response_at is None and _responder(viewer, ticket):
        ticket.first_response_at = now


def set_state(*, session: Session, viewer: Viewer, ticket_id: int, state: str, now: datetime | None = None) -> None:
    """Kominfo moves a ticket (resolved: the resolution clock stops; back to work: it runs again); the unit may
    close its own ticket (withdrawn, or the fix confirmed)."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    ticket = _writable(session, viewer, ticket_id)
    if state not in STATES or state == "baru" or (not viewer.is_admin and state != "ditutup"):
        raise ValidationError("ticket.state_invalid", field="state")
    if ticket.state == state:
        return
    now = now or utcnow()
    ticket.state = state
    if state == "selesai":
        ticket.resolved_at = ticket.resolved_at or now
    elif state == "ditutup":
        ticket.resolved_at = ticket.resolved_at or now
        ticket.closed_at = now
    else:
        ticket.resolved_at = ticket.closed_at = None
    record_step(session, ticket, viewer, "state", value=state, public=True, at=now)


def link_incident(*, session: Session, viewer: Viewer, ticket_id: int, incident_id: int | None,
                  now: datetime | None = None) -> None:
    """Kominfo links the ticket to the incident behind it (or unlinks it)."""
    require_role(viewer, Role.ADMIN)
    ticket = _writable(session, viewer, ticket_id)
    if incident_id is not None and session.get(Incident, incident_id) is None:
        raise ValidationError("ticket.incident_unknown", field="incident_id")
    if ticket.incident_id != incident_id:
        ticket.incident_id = incident_id
        record_step(session, ticket, viewer, "incident", value=str(incident_id or ""), at=now)


def recent_incidents(*, session: Session, viewer: Viewer, ticket_id: int, limit: int = 30) -> list[tuple[int, str, datetime]]:
    """Incidents a ticket may be linked to: those of its unit's targets, newest first (id, target, start)."""
    ticket = get_ticket(session=session, viewer=viewer, ticket_id=ticket_id)
    stmt = (select(Incident.id, Target.name, Incident.started_at).join(Target, Target.id == Incident.target_id)
            .where(Incident.unit_id == ticket.unit_id).order_by(Incident.started_at.desc()).limit(limit))
    return [tuple(r) for r in session.execute(scoped(stmt, Incident.unit_id, session, viewer)).all()]


def link_options(*, session: Session, viewer: Viewer) -> dict[str, list[tuple[int, str]]]:
    """What a report may name, each a (id, label) the viewer may see: targets, devices, applications, services."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    names = {i: s or n for i, s, n in session.execute(select(Unit.id, Unit.short_name, Unit.name))}
    out: dict[str, list[tuple[int, str]]] = {}
    for key, model, unit, label in (("target", Target, Target.unit_id, Target.name),
                                    ("device", Device, Device.unit_id, Device.brand_model),
                                    ("application", Application, Application.owner_unit_id, Application.name),
                                    ("service", DigitalService, DigitalService.unit_id, DigitalService.name)):
        rows = session.execute(scoped(select(model.id, label, unit), unit, session, viewer).order_by(label)).all()
        out[key] = [(i, f"{text or f'#{i}'} · {names.get(u, '')}") for i, text, u in rows]
    return out


def incidents_without_ticket(*, session: Session, viewer: Viewer, since: datetime, limit: int = 50
                             ) -> list[tuple[int, str, datetime, datetime | None]]:
    """Incidents since a moment no ticket names yet, newest first (id, target, start, end): what Kominfo may open
    a ticket from."""
    require_role(viewer, Role.ADMIN)
    named = select(Ticket.incident_id).where(Ticket.incident_id.is_not(None))
    stmt = (select(Incident.id, Target.name, Incident.started_at, Incident.ended_at)
            .join(Target, Target.id == Incident.target_id)
            .where(Incident.started_at >= since, Incident.id.not_in(named))
            .order_by(Incident.started_at.desc()).limit(limit))
    return [tuple(r) for r in session.execute(scoped(stmt, Incident.unit_id, session, viewer)).all()]
