"""The transition table of DOMAIN.md, walked through the API: every allowed move, every refused one."""
from datetime import date

import pytest

from ntm_tasks.assignments.models import TaskStatus
from ntm_tasks.assignments.workflow import ACTIONS
from ntm_tasks.audit import history_of
from ntm_tasks.extensions import db
from tests.assignments.support import reload, snapshot

ALL_STATUSES = list(TaskStatus)
# Who may take each kind of action, by the `actor` of the table (names of the world's users).
ALLOWED = {"lead_assignee": ["lead"], "editor": ["secretary", "chair"], "chair": ["chair"]}
ROLES = ("secretary", "chair", "lead", "coord", "bystander", "viewer")


def _task(make, world, status, **extra):
    extra.setdefault("due_date", date(2030, 1, 31))
    if status == "completed":
        extra.setdefault("submitted_on", date(2030, 1, 10))
        extra.setdefault("completed_on", date(2030, 1, 12))
    if status == "submitted":
        extra.setdefault("submitted_on", date(2030, 1, 10))
    return make.task(world.ubnd, status=status, coordinating=[world.party], **extra)


def _body(action, world, note="Ghi chú", version=None, task=None):
    payload = {"action": action, "note": note, "version": version if version is not None else task.version}
    if action == "reassign":
        payload["lead_body_id"] = world.women.id
    return payload


CASES = [(name, source) for name, spec in ACTIONS.items() for source in spec.sources]


@pytest.mark.parametrize("action,source", CASES, ids=[f"{a}-from-{s.value}" for a, s in CASES])
def test_each_allowed_transition(api, make, world, action, source):
    spec = ACTIONS[action]
    for username in ALLOWED[spec.actor]:
        task = _task(make, world, source.value)
        version = task.version
        user = getattr(world, username)
        response = api(user).post(f"/tasks/{task.id}/transitions", _body(action, world, task=task))
        assert response.status_code == 200, (username, response.get_json())
        body = response.get_json()
        assert body["status"] == spec.target.value
        assert body["version"] == version + 1
        last = body["history"][-1]
        assert last["action"] == action and last["user"]["id"] == user.id
        assert last["changes"]["status"] == [source.value, spec.target.value]
        assert last["note"] == "Ghi chú"
        assert reload(task).status == spec.target


@pytest.mark.parametrize("action", list(ACTIONS))
def test_wrong_status_is_409_and_changes_nothing(api, make, world, action):
    spec = ACTIONS[action]
    for source in ALL_STATUSES:
        if source in spec.sources:
            continue
        if source == TaskStatus.DRAFT and spec.actor == "lead_assignee":
            continue  # assignees do not see drafts at all: covered by the 404 test
        task = _task(make, world, source.value)
        before = snapshot(task)
        user = getattr(world, ALLOWED[spec.actor][0])
        response = api(user).post(f"/tasks/{task.id}/transitions", _body(action, world, task=task))
        assert response.status_code == 409, (action, source, response.get_json())
        assert response.get_json()["error"]["code"] == "conflict"
        assert snapshot(task) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_wrong_role_is_403_and_changes_nothing(api, make, world, action):
    spec = ACTIONS[action]
    source = spec.sources[0]
    for username in ROLES:
        if username in ALLOWED[spec.actor]:
            continue
        task = _task(make, world, source.value)
        before = snapshot(task)
        response = api(getattr(world, username)).post(f"/tasks/{task.id}/transitions",
                                                      _body(action, world, task=task))
        expected = 404 if username == "bystander" else 403  # the bystander's body has nothing to do with it
        assert response.status_code == expected, (action, username, response.get_json())
        assert snapshot(task) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_another_communes_task_is_404_and_changes_nothing(api, make, world, action):
    spec = ACTIONS[action]
    task = _task(make, world, spec.sources[0].value)
    before = snapshot(task)
    for user in (world.other_chair, world.other_assignee):
        response = api(user).post(f"/tasks/{task.id}/transitions", _body(action, world, task=task))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert snapshot(task) == before


def test_assignees_never_see_drafts(api, make, world):
    task = _task(make, world, "draft")
    response = api(world.lead).post(f"/tasks/{task.id}/transitions", _body("acknowledge", world, task=task))
    assert response.status_code == 404
    assert api(world.lead).get(f"/tasks/{task.id}").status_code == 404
    assert api(world.secretary).get(f"/tasks/{task.id}").status_code == 200


@pytest.mark.parametrize("action", [a for a, spec in ACTIONS.items() if spec.note_required])
def test_a_required_note_is_422(api, make, world, action):
    spec = ACTIONS[action]
    task = _task(make, world, spec.sources[0].value)
    before = snapshot(task)
    user = getattr(world, ALLOWED[spec.actor][0])
    for note in (None, "", "   "):
        response = api(user).post(f"/tasks/{task.id}/transitions", _body(action, world, note=note, task=task))
        assert response.status_code == 422
        assert "note" in response.get_json()["error"]["fields"]
    assert snapshot(task) == before


def test_missing_or_bad_fields_are_422_naming_them(api, make, world):
    task = _task(make, world, "assigned")
    before = snapshot(task)
    client = api(world.lead)
    response = client.post(f"/tasks/{task.id}/transitions", {"action": "acknowledge"})
    assert response.status_code == 422 and "version" in response.get_json()["error"]["fields"]
    response = client.post(f"/tasks/{task.id}/transitions", {"action": "fly", "version": task.version})
    assert response.status_code == 422 and "action" in response.get_json()["error"]["fields"]
    response = client.post(f"/tasks/{task.id}/transitions", {"version": task.version})
    assert response.status_code == 422 and "action" in response.get_json()["error"]["fields"]
    response = client.post(f"/tasks/{task.id}/transitions", {"action": "acknowledge", "version": "x"})
    assert response.status_code == 422 and "version" in response.get_json()["error"]["fields"]
    assert snapshot(task) == before


def test_stale_version_is_409_and_the_first_change_stands(api, make, world):
    task = _task(make, world, "submitted")
    version = task.version
    chair, other_chair_tab = api(world.chair), api(world.chair)
    first = chair.post(f"/tasks/{task.id}/transitions", {"action": "approve", "version": version})
    assert first.status_code == 200
    after_first = snapshot(task)
    second = other_chair_tab.post(f"/tasks/{task.id}/transitions",
                                  {"action": "return", "note": "Thiếu biên bản", "version": version})
    assert second.status_code == 409
    assert "version" in second.get_json()["error"]["fields"]
    assert snapshot(task) == after_first and reload(task).status == TaskStatus.COMPLETED


def test_two_clients_editing_the_same_task(api, make, world):
    task = _task(make, world, "assigned", title="Tên cũ")
    secretary, chair = api(world.secretary), api(world.chair)
    seen_by_secretary = secretary.get(f"/tasks/{task.id}").get_json()["version"]
    seen_by_chair = chair.get(f"/tasks/{task.id}").get_json()["version"]
    first = secretary.patch(f"/tasks/{task.id}", {"title": "Tên của thư ký", "version": seen_by_secretary})
    assert first.status_code == 200, first.get_json()
    history_after_first = len(history_of(reload(task)))
    second = chair.patch(f"/tasks/{task.id}", {"title": "Tên của trưởng ban", "description": "x",
                                              "version": seen_by_chair})
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "conflict"
    current = chair.get(f"/tasks/{task.id}").get_json()
    assert current["title"] == "Tên của thư ký" and current["description"] is None
    assert current["version"] == seen_by_secretary + 1
    assert len(current["history"]) == history_after_first


def test_reassign_needs_another_lead_body_in_scope(api, make, world):
    task = _task(make, world, "declined")
    before = snapshot(task)
    client = api(world.secretary)
    for lead_body_id, status in ((None, 422), (world.ubnd.id, 422), (world.other_ubnd.id, 422), (987654, 422)):
        response = client.post(f"/tasks/{task.id}/transitions",
                               {"action": "reassign", "version": task.version, "lead_body_id": lead_body_id})
        assert response.status_code == status, (lead_body_id, response.get_json())
        assert "lead_body_id" in response.get_json()["error"]["fields"]
    assert snapshot(task) == before
    response = client.post(f"/tasks/{task.id}/transitions",
                           {"action": "reassign", "version": task.version, "lead_body_id": world.village_head.id})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "assigned" and body["lead_body"]["id"] == world.village_head.id
    assert body["lead_body"]["unit_id"] == world.village.id
    # the old lead's assignee no longer sees it; the task now counts under the village
    assert api(world.lead).get(f"/tasks/{task.id}").status_code == 404
    listed = client.get(f"/tasks?unit_id={world.village.id}").get_json()
    assert [t["id"] for t in listed["items"]] == [task.id]


def test_a_coordinating_body_may_take_the_lead(api, make, world):
    """"Not ours, the Farmers' Association's", which coordinates: it leads now, and coordinates no more."""
    task = _task(make, world, "declined")
    task.coordinating_bodies = [world.party, world.women]
    db.session.commit()
    response = api(world.chair).post(f"/tasks/{task.id}/transitions",
                                     {"action": "reassign", "version": task.version, "lead_body_id": world.party.id})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["lead_body"]["id"] == world.party.id
    assert [b["id"] for b in body["coordinating_bodies"]] == [world.women.id]
    changed = body["history"][-1]["changes"]["coordinating_body_ids"]
    assert changed == [[world.party.id, world.women.id], [world.women.id]]


def test_submit_records_the_day_and_approve_completes(api, make, world, app):
    app.config["NTM_TODAY"] = "2030-01-20"
    task = _task(make, world, "in_progress")
    body = api(world.lead).post(f"/tasks/{task.id}/transitions",
                                {"action": "submit", "note": "Xong", "version": task.version}).get_json()
    assert body["submitted_on"] == "2030-01-20" and body["status_category"] == "in_progress_on_time"
    app.config["NTM_TODAY"] = "2030-02-05"
    body = api(world.chair).post(f"/tasks/{task.id}/transitions",
                                 {"action": "approve", "version": body["version"]}).get_json()
    assert body["completed_on"] == "2030-02-05" and body["progress"] == 100
    assert body["status_category"] == "completed_on_time"
    body = api(world.chair).post(f"/tasks/{task.id}/transitions",
                                 {"action": "reopen", "note": "Phát sinh", "version": body["version"]}).get_json()
    assert body["status"] == "in_progress" and body["completed_on"] is None
    assert body["status_category"] == "in_progress_overdue" and body["overdue_days"] == 5
