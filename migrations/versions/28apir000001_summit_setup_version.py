"""A summit's setup version: changes with anything the API's summit read shows, so that
read's JSON can be kept between requests (issue 23).

Revision ID: 28apir000001
Revises: 27page000001
Create Date: 2026-12-04 19:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '28apir000001'
down_revision = '27page000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setup_version', sa.BigInteger(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.drop_column('setup_version')
