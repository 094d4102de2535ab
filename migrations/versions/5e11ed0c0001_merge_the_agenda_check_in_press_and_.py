"""Merge the agenda, check-in, press and agreements branches

Revision ID: 5e11ed0c0001
Revises: 791cc2bfd712, be199eecbf32, fc092ef9b25d
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

import summit.database


# revision identifiers, used by Alembic.
revision = '5e11ed0c0001'
down_revision = ('791cc2bfd712', 'be199eecbf32', 'fc092ef9b25d')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
