"""probe agents in units' networks, their enrolment codes, read-API tokens; a target's agent

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("unit_ids", sa.JSON(), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=False),
        sa.Column("push_interval_s", sa.Integer(), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("rotated_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("last_seen_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("last_address", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("acked_seq", sa.Integer(), nullable=False),
        sa.Column("backlog", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_agent_credential_hash", "agent", ["credential_hash"], unique=True)
    op.create_table(
        "agent_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("unit_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agent_enrolment_code_hash", "agent_enrolment", ["code_hash"], unique=True)
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_token_token_hash", "api_token", ["token_hash"], unique=True)
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("agent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_target_agent_id", "agent", ["agent_id"], ["id"])
        batch.create_index("ix_target_agent_id", ["agent_id"])


def downgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.drop_index("ix_target_agent_id")
        batch.drop_constraint("fk_target_agent_id", type_="foreignkey")
        batch.drop_column("agent_id")
    op.drop_index("ix_api_token_token_hash", "api_token")
    op.drop_table("api_token")
    op.drop_index("ix_agent_enrolment_code_hash", "agent_enrolment")
    op.drop_table("agent_enrolment")
    op.drop_index("ix_agent_credential_hash", "agent")
    op.drop_table("agent")
