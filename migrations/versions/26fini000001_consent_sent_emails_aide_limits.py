"""Consent on the press and sign-up forms, the installation's notice, categories that need an
ID number (and why), a record of sent emails, and the aides registrars may add.

Revision ID: 26fini000001
Revises: 23banq000001
Create Date: 2026-12-04 15:10:00
"""
import sqlalchemy as sa
from alembic import op

import summit.database

revision = '26fini000001'
down_revision = '23banq000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('privacy_notices', schema=None) as batch_op:
        batch_op.alter_column('summit_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_notice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consented_at', summit.database.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('press_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_notice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consented_at', summit.database.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('sensitive_consent', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(
            batch_op.f('fk_press_applications_consent_notice_id_privacy_notices'),
            'privacy_notices', ['consent_notice_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('attendee_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('id_reason', sa.String(length=300), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registrar_aides', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('registrar_aide_category_code', sa.String(length=32),
                                      nullable=False, server_default=''))
    op.create_table(
        'sent_emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('summit_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('sent_at', summit.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_sent_emails_registration_id_registrations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['summit_id'], ['summits.id'],
                                name=op.f('fk_sent_emails_summit_id_summits'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_sent_emails_user_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_emails')),
    )
    with op.batch_alter_table('sent_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_emails_registration_id'), ['registration_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sent_emails_summit_id'), ['summit_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_sent_emails_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('sent_emails')
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.drop_column('registrar_aide_category_code')
        batch_op.drop_column('registrar_aides')
    with op.batch_alter_table('attendee_categories', schema=None) as batch_op:
        batch_op.drop_column('id_reason')
        batch_op.drop_column('id_required')
    with op.batch_alter_table('press_applications', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_press_applications_consent_notice_id_privacy_notices'),
            type_='foreignkey')
        batch_op.drop_column('sensitive_consent')
        batch_op.drop_column('consented_at')
        batch_op.drop_column('consent_notice_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('consented_at')
        batch_op.drop_column('consent_notice_id')
    op.execute("DELETE FROM privacy_notices WHERE summit_id IS NULL")
    with op.batch_alter_table('privacy_notices', schema=None) as batch_op:
        batch_op.alter_column('summit_id', existing_type=sa.Integer(), nullable=False)
