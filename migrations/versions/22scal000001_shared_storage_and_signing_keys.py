"""Shared state for several app servers: stored files in the database (when STORAGE is
database) and the badge signing keys.

Revision ID: 22scal000001
Revises: 18prot000001
Create Date: 2026-12-04 12:10:00
"""
import sqlalchemy as sa
from alembic import op

import summit.database

revision = '22scal000001'
down_revision = '18prot000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('stored_at', summit.database.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_files')),
    )
    op.create_table(
        'stored_file_chunks',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['key'], ['stored_files.key'],
                                name=op.f('fk_stored_file_chunks_key_stored_files'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key', 'seq', name=op.f('pk_stored_file_chunks')),
    )
    op.create_table(
        'signing_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('summit_id', sa.Integer(), nullable=False),
        sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('encrypted_private_key', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['summit_id'], ['summits.id'],
                                name=op.f('fk_signing_keys_summit_id_summits'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
        sa.UniqueConstraint('summit_id', name=op.f('uq_signing_keys_summit_id')),
    )


def downgrade():
    op.drop_table('signing_keys')
    op.drop_table('stored_file_chunks')
    op.drop_table('stored_files')
