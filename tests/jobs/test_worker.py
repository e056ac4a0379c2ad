"""Against the real Redis, with real `rq worker --burst` processes started by the tests."""
import io
import os
import uuid
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook
from rq import Queue
from rq.registry import FailedJobRegistry

from ntm_tasks.assignments.services import transition
from ntm_tasks.extensions import db
from ntm_tasks.jobs import enqueue
from ntm_tasks.notifications.jobs import send_reminders
from ntm_tasks.notifications.models import ExportJob, JobRecord, Notification
from ntm_tasks.org.models import User
from tests.conftest import csrf_token
from tests.jobs import sample_jobs
from tests.jobs.conftest import wait_for

DUE = date(2024, 8, 15)


def _queue(app, conn) -> Queue:
    return Queue(app.config["RQ_QUEUE"], connection=conn)


def _count(model, *where) -> int:
    value = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
    db.session.rollback()  # hold no transaction (nor SQLite's write lock) while a worker runs
    return value


def test_export_requested_through_the_api_is_made_by_a_worker(rq_app, workers, redis_conn, api, make):
    unit = make.unit()
    make.task(make.body(unit), status="in_progress", due_date=date(2024, 8, 20), title="Nạo vét kênh mương")
    chair = api(make.user("chair", unit))
    response = chair.post("/exports", {"kind": "monthly_xlsx", "unit_id": unit.id, "month": "2024-08"})
    assert response.status_code == 202, response.get_json()
    export = response.get_json()
    assert export["status"] == "queued" and export["download_url"] is None
    assert _queue(rq_app, redis_conn).count == 1  # enqueued after the request committed, not run here

    workers.burst()
    done = chair.get(f"/exports/{export['id']}").get_json()
    assert done["status"] == "done" and done["progress"] == 100, done
    row = db.session.get(ExportJob, export["id"])
    assert os.path.exists(os.path.join(rq_app.config["EXPORT_FOLDER"], row.file_name))
    download = chair.get(f"/exports/{export['id']}/file")
    content = download.data
    download.close()
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    cells = [str(c.value) for r in load_workbook(io.BytesIO(content)).active.iter_rows() for c in r]
    assert "Nạo vét kênh mương" in cells
    record = db.session.scalars(sa.select(JobRecord).where(JobRecord.func.like("%run_export"))).one()
    assert record.status == "finished" and record.attempts == 1 and not record.job_id.startswith("local-")


def test_notification_email_is_sent_by_a_worker(rq_app, workers, smtp, make):
    unit = make.unit()
    body = make.body(unit)
    assignee = make.user("assignee", unit, [body])
    assignee.email = "dau.moi@example.vn"
    chair = make.user("chair", unit)
    task = make.task(body, status="submitted", title="Báo cáo tiến độ tháng 8")
    transition(chair, task, "return", note="Bổ sung số liệu", version=task.version)
    db.session.commit()
    assert smtp.messages == []  # queued, not sent by the committing process
    workers.burst()
    assert [m["to"] for m in smtp.messages] == [["dau.moi@example.vn"]]
    assert smtp.messages[0]["subject"] == "[NTM] Nhiệm vụ bị trả lại: Báo cáo tiến độ tháng 8"
    assert "https://ntm.example.vn/" in smtp.messages[0]["body"]
    assert db.session.scalars(sa.select(Notification.is_emailed)).all() == [True]


def test_a_job_that_fails_twice_is_retried_and_succeeds(rq_app, workers, redis_conn, make):
    user = make.user("viewer", make.unit())
    counter = f"ntm-test:{uuid.uuid4().hex}"
    enqueue(sample_jobs.flaky_rename, user.id, counter)
    db.session.commit()
    try:
        workers.burst()
        assert int(redis_conn.get(counter)) == 3
    finally:
        redis_conn.delete(counter)
    assert db.session.get(User, user.id).full_name == "Đã chạy ở lần 3"
    record = db.session.scalars(sa.select(JobRecord).where(JobRecord.func.like("%flaky_rename"))).one()
    assert record.status == "finished" and record.attempts == 3 and "planned failure 2" in record.error
    assert FailedJobRegistry(queue=_queue(rq_app, redis_conn)).count == 0


def test_a_job_that_keeps_failing_is_shown_to_admins(rq_app, workers, redis_conn, make, client, login):
    user = make.user("viewer", make.unit())
    counter = f"ntm-test:{uuid.uuid4().hex}"
    enqueue(sample_jobs.flaky_rename, user.id, counter, 99)
    db.session.commit()
    try:
        workers.burst()
        assert int(redis_conn.get(counter)) == 4  # the run and three retries
    finally:
        redis_conn.delete(counter)
    record = db.session.scalars(sa.select(JobRecord).where(JobRecord.func.like("%flaky_rename"))).one()
    assert record.status == "failed" and record.attempts == 4 and "planned failure 4" in record.error
    failed = FailedJobRegistry(queue=_queue(rq_app, redis_conn))
    assert failed.get_job_ids() == [record.job_id]

    login(make.user("admin"))
    html = client.get("/admin/jobs").get_data(as_text=True)
    main = html[html.find("<main"):]
    assert record.job_id in html and "planned failure 4" in html and "flaky_rename" in html, main
    token = csrf_token(client, "/admin/jobs")
    response = client.post(f"/admin/jobs/failed/{record.job_id}/requeue", data={"csrf_token": token})
    assert response.status_code == 302
    assert _queue(rq_app, redis_conn).count == 1 and failed.count == 0


def _reminder_setup(make, tasks: int, email: str = "dau.moi@example.vn"):
    unit = make.unit()
    body = make.body(unit)
    assignee = make.user("assignee", unit, [body])
    assignee.email = email
    db.session.commit()
    created = [make.task(body, status="in_progress", due_date=DUE, title=f"Nhiệm vụ số {i:03d}") for i in range(tasks)]
    return assignee, created


def _assert_each_reminder_once(smtp, tasks, assignee):
    keys = db.session.scalars(sa.select(Notification.dedupe_key)).all()
    db.session.rollback()
    assert sorted(keys) == sorted(f"due_soon:{t.id}:{DUE.isoformat()}:{assignee.id}" for t in tasks)
    subjects = [m["subject"] for m in smtp.messages]
    assert sorted(subjects) == sorted(f"[NTM] Nhiệm vụ sắp đến hạn: {t.title}" for t in tasks)
    assert all(m["to"] == [assignee.email] for m in smtp.messages)


def test_reminder_job_twice_sends_each_reminder_once(rq_app, workers, smtp, make):
    assignee, tasks = _reminder_setup(make, 60)
    enqueue(send_reminders, DUE.isoformat())
    enqueue(send_reminders, DUE.isoformat())
    db.session.commit()
    workers.burst()
    _assert_each_reminder_once(smtp, tasks, assignee)


def test_reminder_job_in_two_workers_at_once_sends_each_reminder_once(rq_app, workers, smtp, make):
    assignee, tasks = _reminder_setup(make, 120)
    for _ in range(4):
        enqueue(send_reminders, DUE.isoformat())
    db.session.commit()
    first, second = workers.start(), workers.start()
    workers.wait(first)
    workers.wait(second)
    _assert_each_reminder_once(smtp, tasks, assignee)
    records = db.session.scalars(sa.select(JobRecord).where(JobRecord.func.like("%send_reminders"))).all()
    assert len(records) == 4 and {r.status for r in records} == {"finished"}


def test_worker_killed_in_the_middle_of_reminders(rq_app, workers, redis_conn, smtp, make, tmp_path):
    """SIGKILL after the first batch is committed; the next run sends nothing twice and misses nothing."""
    assignee, tasks = _reminder_setup(make, 120)
    marker = tmp_path / "first-batch-committed"
    enqueue(sample_jobs.reminders_then_hang, DUE.isoformat(), str(marker))
    db.session.commit()
    process = workers.start()
    wait_for(lambda: marker.exists() and marker.read_text().strip(), timeout=120)
    horse = int(marker.read_text())  # rq runs the job in a forked "work horse" in its own process group
    workers.kill(process, also=[horse])
    assert _count(Notification) == 50  # one batch landed, the rest did not
    # The killed job lies in the started registry; forget it (rq's clean-up would fail it after its timeout).
    from rq.job import Job

    queue = _queue(rq_app, redis_conn)
    for job_id in queue.started_job_registry.get_job_ids() + queue.get_job_ids():
        Job.fetch(job_id, connection=redis_conn).delete()
    assert queue.count == 0

    enqueue(send_reminders, DUE.isoformat())
    db.session.commit()
    workers.burst()
    _assert_each_reminder_once(smtp, tasks, assignee)
    assert _count(Notification, Notification.is_emailed.is_(False)) == 0


def test_cron_entry_runs_the_daily_work(rq_app, workers, make):
    """What `rq cron` enqueues each morning: the daily run, enqueued with retries, done by the worker."""
    from ntm_tasks.jobs import scheduled_daily

    unit = make.unit()
    body = make.body(unit)
    assignee = make.user("assignee", unit, [body])
    task = make.task(body, status="assigned", due_date=DUE)
    rq_app.config["NTM_TODAY"] = "2024-08-16"  # the worker gets it too
    enqueue(scheduled_daily)
    db.session.commit()
    workers.burst()
    note = db.session.scalars(sa.select(Notification)).one()
    assert (note.user_id, note.task_id, note.kind, note.dedupe_key) == (
        assignee.id, task.id, "overdue", f"overdue:{task.id}:2024-08-16:{assignee.id}")
    funcs = sorted(r.func.rsplit(".", 1)[1] for r in db.session.scalars(sa.select(JobRecord)))
    assert funcs == ["run_daily", "scheduled_daily"]


def test_cron_config_registers_the_schedule(redis_conn):
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=redis_conn)
    scheduler.load_config_from_file("ntm_tasks.cron")
    entries = {job.name: (job.func_name, job.cron, job.queue_name) for job in scheduler.get_jobs()}
    assert entries == {
        "ntm-daily": ("ntm_tasks.jobs.scheduled_daily", "30 5 * * *", "ntm"),
        "ntm-weekly": ("ntm_tasks.jobs.scheduled_weekly", "0 7 * * 1", "ntm"),
        "ntm-monthly": ("ntm_tasks.jobs.scheduled_monthly", "0 4 1 * *", "ntm"),
    }
