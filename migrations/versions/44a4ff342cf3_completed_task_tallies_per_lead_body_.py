"""completed-task tallies per lead body, partial index of open tasks

The dashboards and reports counted every task of a province as of the day; now the open tasks are counted from
a partial index that holds them alone, and the completed ones (whose group no longer changes with the date) from
a tally per lead body that the app keeps as tasks change. The upgrade fills the tallies from the tasks.

Revision ID: 44a4ff342cf3
Revises: ea8fd0e2e001
Create Date: 2026-12-03 07:22:12.434810

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44a4ff342cf3'
down_revision = 'ea8fd0e2e001'
branch_labels = None
depends_on = None

OPEN_STORED = sa.text("status IN ('ASSIGNED', 'IN_PROGRESS', 'SUBMITTED')")


def upgrade():
    op.create_table('body_tallies',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('completed_on_time', sa.Integer(), nullable=False),
    sa.Column('completed_late', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_body_tallies_body_id_bodies')),
    sa.PrimaryKeyConstraint('body_id', name=op.f('pk_body_tallies'))
    )
    # The groups of assignments.categories: on time when there is no due date or the submission was not after it.
    op.execute(
        "INSERT INTO body_tallies (body_id, completed_on_time, completed_late) "
        "SELECT lead_body_id, "
        "count(*) FILTER (WHERE due_date IS NULL OR submitted_on <= due_date), "
        "count(*) FILTER (WHERE due_date IS NOT NULL AND (submitted_on IS NULL OR submitted_on > due_date)) "
        "FROM tasks WHERE status = 'COMPLETED' GROUP BY lead_body_id"
    )
    op.drop_index('ix_tasks_lead_unit_body_counts', table_name='tasks')
    op.drop_index('ix_tasks_status_due', table_name='tasks')
    op.create_index('ix_tasks_status_due', 'tasks',
                    ['status', 'due_date', 'unit_id', 'lead_unit_id', 'submitted_on', 'assigned_on', 'progress'],
                    unique=False, postgresql_include=['id'])
    op.create_index('ix_tasks_open_lead', 'tasks',
                    ['lead_unit_id', 'lead_body_id', 'due_date', 'status', 'assigned_on', 'progress'],
                    unique=False, sqlite_where=OPEN_STORED, postgresql_where=OPEN_STORED)


def downgrade():
    op.drop_index('ix_tasks_open_lead', table_name='tasks')
    op.drop_index('ix_tasks_status_due', table_name='tasks')
    op.create_index('ix_tasks_status_due', 'tasks', ['status', 'due_date', 'unit_id', 'lead_unit_id'],
                    unique=False, postgresql_include=['id'])
    op.create_index('ix_tasks_lead_unit_body_counts', 'tasks',
                    ['lead_unit_id', 'lead_body_id', 'status', 'due_date', 'submitted_on'], unique=False)
    op.drop_table('body_tallies')
