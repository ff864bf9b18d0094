"""SQLModel tables: units, users, audit log and a small key/value table for store facts."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class UnitProfile(SQLModel):
    """The contact details a unit keeps up to date itself."""

    head_name: str = Field(default="", max_length=120)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=120)
    website: str = Field(default="", max_length=200)


class UnitBase(UnitProfile):
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    short_name: str = Field(default="", max_length=80)
    kind: str = Field(max_length=20)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    active: bool = True
    # All employees of the unit (not only ICT staff), for devices per employee and ICT staff per 100.
    employees: int | None = None


class Unit(UnitBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserFields(SQLModel):
    """What an admin may change on an account."""

    display_name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    active: bool = True


class UserBase(UserFields):
    username: str = Field(max_length=60, unique=True, index=True)
    language: str | None = Field(default=None, max_length=5)


class User(UserBase, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=100)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Re-login cookies issued at or before this moment are refused (logout, password reset).
    sessions_valid_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """One login attempt: the name as typed (known or not) and the client it came from."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),
                      Index("ix_login_attempt_client_at", "client", "at"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    username: str = Field(max_length=60)
    client: str = Field(max_length=64)
    ok: bool = False


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_table_row", "table_name", "row_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor: str = Field(max_length=60)
    action: str = Field(max_length=30)
    table_name: str = Field(max_length=40)
    row_id: int | None = None
    # The unit the changed row belongs to, so the log can be scoped like everything else.
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    old_values: dict | None = Field(default=None, sa_column=Column(JSON))
    new_values: dict | None = Field(default=None, sa_column=Column(JSON))


class AppMeta(SQLModel, table=True):
    __tablename__ = "app_meta"

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=200)
