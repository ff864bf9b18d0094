"""evaluation: periods, SPBE self-assessments, answers, evidence, readiness rules, measure snapshots

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("city_method", sa.String(length=12), nullable=False),
        sa.Column("closed_at", db.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evaluation_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_period_year"), ["year"], unique=True)

    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("submitted_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=60), nullable=False),
        sa.Column("verified_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("verified_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["evaluation_period.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "unit_id"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "measure_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["evaluation_period.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "unit_id", "measure"),
    )
    with op.batch_alter_table("measure_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_snapshot_period_id"), ["period_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_snapshot_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "readiness_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["evaluation_period.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "version"),
    )
    with op.batch_alter_table("readiness_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_readiness_rule_period_id"), ["period_id"], unique=False)

    op.create_table(
        "assessment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("justification", sa.String(length=2000), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("verified_level", sa.Integer(), nullable=True),
        sa.Column("verify_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "indicator"),
    )
    with op.batch_alter_table("assessment_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_answer_assessment_id"), ["assessment_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=60), nullable=False),
        sa.Column("uploaded_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_assessment_id"), ["assessment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_assessment_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("assessment_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_answer_assessment_id"))

    op.drop_table("assessment_answer")
    with op.batch_alter_table("readiness_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readiness_rule_period_id"))

    op.drop_table("readiness_rule")
    with op.batch_alter_table("measure_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_snapshot_unit_id"))
        batch_op.drop_index(batch_op.f("ix_measure_snapshot_period_id"))

    op.drop_table("measure_snapshot")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_period_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("evaluation_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_period_year"))

    op.drop_table("evaluation_period")
