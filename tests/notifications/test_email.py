"""E-mail against a real SMTP server (aiosmtpd) started by the test: recipients, subject, the link."""
from datetime import date

import sqlalchemy as sa

from ntm_tasks.assignments.services import transition
from ntm_tasks.extensions import db
from ntm_tasks.notifications.jobs import send_emails, send_reminders
from ntm_tasks.notifications.models import JobRecord, Notification


def _team(make, email="dau.moi@hoangtrung.gov.vn"):
    unit = make.unit()
    body = make.body(unit, "peoples_committee")
    assignee = make.user("assignee", unit, [body])
    assignee.email = email
    chair = make.user("chair", unit)
    db.session.commit()
    return unit, body, assignee, chair


def test_returned_task_is_emailed_after_commit(app, make, smtp):
    _unit, body, assignee, chair = _team(make)
    task = make.task(body, status="submitted", title="Hoàn thiện hồ sơ đề nghị công nhận xã NTM nâng cao")
    transition(chair, task, "return", note="Thiếu biên bản họp", version=task.version)
    assert smtp.messages == []  # nothing leaves before the commit
    db.session.commit()
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["to"] == ["dau.moi@hoangtrung.gov.vn"]
    assert mail["subject"] == "[NTM] Nhiệm vụ bị trả lại: Hoàn thiện hồ sơ đề nghị công nhận xã NTM nâng cao"
    assert "Kính gửi" in mail["body"] and "Thiếu biên bản họp" in mail["body"]
    link = next(line for line in mail["body"].splitlines() if line.startswith("Xem nhiệm vụ: "))
    url = link.removeprefix("Xem nhiệm vụ: ")
    assert url.startswith("https://ntm.example.vn/") and url.rstrip("/").endswith(str(task.id))
    db.session.expire_all()
    assert db.session.scalars(sa.select(Notification.is_emailed)).all() == [True]


def test_rollback_sends_nothing(app, make, smtp):
    _unit, body, _assignee, chair = _team(make)
    task = make.task(body, status="submitted")
    transition(chair, task, "return", note="Bổ sung", version=task.version)
    db.session.rollback()
    db.session.commit()
    assert smtp.messages == []


def test_email_off_or_no_address_sends_nothing(app, make, smtp):
    _unit, body, assignee, chair = _team(make)
    assignee.email_notifications = False
    silent = make.user("assignee", body.unit, [body])  # no address
    db.session.commit()
    task = make.task(body, status="submitted")
    transition(chair, task, "return", note="Bổ sung", version=task.version)
    db.session.commit()
    assert smtp.messages == []
    assert {n.user_id for n in db.session.scalars(sa.select(Notification))} == {assignee.id, silent.id}


def test_each_reminder_emailed_once(app, make, smtp):
    _unit, body, assignee, _chair = _team(make)
    task = make.task(body, status="in_progress", due_date=date(2024, 8, 15), title="Ra quân tổng vệ sinh")
    send_reminders("2024-08-12")
    send_reminders("2024-08-12")
    send_reminders("2024-08-15")
    assert [m["subject"] for m in smtp.messages] == ["[NTM] Nhiệm vụ sắp đến hạn: Ra quân tổng vệ sinh"] * 2
    assert "còn 3 ngày" in smtp.messages[0]["body"] and "Hôm nay là hạn" in smtp.messages[1]["body"]
    ids = db.session.scalars(sa.select(Notification.id)).all()
    assert send_emails(ids) == 0  # already sent: a retried job sends nothing again
    assert len(smtp.to(assignee.email)) == 2 and task.id


def test_smtp_down_is_recorded_then_swept(app, make, smtp):
    _unit, body, assignee, chair = _team(make)
    port = app.config["MAIL_PORT"]
    from tests.notifications.smtp import free_port

    app.config["MAIL_PORT"] = free_port(range(5499, 5399, -1))  # nobody listens there
    task = make.task(body, status="submitted")
    transition(chair, task, "return", note="Bổ sung", version=task.version)
    db.session.commit()  # the in-process job fails after the commit; the request does not
    db.session.expire_all()
    record = db.session.scalars(sa.select(JobRecord).where(JobRecord.func.like("%send_emails"))).one()
    assert record.status == "failed" and "ConnectionRefusedError" in record.error
    assert db.session.scalars(sa.select(Notification.is_emailed)).all() == [False]
    app.config["MAIL_PORT"] = port
    result = app.test_cli_runner().invoke(args=["ntm", "run-scheduled"])
    assert result.exit_code == 0, result.output
    assert smtp.to(assignee.email) and len(smtp.messages) == 1
