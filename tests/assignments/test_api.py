"""The tasks part of API.md: create, list, read, edit, progress reports, extension requests."""
from datetime import date, datetime, timezone

import orjson
import pytest
import sqlalchemy as sa

from ntm_tasks.assignments.models import Task, TaskStatus
from ntm_tasks.assignments.schemas import task_payload
from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import Notification
from ntm_tasks.oversight import criteria
from tests.assignments.support import reload, snapshot

TASK_KEYS = {"id", "meeting_id", "title", "description", "lead_body", "coordinating_bodies", "due_date",
             "original_due_date", "recurrence", "status", "progress", "status_category", "overdue_days", "version",
             "created_at", "updated_at"}


# --- creating -------------------------------------------------------------------------------------

def test_a_task_added_to_a_draft_meeting_is_a_draft(api, make, world):
    meeting = make.meeting(world.commune, status="draft")
    response = api(world.secretary).post(f"/meetings/{meeting.id}/tasks", {
        "title": "Rà soát quy hoạch chung xã", "description": "Theo kế hoạch 89/KH-UBND",
        "lead_body_id": world.ubnd.id, "coordinating_body_ids": [world.party.id], "due_date": "2024-09-30",
        "criterion_codes": ["ntm-xa-2026.01"]})
    assert response.status_code == 201, response.get_json()
    task = response.get_json()
    assert TASK_KEYS | {"history"} <= set(task)
    assert task["status"] == "draft" and task["meeting_id"] == meeting.id
    assert task["lead_body"] == {"id": world.ubnd.id, "name": world.ubnd.name, "unit_id": world.commune.id}
    assert [b["id"] for b in task["coordinating_bodies"]] == [world.party.id]
    assert task["due_date"] == task["original_due_date"] == "2024-09-30"
    assert task["status_category"] is None and task["overdue_days"] == 0
    assert task["criterion_codes"] == ["ntm-xa-2026.01"] and task["unit_id"] == world.commune.id
    assert task["created_at"].endswith("+07:00")
    assert task["history"][0]["action"] == "created" and task["history"][0]["user"]["id"] == world.secretary.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_a_task_added_to_a_published_meeting_is_assigned_and_announced(api, make, world):
    meeting = make.meeting(world.commune, status="published")
    response = api(world.chair).post(f"/meetings/{meeting.id}/tasks", {
        "title": "Báo cáo tiến độ", "lead_body_id": world.ubnd.id, "recurrence": {"freq": "monthly", "day": 20}})
    assert response.status_code == 201, response.get_json()
    task = response.get_json()
    assert task["status"] == "assigned" and task["recurrence"] == {"freq": "monthly", "day": 20}
    assert task["due_date"] is None and task["status_category"] == "in_progress_on_time"
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.task_id == task["id"])).all()
    assert told == [world.lead.id]
    assert api(world.lead).get(f"/tasks/{task['id']}").status_code == 200


def test_meeting_tasks_refused(api, make, world):
    meeting = make.meeting(world.commune, status="published")
    payload = {"title": "X", "lead_body_id": world.ubnd.id}
    assert api(world.other_chair).post(f"/meetings/{meeting.id}/tasks", payload).status_code == 404
    assert api(world.secretary).post("/meetings/987654/tasks", payload).status_code == 404
    assert api(world.viewer).post(f"/meetings/{meeting.id}/tasks", payload).status_code == 403
    make.task(world.ubnd, meeting, status="assigned")  # now the assignee sees the meeting
    assert api(world.lead).post(f"/meetings/{meeting.id}/tasks", payload).status_code == 403
    client = api(world.secretary)
    for bad, field in (({"lead_body_id": world.ubnd.id}, "title"), ({"title": "X"}, "lead_body_id"),
                       ({"title": "X", "lead_body_id": world.other_ubnd.id}, "lead_body_id"),
                       ({"title": "X", "lead_body_id": 987654}, "lead_body_id"),
                       ({"title": "X", "lead_body_id": world.ubnd.id, "coordinating_body_ids": [world.ubnd.id]},
                        "coordinating_body_ids"),
                       ({"title": "X", "lead_body_id": world.ubnd.id, "coordinating_body_ids": [world.other_ubnd.id]},
                        "coordinating_body_ids"),
                       ({"title": "X", "lead_body_id": world.ubnd.id, "due_date": "2024-07-01"}, "due_date"),
                       ({"title": "X", "lead_body_id": world.ubnd.id, "due_date": "31/12/2024"}, "due_date"),
                       ({"title": "X", "lead_body_id": world.ubnd.id, "recurrence": {"freq": "daily"}},
                        "recurrence.freq"),
                       ({"title": "X", "lead_body_id": world.ubnd.id, "recurrence": {"freq": "weekly", "day": 9}},
                        "recurrence"),
                       ({"title": "X", "lead_body_id": world.ubnd.id,
                         "recurrence": {"freq": "yearly", "day": 30, "month": 2}}, "recurrence"),
                       ({"title": "   ", "lead_body_id": world.ubnd.id}, "title")):
        response = client.post(f"/meetings/{meeting.id}/tasks", bad)
        assert response.status_code == 422, (bad, response.get_json())
        assert field in response.get_json()["error"]["fields"], (bad, response.get_json())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 1


def test_a_task_given_directly(api, make, world):
    client = api(world.secretary)
    response = client.post("/tasks", {"title": "Kế hoạch huyện: rà soát tiêu chí 17", "lead_body_id": world.ubnd.id,
                                      "due_date": "2030-06-30"})
    assert response.status_code == 201, response.get_json()
    task = response.get_json()
    assert task["status"] == "assigned" and task["meeting_id"] is None and task["unit_id"] == world.commune.id
    village = client.post("/tasks", {"unit_id": world.village.id, "title": "Việc của thôn",
                                     "lead_body_id": world.village_head.id}).get_json()
    assert village["unit_id"] == world.village.id
    # Another commune's unit reads as a missing one (422 naming the field), so its existence does not leak.
    elsewhere = client.post("/tasks", {"unit_id": world.other.id, "title": "X", "lead_body_id": world.other_ubnd.id})
    assert elsewhere.status_code == 422 and "unit_id" in elsewhere.get_json()["error"]["fields"]
    missing = client.post("/tasks", {"unit_id": 987654, "title": "X", "lead_body_id": world.ubnd.id})
    assert missing.status_code == 422 and "unit_id" in missing.get_json()["error"]["fields"]
    assert api(world.lead).post("/tasks", {"title": "X", "lead_body_id": world.ubnd.id}).status_code == 403
    assert api(world.viewer).post("/tasks", {"unit_id": world.commune.id, "title": "X",
                                             "lead_body_id": world.ubnd.id}).status_code == 403


# --- reading --------------------------------------------------------------------------------------

def test_list_scope_filters_and_order(app, api, make, world):
    app.config["NTM_TODAY"] = "2024-08-20"
    meeting = make.meeting(world.commune, status="published")
    late = make.task(world.ubnd, meeting, status="in_progress", due_date=date(2024, 8, 10), title="Rà soát quy hoạch")
    later = make.task(world.ubnd, status="assigned", due_date=date(2024, 8, 1), title="RÀ SOÁT hồ sơ 100%")
    soon = make.task(world.party, status="assigned", due_date=date(2024, 8, 22), coordinating=[world.ubnd])
    ongoing = make.task(world.ubnd, status="in_progress", due_date=None, title="Thường xuyên")
    done = make.task(world.ubnd, status="completed", due_date=date(2024, 8, 1), submitted_on=date(2024, 7, 30))
    draft = make.task(world.ubnd, status="draft", due_date=date(2024, 9, 1))
    village = make.task(world.village_head, status="assigned", due_date=date(2024, 9, 5), unit_=world.commune)
    from_province = make.task(world.ubnd, status="assigned", due_date=date(2024, 9, 9), unit_=world.province)
    elsewhere = make.task(world.other_ubnd, status="assigned", due_date=date(2024, 8, 1))

    def ids(client, query=""):
        response = client.get(f"/tasks{query}")
        assert response.status_code == 200, response.get_json()
        return [t["id"] for t in response.get_json()["items"]]

    chair = api(world.chair)
    assert ids(chair) == [later.id, late.id, done.id, soon.id, draft.id, village.id, from_province.id, ongoing.id]
    assert set(ids(api(world.viewer))) == set(ids(chair)) | {elsewhere.id}
    assert ids(api(world.lead)) == [later.id, late.id, done.id, soon.id, from_province.id, ongoing.id]
    assert ids(api(world.coord)) == [soon.id]
    assert ids(api(world.other_chair)) == [elsewhere.id]

    assert ids(chair, f"?unit_id={world.village.id}") == [village.id]
    assert set(ids(chair, f"?unit_id={world.commune.id}")) == set(ids(chair))
    assert set(ids(api(world.viewer), f"?unit_id={world.province.id}")) == set(ids(chair)) | {elsewhere.id}
    for hidden in (world.other.id, 987654):  # a unit the chair does not see, as for meetings and reports
        response = chair.get(f"/tasks?unit_id={hidden}")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert ids(api(world.lead), f"?unit_id={world.province.id}") == ids(api(world.lead))  # an assignee: any unit
    assert ids(api(world.lead), f"?unit_id={world.other.id}") == []
    assert ids(chair, f"?unit_id={world.province.id}") == ids(chair)  # above the chair's unit: the chair's scope
    assert ids(chair, f"?body_id={world.party.id}") == [soon.id]
    assert soon.id in ids(chair, f"?body_id={world.ubnd.id}")  # coordinating counts too
    assert ids(chair, "?overdue=true") == [later.id, late.id]
    assert late.id not in ids(chair, "?overdue=false") and ongoing.id in ids(chair, "?overdue=false")
    assert ids(chair, "?status=draft") == [draft.id]
    assert ids(chair, "?category=completed_on_time") == [done.id]
    assert ids(chair, "?category=in_progress_overdue") == [later.id, late.id]
    assert ids(chair, "?due_before=2024-08-10") == [later.id, late.id, done.id]
    assert ids(chair, "?due_after=2024-09-01&due_before=2024-09-05") == [draft.id, village.id]
    assert ids(chair, f"?meeting_id={meeting.id}") == [late.id]
    assert ids(chair, "?q=ra soat") == [later.id, late.id]
    assert ids(chair, "?q=Rà Soát Quy") == [late.id]
    assert ids(chair, "?q=100%") == [later.id] and ids(chair, "?q=_") == []

    page = chair.get("/tasks?per_page=3&page=2").get_json()
    assert page["total"] == 8 and page["page"] == 2 and page["per_page"] == 3 and len(page["items"]) == 3
    assert [t["id"] for t in page["items"]] == ids(chair)[3:6]
    beyond = chair.get("/tasks?per_page=3&page=4").get_json()
    assert beyond["total"] == 8 and beyond["items"] == []
    for bad in ("?status=open", "?category=late", "?overdue=maybe", "?due_before=2024-13-01", "?per_page=500",
                "?page=0", "?unit_id=x"):
        response = chair.get(f"/tasks{bad}")
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["fields"], bad


def test_detail_and_payload(app, api, make, world):
    app.config["NTM_TODAY"] = "2024-08-20"
    task = make.task(world.ubnd, status="in_progress", due_date=date(2024, 8, 15), coordinating=[world.party])
    body = api(world.coord).get(f"/tasks/{task.id}").get_json()
    assert TASK_KEYS | {"history"} <= set(body)
    assert body["status_category"] == "in_progress_overdue" and body["overdue_days"] == 5
    assert body == {**task_payload(reload(task), with_history=True)}
    assert task_payload(reload(task), as_of=date(2024, 8, 1))["status_category"] == "in_progress_on_time"
    assert "history" not in task_payload(reload(task))
    assert api(world.bystander).get(f"/tasks/{task.id}").status_code == 404
    assert api(world.other_chair).get(f"/tasks/{task.id}").status_code == 404
    assert api(world.chair).get("/tasks/987654").status_code == 404


def test_list_has_no_query_per_task(api, make, world):
    for _ in range(12):
        make.task(world.ubnd, status="assigned", coordinating=[world.party, world.women])
    statements = []
    engine = db.engine

    def count(*_args):
        statements.append(1)

    client = api(world.chair)
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/tasks").get_json()["total"] == 12
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) < 15


def _reads(call) -> tuple[int, object]:
    """How many SELECT statements `call()` sends to the database, and what it returned."""
    selects = []
    listener = lambda *args: selects.append(args[2]) if args[2].lstrip().startswith("SELECT") else None  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(selects), result


def test_criterion_codes_must_name_criteria_the_caller_may_read(api, make, world):
    """A code is a criterion or indicator of a set the caller sees (GET /criteria-sets); others are refused."""
    meeting = make.meeting(world.commune, status="published")
    elsewhere = make.unit(level="province")
    criteria.create_criteria_set(make.user("admin", None), code="tinh-khac", name="Bộ của tỉnh khác",
                                 kind="model_village", province=elsewhere, criteria=[{"name": "Đường làng"}])
    client = api(world.secretary)
    for codes, wrong in ((["ntm-xa-2026.01", "tc-khong-co"], "tc-khong-co"), (["tinh-khac.01"], "tinh-khac.01")):
        response = client.post(f"/meetings/{meeting.id}/tasks", {"title": "Mã lạ", "lead_body_id": world.ubnd.id,
                                                                 "criterion_codes": codes})
        assert response.status_code == 422, response.get_json()
        assert wrong in response.get_json()["error"]["fields"]["criterion_codes"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0
    indicator = client.post(f"/meetings/{meeting.id}/tasks", {"title": "Chỉ tiêu", "lead_body_id": world.ubnd.id,
                                                              "criterion_codes": ["ntm-xa-2026.01.1"]})
    assert indicator.status_code == 201, indicator.get_json()

def test_writes_read_what_they_answer_with_in_a_fixed_number_of_queries(api, make, world):
    """A create or a transition answers with the task's bodies, criteria and history (each entry with its user),
    read with the task or in one query each, not one per body, criterion or person: each read is a round trip."""
    meeting = make.meeting(world.commune, status="published")
    secretary, lead = api(world.secretary), api(world.lead)
    criteria.load_national_sets()  # else the first create loads them
    created = {}
    for coordinating in ([], [world.party.id, world.women.id]):
        reads, response = _reads(lambda: secretary.post(f"/meetings/{meeting.id}/tasks", {
            "title": "Rà soát", "lead_body_id": world.ubnd.id, "coordinating_body_ids": coordinating,
            "criterion_codes": ["ntm-xa-2026.01", "ntm-xa-2026.02"]}))
        assert response.status_code == 201, response.get_json()
        created[len(coordinating)] = reads, response.get_json()
    task = created[2][1]
    assert created[2][0] == created[0][0]
    assert [b["id"] for b in task["coordinating_bodies"]] == sorted([world.party.id, world.women.id])
    assert task["lead_body"]["id"] == world.ubnd.id and task["criterion_codes"] == ["ntm-xa-2026.01", "ntm-xa-2026.02"]

    first, acknowledged = _reads(lambda: lead.post(f"/tasks/{task['id']}/transitions", {
        "action": "acknowledge", "version": task["version"]}))
    assert acknowledged.status_code == 200, acknowledged.get_json()
    second, submitted = _reads(lambda: lead.post(f"/tasks/{task['id']}/transitions", {
        "action": "submit", "note": "Xong", "version": acknowledged.get_json()["version"]}))
    assert submitted.status_code == 200, submitted.get_json()
    answer = submitted.get_json()
    assert [entry["user"]["id"] for entry in answer["history"]] == [world.secretary.id, world.lead.id, world.lead.id]
    assert answer["criterion_codes"] == ["ntm-xa-2026.01", "ntm-xa-2026.02"] and len(answer["coordinating_bodies"]) == 2
    # the token with the caller's account, unit and bodies (an assignee acts for them), the task with its lead
    # body and criteria, its coordinating bodies, and the history with its users
    assert second == first == 4


# --- editing --------------------------------------------------------------------------------------

def test_patch_changes_fields_and_records_them(api, make, world):
    task = make.task(world.ubnd, status="assigned", due_date=date(2030, 1, 1))
    client = api(world.secretary)
    response = client.patch(f"/tasks/{task.id}", {
        "title": "Tên mới", "expected_output": "Biên bản", "coordinating_body_ids": [world.party.id],
        "due_date": "2030-02-01", "criterion_codes": ["ntm-xa-2026.02", "ntm-xa-2026.01", "ntm-xa-2026.02"], "version": task.version})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "Tên mới" and body["expected_output"] == "Biên bản"
    assert body["due_date"] == "2030-02-01" and body["original_due_date"] == "2030-01-01"
    assert body["criterion_codes"] == ["ntm-xa-2026.01", "ntm-xa-2026.02"] and [b["id"] for b in body["coordinating_bodies"]] == [world.party.id]
    changes = body["history"][-1]["changes"]
    assert body["history"][-1]["action"] == "updated"
    assert changes["title"][1] == "Tên mới" and changes["due_date"] == ["2030-01-01", "2030-02-01"]
    assert changes["coordinating_body_ids"] == [[], [world.party.id]]
    assert client.get("/tasks?q=ten moi").get_json()["total"] == 1
    same = client.patch(f"/tasks/{task.id}", {"title": "Tên mới", "criterion_codes": ["ntm-xa-2026.02", "ntm-xa-2026.01"],
                                              "version": body["version"]}).get_json()
    assert same["version"] == body["version"] and len(same["history"]) == len(body["history"])


def test_patch_refusals_change_nothing(api, make, world):
    task = make.task(world.ubnd, status="assigned", coordinating=[world.party])
    before = snapshot(task)
    payload = {"title": "X", "version": task.version}
    assert api(world.other_chair).patch(f"/tasks/{task.id}", payload).status_code == 404
    assert api(world.lead).patch(f"/tasks/{task.id}", payload).status_code == 403
    assert api(world.viewer).patch(f"/tasks/{task.id}", payload).status_code == 403
    client = api(world.chair)
    missing = client.patch(f"/tasks/{task.id}", {"title": "X"})
    assert missing.status_code == 422 and "version" in missing.get_json()["error"]["fields"]
    assert client.patch(f"/tasks/{task.id}", {"title": "X", "version": task.version + 5}).status_code == 409
    for bad, field in (({"lead_body_id": world.other_ubnd.id}, "lead_body_id"),
                       ({"lead_body_id": world.party.id}, "coordinating_body_ids"),
                       ({"coordinating_body_ids": [world.ubnd.id]}, "coordinating_body_ids"),
                       ({"title": ""}, "title"), ({"responsible_user_id": 987654}, "responsible_user_id"),
                       ({"criterion_codes": ["ntm-xa-2026.01", "tc-khong-co"]}, "criterion_codes")):
        response = client.patch(f"/tasks/{task.id}", {**bad, "version": task.version})
        assert response.status_code == 422, (bad, response.get_json())
        assert field in response.get_json()["error"]["fields"]
    assert snapshot(task) == before
    closed = make.task(world.ubnd, status="completed")
    assert client.patch(f"/tasks/{closed.id}", {"title": "X", "version": closed.version}).status_code == 409


def test_moving_the_lead_tells_the_new_assignees(api, make, world):
    task = make.task(world.ubnd, status="assigned")
    response = api(world.chair).patch(f"/tasks/{task.id}", {"lead_body_id": world.party.id, "version": task.version})
    assert response.status_code == 200
    assert response.get_json()["lead_body"]["id"] == world.party.id
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.task_id == task.id)).all()
    assert told == [world.coord.id]


def test_editing_a_drafts_due_date_moves_the_original_too(api, make, world):
    task = make.task(world.ubnd, status="draft", due_date=date(2030, 1, 1))
    body = api(world.secretary).patch(f"/tasks/{task.id}", {"due_date": "2030-03-01", "version": task.version})
    assert body.get_json()["original_due_date"] == "2030-03-01"


# --- progress -------------------------------------------------------------------------------------

def test_progress_reports(api, make, world):
    task = make.task(world.ubnd, status="in_progress", coordinating=[world.party])
    lead = api(world.lead)
    response = lead.post(f"/tasks/{task.id}/updates", {"note": "Đã khảo sát 3/5 thôn", "progress": 60})
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert {k: report[k] for k in ("task_id", "progress", "note")} == {
        "task_id": task.id, "progress": 60, "note": "Đã khảo sát 3/5 thôn"}
    assert report["user"] == {"id": world.lead.id, "username": world.lead.username, "full_name": world.lead.full_name}
    assert report["created_at"] and report["id"]
    assert reload(task).progress == 60
    coordinating = api(world.coord).post(f"/tasks/{task.id}/updates", {"note": "Phối hợp", "progress": 10})
    assert coordinating.status_code == 201 and reload(task).progress == 60  # the lead's figure is the task's
    for value in (0, 100):
        assert lead.post(f"/tasks/{task.id}/updates", {"progress": value}).status_code == 201
    listed = lead.get(f"/tasks/{task.id}/updates").get_json()
    assert listed["total"] == 4 and [r["progress"] for r in listed["items"]] == [100, 0, 10, 60]
    history = lead.get(f"/tasks/{task.id}").get_json()["history"]
    assert [h["action"] for h in history] == ["progress"] * 4


@pytest.mark.parametrize("value", [101, -1, 50.5, "50", "abc", None, True])
def test_progress_outside_0_to_100_is_422(api, make, world, value):
    task = make.task(world.ubnd, status="in_progress")
    before = snapshot(task)
    response = api(world.lead).post(f"/tasks/{task.id}/updates", {"note": "x", "progress": value})
    assert response.status_code == 422, response.get_json()
    assert "progress" in response.get_json()["error"]["fields"]
    assert api(world.lead).post(f"/tasks/{task.id}/updates", {"note": "x"}).status_code == 422
    assert snapshot(task) == before


def test_progress_refusals(api, make, world):
    task = make.task(world.ubnd, status="in_progress")
    payload = {"note": "x", "progress": 10}
    assert api(world.secretary).post(f"/tasks/{task.id}/updates", payload).status_code == 403
    assert api(world.chair).post(f"/tasks/{task.id}/updates", payload).status_code == 403
    assert api(world.bystander).post(f"/tasks/{task.id}/updates", payload).status_code == 404
    assert api(world.other_chair).get(f"/tasks/{task.id}/updates").status_code == 404
    closed = make.task(world.ubnd, status="completed")
    assert api(world.lead).post(f"/tasks/{closed.id}/updates", payload).status_code == 409


# --- extensions -----------------------------------------------------------------------------------

def test_extension_requests(app, api, make, world):
    app.config["NTM_TODAY"] = "2024-08-01"
    task = make.task(world.ubnd, status="in_progress", due_date=date(2024, 8, 15), coordinating=[world.party])
    lead = api(world.lead)
    url = f"/tasks/{task.id}/extension-requests"
    for bad, field in (({"reason": "x"}, "requested_due_date"), ({"requested_due_date": "2024-09-01"}, "reason"),
                       ({"requested_due_date": "2024-08-15", "reason": "x"}, "requested_due_date"),
                       ({"requested_due_date": "2024-09-01", "reason": ""}, "reason"),
                       ({"requested_due_date": "soon", "reason": "x"}, "requested_due_date")):
        response = lead.post(url, bad)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], bad
    assert api(world.coord).post(url, {"requested_due_date": "2024-09-01", "reason": "x"}).status_code == 403
    assert api(world.viewer).post(url, {"requested_due_date": "2024-09-01", "reason": "x"}).status_code == 403
    assert api(world.other_chair).post(url, {"requested_due_date": "2024-09-01", "reason": "x"}).status_code == 404

    response = lead.post(url, {"requested_due_date": "2024-09-01", "reason": "Mưa bão"})
    assert response.status_code == 201, response.get_json()
    request = response.get_json()
    assert {k: request[k] for k in ("task_id", "requested_due_date", "previous_due_date", "reason", "status")} == {
        "task_id": task.id, "requested_due_date": "2024-09-01", "previous_due_date": "2024-08-15",
        "reason": "Mưa bão", "status": "pending"}
    assert request["version"] == 1 and request["requested_by"]["id"] == world.lead.id
    assert api(world.secretary).post(url, {"requested_due_date": "2024-09-10", "reason": "x"}).status_code == 409
    assert reload(task).due_date == date(2024, 8, 15)

    decision = f"/extension-requests/{request['id']}/decision"
    assert api(world.lead).post(decision, {"approve": True}).status_code == 403
    assert api(world.secretary).post(decision, {"approve": True}).status_code == 403
    assert api(world.other_chair).post(decision, {"approve": True}).status_code == 404
    assert api(world.chair).post(decision, {}).status_code == 422
    assert api(world.chair).post(decision, {"approve": True, "version": 7}).status_code == 409
    decided = api(world.chair).post(decision, {"approve": True, "note": "Đồng ý", "version": 1})
    assert decided.status_code == 200, decided.get_json()
    body = decided.get_json()
    assert body["status"] == "approved" and body["decided_by"]["id"] == world.chair.id
    assert body["decision_note"] == "Đồng ý" and body["task"]["due_date"] == "2024-09-01"
    assert api(world.chair).post(decision, {"approve": False}).status_code == 409

    on_behalf = api(world.secretary).post(url, {"requested_due_date": "2024-09-20", "reason": "Thay mặt UBND"})
    assert on_behalf.status_code == 201
    assert on_behalf.get_json()["previous_due_date"] == "2024-09-01"
    listed = lead.get(url).get_json()
    assert [r["status"] for r in listed["items"]] == ["pending", "approved"]
    assert lead.get(f"/extension-requests/{request['id']}").get_json()["status"] == "approved"
    assert api(world.bystander).get(f"/extension-requests/{request['id']}").status_code == 404
    told = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == world.lead.id)).all()
    assert "extension_decided" in told


def test_extensions_need_an_open_task_and_a_future_date(app, api, make, world):
    app.config["NTM_TODAY"] = "2024-08-20"
    overdue = make.task(world.ubnd, status="in_progress", due_date=date(2024, 8, 10))
    response = api(world.lead).post(f"/tasks/{overdue.id}/extension-requests",
                                    {"requested_due_date": "2024-08-19", "reason": "x"})
    assert response.status_code == 422 and "requested_due_date" in response.get_json()["error"]["fields"]
    closed = make.task(world.ubnd, status="completed", due_date=date(2024, 8, 10))
    assert api(world.lead).post(f"/tasks/{closed.id}/extension-requests",
                                {"requested_due_date": "2024-09-19", "reason": "x"}).status_code == 409
    request = api(world.lead).post(f"/tasks/{overdue.id}/extension-requests",
                                   {"requested_due_date": "2024-09-19", "reason": "x"}).get_json()
    cancelled = api(world.chair).post(f"/tasks/{overdue.id}/transitions",
                                      {"action": "cancel", "note": "Trùng", "version": reload(overdue).version})
    assert cancelled.status_code == 200
    decision = f"/extension-requests/{request['id']}/decision"
    assert api(world.chair).post(decision, {"approve": True}).status_code == 409
    assert api(world.chair).post(decision, {"approve": False}).status_code == 200
    assert reload(overdue).status == TaskStatus.CANCELLED and reload(overdue).due_date == date(2024, 8, 10)


def test_every_route_is_in_the_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/meetings/{meeting_id}/tasks", "/api/v1/tasks", "/api/v1/tasks/{task_id}",
                 "/api/v1/tasks/{task_id}/transitions", "/api/v1/tasks/{task_id}/updates",
                 "/api/v1/tasks/{task_id}/attachments", "/api/v1/attachments/{attachment_id}",
                 "/api/v1/tasks/{task_id}/extension-requests", "/api/v1/extension-requests/{request_id}/decision"):
        assert path in paths, path
    assert "patch" in paths["/api/v1/tasks/{task_id}"]
    upload = paths["/api/v1/tasks/{task_id}/attachments"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_payloads_read_as_rows_are_the_orm_payloads_in_the_order_asked(make, world):
    """Lists and reports build their tasks' payloads from plain rows (task_payloads): the same as task_payload."""
    from ntm_tasks.assignments.models import TaskCriterion
    from ntm_tasks.assignments.schemas import task_payloads

    meeting = make.meeting(world.commune)
    plain = make.task(world.ubnd, meeting, due_date=date(2026, 5, 1))
    rich = make.task(world.party, meeting, status="in_progress", due_date=date(2026, 7, 1),
                     coordinating=[world.village_head, world.ubnd], progress=40, description="Mô tả",
                     recurrence={"freq": "monthly", "day": 25, "month": None})
    rich.criteria = [TaskCriterion(criterion_code=code) for code in ("b-code", "a-code")]
    plain.created_at = datetime(2026, 4, 30, 20, 4, 5, tzinfo=timezone.utc)  # a whole second, the next day in Vietnam
    rich.created_at = datetime(2026, 5, 2, 1, 0, 0, 5, tzinfo=timezone.utc)
    done = make.task(world.ubnd, status="completed", due_date=date(2026, 5, 1), submitted_on=date(2026, 5, 3),
                     completed_on=date(2026, 5, 4))
    db.session.commit()
    as_of = date(2026, 6, 15)
    ids = [rich.id, done.id, plain.id]
    expected = [task_payload(db.session.get(Task, task_id), as_of) for task_id in ids]
    db.session.expunge_all()
    written = task_payloads(ids + [10_000_000], as_of)  # an id that matches nothing is left out
    payloads = orjson.loads(orjson.dumps(written))
    assert payloads == expected
    assert payloads[0]["criterion_codes"] == ["a-code", "b-code"]
    assert [b["id"] for b in payloads[0]["coordinating_bodies"]] == sorted([world.village_head.id, world.ubnd.id])
    assert payloads[2]["status_category"] == "in_progress_overdue" and payloads[2]["overdue_days"] == 45
    assert payloads[2]["created_at"] == "2026-05-01T03:04:05+07:00"
    assert payloads[0]["created_at"] == "2026-05-02T08:00:00.000005+07:00"
    assert task_payloads([], as_of) == []
