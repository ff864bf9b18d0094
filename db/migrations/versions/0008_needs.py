"""needs: ICT needs per unit and fiscal year, data centre capacity, budget scenarios

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import db.types


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_centre_capacity",
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("vcpu_free", sa.Integer(), nullable=False),
        sa.Column("ram_gb_free", sa.Integer(), nullable=False),
        sa.Column("storage_tb_free", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("fiscal_year"),
    )
    op.create_table(
        "need",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=15), nullable=False),
        sa.Column("device_category", sa.String(length=30), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("justification", sa.String(length=1000), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("replaces", sa.JSON(), nullable=False),
        sa.Column("improves_apps", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("competence_areas", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("review_note", sa.String(length=500), nullable=False),
        sa.Column("funded", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=60), nullable=False),
        sa.Column("reviewed_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index("ix_need_year_unit", ["fiscal_year", "unit_id"], unique=False)

    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("adopted_at", db.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fiscal_year", "name"),
    )
    with op.batch_alter_table("scenario", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scenario_fiscal_year"), ["fiscal_year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scenario", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scenario_fiscal_year"))

    op.drop_table("scenario")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index("ix_need_year_unit")
        batch_op.drop_index(batch_op.f("ix_need_unit_id"))

    op.drop_table("need")
    op.drop_table("data_centre_capacity")
