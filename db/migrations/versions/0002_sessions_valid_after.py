"""users: sessions_valid_after, so a logout or password reset revokes earlier re-login cookies

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("sessions_valid_after", db.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("sessions_valid_after")
