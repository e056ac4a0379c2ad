"""The four status groups of government reports, as SQL (so the database filters and counts them).

As of a date D, for tasks with a due date in force:
completed_on_time   completed and the approved submission was on or before the due date;
completed_late      completed and submitted after it;
in_progress_on_time open and D <= due date (an open task without a due date counts here too);
in_progress_overdue open and D > due date.
Draft, declined and cancelled tasks belong to no group.
"""
from datetime import date, timedelta

import sqlalchemy as sa

from ntm_tasks.assignments.models import OPEN_STATUSES, StatusCategory, Task, TaskStatus

DUE_SOON_DAYS = 3


def is_open():
    """SQL condition: assigned, in progress or submitted. The statuses are written into the statement, not bound
    as parameters, so that the database sees it matches the partial index of open tasks (ix_tasks_open_lead)."""
    return Task.status.in_(sa.bindparam("open_statuses", list(OPEN_STATUSES), expanding=True, literal_execute=True,
                                        unique=True))


def category_condition(category: StatusCategory, as_of: date | None):
    """SQL condition: the task belongs to `category` as of `as_of` (the module's table, one group at a time; the
    completed groups do not depend on the date, and take None)."""
    if category == StatusCategory.COMPLETED_ON_TIME:
        return sa.and_(Task.status == TaskStatus.COMPLETED,
                       sa.or_(Task.due_date.is_(None), Task.submitted_on <= Task.due_date))
    if category == StatusCategory.COMPLETED_LATE:
        return sa.and_(Task.status == TaskStatus.COMPLETED, Task.due_date.is_not(None),
                       sa.or_(Task.submitted_on.is_(None), Task.submitted_on > Task.due_date))
    if category == StatusCategory.IN_PROGRESS_ON_TIME:
        return sa.and_(is_open(), sa.or_(Task.due_date.is_(None), Task.due_date >= as_of))
    return is_overdue(as_of)


def status_category(as_of: date):
    """SQL expression giving the task's group as of `as_of` (NULL when it belongs to none).

    To GROUP BY it, build it once and use that same object in the SELECT and the GROUP BY: PostgreSQL matches
    the two by their text, and two separate builds differ in their parameter names.
    """
    return sa.case(*[(category_condition(c, as_of), c.value) for c in StatusCategory], else_=None)


def is_overdue(as_of: date):
    """SQL condition: open and past its due date as of `as_of`."""
    return sa.and_(is_open(), Task.due_date < as_of)


def counted():
    """SQL condition: the task is counted in reports (not draft, declined or cancelled)."""
    return Task.status.in_((*OPEN_STATUSES, TaskStatus.COMPLETED))


def completion_category(status: TaskStatus, due_date: date | None, submitted_on: date | None
                        ) -> StatusCategory | None:
    """Completed on time or late, for a completed task's fields; None for any other status."""
    if status != TaskStatus.COMPLETED:
        return None
    on_time = due_date is None or (submitted_on is not None and submitted_on <= due_date)
    return StatusCategory.COMPLETED_ON_TIME if on_time else StatusCategory.COMPLETED_LATE


def category_of(task: Task, as_of: date) -> StatusCategory | None:
    """The same rule for one loaded task (for its page and API representation)."""
    if task.status in OPEN_STATUSES:
        if task.due_date is None or task.due_date >= as_of:
            return StatusCategory.IN_PROGRESS_ON_TIME
        return StatusCategory.IN_PROGRESS_OVERDUE
    return completion_category(task.status, task.due_date, task.submitted_on)


def overdue_days(task: Task, as_of: date) -> int:
    """Days past the due date for an open task; 0 otherwise."""
    if task.status in OPEN_STATUSES and task.due_date is not None and task.due_date < as_of:
        return (as_of - task.due_date).days
    return 0


def due_soon_until(as_of: date) -> date:
    """The last due date that counts as "due soon" as of `as_of`."""
    return as_of + timedelta(days=DUE_SOON_DAYS)


def open_counts_columns(as_of, soon_until=None) -> list:
    """The report figures of open tasks, for rows the query has already limited to them (`is_open()` in its
    WHERE): how many, overdue, due by `soon_until` (DUE_SOON_DAYS after `as_of` unless given, as for parameters
    standing for the dates), no deadline; those in progress on time are the rest. The groups of
    category_condition, each reduced to its test of the due date: the database evaluates them for every open task
    of a province. (Completed tasks are counted by assignments.tallies.)"""
    soon_until = due_soon_until(as_of) if soon_until is None else soon_until
    return [
        sa.func.count().label("open"),
        sa.func.count().filter(Task.due_date < as_of).label(StatusCategory.IN_PROGRESS_OVERDUE.value),
        sa.func.count().filter(Task.due_date.between(as_of, soon_until)).label("due_soon"),
        sa.func.count().filter(Task.due_date.is_(None)).label("no_deadline"),
    ]
