"""The completed-task tallies of each lead body (BodyTally), kept in step with the tasks.

A flush that completes a task, reopens one, or changes a completed task's lead body, due date or submission date
moves one count from its old (body, group) to its new one, in the same transaction, so the tallies never disagree
with what was committed. `rebuild` recounts them from the tasks, for rows written around the ORM (the benchmark's
bulk load).
"""
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ntm_tasks.assignments.categories import category_condition, completion_category
from ntm_tasks.assignments.models import BodyTally, StatusCategory, Task
from ntm_tasks.extensions import db

FIELDS = ("status", "lead_body_id", "due_date", "submitted_on")  # what a completed task's group depends on
COLUMNS = (StatusCategory.COMPLETED_ON_TIME, StatusCategory.COMPLETED_LATE)  # BodyTally's, in this order


def listen() -> None:
    """Keep the tallies with every flush of the app's session (attached once per process)."""
    if not sa.event.contains(db.session, "after_flush", _after_flush):
        sa.event.listen(db.session, "after_flush", _after_flush)


def tally_key(status, body_id, due_date, submitted_on) -> tuple[int, StatusCategory] | None:
    """The (body, group) a task with these fields is counted in, or None when it is not completed."""
    category = completion_category(status, due_date, submitted_on)
    return None if category is None else (body_id, category)


def _before(task: Task) -> tuple:
    """The fields as they were before this flush (the mapping loads a changed one's old value: active_history)."""
    state = sa.inspect(task)
    values = []
    for name in FIELDS:
        history = state.attrs[name].history
        values.append(history.deleted[0] if history.deleted else getattr(task, name))
    return tuple(values)


def changes(session) -> dict[int, list[int]]:
    """{body id: [on-time change, late change]} that the session's pending task changes make."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])

    def move(key, step: int) -> None:
        if key is not None:
            deltas[key[0]][COLUMNS.index(key[1])] += step

    for task in session.new:
        if isinstance(task, Task):
            move(tally_key(*(getattr(task, name) for name in FIELDS)), 1)
    for task in session.dirty:
        if isinstance(task, Task) and session.is_modified(task, include_collections=False):
            old, new = tally_key(*_before(task)), tally_key(*(getattr(task, name) for name in FIELDS))
            if old != new:
                move(old, -1)
                move(new, 1)
    for task in session.deleted:
        if isinstance(task, Task):
            move(tally_key(*_before(task)), -1)
    return {body_id: delta for body_id, delta in deltas.items() if delta != [0, 0]}


def _after_flush(session, _context) -> None:
    deltas = changes(session)
    if not deltas:
        return
    connection = session.connection()
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(BodyTally)
    for body_id in sorted(deltas):  # one order for every writer, so two never wait on each other's rows
        on_time, late = deltas[body_id]
        statement = insert.values(body_id=body_id, completed_on_time=on_time, completed_late=late)
        connection.execute(statement.on_conflict_do_update(index_elements=[BodyTally.body_id], set_={
            "completed_on_time": BodyTally.completed_on_time + statement.excluded.completed_on_time,
            "completed_late": BodyTally.completed_late + statement.excluded.completed_late,
        }))


def counted_from_tasks():
    """SELECT (body id, completed on time, completed late) per lead body, counted from the tasks themselves."""
    return (sa.select(Task.lead_body_id,
                      *(sa.func.count().filter(category_condition(c, None)) for c in COLUMNS))
            .where(sa.or_(*(category_condition(c, None) for c in COLUMNS)))
            .group_by(Task.lead_body_id))


def rebuild(connection: sa.Connection) -> None:
    """Recount every tally from the tasks (after rows were written around the ORM)."""
    connection.execute(sa.delete(BodyTally))
    connection.execute(sa.insert(BodyTally).from_select(
        ["body_id", "completed_on_time", "completed_late"], counted_from_tasks()))
