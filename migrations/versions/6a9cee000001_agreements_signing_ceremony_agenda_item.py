"""Agreements: the signing-ceremony agenda item an agreement was signed at

Revision ID: 6a9cee000001
Revises: 5e11ed0c0001
Create Date: 2026-12-01

A nullable link (ON DELETE SET NULL: deleting the agenda item keeps the agreement). Batch mode
so that SQLite rebuilds the table with the new foreign key.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a9cee000001'
down_revision = '5e11ed0c0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ceremony_item_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agreements_ceremony_item_id'), ['ceremony_item_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agreements_ceremony_item_id_agenda_items'),
                                    'agenda_items', ['ceremony_item_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreements_ceremony_item_id_agenda_items'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agreements_ceremony_item_id'))
        batch_op.drop_column('ceremony_item_id')
