"""Media accreditation: press applications, crew, quotas, releases, press badges

Revision ID: be199eecbf32
Revises: 2aa814c4614e
Create Date: 2026-12-01 07:54:33.689561

"""
from alembic import op
import sqlalchemy as sa

import summit.database


# revision identifiers, used by Alembic.
revision = 'be199eecbf32'
down_revision = '2aa814c4614e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('press_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('outlet_name', sa.String(length=200), nullable=False),
    sa.Column('outlet_key', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.Enum('print', 'photo', 'tv', 'online', 'new_media', name='mediatype', native_enum=False, length=32), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('press_card_number', sa.String(length=32), nullable=False),
    sa.Column('card_warning', sa.Boolean(), nullable=False),
    sa.Column('letter_token', sa.String(length=64), nullable=False),
    sa.Column('letter_name', sa.String(length=200), nullable=False),
    sa.Column('vehicle_plate', sa.String(length=16), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'needs_info', 'approved', 'rejected', 'waitlisted', 'revoked', 'withdrawn', name='pressstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reason_code', sa.Enum('incomplete', 'not_news_outlet', 'quota_full', 'after_deadline', 'duplicate', 'other', name='reasoncode', native_enum=False, length=32), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('internal_note', sa.Text(), nullable=False),
    sa.Column('submitted_at', summit.database.UTCDateTime(), nullable=True),
    sa.Column('decided_at', summit.database.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', summit.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_press_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_press_applications_summit_id_summits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_press_applications_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_applications'))
    )
    with op.batch_alter_table('press_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_applications_outlet_key'), ['outlet_key'], unique=False)
        batch_op.create_index('ix_press_applications_summit_status', ['summit_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_press_applications_user_id'), ['user_id'], unique=False)

    op.create_table('press_quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('outlet', 'media_type', name='quotakind', native_enum=False, length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('limit', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_press_quotas_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_quotas')),
    sa.UniqueConstraint('summit_id', 'kind', 'key', name=op.f('uq_press_quotas_summit_id_kind_key'))
    )
    op.create_table('press_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('published_at', summit.database.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_press_releases_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summit_id'], ['summits.id'], name=op.f('fk_press_releases_summit_id_summits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_releases'))
    )
    with op.batch_alter_table('press_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_releases_summit_id'), ['summit_id'], unique=False)

    op.create_table('press_approved_zones',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['press_applications.id'], name=op.f('fk_press_approved_zones_application_id_press_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_press_approved_zones_zone_id_zones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'zone_id', name=op.f('pk_press_approved_zones'))
    )
    op.create_table('press_equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=100), nullable=False),
    sa.Column('serial_number', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['press_applications.id'], name=op.f('fk_press_equipment_application_id_press_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_equipment'))
    )
    with op.batch_alter_table('press_equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_equipment_application_id'), ['application_id'], unique=False)

    op.create_table('press_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_native', sa.String(length=200), nullable=False),
    sa.Column('name_pinyin', sa.String(length=100), nullable=False),
    sa.Column('role', sa.Enum('reporter', 'camera', 'sound', 'technician', 'photographer', name='pressrole', native_enum=False, length=32), nullable=False),
    sa.Column('photo_token', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='personstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reason_code', sa.Enum('incomplete', 'not_news_outlet', 'quota_full', 'after_deadline', 'duplicate', 'other', name='reasoncode', native_enum=False, length=32), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['press_applications.id'], name=op.f('fk_press_people_application_id_press_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_people'))
    )
    with op.batch_alter_table('press_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_people_application_id'), ['application_id'], unique=False)

    op.create_table('press_requested_zones',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['press_applications.id'], name=op.f('fk_press_requested_zones_application_id_press_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_press_requested_zones_zone_id_zones'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'zone_id', name=op.f('pk_press_requested_zones'))
    )
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('press_person_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_badges_press_person_id'), ['press_person_id'])
        batch_op.create_foreign_key(batch_op.f('fk_badges_press_person_id_press_people'), 'press_people', ['press_person_id'], ['id'], ondelete='CASCADE')
        # Exactly one holder per badge: a registration or a press person.
        batch_op.create_check_constraint(
            op.f('ck_badges_one_holder'), '(registration_id IS NULL) <> (press_person_id IS NULL)')

    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('press_enabled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('press_deadline', summit.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('press_category_code', sa.String(length=32), server_default='press', nullable=False))



def downgrade():
    with op.batch_alter_table('summits', schema=None) as batch_op:
        batch_op.drop_column('press_category_code')
        batch_op.drop_column('press_deadline')
        batch_op.drop_column('press_enabled')

    # Press badges have no registration: they go before the check and the column do.
    op.execute("DELETE FROM badges WHERE press_person_id IS NOT NULL")
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_badges_one_holder'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_badges_press_person_id_press_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_badges_press_person_id'), type_='unique')
        batch_op.drop_column('press_person_id')

    op.drop_table('press_requested_zones')
    with op.batch_alter_table('press_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_people_application_id'))

    op.drop_table('press_people')
    with op.batch_alter_table('press_equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_equipment_application_id'))

    op.drop_table('press_equipment')
    op.drop_table('press_approved_zones')
    with op.batch_alter_table('press_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_releases_summit_id'))

    op.drop_table('press_releases')
    op.drop_table('press_quotas')
    with op.batch_alter_table('press_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_applications_user_id'))
        batch_op.drop_index('ix_press_applications_summit_status')
        batch_op.drop_index(batch_op.f('ix_press_applications_outlet_key'))

    op.drop_table('press_applications')
