"""An end-to-end walk through shared/API.md as an outside client would do it: accounts from the command
line, then only HTTP with bearer tokens, on data the walk makes itself."""
import base64
import io
import json
from datetime import date, timedelta

import pytest

from ntm_tasks.db import today


def _token(client, username, password):
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _cli_user(app, *args):
    result = app.test_cli_runner().invoke(args=["ntm", "create-user", *args])
    assert result.exit_code == 0, result.output
    return int(result.output.strip().splitlines()[-1])


@pytest.fixture
def walk(app, client):
    """Admin from the CLI builds a province, a commune and its people through the API."""
    _cli_user(app, "--username", "root", "--password", "root-pass-1", "--role", "admin")
    admin = _token(client, "root", "root-pass-1")
    province = client.post("/api/v1/units", json={"name": "Thanh Hóa", "level": "province"}, headers=admin).get_json()
    commune = client.post("/api/v1/units", json={"name": "Hoằng Trung", "level": "commune",
                                                 "parent_id": province["id"]}, headers=admin).get_json()
    villages = [client.post("/api/v1/units", json={"name": name, "level": "village", "parent_id": commune["id"]},
                            headers=admin).get_json() for name in ("Đông Hải", "Tây Sơn")]
    other = client.post("/api/v1/units", json={"name": "Quảng Phú", "level": "commune",
                                               "parent_id": province["id"]}, headers=admin).get_json()
    bodies = client.get(f"/api/v1/units/{commune['id']}/bodies?per_page=200", headers=admin).get_json()["items"]
    by_kind = {}
    for body in bodies:
        by_kind.setdefault(body["kind"], body)
    ubnd = by_kind["peoples_committee"]

    def user(username, role, unit, body_ids=()):
        response = client.post("/api/v1/users", json={"username": username, "password": "pass-word-1",
                                                      "full_name": username, "role": role, "unit_id": unit["id"],
                                                      "body_ids": list(body_ids)}, headers=admin)
        assert response.status_code == 201, response.get_json()
        return _token(client, username, "pass-word-1")

    return {
        "admin": admin, "province": province, "commune": commune, "villages": villages, "other": other,
        "bodies": bodies, "ubnd": ubnd, "party": by_kind["party_committee"],
        "secretary": user("tk", "secretary", commune), "chair": user("ct", "chair", commune),
        "assignee": user("ub", "assignee", commune, [ubnd["id"]]),
        "viewer": user("vp", "viewer", province), "outsider": user("ct2", "chair", other),
    }


def test_meeting_to_completed_task(client, walk):
    w = walk
    meeting = client.post("/api/v1/meetings", json={
        "unit_id": w["commune"]["id"], "title": "Họp BCĐ xây dựng NTM quý III", "kind": "steering_meeting",
        "held_at": "2024-07-15T08:00:00", "location": "Hội trường UBND xã", "chair": "Nguyễn Văn A",
    }, headers=w["secretary"])
    assert meeting.status_code == 201, meeting.get_json()
    meeting = meeting.get_json()
    assert meeting["status"] == "draft" and isinstance(meeting["version"], int)

    text = ("Kết luận buổi làm việc, đồng chí Trưởng ban yêu cầu:\n"
            "1. Đối với Đảng ủy xã: Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày 15/8/2024.\n"
            "2. Đối với UBND xã: Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao trước ngày 30/10/2024.\n")
    parsed = client.post("/api/v1/conclusions/parse", json={"unit_id": w["commune"]["id"], "text": text,
                                                             "reference_date": "2024-07-15"}, headers=w["secretary"])
    assert parsed.status_code == 200, parsed.get_json()
    items = parsed.get_json()["items"]
    assert len(items) == 2
    assert items[0]["due_date"] == "2024-08-15" and items[1]["due_date"] == "2024-10-30"
    assert items[0]["bodies"][0]["id"] == w["party"]["id"] and items[0]["bodies"][0]["role"] == "lead"
    assert items[1]["bodies"][0]["id"] == w["ubnd"]["id"]

    saved = client.post(f"/api/v1/meetings/{meeting['id']}/conclusions", json={"items": items},
                        headers=w["secretary"])
    assert saved.status_code == 201, saved.get_json()
    tasks = saved.get_json()["tasks"]
    assert len(saved.get_json()["conclusions"]) == 2 and len(tasks) == 2
    assert all(t["status"] == "draft" for t in tasks)

    version = client.get(f"/api/v1/meetings/{meeting['id']}", headers=w["secretary"]).get_json()["version"]
    published = client.post(f"/api/v1/meetings/{meeting['id']}/publish",
                            json={"notice_number": "15/TB-UBND", "version": version}, headers=w["secretary"])
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["status"] == "published"
    again = client.post(f"/api/v1/meetings/{meeting['id']}/publish",
                        json={"notice_number": "15/TB-UBND", "version": published.get_json()["version"]},
                        headers=w["secretary"])
    assert again.status_code == 409

    ubnd_task = next(t for t in tasks if t["lead_body"]["id"] == w["ubnd"]["id"])
    task = client.get(f"/api/v1/tasks/{ubnd_task['id']}", headers=w["assignee"]).get_json()
    assert task["status"] == "assigned" and task["due_date"] == "2024-10-30"
    assert {"history", "status_category", "overdue_days", "original_due_date", "coordinating_bodies"} <= set(task)

    notes = client.get("/api/v1/notifications?unread=true", headers=w["assignee"]).get_json()
    assert any(n["kind"] == "assigned" and n["task_id"] == task["id"] for n in notes["items"])

    def act(who, action, note=None, **extra):
        current = client.get(f"/api/v1/tasks/{task['id']}", headers=who).get_json()
        return client.post(f"/api/v1/tasks/{task['id']}/transitions",
                           json={"action": action, "note": note, "version": current["version"], **extra},
                           headers=who)

    assert act(w["chair"], "approve").status_code == 409  # not submitted yet
    assert act(w["secretary"], "acknowledge").status_code == 403
    assert act(w["assignee"], "acknowledge").get_json()["status"] == "in_progress"
    update = client.post(f"/api/v1/tasks/{task['id']}/updates", json={"note": "Đã thu thập 5/7 tài liệu",
                                                                      "progress": 70}, headers=w["assignee"])
    assert update.status_code == 201
    bad = client.post(f"/api/v1/tasks/{task['id']}/updates", json={"note": "x", "progress": 170},
                      headers=w["assignee"])
    assert bad.status_code == 422 and "progress" in bad.get_json()["error"]["fields"]

    upload = client.post(f"/api/v1/tasks/{task['id']}/attachments", headers=w["assignee"],
                         data={"file": (io.BytesIO(b"%PDF-1.4 evidence"), "bien-ban.pdf")},
                         content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    assert {"id", "filename", "size", "content_type"} <= set(upload.get_json())
    download = client.get(f"/api/v1/attachments/{upload.get_json()['id']}", headers=w["assignee"])
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    download.close()
    refused = client.post(f"/api/v1/tasks/{task['id']}/attachments", headers=w["assignee"],
                          data={"file": (io.BytesIO(b"MZ\x90\x00"), "setup.exe")}, content_type="multipart/form-data")
    assert refused.status_code == 415

    assert act(w["assignee"], "submit").status_code == 422  # a note is required
    assert act(w["assignee"], "submit", "Đã hoàn thiện hồ sơ").get_json()["status"] == "submitted"
    assert act(w["chair"], "return", "Bổ sung biên bản").get_json()["status"] == "in_progress"
    assert act(w["assignee"], "submit", "Đã bổ sung").get_json()["status"] == "submitted"
    done = act(w["chair"], "approve").get_json()
    assert done["status"] == "completed" and done["status_category"] in ("completed_on_time", "completed_late")
    history = client.get(f"/api/v1/tasks/{task['id']}", headers=w["chair"]).get_json()["history"]
    workflow = [h["action"] for h in history if h["action"] in ("acknowledge", "submit", "return", "approve")]
    assert workflow == ["acknowledge", "submit", "return", "submit", "approve"]
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=w["outsider"]).status_code == 404


def test_stale_version_and_extension(client, walk):
    w = walk
    meeting = client.post("/api/v1/meetings", json={"unit_id": w["commune"]["id"], "title": "Làm việc",
                                                    "kind": "working_session", "held_at": "2024-07-01T14:00:00+07:00"},
                          headers=w["secretary"]).get_json()
    version = client.get(f"/api/v1/meetings/{meeting['id']}", headers=w["secretary"]).get_json()["version"]
    client.post(f"/api/v1/meetings/{meeting['id']}/publish", json={"version": version}, headers=w["secretary"])
    due = (today() - timedelta(days=5)).isoformat()
    created = client.post(f"/api/v1/meetings/{meeting['id']}/tasks", json={
        "title": "Rà soát quy hoạch chung xã", "lead_body_id": w["ubnd"]["id"], "due_date": due,
        "coordinating_body_ids": [w["party"]["id"]]}, headers=w["secretary"])
    assert created.status_code == 201, created.get_json()
    task = created.get_json()
    assert task["status"] == "assigned"
    assert task["status_category"] == "in_progress_overdue" and task["overdue_days"] == 5

    first = client.post(f"/api/v1/tasks/{task['id']}/transitions",
                        json={"action": "acknowledge", "version": task["version"]}, headers=w["assignee"])
    assert first.status_code == 200
    second = client.post(f"/api/v1/tasks/{task['id']}/transitions",
                         json={"action": "cancel", "note": "trùng", "version": task["version"]}, headers=w["chair"])
    assert second.status_code == 409
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=w["chair"]).get_json()["status"] == "in_progress"

    new_date = (today() + timedelta(days=20)).isoformat()
    request = client.post(f"/api/v1/tasks/{task['id']}/extension-requests",
                          json={"requested_due_date": new_date, "reason": "Chờ số liệu của tỉnh"},
                          headers=w["assignee"])
    assert request.status_code == 201, request.get_json()
    assert client.post(f"/api/v1/extension-requests/{request.get_json()['id']}/decision", json={"approve": True},
                       headers=w["assignee"]).status_code == 403
    decided = client.post(f"/api/v1/extension-requests/{request.get_json()['id']}/decision",
                          json={"approve": True, "note": "Đồng ý"}, headers=w["chair"])
    assert decided.status_code == 200
    after = client.get(f"/api/v1/tasks/{task['id']}", headers=w["chair"]).get_json()
    assert after["due_date"] == new_date and after["original_due_date"] == due
    assert after["status_category"] == "in_progress_on_time" and after["overdue_days"] == 0

    report = client.get(f"/api/v1/reports/overdue?unit_id={w['province']['id']}", headers=w["viewer"])
    assert report.status_code == 200, report.get_json()
    totals = report.get_json()["totals"]
    assert totals["in_progress_on_time"] == 1 and totals["in_progress_overdue"] == 0
    assert client.get(f"/api/v1/reports/overdue?unit_id={w['province']['id']}",
                      headers=w["outsider"]).status_code == 404

    listed = client.get(f"/api/v1/tasks?unit_id={w['commune']['id']}&q=ra soat quy hoach", headers=w["chair"])
    assert [t["id"] for t in listed.get_json()["items"]] == [task["id"]]


def test_oversight_endpoints_answer(client, walk):
    w = walk
    sets = client.get("/api/v1/criteria-sets", headers=w["chair"]).get_json()["items"]
    current = next(s for s in sets if len(s["criteria"]) == 10)
    criterion = current["criteria"][0]
    assessed = client.post(f"/api/v1/units/{w['commune']['id']}/assessments",
                           json={"criterion_code": criterion["code"], "met": True, "as_of": "2026-01-10"},
                           headers=w["chair"])
    assert assessed.status_code == 201, assessed.get_json()
    summary = client.get(f"/api/v1/units/{w['commune']['id']}/criteria-summary?set={current['code']}",
                         headers=w["viewer"]).get_json()
    assert summary["criteria_total"] == 10 and summary["criteria_met"] == 1
    dossier = client.post("/api/v1/dossiers", json={"unit_id": w["commune"]["id"], "kind": "recognition",
                                                    "title": "Hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao",
                                                    "due_date": date(2026, 12, 30).isoformat()}, headers=w["chair"])
    assert dossier.status_code == 201, dossier.get_json()
    assert dossier.get_json()["checklist"]
    moved = client.post(f"/api/v1/dossiers/{dossier.get_json()['id']}/transitions",
                        json={"action": "submit", "version": dossier.get_json()["version"]}, headers=w["chair"])
    assert moved.status_code == 200, moved.get_json()
    me = client.get("/api/v1/me", headers=w["assignee"]).get_json()
    feed = client.get(me["calendar_url"].split("localhost", 1)[-1])
    assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.data
    workbook = client.get(f"/api/v1/reports/monthly.xlsx?unit_id={w['commune']['id']}&month=2026-11",
                          headers=w["chair"])
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"


def test_bad_values_are_the_fields_errors_never_the_servers(client, walk):
    """JSON nested past Python's recursion limit is malformed (400); an id no column holds, a fraction given for an
    id and a "yes" given for true are the field's 422, named in `fields`."""
    w = walk
    meeting = client.post("/api/v1/meetings", json={"unit_id": w["commune"]["id"], "title": "Họp BCĐ",
                                                    "kind": "steering_meeting", "held_at": "2026-03-02T08:00:00"},
                          headers=w["secretary"]).get_json()
    deep = client.post(f"/api/v1/meetings/{meeting['id']}/tasks", data="[" * 5000 + "]" * 5000,
                       content_type="application/json", headers=w["secretary"])
    assert deep.status_code == 400 and deep.get_json()["error"]["code"] == "bad_request"

    for field, value in (("lead_body_id", 10**30), ("lead_body_id", w["ubnd"]["id"] + 0.5),
                         ("coordinating_body_ids", [2**31])):
        body = {"title": "Rà soát", "lead_body_id": w["ubnd"]["id"], field: value}
        response = client.post(f"/api/v1/meetings/{meeting['id']}/tasks", data=json.dumps(body),
                               content_type="application/json", headers=w["secretary"])  # orjson has no 10**30
        assert response.status_code == 422, (field, value)
        assert list(response.get_json()["error"]["fields"]) in ([field], [f"{field}.0"]), response.get_json()
    fraction = client.post("/api/v1/meetings", json={"unit_id": w["commune"]["id"] + 0.5, "title": "Họp",
                                                     "kind": "conference", "held_at": "2026-03-02T08:00:00"},
                           headers=w["secretary"])
    assert fraction.status_code == 422 and "unit_id" in fraction.get_json()["error"]["fields"]
    assert client.get("/api/v1/tasks?page=99999999999999999999", headers=w["chair"]).status_code == 422
    assert client.get(f"/api/v1/meetings/{meeting['id']}", headers=w["secretary"]).get_json()["tasks"] == []

    version = client.get(f"/api/v1/meetings/{meeting['id']}", headers=w["secretary"]).get_json()["version"]
    client.post(f"/api/v1/meetings/{meeting['id']}/publish", json={"version": version}, headers=w["secretary"])
    task = client.post(f"/api/v1/meetings/{meeting['id']}/tasks", json={
        "title": "Rà soát", "lead_body_id": w["ubnd"]["id"], "due_date": today().isoformat()},
        headers=w["secretary"]).get_json()
    asked = client.post(f"/api/v1/tasks/{task['id']}/extension-requests", json={
        "requested_due_date": (today() + timedelta(days=9)).isoformat(), "reason": "Chờ số liệu"},
        headers=w["assignee"]).get_json()
    for answer in ("yes", "true", 1, 0, None):
        response = client.post(f"/api/v1/extension-requests/{asked['id']}/decision", json={"approve": answer},
                               headers=w["chair"])
        assert response.status_code == 422 and "approve" in response.get_json()["error"]["fields"], answer
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=w["chair"]).get_json()["due_date"] == today().isoformat()
