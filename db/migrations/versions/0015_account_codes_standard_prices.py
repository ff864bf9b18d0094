"""account codes and the rule mapping needs to them, standard prices (SSH), budget lines from SIPD; a
need's sub-activity, unit of measure and standard item

Revision ID: 0015
Revises: 0014
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import db.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

CODES = Path(__file__).resolve().parents[2] / "reference" / "ict_budget_codes.csv"
# The starting mapping (an admin edits it on the Rekening & SSH page): need category, device category
# ("" for any), the capital account (unit price at or above the capitalisation threshold; "" never
# capital), the goods-and-services account below it. Codes as in the reference list of usual ICT accounts.
RULES = [
    ("hardware", "", "5.2.02.10.02.0005", "5.1.02.01.01.0029"),
    ("hardware", "pc", "5.2.02.10.01.0002", "5.1.02.01.01.0029"),
    ("hardware", "laptop", "5.2.02.10.01.0002", "5.1.02.01.01.0029"),
    ("hardware", "server", "5.2.02.10.01.0001", "5.1.02.01.01.0029"),
    ("hardware", "printer", "5.2.02.10.02.0003", "5.1.02.01.01.0029"),
    ("hardware", "ups", "5.2.02.10.02.0003", "5.1.02.01.01.0029"),
    ("hardware", "network", "5.2.02.10.02.0004", "5.1.02.01.01.0029"),
    ("hardware", "access_point", "5.2.02.10.02.0004", "5.1.02.01.01.0029"),
    ("infrastructure", "", "5.2.02.10.02.0004", "5.1.02.01.01.0029"),
    ("infrastructure", "server", "5.2.02.10.01.0001", "5.1.02.01.01.0029"),
    ("software", "", "5.2.05.08.01.0005", "5.1.02.01.01.0029"),
    ("application", "", "5.2.05.08.01.0005", "5.1.02.02.01.0029"),
    ("connectivity", "", "", "5.1.02.02.01.0063"),
    ("training", "", "", "5.1.02.02.12.0001"),
    ("service", "", "", "5.1.02.02.01.0029"),
]


def upgrade() -> None:
    codes = op.create_table(
        "account_code",
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("typical_need", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    rules = op.create_table(
        "account_rule",
        sa.Column("category", sa.String(length=15), nullable=False),
        sa.Column("device_category", sa.String(length=30), nullable=False),
        sa.Column("capital_code", sa.String(length=30), nullable=False),
        sa.Column("goods_code", sa.String(length=30), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("category", "device_category"),
    )
    op.create_table(
        "standard_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("specification", sa.String(length=1000), nullable=False),
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("imported_by", sa.String(length=60), nullable=False),
        sa.Column("imported_at", db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fiscal_year", "code"),
    )
    op.create_index("ix_standard_price_fiscal_year", "standard_price", ["fiscal_year"])
    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("sub_activity", sa.String(length=60), nullable=False),
        sa.Column("sub_activity_name", sa.String(length=300), nullable=False),
        sa.Column("account_code", sa.String(length=30), nullable=False),
        sa.Column("account_name", sa.String(length=300), nullable=False),
        sa.Column("item", sa.String(length=300), nullable=False),
        sa.Column("specification", sa.String(length=1000), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_by", sa.String(length=60), nullable=False),
        sa.Column("imported_at", db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_budget_line_year_unit", "budget_line", ["fiscal_year", "unit_id"])
    with op.batch_alter_table("need") as batch:
        batch.add_column(sa.Column("sub_activity", sa.String(length=60), nullable=False, server_default=""))
        batch.add_column(sa.Column("measure", sa.String(length=30), nullable=False, server_default=""))
        batch.add_column(sa.Column("standard_code", sa.String(length=60), nullable=False, server_default=""))
    with op.batch_alter_table("need") as batch:  # the model keeps no server default
        for name in ("sub_activity", "measure", "standard_code"):
            batch.alter_column(name, server_default=None)

    with CODES.open(encoding="utf-8", newline="") as f:
        op.bulk_insert(codes, [{"code": r["code"], "name": r["name"], "kind": r["kind"],
                                "typical_need": r["typical_need"]} for r in csv.DictReader(f)])
    now = db.types.utcnow()
    op.bulk_insert(rules, [{"category": c, "device_category": d, "capital_code": cap, "goods_code": goods,
                            "updated_by": "", "updated_at": now} for c, d, cap, goods in RULES])


def downgrade() -> None:
    with op.batch_alter_table("need") as batch:
        for name in ("standard_code", "measure", "sub_activity"):
            batch.drop_column(name)
    op.drop_index("ix_budget_line_year_unit", table_name="budget_line")
    op.drop_table("budget_line")
    op.drop_index("ix_standard_price_fiscal_year", table_name="standard_price")
    op.drop_table("standard_price")
    op.drop_table("account_rule")
    op.drop_table("account_code")
