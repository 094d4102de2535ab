"""Logins, token scopes and expiry, login throttle counters

Revision ID: 16a1acc00001
Revises: 7b1c4e000001
Create Date: 2026-12-04

``logins``: one row per browser that logged in; the session and remember-me cookies carry its
key, so ending the row ends them. ``api_tokens`` gains a scope (``full`` or ``checkin``), the
summit a check-in token works at, and an expiry. ``login_throttles`` counts failed logins per
account and per address with conditional updates; it replaces ``login_failures``, whose rows
only throttled logins for fifteen minutes and are dropped.

Existing tokens: scanner tokens (issued with the purpose ``scanner:<slug>``, as the audit log
says) carried their user's full rights, so they are revoked; scanners ask for a new device
token on their next call. Other live tokens expire 90 days from this upgrade, as new ones do.
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

import summit.database


# revision identifiers, used by Alembic.
revision = '16a1acc00001'
down_revision = '7b1c4e000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', summit.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    op.create_table('logins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('ended_at', summit.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_logins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_logins')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_logins_key_hash'))
    )
    with op.batch_alter_table('logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_logins_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_address'))
        batch_op.drop_index(batch_op.f('ix_login_failures_at'))
        batch_op.drop_index(batch_op.f('ix_login_failures_email'))
    op.drop_table('login_failures')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        # The server default fills the existing rows; the model sets the scope of new ones.
        batch_op.add_column(sa.Column('scope', sa.Enum('full', 'checkin', name='tokenscope', native_enum=False, length=32), nullable=False, server_default='full'))
        batch_op.add_column(sa.Column('summit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', summit.database.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_tokens_summit_id'), ['summit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_tokens_summit_id_summits'), 'summits', ['summit_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('scope', server_default=None)

    # Times are stored as naive UTC (summit.database.UTCDateTime).
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.execute(sa.text(
        "UPDATE api_tokens SET revoked_at = :now WHERE revoked_at IS NULL AND "
        "CAST(id AS VARCHAR(64)) IN (SELECT object_id FROM audit_log "
        "WHERE action = 'api_token.issue' AND object_type = 'api_tokens' "
        "AND CAST(\"after\" AS TEXT) LIKE '%scanner:%')").bindparams(now=now))
    op.execute(sa.text(
        "UPDATE api_tokens SET expires_at = :expires WHERE revoked_at IS NULL "
        "AND expires_at IS NULL").bindparams(expires=now + timedelta(days=90)))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_tokens_summit_id_summits'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_api_tokens_summit_id'))
        batch_op.drop_column('expires_at')
        batch_op.drop_column('summit_id')
        batch_op.drop_column('scope')

    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', summit.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_address'), ['address'], unique=False)

    with op.batch_alter_table('logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_logins_user_id'))
    op.drop_table('logins')
    op.drop_table('login_throttles')
