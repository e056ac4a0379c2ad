"""Reminders: the right days, once per task, kind and day; the weekly digest; the walk-through under NTM_TODAY."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.notifications import services
from ntm_tasks.notifications.jobs import send_reminders
from ntm_tasks.notifications.models import JobRecord, Notification, NotificationKind

DUE = date(2024, 8, 15)  # a Thursday


def _setup(make, due=DUE, status="in_progress"):
    unit = make.unit()
    body = make.body(unit, "peoples_committee")
    assignee = make.user("assignee", unit, [body])
    task = make.task(body, status=status, due_date=due)
    return unit, body, assignee, task


def _notes(**filters):
    db.session.expire_all()
    query = sa.select(Notification).order_by(Notification.id)
    for name, value in filters.items():
        query = query.where(getattr(Notification, name) == value)
    return db.session.scalars(query).all()


@pytest.mark.parametrize("offset, kind", [
    (-4, None), (-3, "due_soon"), (-2, None), (-1, None), (0, "due_soon"), (1, "overdue"), (2, None),
    (7, None), (8, "overdue"), (9, None), (15, "overdue"), (22, "overdue"), (21, None),
])
def test_reminder_days(offset, kind):
    """3 days before and on the day: due soon; the day after, then every 7 days: overdue."""
    result = services.reminder_kind(DUE, DUE + timedelta(days=offset))
    assert (result.value if result else None) == kind


def test_reminder_sent_once_per_task_kind_and_day(app, make):
    _unit, _body, assignee, task = _setup(make)
    day = (DUE - timedelta(days=3)).isoformat()
    assert send_reminders(day) == 1
    assert send_reminders(day) == 0
    notes = _notes(user_id=assignee.id)
    assert len(notes) == 1
    assert notes[0].kind == NotificationKind.DUE_SOON and notes[0].task_id == task.id
    assert "còn 3 ngày" in notes[0].message and "15/08/2024" in notes[0].message
    assert notes[0].dedupe_key == f"due_soon:{task.id}:{day}:{assignee.id}"
    record = db.session.scalars(sa.select(JobRecord).order_by(JobRecord.id.desc())).first()
    assert record.func.endswith("send_reminders") and record.status == "finished"


def test_no_reminders_for_closed_submitted_or_undated_tasks(app, make):
    unit, body, assignee, _task = _setup(make, status="submitted")
    make.task(body, status="completed", due_date=DUE)
    make.task(body, status="cancelled", due_date=DUE)
    make.task(body, status="draft", due_date=DUE)
    make.task(body, status="in_progress", due_date=None)
    assert send_reminders(DUE.isoformat()) == 0
    assert _notes() == []


def test_responsible_person_is_reminded_too(app, make):
    unit = make.unit()
    body = make.body(unit, "peoples_committee")
    assignee = make.user("assignee", unit, [body])
    person = make.user("secretary", unit)
    make.task(body, status="assigned", due_date=DUE, responsible_user_id=person.id)
    send_reminders(DUE.isoformat())
    assert {n.user_id for n in _notes()} == {assignee.id, person.id}


def test_many_tasks_in_batches(app, make):
    unit = make.unit()
    body = make.body(unit, "peoples_committee")
    make.user("assignee", unit, [body])
    for _ in range(120):
        make.task(body, status="in_progress", due_date=DUE)
    assert send_reminders(DUE.isoformat()) == 120
    assert send_reminders(DUE.isoformat()) == 0


def test_weekly_digest_for_chairs(app, make):
    unit, body, _assignee, task = _setup(make)
    chair = make.user("chair", unit)
    other_chair = make.user("chair", make.unit())
    monday = date(2024, 8, 19)
    created = services.weekly_digest(monday)
    db.session.commit()
    assert [n.user_id for n in created] == [chair.id]
    note = _notes(user_id=chair.id)[0]
    assert note.kind == NotificationKind.DIGEST and task.title in note.message and "quá 4 ngày" in note.message
    assert services.weekly_digest(monday + timedelta(days=2)) == []  # same ISO week: once
    assert _notes(user_id=other_chair.id) == []


def test_dossiers_near_their_deadline(app, make):
    from types import SimpleNamespace

    unit = make.unit()
    chair, secretary = make.user("chair", unit), make.user("secretary", unit)
    make.user("assignee", unit, [make.body(unit)])
    dossier = SimpleNamespace(id=7, unit_id=unit.id, title="Hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao",
                              due_date=date(2024, 10, 30))
    for day, expected in ((date(2024, 10, 23), 2), (date(2024, 10, 24), 0), (date(2024, 10, 27), 2),
                          (date(2024, 10, 30), 2)):
        assert len(services.notify_dossiers_due([dossier], day)) == expected
        assert services.notify_dossiers_due([dossier], day) == []
        db.session.commit()
    assert {n.user_id for n in _notes()} == {chair.id, secretary.id}


def test_walk_through_with_ntm_today(app, make):
    """Run the daily work every day from 5 days before the deadline to 16 days after, as a system cron
    would under NTM_TODAY: reminders appear 3 days before, on the day, the day after and weekly after."""
    unit, _body, assignee, task = _setup(make)
    chair = make.user("chair", unit)
    runner = app.test_cli_runner()
    seen = {}
    day = DUE - timedelta(days=5)
    while day <= DUE + timedelta(days=16):
        app.config["NTM_TODAY"] = day.isoformat()
        for _ in range(2):  # a cron that fires twice sends nothing twice
            result = runner.invoke(args=["ntm", "run-scheduled"])
            assert result.exit_code == 0, result.output
        for note in _notes(user_id=assignee.id):
            seen.setdefault(note.id, (day, note.kind.value))
        day += timedelta(days=1)
    by_day = sorted((d, kind) for d, kind in seen.values())
    assert by_day == [
        (date(2024, 8, 12), "due_soon"),  # 3 days before
        (date(2024, 8, 15), "due_soon"),  # on the day
        (date(2024, 8, 16), "overdue"),  # the day after
        (date(2024, 8, 23), "overdue"),  # a week later
        (date(2024, 8, 30), "overdue"),  # and the week after
    ]
    digests = _notes(user_id=chair.id, kind=NotificationKind.DIGEST)
    assert [n.dedupe_key for n in digests] == [f"digest:2024-W34:{chair.id}", f"digest:2024-W35:{chair.id}"]
    assert all(task.title in n.message for n in digests)


def test_run_scheduled_rejects_bad_date(app):
    result = app.test_cli_runner().invoke(args=["ntm", "run-scheduled", "--date", "15/08/2024"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_daily_run_tells_about_a_real_dossier(app, make):
    from ntm_tasks.jobs import run_daily
    from ntm_tasks.oversight.dossiers import create_dossier
    from ntm_tasks.oversight.models import DossierKind

    unit = make.unit()
    secretary = make.user("secretary", unit)
    dossier = create_dossier(secretary, unit, kind=list(DossierKind)[0].value,
                             title="Hồ sơ đề nghị xét, công nhận xã đạt chuẩn NTM", due_date=date(2024, 10, 30))
    db.session.commit()
    results = run_daily("2024-10-27")
    assert results["dossiers"] == 1
    note = _notes(user_id=secretary.id)[0]
    assert note.kind == NotificationKind.DUE_SOON and note.task_id is None
    assert note.dedupe_key == f"dossier:{dossier.id}:2024-10-27:{secretary.id}" and "còn 3 ngày" in note.message
    assert run_daily("2024-10-27")["dossiers"] == 0


def test_daily_run_creates_occurrences_that_are_then_reminded(app, make):
    from ntm_tasks.assignments.models import Task
    from ntm_tasks.jobs import run_daily

    unit = make.unit()
    body = make.body(unit)
    assignee = make.user("assignee", unit, [body])
    series = make.task(body, status="in_progress", title="Báo cáo tiến độ hằng tháng",
                       recurrence={"freq": "monthly", "day": 20}, assigned_on=date(2024, 8, 1))
    assert run_daily("2024-08-14")["occurrences"] == 1
    assert run_daily("2024-08-14")["occurrences"] == 0
    occurrence = db.session.scalars(sa.select(Task).where(Task.series_id == series.id)).one()
    assert occurrence.due_date == date(2024, 8, 20)
    run_daily("2024-08-17")
    reminders = _notes(user_id=assignee.id, kind=NotificationKind.DUE_SOON)
    assert [n.task_id for n in reminders] == [occurrence.id]
