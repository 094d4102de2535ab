"""Check-in: no foreign keys that lock the summit's or the operator's row on every scan

Revision ID: 7b1c4e000001
Revises: 6a9cee000001
Create Date: 2026-12-01

``checkins`` loses its keys to ``summits`` and ``users`` (the gate's log; both come from the
authenticated request) and its ``summit_id`` index, which ``ix_checkins_summit_received``
covers. ``arrivals`` names its badge together with the badge's summit instead of the summit
alone. Batch mode so that SQLite rebuilds the tables.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7b1c4e000001'
down_revision = '6a9cee000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_badges_id_summit_id', ['id', 'summit_id'])
    with op.batch_alter_table('arrivals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_arrivals_summit_id_summits', type_='foreignkey')
        batch_op.drop_constraint('fk_arrivals_badge_id_badges', type_='foreignkey')
        batch_op.create_foreign_key('fk_arrivals_badge_summit', 'badges',
                                    ['badge_id', 'summit_id'], ['id', 'summit_id'],
                                    ondelete='CASCADE')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint('fk_checkins_summit_id_summits', type_='foreignkey')
        batch_op.drop_constraint('fk_checkins_operator_id_users', type_='foreignkey')
        batch_op.drop_index('ix_checkins_summit_id')


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_summit_id', ['summit_id'], unique=False)
        batch_op.create_foreign_key('fk_checkins_operator_id_users', 'users', ['operator_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_checkins_summit_id_summits', 'summits', ['summit_id'],
                                    ['id'], ondelete='CASCADE')
    with op.batch_alter_table('arrivals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_arrivals_badge_summit', type_='foreignkey')
        batch_op.create_foreign_key('fk_arrivals_badge_id_badges', 'badges', ['badge_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key('fk_arrivals_summit_id_summits', 'summits', ['summit_id'],
                                    ['id'], ondelete='CASCADE')
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_constraint('uq_badges_id_summit_id', type_='unique')
