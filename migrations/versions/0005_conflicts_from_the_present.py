"""conflicts computed from the present: drop the stored snapshot, keep only the decisions to keep an item;
the district's minimum notice

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workday_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workday_conflicts_year'))
        batch_op.drop_index('ix_workday_conflicts_district_resolved')
        batch_op.drop_index(batch_op.f('ix_workday_conflicts_district_id'))
    op.drop_table('workday_conflicts')

    op.create_table('kept_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('rules', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('kept_by_id', sa.Integer(), nullable=True),
    sa.Column('kept_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_kept_conflicts_district_id_districts')),
    sa.ForeignKeyConstraint(['kept_by_id'], ['users.id'], name=op.f('fk_kept_conflicts_kept_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_conflicts')),
    sa.UniqueConstraint('kind', 'item_id', name=op.f('uq_kept_conflicts_kind_item_id'))
    )
    with op.batch_alter_table('kept_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_conflicts_district_id'), ['district_id'], unique=False)

    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_working_days', sa.Integer(), server_default='2', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_districts_notice_sane'),
                                         'notice_working_days BETWEEN 0 AND 20')


def downgrade():
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_districts_notice_sane'), type_='check')
        batch_op.drop_column('notice_working_days')

    with op.batch_alter_table('kept_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_conflicts_district_id'))
    op.drop_table('kept_conflicts')

    op.create_table('workday_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('suggested_day', sa.Date(), nullable=True),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_workday_conflicts_district_id_districts')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_workday_conflicts_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workday_conflicts')),
    sa.UniqueConstraint('kind', 'item_id', 'day', name=op.f('uq_workday_conflicts_kind_item_id_day'))
    )
    with op.batch_alter_table('workday_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workday_conflicts_district_id'), ['district_id'], unique=False)
        batch_op.create_index('ix_workday_conflicts_district_resolved', ['district_id', 'resolved'], unique=False)
        batch_op.create_index(batch_op.f('ix_workday_conflicts_year'), ['year'], unique=False)
