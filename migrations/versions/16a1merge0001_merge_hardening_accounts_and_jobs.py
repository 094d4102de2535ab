"""Merge the hardening branches: logins and scoped tokens, and badge job runners.

Revision ID: 16a1merge0001
Revises: 16a1acc00001, 16a1job00001
Create Date: 2026-12-04 10:40:00
"""

revision = '16a1merge0001'
down_revision = ('16a1acc00001', '16a1job00001')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
