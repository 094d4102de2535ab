"""Check-in gates, salon doors and attendance, offline scans and conflicts

Revision ID: fc092ef9b25d
Revises: 4a6e0da0b001
Create Date: 2026-12-01 08:14:57.348424

"""
from alembic import op
import sqlalchemy as sa

import summit.database


# revision identifiers, used by Alembic.
revision = 'fc092ef9b25d'
down_revision = '4a6e0da0b001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_gates_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_gates_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gates')),
    sa.UniqueConstraint('summit_id', 'name', name=op.f('uq_gates_summit_id_name'))
    )
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gates_summit_id'), ['summit_id'], unique=False)

    op.create_table('salon_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.Column('gate', sa.String(length=64), nullable=False),
    sa.Column('attended_at', summit.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_salon_attendances_badge_id_badges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_salon_attendances_checkin_id_checkins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_salon_attendances_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_salon_attendances_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_salon_attendances')),
    sa.UniqueConstraint('item_id', 'badge_id', name=op.f('uq_salon_attendances_item_id_badge_id'))
    )
    with op.batch_alter_table('salon_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_salon_attendances_badge_id'), ['badge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_salon_attendances_summit_id'), ['summit_id'], unique=False)

    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=8), server_default='scan', nullable=False))
        batch_op.add_column(sa.Column('offline', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('conflict_with_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_checkins_summit_received', ['summit_id', 'received_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_checkins_conflict_with_id_checkins'), 'checkins', ['conflict_with_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_checkins_agenda_item_id_agenda_items'), 'agenda_items', ['agenda_item_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_checkins_agenda_item_id_agenda_items'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_checkins_conflict_with_id_checkins'), type_='foreignkey')
        batch_op.drop_index('ix_checkins_summit_received')
        batch_op.drop_column('agenda_item_id')
        batch_op.drop_column('conflict_with_id')
        batch_op.drop_column('offline')
        batch_op.drop_column('method')

    with op.batch_alter_table('salon_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_salon_attendances_summit_id'))
        batch_op.drop_index(batch_op.f('ix_salon_attendances_badge_id'))

    op.drop_table('salon_attendances')
    with op.batch_alter_table('gates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gates_summit_id'))

    op.drop_table('gates')
