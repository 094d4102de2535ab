"""The on-site desk: printer pools, printers and print jobs; where a badge was printed and
whether it is unlocked; walk-ins, substitutes and aides on registrations.

Revision ID: 20desk000001
Revises: 16a1merge0001
Create Date: 2026-12-04 12:22:33
"""
from alembic import op
import sqlalchemy as sa

import summit.database


# revision identifiers, used by Alembic.
revision = '20desk000001'
down_revision = '16a1merge0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('printer_pools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kiosk', sa.Boolean(), nullable=False),
    sa.Column('walk_in_category_ids', sa.JSON(), nullable=False),
    sa.Column('walk_in_approve', sa.Boolean(), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_printer_pools_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printer_pools'))
    )
    with op.batch_alter_table('printer_pools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printer_pools_summit_id'), ['summit_id'], unique=False)

    op.create_table('printers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('uri', sa.String(length=300), nullable=False),
    sa.Column('paper', sa.Enum('a6', 'cr80', 'a4_sheet', name='badgesize', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['printer_pools.id'], name=op.f('fk_printers_pool_id_printer_pools'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_printers_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printers'))
    )
    with op.batch_alter_table('printers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printers_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_printers_summit_id'), ['summit_id'], unique=False)

    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('printer_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('first', 'lost', 'damaged', 'wrong_data', name='printreason', native_enum=False, length=32), nullable=False),
    sa.Column('badge_version', sa.Integer(), nullable=False),
    sa.Column('kiosk', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'printing', 'done', 'failed', name='printstatus', native_enum=False, length=32), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('ipp_job_id', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('runner', sa.String(length=160), nullable=False),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', summit.database.UTCDateTime(), nullable=True),
    sa.Column('finished_at', summit.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_print_jobs_badge_id_badges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_print_jobs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pool_id'], ['printer_pools.id'], name=op.f('fk_print_jobs_pool_id_printer_pools'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['printer_id'], ['printers.id'], name=op.f('fk_print_jobs_printer_id_printers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_print_jobs_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_print_jobs_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs')),
    sa.UniqueConstraint('key', name=op.f('uq_print_jobs_key'))
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_jobs_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_jobs_summit_id'), ['summit_id'], unique=False)

    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('printed_pool_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('printed_printer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unlocked', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_badges_printed_printer_id_printers'), 'printers', ['printed_printer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_badges_printed_pool_id_printer_pools'), 'printer_pools', ['printed_pool_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('walk_in', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('substitute_for_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('principal_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('aide_role', sa.String(length=20), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_registrations_principal_id'), ['principal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_substitute_for_id'), ['substitute_for_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registrations_substitute_for_id_registrations'), 'registrations', ['substitute_for_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_registrations_principal_id_registrations'), 'registrations', ['principal_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_principal_id_registrations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_registrations_substitute_for_id_registrations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registrations_substitute_for_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_principal_id'))
        batch_op.drop_column('aide_role')
        batch_op.drop_column('principal_id')
        batch_op.drop_column('substitute_for_id')
        batch_op.drop_column('walk_in')

    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_badges_printed_pool_id_printer_pools'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_badges_printed_printer_id_printers'), type_='foreignkey')
        batch_op.drop_column('unlocked')
        batch_op.drop_column('printed_printer_id')
        batch_op.drop_column('printed_pool_id')

    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_jobs_summit_id'))
        batch_op.drop_index(batch_op.f('ix_print_jobs_registration_id'))

    op.drop_table('print_jobs')
    with op.batch_alter_table('printers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printers_summit_id'))
        batch_op.drop_index(batch_op.f('ix_printers_pool_id'))

    op.drop_table('printers')
    with op.batch_alter_table('printer_pools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printer_pools_summit_id'))

    op.drop_table('printer_pools')
