"""feed event blocks: each event's VEVENT block as icalendar wrote it (issue 16A)

- feed_event_blocks: keyed by the event's UID and the reminder choice; used while its SEQUENCE, LAST-MODIFIED
  and the digest of what it shows are the same (trainer/calendars/blocks.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_event_blocks',
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('variant', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('last_modified', sa.DateTime(timezone=True), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('uid', 'variant', name=op.f('pk_feed_event_blocks'))
    )
    with op.batch_alter_table('feed_event_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_event_blocks_written_at'), ['written_at'], unique=False)


def downgrade():
    with op.batch_alter_table('feed_event_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_event_blocks_written_at'))

    op.drop_table('feed_event_blocks')
