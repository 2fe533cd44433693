"""entry: check-in (检录): arrival time and who recorded it

Revision ID: e7b3c4d5f6a7
Revises: d6a1b2c3e4f5
Create Date: 2026-12-07 22:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e7b3c4d5f6a7'
down_revision = 'd6a1b2c3e4f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('checked_in_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_entry_checked_in_by_id_user'), 'user', ['checked_in_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_entry_checked_in_by_id_user'), type_='foreignkey')
        batch_op.drop_column('checked_in_by_id')
        batch_op.drop_column('checked_in_at')
