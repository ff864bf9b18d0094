"""review actions: the follow-up actions of the monthly SLA review, carried forward while open

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_action_month_unit", "review_action", ["month", "unit_id"])
    op.create_index("ix_review_action_unit_id", "review_action", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_review_action_unit_id", table_name="review_action")
    op.drop_index("ix_review_action_month_unit", table_name="review_action")
    op.drop_table("review_action")
