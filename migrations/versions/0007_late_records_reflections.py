"""visit late records, audit notes, trainees' daily reflections (issue 15A)

- visits.late_reason: why the lawyer recorded the visit after its slot;
- audit_entries.note: why a change was made (a coordinator's correction, a late record);
- rotation_reflections: a trainee's reflection on a placement day (每日心得).

Revision ID: 0007
Revises: 0006 (the head of main when merged; the lead chains the wave's migrations at merge)
Create Date: 2026-11-30 19:48:02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rotation_reflections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_day_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_rotation_reflections_district_id_districts')),
    sa.ForeignKeyConstraint(['placement_day_id'], ['rotation_placement_days.id'], name=op.f('fk_rotation_reflections_placement_day_id_rotation_placement_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rotation_reflections')),
    sa.UniqueConstraint('placement_day_id', name=op.f('uq_rotation_reflections_placement_day_id'))
    )
    with op.batch_alter_table('rotation_reflections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rotation_reflections_district_id'), ['district_id'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=300), nullable=True))

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_reason', sa.String(length=300), nullable=True))



def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('late_reason')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('note')

    with op.batch_alter_table('rotation_reflections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rotation_reflections_district_id'))

    op.drop_table('rotation_reflections')
