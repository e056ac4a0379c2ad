"""The completed-task tallies per lead body: kept in step with every change, equal to a recount, and the dashboard
figures built on them equal to counting each task by its status group."""
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from ntm_tasks.assignments import categories, services, tallies
from ntm_tasks.assignments.models import BodyTally, StatusCategory, Task, TaskStatus
from ntm_tasks.db import today
from ntm_tasks.extensions import db
from ntm_tasks.oversight.dashboard import counts_by_body, scope_ids


def kept() -> dict[int, tuple[int, int]]:
    """The tallies as stored, bodies with nothing completed left out."""
    return {row.body_id: (row.completed_on_time, row.completed_late) for row in db.session.scalars(sa.select(BodyTally))
            if row.completed_on_time or row.completed_late}


def recounted() -> dict[int, tuple[int, int]]:
    return {body_id: (on_time, late) for body_id, on_time, late in db.session.execute(tallies.counted_from_tasks())}


def test_the_workflow_moves_the_counts(make, world):
    day = today()
    task = make.task(world.ubnd, status="assigned", due_date=day + timedelta(days=5))
    assert kept() == {} == recounted()
    task = db.session.get(Task, task.id)
    services.transition(world.lead, task, "acknowledge", version=task.version)
    services.transition(world.lead, task, "submit", note="Xong.", version=task.version)
    services.transition(world.chair, task, "approve", version=task.version)
    db.session.commit()
    assert kept() == {world.ubnd.id: (1, 0)} == recounted()

    services.transition(world.chair, task, "reopen", note="Thiếu biên bản.", version=task.version)
    db.session.commit()
    assert kept() == {} == recounted()

    # Submitted again after the due date it had: completed late this time.
    task.due_date = day - timedelta(days=1)
    db.session.commit()
    services.transition(world.lead, task, "submit", note="Đã bổ sung.", version=task.version)
    services.transition(world.chair, task, "approve", version=task.version)
    db.session.commit()
    assert kept() == {world.ubnd.id: (0, 1)} == recounted()


def test_changes_made_directly_and_in_one_flush(make, world):
    on_time = make.task(world.ubnd, status="completed", due_date=date(2026, 5, 1), submitted_on=date(2026, 4, 30))
    make.task(world.ubnd, status="completed", due_date=None, submitted_on=date(2026, 4, 30))  # no deadline: on time
    make.task(world.party, status="completed", due_date=date(2026, 5, 1), submitted_on=date(2026, 5, 2))
    make.task(world.party, status="cancelled", due_date=date(2026, 5, 1))
    assert kept() == {world.ubnd.id: (2, 0), world.party.id: (0, 1)} == recounted()

    # An expired row changed without being read first: its old values are still known.
    db.session.expire_all()
    task = db.session.get(Task, on_time.id)
    db.session.expire(task)
    task.due_date = date(2026, 4, 1)  # now submitted after its deadline
    task.lead_body_id = world.party.id
    db.session.commit()
    assert kept() == {world.ubnd.id: (1, 0), world.party.id: (0, 2)} == recounted()

    # A rollback leaves them as committed.
    db.session.get(Task, on_time.id).status = TaskStatus.IN_PROGRESS
    db.session.flush()
    assert kept()[world.party.id] == (0, 1)
    db.session.rollback()
    assert kept() == {world.ubnd.id: (1, 0), world.party.id: (0, 2)} == recounted()


def test_rebuild_recounts_rows_written_around_the_orm(app, make, world):
    make.task(world.ubnd, status="completed", due_date=date(2026, 5, 1), submitted_on=date(2026, 4, 30))
    db.session.execute(sa.update(Task).values(submitted_on=date(2026, 6, 1)))  # Core: no flush sees it
    db.session.commit()
    assert kept() == {world.ubnd.id: (1, 0)}
    db.session.commit()  # on SQLite this session's transaction holds the write lock the command needs
    result = app.test_cli_runner().invoke(args=["ntm", "recount-tallies"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert kept() == {world.ubnd.id: (0, 1)} == recounted()


def test_dashboard_figures_equal_each_task_counted_by_its_group(make, world):
    as_of = today()
    rows = [  # (body, status, due in days from today or None, submitted in days or None)
        (world.ubnd, "assigned", -3, None), (world.ubnd, "in_progress", 0, None), (world.ubnd, "submitted", 3, -1),
        (world.ubnd, "in_progress", 4, None), (world.ubnd, "in_progress", None, None),
        (world.party, "completed", -2, -5), (world.party, "completed", -2, -1), (world.party, "completed", None, -9),
        (world.party, "draft", 1, None), (world.party, "declined", 1, None), (world.village_head, "submitted", -1, 0),
        (world.other_ubnd, "completed", 5, 1),
    ]
    for body, status, due, submitted in rows:
        make.task(body, status=status, due_date=None if due is None else as_of + timedelta(days=due),
                  submitted_on=None if submitted is None else as_of + timedelta(days=submitted))

    expected: dict[int, Counter] = {}
    for task in db.session.scalars(sa.select(Task)):
        category = categories.category_of(task, as_of)
        if category is None:
            continue
        figures = expected.setdefault(task.lead_body_id, Counter())
        figures["total"] += 1
        figures[category.value] += 1
        if category == StatusCategory.IN_PROGRESS_ON_TIME and task.due_date is None:
            figures["no_deadline"] += 1
        elif category == StatusCategory.IN_PROGRESS_ON_TIME and (task.due_date - as_of).days <= 3:
            figures["due_soon"] += 1

    def figures_of(unit):
        return {row["body"].id: {key: value for key, value in row["counts"].items() if value}
                for row in counts_by_body(scope_ids(unit), as_of)}

    assert figures_of(None) == {body_id: dict(counts) for body_id, counts in expected.items()}
    assert set(figures_of(world.commune)) == {world.ubnd.id, world.party.id, world.village_head.id}
    assert set(figures_of(world.village)) == {world.village_head.id}
    assert figures_of(world.other) == {world.other_ubnd.id: expected[world.other_ubnd.id]}
