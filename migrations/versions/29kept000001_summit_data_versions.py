"""A summit's data version, raised by triggers on the tables organiser pages show, so
those pages can be kept between requests (issue 23).

Revision ID: 29kept000001
Revises: 28apir000001
Create Date: 2026-12-04 21:40:00
"""
import sqlalchemy as sa
from alembic import op

from summit.models.data_version import WATCHED_TABLES, trigger_statements

revision = '29kept000001'
down_revision = '28apir000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'summit_data_versions',
        sa.Column('summit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('summit_id', name=op.f('pk_summit_data_versions')))
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED_TABLES:
        for event_name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_data_{event_name}"
                       + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS summit_data_changed()")
    op.drop_table('summit_data_versions')
