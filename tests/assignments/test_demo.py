"""The demo: Hoằng Trung's tasks show every status and every status group, and loading twice changes nothing."""
import sqlalchemy as sa

from ntm_tasks.assignments import categories
from ntm_tasks.assignments.models import (ExtensionRequest, ExtensionStatus, ProgressReport, StatusCategory, Task,
                                          TaskStatus)
from ntm_tasks.db import today
from ntm_tasks import permissions
from ntm_tasks.demo import DEMO_PASSWORD, demo_user, load_demo
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Unit
from tests.conftest import csrf_token


def test_the_demo_shows_the_whole_workflow(app, client):
    assert load_demo() is True
    db.session.commit()
    commune = db.session.scalar(sa.select(Unit).where(Unit.name == "Hoằng Trung"))
    in_commune = Task.unit_id == commune.id
    statuses = set(db.session.scalars(sa.select(Task.status).where(in_commune)))
    assert statuses == set(TaskStatus)
    groups = set(db.session.scalars(sa.select(categories.status_category(today())).where(in_commune)))
    assert {c.value for c in StatusCategory} <= groups
    extensions = set(db.session.scalars(sa.select(ExtensionRequest.status)))
    assert extensions == set(ExtensionStatus)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport)) >= 5
    monthly = db.session.scalars(sa.select(Task).where(in_commune, Task.series_id.is_(None),
                                                       Task.recurrence.is_not(None))).all()
    assert any(s.recurrence["freq"] == "monthly" for s in monthly)
    occurrences = db.session.scalars(sa.select(Task).where(Task.series_id.in_([s.id for s in monthly]))).all()
    assert {o.status for o in occurrences} >= {TaskStatus.COMPLETED, TaskStatus.ASSIGNED}

    counts = db.session.scalar(sa.select(sa.func.count()).select_from(Task))
    history = db.session.scalar(sa.text("SELECT count(*) FROM history"))
    assert load_demo() is False
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == counts
    assert db.session.scalar(sa.text("SELECT count(*) FROM history")) == history

    for username in ("chutich", "thuky", "ubnd", "truongthon", "vpdp.tinh"):
        user = demo_user(username)
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                               "csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 302, username
        visible = db.session.scalars(sa.select(Task.id).where(permissions.task_filter(user))).all()
        assert visible, username
        for path in ("/tasks/mine", "/tasks", f"/tasks/{visible[0]}", f"/tasks/{visible[-1]}"):
            assert client.get(path).status_code == 200, (username, path)
        client.post("/logout", data={"csrf_token": csrf_token(client, "/tasks")})
