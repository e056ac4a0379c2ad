"""Faults: with Redis down (REDIS_URL naming a closed port) the web app keeps working, and the work that was
to go to the queue runs in the web process instead, with a warning in the log.

The database down (a 503, never a stack trace) is tests/reliability/test_faults.py; a worker killed in the
middle of a job, then run again without sending twice, is
tests/jobs/test_worker.py::test_worker_killed_in_the_middle_of_reminders.
"""
import base64
import logging

import pytest

from ntm_tasks import create_app
from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import ExportJob, ExportStatus, Notification
from tests import factories
from tests.conftest import csrf_token
from tests.notifications.smtp import Inbox, free_port
from tests.security.conftest import api_token, web_client

REDIS_DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


@pytest.fixture
def redis_down(app):
    saved = app.config.get("REDIS_URL")
    app.config["REDIS_URL"] = REDIS_DOWN
    yield app
    app.config["REDIS_URL"] = saved


@pytest.fixture
def smtp(app):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(range(5600, 5700)))
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(saved)
    controller.stop()


def _bearer(app, user) -> dict:
    return {"Authorization": f"Bearer {api_token(app, user)}"}


def test_publishing_and_acting_with_redis_down(redis_down, world, smtp, caplog):
    app = redis_down
    assignee = world.user("assignee_a")
    assignee.email = "dau-moi@xa-a.gov.vn"
    meeting = world.objects["meeting_draft"]
    db.session.commit()
    client = app.test_client()
    caplog.set_level(logging.WARNING, logger="ntm_tasks.jobs")

    response = client.post(f"/api/v1/meetings/{meeting.id}/publish", headers=_bearer(app, world.user("chair_a")),
                           json={"version": meeting.version, "notice_number": "20/TB-UBND"})
    assert response.status_code == 200
    assert "Redis unavailable" in caplog.text and "send_emails" in caplog.text
    assert smtp.to("dau-moi@xa-a.gov.vn"), "the e-mail job ran in the web process instead of the queue"
    db.session.expire_all()
    assert db.session.query(Notification).filter_by(user_id=assignee.id, kind="assigned").count() >= 1

    task = world.objects["task_assigned"]
    response = client.post(f"/api/v1/tasks/{task.id}/transitions", headers=_bearer(app, assignee),
                           json={"action": "acknowledge", "version": task.version})
    assert response.status_code == 200 and response.get_json()["status"] == "in_progress"


def test_an_export_is_made_with_redis_down(redis_down, world, caplog):
    app = redis_down
    caplog.set_level(logging.WARNING, logger="ntm_tasks.jobs")
    response = app.test_client().post("/api/v1/exports", headers=_bearer(app, world.user("chair_a")),
                                      json={"kind": "monthly_csv", "unit_id": world.units["a"].id,
                                            "month": "2026-01"})
    assert response.status_code == 202
    assert "Redis unavailable" in caplog.text and "run_export" in caplog.text
    db.session.expire_all()
    assert db.session.get(ExportJob, response.get_json()["id"]).status == ExportStatus.DONE


def test_web_pages_and_the_jobs_page_with_redis_down(redis_down, world):
    app = redis_down
    chair = web_client(app, world.user("chair_a"))
    task = world.objects["task_submitted"]
    response = chair.post(f"/tasks/{task.id}/actions/approve", data={"version": task.version,
                                                                    "csrf_token": chair.csrf})
    assert response.status_code == 302
    assert chair.get(f"/tasks/{task.id}").status_code == 200
    admin = web_client(app, world.user("superadmin"))
    page = admin.get("/admin/jobs")
    assert page.status_code == 200
    response = admin.post("/admin/jobs/failed/some-job/requeue", data={"csrf_token": admin.csrf})
    assert response.status_code == 302  # told on the jobs page, not a 500


@pytest.fixture
def limiter_state():
    """The limiter is one object for the process: a second app re-points its store, so put it back after."""
    from ntm_tasks.extensions import limiter

    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


def test_login_throttle_works_with_its_redis_store_down(database_url, make, tmp_path, limiter_state):
    """The login throttle keeps its counts in Redis when REDIS_URL is set; with Redis down it counts in memory."""
    down = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x",
                       "UPLOAD_FOLDER": str(tmp_path), "REDIS_URL": REDIS_DOWN, "RATELIMIT_STORAGE_URI": REDIS_DOWN})
    username = make.user("chair", make.unit()).username
    db.session.commit()  # the test's session lets go of the database before the other app writes
    with down.app_context():
        client = down.test_client()
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": username, "password": factories.PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302
        basic = base64.b64encode(f"{username}:{factories.PASSWORD}".encode()).decode()
        assert client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"}).status_code == 201
        db.session.remove()
    with down.app_context():
        db.engine.dispose()
