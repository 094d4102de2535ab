"""Badges carry their token's digest, the check-in statement's proof of a genuine token
(issue 23).

Badges made before stay NULL: their first scan takes the portable path, which checks the
signature and stamps them.

Revision ID: 30stamp000001
Revises: 29kept000001
Create Date: 2026-12-05 00:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '30stamp000001'
down_revision = '29kept000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('badges') as batch:
        batch.add_column(sa.Column('token_digest', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('badges') as batch:
        batch.drop_column('token_digest')
