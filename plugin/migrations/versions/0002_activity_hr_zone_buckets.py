"""time in heart-rate zones per activity

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hr_zone_buckets', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('hr_zone_buckets')
