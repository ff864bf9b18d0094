"""citizens' e-mail subscriptions to a public service's news (double opt-in) and the mails to them

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("digital_service.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("service_id", "email"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_subscription_service_id", "subscription", ["service_id"])
    op.create_index("ix_subscription_email", "subscription", ["email"])
    op.create_table(
        "subscription_mail",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.Integer(), sa.ForeignKey("subscription.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.UniqueConstraint("subscription_id", "kind", "ref_id"),
    )
    op.create_index("ix_subscription_mail_subscription_id", "subscription_mail", ["subscription_id"])
    op.create_index("ix_subscription_mail_due", "subscription_mail", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("subscription_mail")
    op.drop_table("subscription")
