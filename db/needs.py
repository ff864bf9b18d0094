"""Needs tables: each unit's ICT needs per fiscal year with their review, the Kominfo data centre's spare
capacity (data the server/hosting check reads), the leadership's saved what-if budget scenarios, and the
finance office's data the budget is written in: account codes and which need goes under which, the city's
standard prices (SSH) and the budget lines units really had (imported from SIPD)."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class NeedBase(SQLModel):
    unit_id: int = Field(foreign_key="unit.id", index=True)
    fiscal_year: int
    item: str = Field(max_length=200)
    category: str = Field(default="hardware", max_length=15)
    device_category: str = Field(default="", max_length=30)  # for devices: the inventory category code
    quantity: int = 1
    unit_price: int = Field(default=0, sa_type=BigInteger)  # whole Rupiah, before any escalation
    justification: str = Field(default="", max_length=1000)
    priority: int = 3  # 1 (highest) … 5
    mandatory: bool = False  # required by a regulation or a running contract
    replaces: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # device ids
    improves_apps: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # application ids
    indicators: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # readiness measure codes
    competence_areas: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # draft → submitted → approved / revised (back to the unit) / rejected; set by the workflow only.
    status: str = Field(default="draft", max_length=10)
    review_note: str = Field(default="", max_length=500)
    funded: bool = False  # in the budget as adopted (set when a scenario is adopted)
    # Where the need goes in SIPD: the sub-activity code (optional until the RKA is drawn up), the unit of
    # measure (satuan) and the standard price item (SSH code) it is priced from, if any.
    sub_activity: str = Field(default="", max_length=60)
    measure: str = Field(default="", max_length=30)
    standard_code: str = Field(default="", max_length=60)


class Need(NeedBase, table=True):
    __table_args__ = (Index("ix_need_year_unit", "fiscal_year", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    reviewed_by: str = Field(default="", max_length=60)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DataCentreCapacity(SQLModel, table=True):
    """What the Kominfo data centre can still give units in a fiscal year, as Kominfo records it."""

    __tablename__ = "data_centre_capacity"

    fiscal_year: int = Field(primary_key=True)
    vcpu_free: int = 0
    ram_gb_free: int = 0
    storage_tb_free: float = 0.0
    note: str = Field(default="", max_length=300)
    updated_by: str = Field(default="", max_length=60)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Scenario(SQLModel, table=True):
    """A named what-if budget: its rules (ceiling, category limits, escalation, policy, manual choices).
    Its outcome is computed from the needs as they stand; `adopted_at` marks the one that became the budget."""

    __table_args__ = (UniqueConstraint("fiscal_year", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(index=True)
    name: str = Field(max_length=80)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id")
    owner: str = Field(default="", max_length=60)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    adopted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AccountCode(SQLModel, table=True):
    """An account code (kode rekening, Permendagri 90/2019 and its updates) ICT needs are budgeted under."""

    __tablename__ = "account_code"

    code: str = Field(primary_key=True, max_length=30)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=12)  # capital, goods, services, maintenance
    typical_need: str = Field(default="", max_length=200)


class AccountRule(SQLModel, table=True):
    """Which account a need of a category (and, for devices, a device category; "" for any) goes under:
    the capital code when its unit price reaches the city's capitalisation threshold, else the goods code."""

    __tablename__ = "account_rule"

    category: str = Field(primary_key=True, max_length=15)
    device_category: str = Field(default="", primary_key=True, max_length=30)
    capital_code: str = Field(default="", max_length=30)  # "" : never capital (services, training)
    goods_code: str = Field(max_length=30)
    updated_by: str = Field(default="", max_length=60)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StandardPrice(SQLModel, table=True):
    """One item of the city's standard unit prices (Standar Satuan Harga) of a fiscal year."""

    __tablename__ = "standard_price"
    __table_args__ = (UniqueConstraint("fiscal_year", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    fiscal_year: int = Field(index=True)
    code: str = Field(max_length=60)
    description: str = Field(max_length=300)
    specification: str = Field(default="", max_length=1000)
    measure: str = Field(default="", max_length=30)
    price: int = Field(sa_type=BigInteger)  # whole Rupiah
    imported_by: str = Field(default="", max_length=60)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BudgetLine(SQLModel, table=True):
    """A line of a unit's RKA/DPA as SIPD exported it: what the unit really had in the budget of a year."""

    __tablename__ = "budget_line"
    __table_args__ = (Index("ix_budget_line_year_unit", "fiscal_year", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    fiscal_year: int
    sub_activity: str = Field(default="", max_length=60)
    sub_activity_name: str = Field(default="", max_length=300)
    account_code: str = Field(default="", max_length=30)
    account_name: str = Field(default="", max_length=300)
    item: str = Field(max_length=300)  # nama komponen
    specification: str = Field(default="", max_length=1000)
    measure: str = Field(default="", max_length=60)
    volume: float = 0.0  # koefisien: "2 Unit x 12 Bulan" is 24
    unit_price: int = Field(default=0, sa_type=BigInteger)
    total: int = Field(default=0, sa_type=BigInteger)
    source: str = Field(default="", max_length=200)  # the file it came from
    imported_by: str = Field(default="", max_length=60)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
