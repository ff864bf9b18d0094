"""a service's update for citizens belongs to the incident it is about

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: updates written before this revision name no incident; every new one does (core.services.voice).
    with op.batch_alter_table("service_update") as batch:
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_service_update_incident_id", "incident", ["incident_id"], ["id"])
        batch.create_index("ix_service_update_incident_id", ["incident_id"])


def downgrade() -> None:
    with op.batch_alter_table("service_update") as batch:
        batch.drop_index("ix_service_update_incident_id")
        batch.drop_constraint("fk_service_update_incident_id", type_="foreignkey")
        batch.drop_column("incident_id")
