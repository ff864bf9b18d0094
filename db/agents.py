"""Probe agents in units' own networks, their one-time enrolment codes, and read-API tokens.

Every secret here is stored as its SHA-256: the codes and credentials are 256-bit random strings, so a
slow password hash would add nothing but latency to every push.
"""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class Agent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    unit_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # and their subtrees
    credential_hash: str = Field(max_length=64, unique=True, index=True)
    push_interval_s: int = 10
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    rotated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_address: str = Field(default="", max_length=64)
    version: str = Field(default="", max_length=40)
    acked_seq: int = 0  # the highest sequence number stored; every lower one is stored or refused
    backlog: int = 0  # results waiting in the agent's outbox, as it last said
    stored: int = 0  # results stored in all
    refused: int = 0  # results refused (out-of-bounds time, a target not its own)
    silent: bool = False  # told as silent; cleared when it reports again


class AgentEnrolment(SQLModel, table=True):
    __tablename__ = "agent_enrolment"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=80)
    unit_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    agent_id: int | None = Field(default=None, foreign_key="agent.id")


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12)  # the first characters, so an admin can tell tokens apart
    role: str = Field(max_length=12)  # a core.access.Role the token reads as
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    created_by: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
