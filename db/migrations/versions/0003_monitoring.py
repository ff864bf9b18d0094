"""monitoring: targets, state, heartbeats, incidents, rollups, maintenance, workers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:04:45.474138
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('seen_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('target',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.Column('interval_s', sa.Integer(), nullable=False),
    sa.Column('timeout_s', sa.Float(), nullable=False),
    sa.Column('fail_threshold', sa.Integer(), nullable=False),
    sa.Column('criticality', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_unit_id'), ['unit_id'], unique=False)

    op.create_table('heartbeat',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('at', db.types.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('heartbeat', schema=None) as batch_op:
        batch_op.create_index('ix_heartbeat_target_at', ['target_id', 'at'], unique=False)

    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('started_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('ended_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_unit_id'), ['unit_id'], unique=False)

    op.create_table('maintenance_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('starts_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('ends_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('start_minute', sa.Integer(), nullable=True),
    sa.Column('duration_min', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_window_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_window_unit_id'), ['unit_id'], unique=False)

    for name in ("rollup_day", "rollup_hour", "rollup_minute"):
        # Keyed by (target, bucket) alone: on SQLite WITHOUT ROWID stores the key once, not twice.
        op.create_table(name,
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('bucket', db.types.UTCDateTime(), nullable=False),
        sa.Column('up_s', sa.Integer(), nullable=False),
        sa.Column('down_s', sa.Integer(), nullable=False),
        sa.Column('degraded_s', sa.Integer(), nullable=False),
        sa.Column('maintenance_s', sa.Integer(), nullable=False),
        sa.Column('unknown_s', sa.Integer(), nullable=False),
        sa.Column('checks', sa.Integer(), nullable=False),
        sa.Column('latency_n', sa.Integer(), nullable=False),
        sa.Column('latency_sum_ms', sa.Float(), nullable=False),
        sa.Column('latency_min_ms', sa.Float(), nullable=True),
        sa.Column('latency_max_ms', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
        sa.PrimaryKeyConstraint('target_id', 'bucket'),
        sqlite_with_rowid=False,
        )
    op.create_table('target_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('at', db.types.UTCDateTime(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('old', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('new', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('target_event', schema=None) as batch_op:
        batch_op.create_index('ix_target_event_target_at', ['target_id', 'at'], unique=False)

    op.create_table('target_state',
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('state_since', db.types.UTCDateTime(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('first_failure_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('first_failure_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('last_check_at', db.types.UTCDateTime(), nullable=True),
    sa.Column('last_latency_ms', sa.Float(), nullable=True),
    sa.Column('last_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('recent', sqlmodel.sql.sqltypes.AutoString(length=21), nullable=False),
    sa.Column('flapping', sa.Boolean(), nullable=False),
    sa.Column('open_incident_id', sa.Integer(), nullable=True),
    sa.Column('next_due_at', db.types.UTCDateTime(), nullable=False),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('lease_until', db.types.UTCDateTime(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('target_id')
    )
    with op.batch_alter_table('target_state', schema=None) as batch_op:
        batch_op.create_index('ix_target_state_due', ['next_due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('target_state', schema=None) as batch_op:
        batch_op.drop_index('ix_target_state_due')

    op.drop_table('target_state')
    with op.batch_alter_table('target_event', schema=None) as batch_op:
        batch_op.drop_index('ix_target_event_target_at')

    op.drop_table('target_event')
    op.drop_table('rollup_minute')
    op.drop_table('rollup_hour')
    op.drop_table('rollup_day')
    with op.batch_alter_table('maintenance_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_window_unit_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_window_target_id'))

    op.drop_table('maintenance_window')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_unit_id'))
        batch_op.drop_index(batch_op.f('ix_incident_target_id'))
        batch_op.drop_index(batch_op.f('ix_incident_started_at'))

    op.drop_table('incident')
    with op.batch_alter_table('heartbeat', schema=None) as batch_op:
        batch_op.drop_index('ix_heartbeat_target_at')

    op.drop_table('heartbeat')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_unit_id'))

    op.drop_table('target')
    op.drop_table('worker')
