"""The four status groups: SQL and Python agree, and the deadline rules of DOMAIN.md hold."""
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_tasks.assignments import categories
from ntm_tasks.assignments.models import StatusCategory, Task, TaskStatus
from ntm_tasks.extensions import db

DUE = date(2024, 8, 15)


def _sql_categories(as_of: date) -> dict[int, str | None]:
    return dict(db.session.execute(sa.select(Task.id, categories.status_category(as_of))).all())


def _situations(make, world) -> list[Task]:
    """One task per interesting situation around DUE."""
    rows = []
    for status in TaskStatus:
        for due in (None, DUE - timedelta(days=10), DUE, DUE + timedelta(days=10)):
            for submitted in (None, DUE - timedelta(days=1), DUE, DUE + timedelta(days=1)):
                if status != TaskStatus.COMPLETED and submitted is not None and status != TaskStatus.SUBMITTED:
                    continue
                rows.append(make.task(world.ubnd, status=status.value, due_date=due, submitted_on=submitted))
    return rows


def test_sql_groups_equal_category_of_for_every_situation(make, world):
    tasks = _situations(make, world)
    for as_of in (DUE - timedelta(days=11), DUE - timedelta(days=1), DUE, DUE + timedelta(days=1),
                  DUE + timedelta(days=11)):
        by_sql = _sql_categories(as_of)
        for task in tasks:
            expected = categories.category_of(task, as_of)
            assert by_sql[task.id] == (expected.value if expected else None), (task.status, task.due_date, as_of)
        category = categories.status_category(as_of)
        grouped = dict(db.session.execute(sa.select(category, sa.func.count()).group_by(category)).all())
        counted = Counter(c.value if c else None for c in (categories.category_of(t, as_of) for t in tasks))
        assert grouped == dict(counted)


def test_open_counts_and_completed_tallies_aggregate_the_groups(make, world):
    from ntm_tasks.assignments import tallies

    tasks = _situations(make, world)
    as_of = DUE + timedelta(days=1)
    row = db.session.execute(sa.select(*categories.open_counts_columns(as_of)).where(categories.is_open())).one()
    groups = Counter(categories.category_of(t, as_of) for t in tasks)
    open_tasks = [t for t in tasks if t.status in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)]
    figures = row._asdict()
    assert figures["open"] == len(open_tasks)
    assert figures["in_progress_overdue"] == groups[StatusCategory.IN_PROGRESS_OVERDUE]
    assert figures["open"] - figures["in_progress_overdue"] == groups[StatusCategory.IN_PROGRESS_ON_TIME]
    assert figures["no_deadline"] == sum(1 for t in open_tasks if t.due_date is None)
    assert figures["due_soon"] == sum(1 for t in open_tasks if t.due_date and 0 <= (t.due_date - as_of).days <= 3)
    (_body, on_time, late), = db.session.execute(tallies.counted_from_tasks()).all()
    assert (on_time, late) == (groups[StatusCategory.COMPLETED_ON_TIME], groups[StatusCategory.COMPLETED_LATE])


def test_draft_declined_and_cancelled_belong_to_no_group(make, world):
    for status in ("draft", "declined", "cancelled"):
        task = make.task(world.ubnd, status=status, due_date=DUE)
        assert categories.category_of(task, DUE + timedelta(days=5)) is None
        assert categories.overdue_days(task, DUE + timedelta(days=5)) == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from(list(TaskStatus)), due=st.one_of(st.none(), st.integers(-30, 30)),
       submitted=st.one_of(st.none(), st.integers(-30, 30)), as_of=st.integers(-40, 40))
def test_sql_and_python_agree_on_any_task(make, world, status, due, submitted, as_of):
    task = make.task(world.ubnd, status=status.value,
                     due_date=DUE + timedelta(days=due) if due is not None else None,
                     submitted_on=DUE + timedelta(days=submitted) if submitted is not None else None)
    day = DUE + timedelta(days=as_of)
    expected = categories.category_of(task, day)
    assert _sql_categories(day)[task.id] == (expected.value if expected else None)
    overdue = db.session.scalar(sa.select(Task.id).where(Task.id == task.id, categories.is_overdue(day)))
    assert (overdue is not None) == (categories.overdue_days(task, day) > 0)


def _act(client, task_id, action, note=None):
    version = client.get(f"/tasks/{task_id}").get_json()["version"]
    response = client.post(f"/tasks/{task_id}/transitions", {"action": action, "note": note, "version": version})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_extension_approved_after_the_original_date_brings_the_task_back_within_deadline(app, api, make, world):
    task = make.task(world.ubnd, status="in_progress", due_date=DUE)
    app.config["NTM_TODAY"] = "2024-08-20"
    lead, chair = api(world.lead), api(world.chair)
    before = lead.get(f"/tasks/{task.id}").get_json()
    assert before["status_category"] == "in_progress_overdue" and before["overdue_days"] == 5
    assert [t["id"] for t in lead.get("/tasks?overdue=true").get_json()["items"]] == [task.id]

    asked = lead.post(f"/tasks/{task.id}/extension-requests",
                      {"requested_due_date": "2024-08-31", "reason": "Chờ kinh phí"})
    assert asked.status_code == 201, asked.get_json()
    request = asked.get_json()
    assert request["status"] == "pending" and request["previous_due_date"] == "2024-08-15"
    still = lead.get(f"/tasks/{task.id}").get_json()
    assert still["due_date"] == "2024-08-15" and still["status_category"] == "in_progress_overdue"

    decided = chair.post(f"/extension-requests/{request['id']}/decision", {"approve": True, "note": "Đồng ý"})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "approved"
    after = lead.get(f"/tasks/{task.id}").get_json()
    assert after["due_date"] == "2024-08-31" and after["original_due_date"] == "2024-08-15"
    assert after["status_category"] == "in_progress_on_time" and after["overdue_days"] == 0
    assert lead.get("/tasks?overdue=true").get_json()["total"] == 0
    assert after["history"][-1]["action"] == "extension_approved"
    assert after["history"][-1]["changes"]["due_date"] == ["2024-08-15", "2024-08-31"]


def test_a_late_submission_counts_as_completed_late(app, api, make, world):
    task = make.task(world.ubnd, status="in_progress", due_date=DUE)
    app.config["NTM_TODAY"] = "2024-08-18"
    _act(api(world.lead), task.id, "submit", "Đã xong")
    done = _act(api(world.chair), task.id, "approve")
    assert done["status_category"] == "completed_late"
    assert done["submitted_on"] == "2024-08-18"


def test_a_submission_before_the_date_approved_after_it_counts_on_time(app, api, make, world):
    task = make.task(world.ubnd, status="in_progress", due_date=DUE)
    app.config["NTM_TODAY"] = "2024-08-15"
    _act(api(world.lead), task.id, "submit", "Đã xong")
    app.config["NTM_TODAY"] = "2024-08-25"
    done = _act(api(world.chair), task.id, "approve")
    assert done["status_category"] == "completed_on_time" and done["completed_on"] == "2024-08-25"


def test_the_latest_submission_is_the_approved_one(app, api, make, world):
    """Submitted on time, returned, submitted again late: the approved submission is the late one."""
    task = make.task(world.ubnd, status="in_progress", due_date=DUE)
    lead, chair = api(world.lead), api(world.chair)
    app.config["NTM_TODAY"] = "2024-08-10"
    _act(lead, task.id, "submit", "Lần 1")
    _act(chair, task.id, "return", "Thiếu biên bản")
    app.config["NTM_TODAY"] = "2024-08-17"
    _act(lead, task.id, "submit", "Lần 2")
    assert _act(chair, task.id, "approve")["status_category"] == "completed_late"


def test_a_refused_extension_leaves_the_due_date(app, api, make, world):
    task = make.task(world.ubnd, status="assigned", due_date=DUE)
    app.config["NTM_TODAY"] = "2024-08-10"
    request = api(world.lead).post(f"/tasks/{task.id}/extension-requests",
                                   {"requested_due_date": "2024-09-30", "reason": "Xin thêm thời gian"}).get_json()
    decided = api(world.chair).post(f"/extension-requests/{request['id']}/decision", {"approve": False})
    assert decided.status_code == 200 and decided.get_json()["status"] == "refused"
    assert decided.get_json()["task"]["due_date"] == "2024-08-15"
    app.config["NTM_TODAY"] = "2024-08-16"
    assert api(world.lead).get(f"/tasks/{task.id}").get_json()["status_category"] == "in_progress_overdue"
