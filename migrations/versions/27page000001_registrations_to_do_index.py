"""An index for the console's to-do list: a summit's oldest pending registrations in order
(it read and sorted every registration of the summit on every console page).

Revision ID: 27page000001
Revises: 26fini000001
Create Date: 2026-12-04 18:10:00
"""
from alembic import op

revision = '27page000001'
down_revision = '26fini000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_summit_status_created',
                              ['summit_id', 'status', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_summit_status_created')
