"""service updates for citizens, and citizens' feedback on public services

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["digital_service.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_service_update_service_id", "service_update", ["service_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("moderated_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["digital_service.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_service_id", "feedback", ["service_id"])
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_index("ix_feedback_client", "feedback", ["client"])


def downgrade() -> None:
    op.drop_index("ix_feedback_client", "feedback")
    op.drop_index("ix_feedback_at", "feedback")
    op.drop_index("ix_feedback_service_id", "feedback")
    op.drop_table("feedback")
    op.drop_index("ix_service_update_service_id", "service_update")
    op.drop_table("service_update")
