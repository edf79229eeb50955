"""weight, zone refresh, reconnect, look back on connect, lift focus, deferrals, OAuth states

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weight_kg', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('zones_read_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('needs_reconnect', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('backfilled_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('athlete_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goal_chosen_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lift_focus', sa.String(length=10), nullable=True))
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deferred_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deferred_reason', sa.String(length=40), nullable=True))
    with op.batch_alter_table('pairs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lift_focus', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('origin', sa.String(length=20), nullable=False, server_default='event'))
    op.create_table(
        'oauth_states',
        sa.Column('state', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('state'),
    )


def downgrade():
    op.drop_table('oauth_states')
    with op.batch_alter_table('pairs', schema=None) as batch_op:
        batch_op.drop_column('origin')
        batch_op.drop_column('lift_focus')
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.drop_column('deferred_reason')
        batch_op.drop_column('deferred_until')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('lift_focus')
    with op.batch_alter_table('athlete_settings', schema=None) as batch_op:
        batch_op.drop_column('goal_chosen_at')
    with op.batch_alter_table('athletes', schema=None) as batch_op:
        batch_op.drop_column('backfilled_at')
        batch_op.drop_column('needs_reconnect')
        batch_op.drop_column('zones_read_at')
        batch_op.drop_column('weight_kg')
