"""One request, one transaction: a failure half-way through a multi-row change leaves nothing written. And the
audit history is append-only for users: no route edits or deletes it, no DELETE deletes anything."""
import sqlalchemy as sa

from ntm_tasks.assignments.models import Task
from ntm_tasks.audit import HistoryEntry
from ntm_tasks.extensions import db
from ntm_tasks.meetings.models import Conclusion, Meeting
from ntm_tasks.notifications.models import Notification
from tests.security.conftest import api_token, web_client
from tests.security.test_matrix import MISSING_ID, resolve, routes


class Boom(RuntimeError):
    """The injected failure."""


def fail_on_call(monkeypatch, target: str, n: int) -> list:
    """Make `target` (module.attribute) raise Boom on its n-th call; the calls are counted in the list."""
    module, _, name = target.rpartition(".")
    real = getattr(__import__(module, fromlist=[name]), name)
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(args)
        if len(calls) == n:
            raise Boom(f"injected failure in call {n} of {target}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, wrapper)
    return calls


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _state(meeting_id: int) -> dict:
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    return {
        "meeting": (meeting.status, meeting.version, meeting.notice_number),
        "conclusions": _count(Conclusion, Conclusion.meeting_id == meeting_id),
        "tasks": sorted((t.id, t.status, t.version) for t in db.session.scalars(
            sa.select(Task).where(Task.meeting_id == meeting_id))),
        "history": _count(HistoryEntry),
        "notifications": _count(Notification),
    }


def _bearer(app, user) -> dict:
    return {"Authorization": f"Bearer {api_token(app, user)}"}


def test_a_failure_half_way_through_saving_conclusions_leaves_nothing(app, world, monkeypatch):
    meeting_id = world.objects["meeting_draft"].id
    headers = _bearer(app, world.user("chair_a"))
    before = _state(meeting_id)
    # The conclusion and the first task are flushed; the second task's history entry fails.
    calls = fail_on_call(monkeypatch, "ntm_tasks.assignments.services.record", 2)
    items = [{"text": "Rà soát hồ sơ.", "bodies": [{"id": world.bodies["ubnd_a"].id, "role": "lead"}]},
             {"text": "Tuyên truyền.", "bodies": [{"id": world.bodies["party_a"].id, "role": "lead"}]}]
    response = app.test_client().post(f"/api/v1/meetings/{meeting_id}/conclusions", headers=headers,
                                      json={"items": items})
    assert len(calls) == 2
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "server_error"
    assert "Boom" not in response.get_data(as_text=True)  # no stack trace or exception text to the client
    assert _state(meeting_id) == before

    monkeypatch.undo()
    response = app.test_client().post(f"/api/v1/meetings/{meeting_id}/conclusions", headers=headers,
                                      json={"items": items})
    assert response.status_code == 201 and len(response.get_json()["tasks"]) == 2
    after = _state(meeting_id)
    assert after["conclusions"] == before["conclusions"] + 2 and len(after["tasks"]) == len(before["tasks"]) + 2


def _draft_with_two_tasks(app, world) -> int:
    meeting_id = world.objects["meeting_draft"].id
    items = [{"text": "Việc một.", "bodies": [{"id": world.bodies["ubnd_a"].id, "role": "lead"}]},
             {"text": "Việc hai.", "bodies": [{"id": world.bodies["ubnd_a"].id, "role": "lead"}]}]
    response = app.test_client().post(f"/api/v1/meetings/{meeting_id}/conclusions",
                                      headers=_bearer(app, world.user("chair_a")), json={"items": items})
    assert response.status_code == 201
    return meeting_id


def test_a_failure_half_way_through_publishing_leaves_the_meeting_a_draft(app, world, monkeypatch):
    meeting_id = _draft_with_two_tasks(app, world)
    headers = _bearer(app, world.user("chair_a"))
    before = _state(meeting_id)
    assert before["meeting"][0] == "draft" and len(before["tasks"]) == 3
    # The meeting is published and the first tasks assigned and announced; the second announcement fails.
    calls = fail_on_call(monkeypatch, "ntm_tasks.assignments.services.notify", 2)
    response = app.test_client().post(f"/api/v1/meetings/{meeting_id}/publish", headers=headers,
                                      json={"version": before["meeting"][1], "notice_number": "15/TB-UBND"})
    assert len(calls) == 2 and response.status_code == 500
    assert _state(meeting_id) == before

    monkeypatch.undo()
    response = app.test_client().post(f"/api/v1/meetings/{meeting_id}/publish", headers=headers,
                                      json={"version": before["meeting"][1], "notice_number": "15/TB-UBND"})
    assert response.status_code == 200
    assert {status for _id, status, _v in _state(meeting_id)["tasks"]} == {"assigned"}


def test_the_publish_page_rolls_back_too(app, world, monkeypatch):
    meeting_id = _draft_with_two_tasks(app, world)
    client = web_client(app, world.user("secretary_a"))
    before = _state(meeting_id)
    fail_on_call(monkeypatch, "ntm_tasks.assignments.services.notify", 2)
    response = client.post(f"/meetings/{meeting_id}/publish", data={
        "version": before["meeting"][1], "notice_number": "16/TB-UBND", "csrf_token": client.csrf})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "Boom" not in html
    assert _state(meeting_id) == before


# --- the history is append-only --------------------------------------------------------------------

def test_no_route_writes_or_deletes_the_history(app):
    """No route is about history but for reading, and the only DELETE is the caller's own token."""
    problems = []
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if "history" in rule.rule or "history" in rule.endpoint:
            problems.append(f"{rule.rule} names the history")
        if "PUT" in methods:
            problems.append(f"{rule.rule} answers PUT")
        if "DELETE" in methods and rule.endpoint != "tokens_api.delete_token":
            problems.append(f"{rule.rule} answers DELETE")
    assert not problems, "\n".join(problems)


def _table_counts() -> dict:
    db.session.expire_all()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_delete_and_put_on_every_api_path_delete_nothing(app, world):
    headers = _bearer(app, world.user("superadmin"))
    client = app.test_client()
    before = _table_counts()
    history = {row.id: (row.action, row.changes) for row in db.session.scalars(sa.select(HistoryEntry))}
    problems, paths = [], set()
    for rule, _method in routes(app):
        if not rule.rule.startswith("/api/") or rule.rule == "/api/v1/tokens":  # DELETE ends one's own token
            continue
        for missing in (False, True):
            values, _names = resolve(world, rule, missing_ids=missing)
            path = app.url_map.bind("localhost").build(rule.endpoint, values)
            if path in paths:
                continue
            paths.add(path)
            for method in ("DELETE", "PUT"):
                status = client.open(path, method=method, headers=headers).status_code
                if status not in (404, 405):
                    problems.append(f"{method} {path}: {status}")
    assert not problems, "\n".join(problems)
    assert _table_counts() == before
    assert {row.id: (row.action, row.changes) for row in db.session.scalars(sa.select(HistoryEntry))} == history
    assert MISSING_ID not in history
