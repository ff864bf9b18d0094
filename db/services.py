"""Digital services: what citizens and staff use (complaint channels, population administration,
licensing, health queues), each owned by a unit, made of monitoring targets, with service hours and
SLA targets; the organisation's holidays, which service hours leave out; citizens' e-mail subscriptions to a
public service's news and the mails to them."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class DigitalServiceBase(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", index=True)  # the owner
    name: str = Field(max_length=150)
    group: str = Field(default="", max_length=60)  # as citizens know them: "Kependudukan", "Kesehatan"
    description: str = Field(default="", max_length=300)
    audience: str = Field(default="public", max_length=10)  # public (on the status page) / internal
    target_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    application_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Service hours in the organisation's zone: every day listed (0 = Monday) from start to end minute;
    # all seven days 0–1440 is 24×7. Holidays leave a day out when `holidays_off`.
    days: list = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6], sa_column=Column(JSON, nullable=False))
    start_minute: int = 0
    end_minute: int = 1440
    holidays_off: bool = False
    sla_availability: float = 99.0  # percent per month, inside service hours
    sla_p95_ms: int | None = None  # 95th percentile of hourly mean response time, inside service hours
    sla_response_h: float | None = None  # first response to a complaint, hours
    support_channel: str = Field(default="", max_length=200)


class DigitalService(DigitalServiceBase, table=True):
    __tablename__ = "digital_service"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Holiday(SQLModel, table=True):
    """A day off for the whole organisation (national holidays, cuti bersama), as data an admin keeps."""

    __tablename__ = "holiday"

    day: date = Field(primary_key=True)
    name: str = Field(max_length=120)


class ServiceUpdate(SQLModel, table=True):
    """What the people running a service tell citizens about a problem, as it goes: investigating →
    identified → monitoring → resolved. Plain text, shown on the public page under the incident it is
    about, never dated before that incident began."""

    __tablename__ = "service_update"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="digital_service.id", index=True)
    # The incident of one of the service's targets it is about; None only on updates older than revision 0016.
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(max_length=15)  # investigating, identified, monitoring, resolved
    message: str = Field(max_length=500)
    author: str = Field(max_length=60)


class Feedback(SQLModel, table=True):
    """A citizen's rating (1–5) of a public service, with an optional comment: plain text, moderated by the
    service's owner or an admin before anyone else reads it. The client is kept only as a keyed hash, for
    the rate limit."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="digital_service.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    rating: int
    comment: str = Field(default="", max_length=1000)
    client: str = Field(max_length=64, index=True)
    hidden: bool = False
    moderated_by: str = Field(default="", max_length=60)


class Subscription(SQLModel, table=True):
    """A citizen's e-mail address for one public service's news, and nothing else about the person: inactive
    until the link mailed to it is confirmed (double opt-in), deleted with its mails on unsubscribing. The
    confirm token is kept only as its SHA-256."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("service_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="digital_service.id", ondelete="CASCADE", index=True)
    email: str = Field(max_length=254, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SubscriptionMail(SQLModel, table=True):
    """One mail to one subscription (the confirm link, a new incident, an update), sent through the e-mail alert
    channel: pending until sent, each failed try counted and retried later like an alert's delivery."""

    __tablename__ = "subscription_mail"
    __table_args__ = (UniqueConstraint("subscription_id", "kind", "ref_id"),
                      Index("ix_subscription_mail_due", "status", "next_attempt_at"))

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=10)  # confirm, incident, update
    ref_id: int | None = None  # the incident's or the service update's id; None for a confirm mail
    # The confirm token, only until its mail is sent or given up (the subscription keeps its hash alone).
    secret: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=10)  # pending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=500)
