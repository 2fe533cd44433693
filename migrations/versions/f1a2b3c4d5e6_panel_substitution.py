"""panel_substitution: per-entry substitutes of a heat's panel (回避)

Revision ID: f1a2b3c4d5e6
Revises: e7b3c4d5f6a7
Create Date: 2026-12-07 23:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1a2b3c4d5e6'
down_revision = 'e7b3c4d5f6a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'panel_substitution',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('heat_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('criterion', sa.String(length=64), nullable=False),
        sa.Column('judge_id', sa.Integer(), nullable=False),
        sa.Column('substitute_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['heat_id'], ['heat.id'], name=op.f('fk_panel_substitution_heat_id_heat')),
        sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_panel_substitution_entry_id_entry')),
        sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_panel_substitution_judge_id_user')),
        sa.ForeignKeyConstraint(['substitute_id'], ['user.id'],
                                name=op.f('fk_panel_substitution_substitute_id_user')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_panel_substitution_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_substitution')),
        sa.UniqueConstraint('entry_id', 'criterion', 'judge_id',
                            name=op.f('uq_panel_substitution_entry_id_criterion_judge_id')),
    )
    with op.batch_alter_table('panel_substitution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_substitution_heat_id'), ['heat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_substitution_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_substitution_substitute_id'), ['substitute_id'], unique=False)


def downgrade():
    with op.batch_alter_table('panel_substitution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_substitution_substitute_id'))
        batch_op.drop_index(batch_op.f('ix_panel_substitution_entry_id'))
        batch_op.drop_index(batch_op.f('ix_panel_substitution_heat_id'))
    op.drop_table('panel_substitution')
