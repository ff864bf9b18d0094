"""Inventory tables: devices, ICT staff and information systems per unit, the lists they draw on, and
the decisions taken on duplicate records."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class DeviceCategory(SQLModel, table=True):
    """A kind of device and its useful life; the list is data an admin can edit."""

    __tablename__ = "device_category"

    code: str = Field(primary_key=True, max_length=30)
    name: str = Field(max_length=80)
    useful_life_years: int = 4
    sort: int = 0


class StaffPosition(SQLModel, table=True):
    """A position an ICT staff member can hold (JF Pranata Komputer levels, structural, other)."""

    __tablename__ = "staff_position"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=120)
    sort: int = 0


class DeviceBase(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", index=True)
    category: str = Field(foreign_key="device_category.code", max_length=30)
    brand_model: str = Field(default="", max_length=120)
    serial_number: str = Field(default="", max_length=80, index=True)
    asset_tag: str = Field(default="", max_length=80, index=True)  # kode barang / nomor register
    location: str = Field(default="", max_length=120)
    purchase_year: int | None = None
    purchase_value: int | None = Field(default=None, sa_type=BigInteger)  # whole Rupiah
    funding_source: str = Field(default="apbd", max_length=10)
    condition: str = Field(default="baik", max_length=15)
    status: str = Field(default="in_use", max_length=12)
    warranty_end: date | None = None
    staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    ip_address: str = Field(default="", max_length=45)
    target_id: int | None = Field(default=None, foreign_key="target.id")


class Device(DeviceBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StaffBase(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", index=True)
    nip: str = Field(default="", max_length=18, index=True)  # empty for non-ASN
    name: str = Field(max_length=120)
    employment: str = Field(default="pns", max_length=10)
    position: str = Field(default="", max_length=40)
    education: str = Field(default="", max_length=20)
    # SPBE competence area → level 0 (none) … 3 (advanced).
    competences: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    certifications: str = Field(default="", max_length=500)


class Staff(StaffBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApplicationBase(SQLModel):
    owner_unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=150)
    function: str = Field(default="", max_length=150)  # what it does, e.g. "kepegawaian", "naskah dinas"
    app_type: str = Field(default="khusus", max_length=10)  # umum / khusus (PP 95/2018)
    origin: str = Field(default="daerah", max_length=10)  # pusat / daerah
    platform: str = Field(default="web", max_length=10)
    url: str = Field(default="", max_length=300)
    target_id: int | None = Field(default=None, foreign_key="target.id")
    hosting: str = Field(default="pdn", max_length=10)  # Kominfo data centre, own server, cloud
    data_held: str = Field(default="", max_length=500)
    integrations: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # other systems' names
    user_units: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # unit codes
    year_built: int | None = None
    annual_cost: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="active", max_length=12)


class Application(ApplicationBase, table=True):
    __table_args__ = (Index("ix_application_owner_name", "owner_unit_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DuplicateDecision(SQLModel, table=True):
    """A conflict an admin decided to keep: the same group of records is no longer listed as open."""

    __tablename__ = "duplicate_decision"
    __table_args__ = (UniqueConstraint("conflict_key"),)

    id: int | None = Field(default=None, primary_key=True)
    conflict_key: str = Field(max_length=300)
    kind: str = Field(max_length=20)
    reason: str = Field(max_length=500)
    actor: str = Field(max_length=60)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
