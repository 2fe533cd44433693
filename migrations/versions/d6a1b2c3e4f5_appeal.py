"""appeal: appeals (申诉) as cases, filed against an entry and decided by arbitration

Revision ID: d6a1b2c3e4f5
Revises: c5e2f81a9d34
Create Date: 2026-12-07 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd6a1b2c3e4f5'
down_revision = 'c5e2f81a9d34'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'appeal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('trade_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('appellant', sa.String(length=100), nullable=False),
        sa.Column('grounds', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=False),
        sa.Column('late_reason', sa.Text(), nullable=True),
        sa.Column('review_started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_appeal_competition_id_competition')),
        sa.ForeignKeyConstraint(['trade_id'], ['trade.id'], name=op.f('fk_appeal_trade_id_trade')),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_appeal_entry_id_entry')),
        sa.ForeignKeyConstraint(['filed_by_id'], ['user.id'], name=op.f('fk_appeal_filed_by_id_user')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_appeal_reviewed_by_id_user')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_appeal_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal')),
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_trade_id'), ['trade_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_entry_id'))
        batch_op.drop_index(batch_op.f('ix_appeal_trade_id'))
        batch_op.drop_index(batch_op.f('ix_appeal_competition_id'))
    op.drop_table('appeal')
