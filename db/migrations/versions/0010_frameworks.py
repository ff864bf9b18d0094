"""evaluation frameworks as data; each period pinned to one; outside agencies' results on answers;
indicator owners of the government-wide assessment

Periods that already hold answers keep the framework their answers were given on (spbe-2020, the only
one before this revision); an empty period from 2026 on takes pemdi-2026 (PermenPANRB 8/2026). The
framework rows themselves are stored on start (core.evaluation.frameworks.ensure_shipped).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_framework",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "indicator_owner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=60), nullable=False),
        sa.Column("verified_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("verified_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["evaluation_period.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "indicator"),
    )
    op.create_index("ix_indicator_owner_period_id", "indicator_owner", ["period_id"])
    op.create_index("ix_indicator_owner_unit_id", "indicator_owner", ["unit_id"])
    with op.batch_alter_table("evaluation_period") as batch_op:
        batch_op.add_column(sa.Column("framework", sa.String(length=20), nullable=False, server_default="spbe-2020"))
    with op.batch_alter_table("assessment_answer") as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("source_date", sa.Date(), nullable=True))
    op.execute("UPDATE evaluation_period SET framework = 'pemdi-2026' WHERE year >= 2026 AND NOT EXISTS "
               "(SELECT 1 FROM assessment a JOIN assessment_answer x ON x.assessment_id = a.id "
               "WHERE a.period_id = evaluation_period.id)")


def downgrade() -> None:
    with op.batch_alter_table("assessment_answer") as batch_op:
        batch_op.drop_column("source_date")
        batch_op.drop_column("source")
    with op.batch_alter_table("evaluation_period") as batch_op:
        batch_op.drop_column("framework")
    op.drop_index("ix_indicator_owner_unit_id", "indicator_owner")
    op.drop_index("ix_indicator_owner_period_id", "indicator_owner")
    op.drop_table("indicator_owner")
    op.drop_table("evaluation_framework")
