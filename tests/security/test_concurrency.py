"""Concurrent changes of the same task through the real app, from two threads at once: exactly one wins (200),
the other gets 409 and changes nothing. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

A pause is slipped into the version check, so that both requests have read the task before either writes:
what stops the second is then the database (optimistic locking on `version`, row locks on PostgreSQL,
BEGIN IMMEDIATE on SQLite), not luck in the scheduling.
"""
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from ntm_tasks.assignments.models import Task
from ntm_tasks.audit import HistoryEntry
from ntm_tasks.db import today
from ntm_tasks.extensions import db
from tests.security.conftest import api_token


def race(app, requests: list) -> list[int]:
    """Send the (token, method, path, json) requests from one thread each, released together; their statuses."""
    barrier = threading.Barrier(len(requests))
    statuses: list = [None] * len(requests)
    errors = []

    def run(index, token, method, path, body):
        try:
            with app.app_context():
                client = FlaskClient(app)
                barrier.wait(timeout=10)
                response = client.open(path, method=method, json=body,
                                       headers={"Authorization": f"Bearer {token}"})
                statuses[index] = response.status_code
                db.session.remove()
        except Exception as error:  # reported below, so a thread's failure is never silent
            errors.append(repr(error))

    db.session.commit()  # the test's own session holds nothing the threads would wait for
    threads = [threading.Thread(target=run, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


@pytest.fixture
def slow_version_check(monkeypatch):
    from ntm_tasks.assignments import services

    real = services.check_version

    def slow(obj, version):
        time.sleep(0.15)
        return real(obj, version)

    monkeypatch.setattr(services, "check_version", slow)


def _task(make, world):
    return make.task(world.bodies["ubnd_a"], world.objects["meeting"], "assigned", today() + timedelta(days=9))


def _transitions(task_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEntry).where(
        HistoryEntry.object_type == "tasks", HistoryEntry.object_id == task_id))


@pytest.mark.parametrize("round_", range(3))
def test_the_same_transition_twice_at_once(app, make, world, slow_version_check, round_):
    task = _task(make, world)
    token = api_token(app, world.user("assignee_a"))
    path = f"/api/v1/tasks/{task.id}/transitions"
    body = {"action": "acknowledge", "version": task.version}
    statuses = race(app, [(token, "POST", path, body), (token, "POST", path, body)])
    assert sorted(statuses) == [200, 409]
    db.session.expire_all()
    stored = db.session.get(Task, task.id)
    assert (stored.status, stored.version) == ("in_progress", 2)
    assert _transitions(task.id) == 1


def test_two_people_acting_on_the_same_task_at_once(app, make, world, slow_version_check):
    """The assignee acknowledges while the chair cancels: one of them wins, whole; the other is told (409)."""
    task = _task(make, world)
    path = f"/api/v1/tasks/{task.id}/transitions"
    statuses = race(app, [
        (api_token(app, world.user("assignee_a")), "POST", path, {"action": "acknowledge", "version": 1}),
        (api_token(app, world.user("chair_a")), "POST", path, {"action": "cancel", "note": "Trùng việc",
                                                                "version": 1}),
    ])
    assert sorted(statuses) == [200, 409]
    db.session.expire_all()
    stored = db.session.get(Task, task.id)
    assert stored.status in ("in_progress", "cancelled") and stored.version == 2
    assert _transitions(task.id) == 1


def test_two_edits_of_the_same_task_at_once(app, make, world, slow_version_check):
    task = _task(make, world)
    path = f"/api/v1/tasks/{task.id}"
    statuses = race(app, [
        (api_token(app, world.user("chair_a")), "PATCH", path, {"title": "Tên của trưởng ban", "version": 1}),
        (api_token(app, world.user("secretary_a")), "PATCH", path, {"title": "Tên của thư ký", "version": 1}),
    ])
    assert sorted(statuses) == [200, 409]
    db.session.expire_all()
    stored = db.session.get(Task, task.id)
    assert stored.title in ("Tên của trưởng ban", "Tên của thư ký") and stored.version == 2
