"""Badge jobs: who runs them, and a failure reason shown in the reader's language

Revision ID: 16a1job00001
Revises: 7b1c4e000001
Create Date: 2026-12-02

``runner`` names the process running a batch (or its RQ job while it waits), so the next
process to start can fail the batches of one killed with ``-9``; ``failure`` holds the reason
code of such a failure ("interrupted"). Existing rows get empty strings: their runner is
unknown, and the old rule (stalled after half an hour) still applies to them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '16a1job00001'
down_revision = '7b1c4e000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('badge_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure', sa.String(length=32), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('runner', sa.String(length=160), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('badge_jobs', schema=None) as batch_op:
        batch_op.drop_column('runner')
        batch_op.drop_column('failure')
