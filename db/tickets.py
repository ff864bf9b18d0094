"""Tickets: problems people report — a unit's operator (laporan gangguan) or a citizen about a public service
(a complaint, looked up by its reference code) — with what was said and done on each, and an optional photo."""

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class Ticket(SQLModel, table=True):
    __table_args__ = (Index("ix_ticket_unit_state", "unit_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)  # the reference code: random, what a citizen looks it up by
    unit_id: int = Field(foreign_key="unit.id")  # the unit it is about (a complaint: the service's owner)
    source: str = Field(max_length=10)  # unit / citizen / kominfo (opened from an incident)
    category: str = Field(max_length=12)  # jaringan, perangkat, aplikasi, akun, lainnya
    description: str = Field(max_length=2000)
    target_id: int | None = Field(default=None, foreign_key="target.id")
    device_id: int | None = Field(default=None, foreign_key="device.id")
    application_id: int | None = Field(default=None, foreign_key="application.id")
    service_id: int | None = Field(default=None, foreign_key="digital_service.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    priority: str | None = Field(default=None, max_length=8)  # set at triage: rendah, sedang, tinggi, kritis
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id")
    state: str = Field(default="baru", max_length=10)  # baru, ditriase, dikerjakan, selesai, ditutup
    # A citizen's complaint waits for moderation (pending) before anyone but its moderators reads it.
    moderation: str = Field(default="", max_length=10)  # "" (a unit's own), pending, accepted, rejected
    client: str = Field(default="", max_length=64, index=True)  # a citizen's address as a keyed hash (rate limit)
    reporter: str = Field(default="", max_length=60)  # the user who filed it; "" for a citizen
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketActivity(SQLModel, table=True):
    """One step on a ticket: a reply (public: the reporter reads it) or an internal note, a change of state,
    priority or assignee, a moderation, a link to an incident."""

    __tablename__ = "ticket_activity"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=60)
    kind: str = Field(max_length=10)  # reply, note, state, priority, assign, moderate, incident
    public: bool = False
    value: str = Field(default="", max_length=60)  # the new state, priority, assignee's name, incident id
    message: str = Field(default="", max_length=2000)


class TicketPhoto(SQLModel, table=True):
    """A ticket's photo, kept in the store (a backup holds it), read only when someone opens it."""

    __tablename__ = "ticket_photo"

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    content_type: str = Field(max_length=20)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ReviewAction(SQLModel, table=True):
    """A follow-up action of the monthly SLA review (Pemdi indicator 19): what is to be done, by whom, by when.
    Made in the month it was agreed; a later month's review carries it forward while it stays open."""

    __tablename__ = "review_action"
    __table_args__ = (Index("ix_review_action_month_unit", "month", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    month: date  # the first day of the review's month
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # None: the city's own
    text: str = Field(max_length=500)
    owner: str = Field(default="", max_length=120)  # a person or a team, as the meeting named them
    due: date | None = None
    state: str = Field(default="terbuka", max_length=10)  # terbuka, selesai, batal
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
