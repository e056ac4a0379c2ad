"""the list's order as two indexes, walked for a text that many tasks contain

A text search that matches a large share of a province's tasks counted and sorted every match to show the first
page; the page now walks the list's order through these indexes (assignments.queries.task_page).

Revision ID: 5b7e2c91d0a4
Revises: 44a4ff342cf3
Create Date: 2026-12-05 08:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2c91d0a4'
down_revision = '44a4ff342cf3'
branch_labels = None
depends_on = None

OPEN_STORED = sa.text("status IN ('ASSIGNED', 'IN_PROGRESS', 'SUBMITTED')")


def upgrade():
    op.create_index('ix_tasks_open_due', 'tasks', ['due_date', 'id'], sqlite_where=OPEN_STORED,
                    postgresql_where=OPEN_STORED)
    op.create_index('ix_tasks_due', 'tasks', ['due_date', 'id'])


def downgrade():
    op.drop_index('ix_tasks_due', table_name='tasks')
    op.drop_index('ix_tasks_open_due', table_name='tasks')
