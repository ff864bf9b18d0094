"""Evaluation tables: periods, SPBE self-assessments with their answers and evidence, the versioned rules
that turn measured figures into levels, and the measured figures frozen when a period closes."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow


class EvaluationFramework(SQLModel, table=True):
    """An evaluation framework as data (core.evaluation.frameworks reads `document`: its weighted tree,
    level descriptions, predicate bands and who scores each indicator). Frozen once a period uses it."""

    __tablename__ = "evaluation_framework"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=20)
    title: str = Field(max_length=200)
    document: dict = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by: str = Field(default="", max_length=60)


class EvaluationPeriod(SQLModel, table=True):
    """One evaluation year, pinned to one framework. Closed periods accept no more changes and read their
    measured figures from the snapshot taken at closing."""

    __tablename__ = "evaluation_period"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, index=True)
    framework: str = Field(default="spbe-2020", max_length=20)  # evaluation_framework.code, never changed
    status: str = Field(default="open", max_length=10)  # open / closed
    # How the city's index is formed: "kominfo" (Kominfo's verified assessment of the whole government),
    # "average" (plain mean of the units' verified indices) or "employees" (mean weighted by employees).
    city_method: str = Field(default="kominfo", max_length=12)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deadline: date | None = None  # units submit their self-assessment by this day (the city's own schedule)


class Assessment(SQLModel, table=True):
    """A unit's self-assessment for a period; unit_id None is the government-wide one Kominfo fills."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("period_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="evaluation_period.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    status: str = Field(default="draft", max_length=10)  # draft / submitted / returned / verified
    note: str = Field(default="", max_length=500)  # why Kominfo returned it
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str = Field(default="", max_length=60)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by: str = Field(default="", max_length=60)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AssessmentAnswer(SQLModel, table=True):
    """One indicator of an assessment: the unit's level and justification, and Kominfo's verified level."""

    __tablename__ = "assessment_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    indicator: int
    level: int | None = None
    justification: str = Field(default="", max_length=2000)
    links: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    verified_level: int | None = None
    verify_reason: str = Field(default="", max_length=500)
    # An indicator another agency scores: where its level comes from (document, date), entered by an admin.
    source: str = Field(default="", max_length=300)
    source_date: date | None = None


class IndicatorOwner(SQLModel, table=True):
    """Who answers one indicator of the government-wide assessment in a period: the responsible unit
    (its operators fill level, justification and evidence), the units that add evidence, and where the
    indicator stands in Kominfo's check (draft → submitted → verified, or returned with a reason)."""

    __tablename__ = "indicator_owner"
    __table_args__ = (UniqueConstraint("period_id", "indicator"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="evaluation_period.id", index=True)
    indicator: int
    unit_id: int = Field(foreign_key="unit.id", index=True)
    contributors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # unit ids
    status: str = Field(default="draft", max_length=10)
    note: str = Field(default="", max_length=500)  # why Kominfo returned it
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: str = Field(default="", max_length=60)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by: str = Field(default="", max_length=60)


class Evidence(SQLModel, table=True):
    """An uploaded evidence file, kept in the store so a backup of the store holds it too."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    indicator: int
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = Field(max_length=60)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReadinessRule(SQLModel, table=True):
    """One version of the thresholds and weights that map measured figures to levels, for one period.
    A change adds a version; the newest version of a period is the one in force."""

    __tablename__ = "readiness_rule"
    __table_args__ = (UniqueConstraint("period_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="evaluation_period.id", index=True)
    version: int
    rules: dict = Field(sa_column=Column(JSON, nullable=False))  # measure → {"thresholds": [4 numbers], "weight"}
    actor: str = Field(max_length=60)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MeasureSnapshot(SQLModel, table=True):
    """A measured figure of a unit as it stood when its period closed."""

    __tablename__ = "measure_snapshot"
    __table_args__ = (UniqueConstraint("period_id", "unit_id", "measure"),)

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="evaluation_period.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    measure: str = Field(max_length=30)
    value: float | None = None
    inputs: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
