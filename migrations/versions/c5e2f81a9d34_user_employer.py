"""user: employer (单位), for conflicts of interest (回避) and the home-bias check

Revision ID: c5e2f81a9d34
Revises: b7d3e91f0c13
Create Date: 2026-12-07 21:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c5e2f81a9d34'
down_revision = 'b7d3e91f0c13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employer', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('employer')
