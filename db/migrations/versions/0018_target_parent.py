"""a target may depend on a parent target (root cause, not alert storms)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: a target without a parent depends on nothing (every target before this revision).
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_target_parent_id", "target", ["parent_id"], ["id"])
        batch.create_index("ix_target_parent_id", ["parent_id"])


def downgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.drop_index("ix_target_parent_id")
        batch.drop_constraint("fk_target_parent_id", type_="foreignkey")
        batch.drop_column("parent_id")
