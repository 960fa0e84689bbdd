"""pinyin of names, contract fees (issue 15B)

- name_pinyin, name_initials on the records people look for (stations, unions, firms, lawyers, trainees,
  instructors, mentors): lists are ordered by pinyin and searched by pinyin and initials in SQL; filled here
  for the rows already stored, then kept by trainer.core.names.PinyinNamed in every flush;
- contracts.fee_per_visit, contracts.fee_per_month: the fees the firm's monthly account shows.

Revision ID: 0008
Revises: 0007 (the head of main when this branch was cut; the lead chains the wave's migrations at merge)
Create Date: 2026-11-30 20:39:55

"""
from alembic import op
import sqlalchemy as sa
from pypinyin import Style, lazy_pinyin
import re


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

NAMED = ('firms', 'instructors', 'lawyers', 'rotation_mentors', 'rotation_trainees', 'stations', 'unions')
_NOT_LETTER = re.compile(r"[^0-9a-z]+")


def _plain(parts):
    return _NOT_LETTER.sub("", "".join(parts).lower())[:400]


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_per_visit', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('fee_per_month', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.create_check_constraint(op.f('ck_contracts_fee_per_visit_positive'),
                                         'fee_per_visit IS NULL OR fee_per_visit >= 0')
        batch_op.create_check_constraint(op.f('ck_contracts_fee_per_month_positive'),
                                         'fee_per_month IS NULL OR fee_per_month >= 0')

    connection = op.get_bind()
    for table in NAMED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('name_pinyin', sa.String(length=400), server_default='', nullable=False))
            batch_op.add_column(sa.Column('name_initials', sa.String(length=400), server_default='',
                                          nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_name_pinyin'), ['name_pinyin'], unique=False)
        rows = connection.execute(sa.text(f"SELECT id, name FROM {table}")).all()
        for row_id, name in rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET name_pinyin = :full, name_initials = :initials WHERE id = :id"),
                {"full": _plain(lazy_pinyin(name or "")),
                 "initials": _plain(lazy_pinyin(name or "", style=Style.FIRST_LETTER)), "id": row_id})


def downgrade():
    for table in reversed(NAMED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_name_pinyin'))
            batch_op.drop_column('name_initials')
            batch_op.drop_column('name_pinyin')

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_contracts_fee_per_month_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_contracts_fee_per_visit_positive'), type_='check')
        batch_op.drop_column('fee_per_month')
        batch_op.drop_column('fee_per_visit')
