"""Personal data: sealed ID and press card numbers with keyed hashes, data key checks,
personal-data notices and consents

Revision ID: 21priv000001
Revises: 19recp000001
Create Date: 2026-12-04

``registrations.id_number`` and ``press_applications.press_card_number`` are now stored
sealed with the data key (summit/sealing.py, docs/privacy.md) and widen to hold the sealed
text; each gains a keyed hash for look-ups. Every existing value is sealed here, in this
migration, so no number stays in clear; the key is the app's (``SUMMIT_DATA_KEY`` or
``instance/data.key``, made if missing) and its fingerprint goes into ``data_key_checks``.
Downgrading opens the values again with the same key.

``privacy_notices`` holds each summit's notice versions; a registration records the version
it agreed to, when, and whether the separate consent for ID number and photo was given.
``data_requests`` holds people's correction and deletion requests; a summit gains its
retention period (180 days after it ends by default) and when it was anonymised.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

import summit.database
from summit import sealing


revision = '21priv000001'
down_revision = '19recp000001'
branch_labels = None
depends_on = None

SEALED = (("registrations", "id_number", "id_number_hash"),
          ("press_applications", "press_card_number", "press_card_hash"))


def _ring():
    return current_app.extensions[sealing.EXTENSION]


def upgrade():
    op.create_table('data_key_checks',
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_data_key_checks'))
    )
    op.create_table('privacy_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text_zh_hans', sa.Text(), nullable=False),
    sa.Column('text_zh_hant', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_privacy_notices_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_privacy_notices_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notices')),
    sa.UniqueConstraint('summit_id', 'version', name=op.f('uq_privacy_notices_summit_id_version'))
    )
    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('correction', 'deletion', name='requestkind', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'partly_kept', 'refused', name='requeststatus', native_enum=False, length=32), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('handled_at', summit.database.UTCDateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_data_requests_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_requests_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_requests'))
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index('ix_data_requests_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_requests_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=False,
                                      server_default='180'))
        batch_op.add_column(sa.Column('anonymised_at', summit.database.UTCDateTime(), nullable=True))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_notice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consented_at', summit.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sensitive_consent', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_registrations_consent_notice_id_privacy_notices'),
                                    'privacy_notices', ['consent_notice_id'], ['id'], ondelete='SET NULL')
    for table, column, hash_column in SEALED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=32),
                                  type_=sa.String(length=200), existing_nullable=False)
            batch_op.add_column(sa.Column(hash_column, sa.String(length=64), nullable=False,
                                          server_default=''))
            batch_op.create_index(batch_op.f(f'ix_{table}_{hash_column}'), [hash_column],
                                  unique=False)
    ring = _ring()
    connection = op.get_bind()
    for table, column, hash_column in SEALED:
        rows = connection.execute(sa.text(
            f"SELECT id, {column} FROM {table} WHERE {column} <> ''")).all()
        for row_id, value in rows:
            if sealing.is_sealed(value):
                continue
            connection.execute(sa.text(
                f"UPDATE {table} SET {column} = :sealed, {hash_column} = :digest "
                f"WHERE id = :id"), {"sealed": ring.seal(value), "digest": ring.digest(value),
                                     "id": row_id})
    connection.execute(sa.text(
        "INSERT INTO data_key_checks (key_id, fingerprint, created_at) "
        "VALUES (:id, :fingerprint, CURRENT_TIMESTAMP)"),
        {"id": ring.current.id, "fingerprint": ring.current.fingerprint()})


def downgrade():
    ring = _ring()
    connection = op.get_bind()
    for table, column, hash_column in SEALED:
        rows = connection.execute(sa.text(
            f"SELECT id, {column} FROM {table} WHERE {column} <> ''")).all()
        for row_id, value in rows:
            connection.execute(sa.text(f"UPDATE {table} SET {column} = :plain WHERE id = :id"),
                               {"plain": ring.open(value)[:32], "id": row_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{hash_column}'))
            batch_op.drop_column(hash_column)
            batch_op.alter_column(column, existing_type=sa.String(length=200),
                                  type_=sa.String(length=32), existing_nullable=False)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_consent_notice_id_privacy_notices'),
                                 type_='foreignkey')
        batch_op.drop_column('sensitive_consent')
        batch_op.drop_column('consented_at')
        batch_op.drop_column('consent_notice_id')
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('retention_days')
    op.drop_table('data_requests')
    op.drop_table('privacy_notices')
    op.drop_table('data_key_checks')
