"""Protocol: the signing ceremony's run-sheet settings, signings' order and witnesses, and
the host's saved script; a podium seat can be kept empty by hand.

Revision ID: 24cere000001
Revises: 22scal000001
Create Date: 2026-12-04 15:10:00
"""
import sqlalchemy as sa
from alembic import op

import summit.database

revision = '24cere000001'
down_revision = '22scal000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signing_ceremonies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('order_by', sa.Enum('amount', 'organiser', 'county', name='signingorder',
                                      native_enum=False, length=32), nullable=False),
        sa.Column('convention', sa.Enum('government', 'international', name='convention',
                                        native_enum=False, length=32), nullable=False),
        sa.Column('script_text', sa.Text(), nullable=False),
        sa.Column('script_names', sa.JSON(), nullable=False),
        sa.Column('script_saved_at', summit.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'],
                                name=op.f('fk_signing_ceremonies_item_id_agenda_items'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_ceremonies')),
        sa.UniqueConstraint('item_id', name=op.f('uq_signing_ceremonies_item_id')),
    )
    op.create_table(
        'ceremony_signings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ceremony_id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('witness_ids', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'],
                                name=op.f('fk_ceremony_signings_agreement_id_agreements'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ceremony_id'], ['signing_ceremonies.id'],
                                name=op.f('fk_ceremony_signings_ceremony_id_signing_ceremonies'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ceremony_signings')),
        sa.UniqueConstraint('agreement_id', name=op.f('uq_ceremony_signings_agreement_id')),
    )
    op.create_index(op.f('ix_ceremony_signings_ceremony_id'), 'ceremony_signings',
                    ['ceremony_id'], unique=False)
    # A podium seat may be kept empty by hand (set through the seating API).
    with op.batch_alter_table('seat_placements', schema=None) as batch_op:
        batch_op.alter_column('entry_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM seat_placements WHERE entry_id IS NULL")
    with op.batch_alter_table('seat_placements', schema=None) as batch_op:
        batch_op.alter_column('entry_id', existing_type=sa.Integer(), nullable=False)
    op.drop_index(op.f('ix_ceremony_signings_ceremony_id'), table_name='ceremony_signings')
    op.drop_table('ceremony_signings')
    op.drop_table('signing_ceremonies')
