"""inventory: devices, staff, applications, lists, duplicate decisions

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import db.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('device_category',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('useful_life_years', sa.Integer(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('duplicate_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('at', db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conflict_key')
    )
    op.create_table('staff_position',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('staff',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('nip', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('employment', sa.String(length=10), nullable=False),
    sa.Column('position', sa.String(length=40), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('competences', sa.JSON(), nullable=False),
    sa.Column('certifications', sa.String(length=500), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_nip'), ['nip'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_unit_id'), ['unit_id'], unique=False)

    op.create_table('application',
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('function', sa.String(length=150), nullable=False),
    sa.Column('app_type', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('platform', sa.String(length=10), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('hosting', sa.String(length=10), nullable=False),
    sa.Column('data_held', sa.String(length=500), nullable=False),
    sa.Column('integrations', sa.JSON(), nullable=False),
    sa.Column('user_units', sa.JSON(), nullable=False),
    sa.Column('year_built', sa.Integer(), nullable=True),
    sa.Column('annual_cost', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_owner_name', ['owner_unit_id', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_owner_unit_id'), ['owner_unit_id'], unique=False)

    op.create_table('device',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('brand_model', sa.String(length=120), nullable=False),
    sa.Column('serial_number', sa.String(length=80), nullable=False),
    sa.Column('asset_tag', sa.String(length=80), nullable=False),
    sa.Column('location', sa.String(length=120), nullable=False),
    sa.Column('purchase_year', sa.Integer(), nullable=True),
    sa.Column('purchase_value', sa.BigInteger(), nullable=True),
    sa.Column('funding_source', sa.String(length=10), nullable=False),
    sa.Column('condition', sa.String(length=15), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('warranty_end', sa.Date(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category'], ['device_category.code'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_asset_tag'), ['asset_tag'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_serial_number'), ['serial_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employees', sa.Integer(), nullable=True))

    # The starting lists; admins edit them afterwards. Useful lives follow the 4-5 years that
    # Indonesian asset rules give computer and network equipment.
    categories = sa.table("device_category", sa.column("code"), sa.column("name"),
                          sa.column("useful_life_years"), sa.column("sort"))
    op.bulk_insert(categories, [
        {"code": code, "name": name, "useful_life_years": life, "sort": i}
        for i, (code, name, life) in enumerate([
            ("pc", "PC", 4), ("laptop", "Laptop", 4), ("printer", "Printer", 4), ("server", "Server", 5),
            ("network", "Perangkat jaringan", 5), ("access_point", "Access point", 4), ("cctv", "CCTV", 5),
            ("ups", "UPS", 4), ("other", "Lainnya", 4),
        ])
    ])
    positions = sa.table("staff_position", sa.column("code"), sa.column("name"), sa.column("sort"))
    op.bulk_insert(positions, [
        {"code": code, "name": name, "sort": i}
        for i, (code, name) in enumerate([
            ("pk_terampil", "Pranata Komputer Terampil"), ("pk_mahir", "Pranata Komputer Mahir"),
            ("pk_penyelia", "Pranata Komputer Penyelia"), ("pk_pertama", "Pranata Komputer Ahli Pertama"),
            ("pk_muda", "Pranata Komputer Ahli Muda"), ("pk_madya", "Pranata Komputer Ahli Madya"),
            ("pk_utama", "Pranata Komputer Ahli Utama"), ("struktural", "Jabatan struktural"),
            ("pelaksana", "Pelaksana / teknisi"), ("other", "Lainnya"),
        ])
    ])



def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('employees')

    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_unit_id'))
        batch_op.drop_index(batch_op.f('ix_device_staff_id'))
        batch_op.drop_index(batch_op.f('ix_device_serial_number'))
        batch_op.drop_index(batch_op.f('ix_device_asset_tag'))

    op.drop_table('device')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_owner_unit_id'))
        batch_op.drop_index('ix_application_owner_name')

    op.drop_table('application')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_unit_id'))
        batch_op.drop_index(batch_op.f('ix_staff_nip'))

    op.drop_table('staff')
    op.drop_table('staff_position')
    op.drop_table('duplicate_decision')
    op.drop_table('device_category')
