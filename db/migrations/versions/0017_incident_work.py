"""incidents worked on by people: acknowledgement, assignee, cause and action, their activity; escalation channels

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("acknowledged_at", db.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("acknowledged_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cause", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("action", sa.String(length=1000), nullable=False, server_default=""))
        batch.create_foreign_key("fk_incident_acknowledged_by", "app_user", ["acknowledged_by"], ["id"])
        batch.create_foreign_key("fk_incident_assignee_id", "app_user", ["assignee_id"], ["id"])
        batch.create_index("ix_incident_assignee_id", ["assignee_id"])
    op.create_table(
        "incident_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", db.types.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_activity_incident_at", "incident_activity", ["incident_id", "at"])
    with op.batch_alter_table("alert_channel") as batch:
        batch.add_column(sa.Column("escalation", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("alert_channel") as batch:
        batch.drop_column("escalation")
    op.drop_index("ix_incident_activity_incident_at", table_name="incident_activity")
    op.drop_table("incident_activity")
    with op.batch_alter_table("incident") as batch:
        batch.drop_index("ix_incident_assignee_id")
        batch.drop_constraint("fk_incident_assignee_id", type_="foreignkey")
        batch.drop_constraint("fk_incident_acknowledged_by", type_="foreignkey")
        for column in ("action", "cause", "assignee_id", "acknowledged_by", "acknowledged_at"):
            batch.drop_column(column)
