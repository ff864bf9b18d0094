"""digital services with service hours and SLA targets; the organisation's holidays

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digital_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("group", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("target_ids", sa.JSON(), nullable=False),
        sa.Column("application_ids", sa.JSON(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("holidays_off", sa.Boolean(), nullable=False),
        sa.Column("sla_availability", sa.Float(), nullable=False),
        sa.Column("sla_p95_ms", sa.Integer(), nullable=True),
        sa.Column("sla_response_h", sa.Float(), nullable=True),
        sa.Column("support_channel", sa.String(length=200), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_digital_service_unit_id", "digital_service", ["unit_id"])
    op.create_table(
        "holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("holiday")
    op.drop_index("ix_digital_service_unit_id", "digital_service")
    op.drop_table("digital_service")
