"""Monitoring tables: targets and their live state, heartbeats, incidents, rollups, maintenance, workers."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class State(StrEnum):
    """What a target is, as target_state.state and heartbeat.status store it. The one spelling of the states:
    what each looks like and which is worse live in core.monitoring.states."""

    UP = "UP"
    PENDING = "PENDING"  # failed, but fewer times in a row than its threshold
    DOWN = "DOWN"
    DEGRADED = "DEGRADED"  # answers, but not fully (an interface down)
    MAINTENANCE = "MAINTENANCE"  # checked inside a maintenance window
    UNKNOWN = "UNKNOWN"  # not checked yet, or no fresh data
    # Failing while its parent target is down or failing: explained by the parent, so it opens no incident
    # and raises no alert of its own (core.monitoring.dependencies); its checks still count as down time.
    UNREACHABLE = "UNREACHABLE"


class TargetBase(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=10)  # a probe kind: one of probes.kinds.KINDS
    host: str = Field(max_length=500)  # host name or IP; the URL for http
    port: int | None = None
    interval_s: int = 60
    timeout_s: float = 5.0
    fail_threshold: int = 3
    criticality: str = Field(default="normal", max_length=10)
    enabled: bool = True
    # Checked by this agent inside the unit's own network; None: by the central probe workers.
    agent_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    # The kind's options, as its schema in probes.kinds declares them (only what differs from the defaults).
    options: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The target this one is reached through (a kelurahan's router behind its kecamatan's uplink); no cycles.
    parent_id: int | None = Field(default=None, foreign_key="target.id", index=True)


class Target(TargetBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TargetState(SQLModel, table=True):
    """What the workers know about a target now; kept apart from Target so edits and checks never collide."""

    __tablename__ = "target_state"
    __table_args__ = (Index("ix_target_state_due", "next_due_at"),)

    target_id: int = Field(foreign_key="target.id", primary_key=True)
    state: str = Field(default=State.UNKNOWN, max_length=12)
    state_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consecutive_failures: int = 0
    first_failure_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_failure_reason: str = Field(default="", max_length=300)
    last_check_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_latency_ms: float | None = None
    last_reason: str = Field(default="", max_length=300)
    # The last 21 results, newest last: u(p), d(own), g (degraded), for flap detection.
    recent: str = Field(default="", max_length=21)
    flapping: bool = False
    open_incident_id: int | None = None
    next_due_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_owner: str | None = Field(default=None, max_length=80)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Heartbeat(SQLModel, table=True):
    """One check. Raw heartbeats are kept for a short time; rollups keep the history."""

    __table_args__ = (Index("ix_heartbeat_target_at", "target_id", "at"),)

    # BIGINT on PostgreSQL (millions of rows a day); plain INTEGER on SQLite, where only that autoincrements.
    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True))
    target_id: int = Field(foreign_key="target.id")
    at: datetime = Field(sa_type=UTCDateTime)  # found through (target_id, at); no index of its own
    status: str = Field(max_length=12)  # a State: UP, DOWN, DEGRADED or MAINTENANCE
    latency_ms: float | None = None
    reason: str = Field(default="", max_length=300)


class Incident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    started_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str = Field(default="", max_length=300)
    end_reason: str = Field(default="", max_length=300)
    # Worked on by people (core.monitoring.incidents): who said "on it" and when (MTTA), who has it, and
    # once known the cause category (CAUSES there) and the action taken.
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: int | None = Field(default=None, foreign_key="app_user.id")
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    cause: str = Field(default="", max_length=20)
    action: str = Field(default="", max_length=1000)


class IncidentActivity(SQLModel, table=True):
    """One thing a person did on an incident: acknowledged, assigned, noted, set the cause. Plain text."""

    __tablename__ = "incident_activity"
    __table_args__ = (Index("ix_incident_activity_incident_at", "incident_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    kind: str = Field(max_length=10)  # ack, assign, note, cause
    text: str = Field(default="", max_length=1000)


class TargetEvent(SQLModel, table=True):
    """Things worth keeping for good: state changes, reboots seen by SNMP, flapping start and end."""

    __tablename__ = "target_event"
    __table_args__ = (Index("ix_target_event_target_at", "target_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id")
    at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=20)  # state, reboot, flapping, flapping_end
    old: str = Field(default="", max_length=20)
    new: str = Field(default="", max_length=20)
    message: str = Field(default="", max_length=300)


class _Rollup(SQLModel):
    target_id: int = Field(foreign_key="target.id", primary_key=True)
    bucket: datetime = Field(sa_type=UTCDateTime, primary_key=True)  # bucket start, cut in the org's zone
    up_s: int = 0
    down_s: int = 0
    degraded_s: int = 0
    maintenance_s: int = 0
    unknown_s: int = 0
    checks: int = 0
    latency_n: int = 0
    latency_sum_ms: float = 0.0
    latency_min_ms: float | None = None
    latency_max_ms: float | None = None


class RollupMinute(_Rollup, table=True):
    __tablename__ = "rollup_minute"
    __table_args__ = {"sqlite_with_rowid": False}


class RollupHour(_Rollup, table=True):
    __tablename__ = "rollup_hour"
    __table_args__ = {"sqlite_with_rowid": False}


class RollupDay(_Rollup, table=True):
    __tablename__ = "rollup_day"
    __table_args__ = {"sqlite_with_rowid": False}


class MaintenanceWindowBase(SQLModel):
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    target_id: int | None = Field(default=None, foreign_key="target.id", index=True)
    kind: str = Field(max_length=10)  # once, weekly
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # once
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # once
    weekday: int | None = None  # weekly: 0 = Monday, in the organisation's zone
    start_minute: int | None = None  # weekly: minutes after local midnight
    duration_min: int | None = None  # weekly
    reason: str = Field(default="", max_length=200)


class MaintenanceWindow(MaintenanceWindowBase, table=True):
    __tablename__ = "maintenance_window"

    id: int | None = Field(default=None, primary_key=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Worker(SQLModel, table=True):
    """Each probe worker writes here every few seconds, so the wall can tell live data from stale."""

    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    host: str = Field(default="", max_length=120)
    pid: int = 0
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    checks: int = 0


class InterfaceSample(SQLModel, table=True):
    """Traffic and status of one SNMP interface at one check; kept as long as heartbeats."""

    __tablename__ = "interface_sample"
    __table_args__ = (Index("ix_interface_sample_target_at", "target_id", "at"),)

    id: int | None = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True))
    target_id: int = Field(foreign_key="target.id")
    at: datetime = Field(sa_type=UTCDateTime)
    if_index: int
    name: str = Field(max_length=80)
    oper: int = 0
    in_bps: float | None = None
    out_bps: float | None = None


class AlertChannelBase(SQLModel):
    name: str = Field(max_length=120)
    kind: str = Field(max_length=10)  # a channel kind: one of core.alerts.channels.CHANNELS
    address: str = Field(max_length=500)  # chat id; comma-separated e-mail addresses; webhook URL
    secret: str = Field(default="", max_length=500)  # bot token; webhook bearer token
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)  # None: Kominfo, gets all
    enabled: bool = True
    # An escalation channel (the head of Kominfo's chat) hears only of incidents nobody acknowledged in time.
    escalation: bool = False


class AlertChannel(AlertChannelBase, table=True):
    """Where alerts go: a Telegram chat, e-mail addresses or a webhook; for Kominfo (no unit) or one unit."""

    __tablename__ = "alert_channel"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Alert(SQLModel, table=True):
    """Something to tell people about, written in the same transaction as the state change it reports."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)  # down, recovery, reminder, cert, test, escalation
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    target_id: int | None = Field(default=None, foreign_key="target.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AlertDelivery(SQLModel, table=True):
    """One alert to one channel: pending until sent; each failed try is counted, kept and retried later."""

    __tablename__ = "alert_delivery"
    __table_args__ = (Index("ix_alert_delivery_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    channel_id: int = Field(foreign_key="alert_channel.id", index=True)
    status: str = Field(default="pending", max_length=10)  # pending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=500)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
