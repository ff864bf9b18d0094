"""Citizens' complaints about a public service: the public form files a ticket on the service (plain text,
rate-limited per client and service like feedback, the client kept only as a keyed hash), which waits for
moderation by admin or the service's owner unit before anyone else reads it; the citizen follows it by its
reference code, which shows its state and the public replies only — never the text they sent, a name or an
internal note. The service's complaint first-response target (sla_response_h) is measured from these tickets:
the share answered in time per service and month (core only; the SLA page shows it)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write
from core.errors import NotFound, ValidationError
from core.services.register import get_service, holidays
from core.services.sla import next_month
from core.tickets import clock
from core.tickets.tickets import (
    CATEGORIES,
    MAX_DESCRIPTION,
    MAX_MESSAGE,
    MIN_DESCRIPTION,
    clean_text,
    get_ticket,
    new_code,
    normal_code,
    record_step,
)
from db.services import DigitalService
from db.tickets import Ticket, TicketActivity
from db.types import utcnow

MAX_PER_HOUR = 3  # per client address and service, as feedback


@dataclass(frozen=True)
class PublicReply:
    at: datetime
    message: str


@dataclass(frozen=True)
class PublicView:
    """What the reference code shows: nothing the citizen typed, nobody's name, no internal note."""

    code: str
    service: str
    category: str
    filed_at: datetime
    state: str  # a ticket state, or "moderasi" (waiting) / "ditolak" (refused at moderation)
    replies: list[PublicReply]


def public_services(session: Session) -> list[DigitalService]:
    """The services a citizen may complain about: the public ones (no viewer: the public form)."""
    return list(session.scalars(select(DigitalService).where(DigitalService.audience == "public")
                                .order_by(DigitalService.group, DigitalService.name)))


def file_complaint(session: Session, *, service_id: int, category: str, description: str, client: str,
                   now: datetime | None = None) -> str:
    """A citizen's complaint on a public service; its reference code. ValidationError saying what to correct."""
    now = now or utcnow()
    service = session.get(DigitalService, service_id)
    if service is None or service.audience != "public":
        raise NotFound("service.not_found")
    if category not in CATEGORIES:
        raise ValidationError("ticket.category_invalid", field="category")
    description = clean_text(description, "description", MAX_DESCRIPTION, MIN_DESCRIPTION)
    recent = session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.service_id == service.id, Ticket.client == client, Ticket.created_at >= now - timedelta(hours=1)))
    if recent >= MAX_PER_HOUR:
        raise ValidationError("complaint.too_many", field="client", limit=MAX_PER_HOUR)
    ticket = Ticket(code=new_code(), unit_id=service.unit_id, source="citizen", category=category,
                    description=description, service_id=service.id, moderation="pending", client=client,
                    created_at=now, updated_at=now)
    session.add(ticket)
    session.flush()
    return ticket.code


def moderate(*, session: Session, viewer: Viewer, ticket_id: int, accept: bool, message: str = "",
             now: datetime | None = None) -> None:
    """Admin or the service's owner unit lets a complaint in (then it is a ticket like any other) or refuses it
    (spam, abuse, not about the service): refused, it is closed, with a public word when one is given."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    ticket = get_ticket(session=session, viewer=viewer, ticket_id=ticket_id)
    require_unit_write(session, viewer, ticket.unit_id)
    if ticket.moderation != "pending":
        raise ValidationError("complaint.not_pending", field="ticket_id")
    now = now or utcnow()
    message = clean_text(message, "message", MAX_MESSAGE) if message.strip() else ""
    ticket.moderation = "accepted" if accept else "rejected"
    record_step(session, ticket, viewer, "moderate", value=ticket.moderation, message=message, public=bool(message), at=now)
    if not accept:
        ticket.state, ticket.closed_at = "ditutup", now
    audit.record(session, viewer=viewer, action="update", table="ticket", row_id=ticket.id, unit_id=ticket.unit_id,
                 old={"moderation": "pending"}, new={"moderation": ticket.moderation})


def lookup(session: Session, code: str) -> PublicView | None:
    """A complaint by its reference code, as the citizen may see it (no viewer: the public page)."""
    code = normal_code(code)
    ticket = session.scalar(select(Ticket).where(Ticket.code == code, Ticket.source == "citizen")) if code else None
    if ticket is None:
        return None
    service = session.get(DigitalService, ticket.service_id) if ticket.service_id else None
    replies = [PublicReply(a.at, a.message) for a in session.scalars(
        select(TicketActivity).where(TicketActivity.ticket_id == ticket.id, TicketActivity.public.is_(True),
                                     TicketActivity.kind.in_(("reply", "moderate")), TicketActivity.message != "")
        .order_by(TicketActivity.at, TicketActivity.id))]
    state = {"pending": "moderasi", "rejected": "ditolak"}.get(ticket.moderation, ticket.state)
    return PublicView(ticket.code, service.name if service else "", ticket.category, ticket.created_at, state, replies)


@dataclass
class ResponseMonth(clock.Share):
    """A service's complaints filed in a month against its first-response target: answered in time, late (or
    past the target unanswered), and still inside the target unanswered (counted when decided)."""

    service_id: int
    month: date
    ticket_ids: list[int] | None = None


def counted(session: Session, service_ids: list[int], start: datetime, end: datetime) -> list[Ticket]:
    """The complaints a service's response compliance counts: citizens', let in by moderation (a refused one
    was never a complaint to answer), filed in [start, end)."""
    if not service_ids:
        return []
    return list(session.scalars(select(Ticket).where(
        Ticket.service_id.in_(service_ids), Ticket.source == "citizen", Ticket.moderation == "accepted",
        Ticket.created_at >= start, Ticket.created_at < end).order_by(Ticket.created_at)))


def response_compliance(session: Session, services: list[DigitalService], months: list[date], zone,
                        now: datetime | None = None) -> dict[tuple[int, date], ResponseMonth]:
    """(service, month) → its complaints' first responses against the service's target, in its hours; only
    services that declare a target (sla_response_h). The services are the caller's, already scoped."""
    now = now or utcnow()
    off, goals = holidays(session), clock.load_targets(session)
    declared = {s.id: s for s in services if s.sla_response_h}
    out: dict[tuple[int, date], ResponseMonth] = {}
    for month in months:
        start = datetime.combine(month, time(), zone)
        end = datetime.combine(next_month(month), time(), zone)
        for service in declared.values():
            out[(service.id, month)] = ResponseMonth(service.id, month, ticket_ids=[])
        for ticket in counted(session, list(declared), start, end):
            service = declared[ticket.service_id]
            response = clock.clocks(ticket, clock.hours_for(service, zone, off), goals, now).response
            result = out[(service.id, month)]
            result.ticket_ids.append(ticket.id)
            if response.breached:
                result.missed += 1
            elif response.done_at is not None:
                result.met += 1
            else:
                result.pending += 1
    return out


def service_response(*, session: Session, viewer: Viewer, service_id: int, months: list[date], zone,
                     now: datetime | None = None) -> list[ResponseMonth | None]:
    """One service's months for the viewer (None for each month when it declares no target)."""
    service = get_service(session=session, viewer=viewer, service_id=service_id)
    found = response_compliance(session, [service], months, zone, now)
    return [found.get((service.id, m)) for m in months]
