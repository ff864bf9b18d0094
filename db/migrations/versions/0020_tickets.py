"""tickets: problems people report (a unit's operator, a citizen about a public service), their activity and photo

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.String(length=8), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("moderation", sa.String(length=10), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("reporter", sa.String(length=60), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("first_response_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["target_id"], ["target.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["digital_service.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["assignee_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_ticket_unit_state", "ticket", ["unit_id", "state"])
    op.create_index("ix_ticket_service_id", "ticket", ["service_id"])
    op.create_index("ix_ticket_incident_id", "ticket", ["incident_id"])
    op.create_index("ix_ticket_client", "ticket", ["client"])
    op.create_index("ix_ticket_created_at", "ticket", ["created_at"])
    op.create_table(
        "ticket_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_activity_ticket_id", "ticket_activity", ["ticket_id"])
    op.create_table(
        "ticket_photo",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
    )


def downgrade() -> None:
    op.drop_table("ticket_photo")
    op.drop_index("ix_ticket_activity_ticket_id", "ticket_activity")
    op.drop_table("ticket_activity")
    for name in ("ix_ticket_created_at", "ix_ticket_client", "ix_ticket_incident_id", "ix_ticket_service_id",
                 "ix_ticket_unit_state"):
        op.drop_index(name, "ticket")
    op.drop_table("ticket")
