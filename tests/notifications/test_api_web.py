"""The notifications API and pages: the caller's own, 404 for others', CSRF on every form, the bell."""
import re

import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import Notification
from tests.conftest import csrf_token


def _people(make):
    unit = make.unit()
    body = make.body(unit)
    return make.user("assignee", unit, [body]), make.user("chair", unit), body


def test_api_lists_the_callers_notifications(api, make):
    me, other, body = _people(make)
    task = make.task(body)
    first = make.notification(me, "assigned", task, "Nhiệm vụ mới: Rà soát quy hoạch")
    second = make.notification(me, "due_soon", task, is_read=True)
    make.notification(other, "digest")
    client = api(me)
    page = client.get("/notifications").get_json()
    assert set(page) == {"items", "total", "page", "per_page"} and page["total"] == 2
    item = next(i for i in page["items"] if i["id"] == first.id)
    assert set(item) == {"id", "kind", "task_id", "message", "created_at", "read"}
    assert item["kind"] == "assigned" and item["task_id"] == task.id and item["read"] is False
    assert item["message"] == "Nhiệm vụ mới: Rà soát quy hoạch"
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+07:00$", item["created_at"])
    unread = client.get("/notifications?unread=true").get_json()
    assert [i["id"] for i in unread["items"]] == [first.id]
    assert client.get("/notifications?unread=false").get_json()["total"] == 2
    assert [i["id"] for i in page["items"]] == [second.id, first.id]  # newest first
    paged = client.get("/notifications?per_page=1&page=2").get_json()
    assert paged["per_page"] == 1 and paged["page"] == 2 and len(paged["items"]) == 1


def test_api_mark_read_and_others_are_404(api, make):
    me, other, _body = _people(make)
    mine = make.notification(me)
    theirs = make.notification(other)
    client = api(me)
    response = client.post(f"/notifications/{mine.id}/read")
    assert response.status_code == 200 and response.get_json()["read"] is True
    assert client.post(f"/notifications/{mine.id}/read").status_code == 200  # idempotent
    response = client.post(f"/notifications/{theirs.id}/read")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.post("/notifications/987654/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).is_read is False
    make.notification(me)
    response = client.post("/notifications/read-all")
    assert response.status_code == 200 and response.get_json() == {"updated": 1}
    assert client.get("/notifications?unread=true").get_json()["total"] == 0


def test_api_bad_input_and_no_token(api, client, make):
    me, _other, _body = _people(make)
    response = api(me).get("/notifications?unread=maybe")
    assert response.status_code == 422 and "unread" in response.get_json()["error"]["fields"]
    assert api(me).get("/notifications?per_page=500").status_code == 422
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/1/read").status_code == 401


def test_openapi_describes_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/notifications", "/api/v1/notifications/{notification_id}/read", "/api/v1/exports",
                 "/api/v1/exports/{export_id}"):
        assert path in paths, path


def test_bell_list_and_mark_read_on_the_web(client, login, make):
    me, other, body = _people(make)
    task = make.task(body)
    note = make.notification(me, "returned", task, "Nhiệm vụ bị trả lại: Báo cáo tiến độ")
    plain = make.notification(me)
    theirs = make.notification(other)
    login(me)
    html = client.get("/notifications").get_data(as_text=True)
    assert 'id="notification-bell"' in html and 'data-unread-count="2"' in html
    assert "Nhiệm vụ bị trả lại: Báo cáo tiến độ" in html
    # "Open the task" only on the notice about a task
    assert f'/notifications/{note.id}/open"' in html and f'/notifications/{plain.id}/open"' not in html
    token = csrf_token(client, "/notifications")
    assert client.post(f"/notifications/{note.id}/read").status_code == 400  # no CSRF token
    response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": token, "next": "/notifications"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    assert 'data-unread-count="1"' in client.get("/notifications").get_data(as_text=True)
    assert client.post(f"/notifications/{theirs.id}/read", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/{theirs.id}/open", data={"csrf_token": token}).status_code == 404
    response = client.post("/notifications/read-all", data={"csrf_token": token, "next": "//evil.example/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    html = client.get("/notifications?unread=1").get_data(as_text=True)
    assert "data-unread-count" not in html and "Không có thông báo nào." in html
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).is_read is False


def test_pages_need_login(client):
    for path in ("/notifications", "/notifications/settings", "/exports", "/admin/jobs"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_settings_page_turns_email_off(client, login, make):
    me, _other, _body = _people(make)
    login(me)
    token = csrf_token(client, "/notifications/settings")
    assert client.post("/notifications/settings", data={"email": "a@b.vn"}).status_code == 400
    response = client.post("/notifications/settings", data={"csrf_token": token, "email": "dau.moi@hoangtrung.gov.vn",
                                                            "email_notifications": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert me.email == "dau.moi@hoangtrung.gov.vn" and me.email_notifications is True
    client.post("/notifications/settings", data={"csrf_token": token, "email": "dau.moi@hoangtrung.gov.vn"})
    db.session.expire_all()
    assert me.email_notifications is False
    html = client.post("/notifications/settings", data={"csrf_token": token, "email": "not-an-address"}).get_data(as_text=True)
    assert "is-invalid" in html
    from ntm_tasks.audit import history_of

    assert [e.action for e in history_of(me)].count("settings") == 2


def test_admin_job_page_is_for_admins(client, login, make):
    me, chair, _body = _people(make)
    login(chair)
    assert client.get("/admin/jobs").status_code == 403
    assert client.get("/admin/rq").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/notifications")})
    login(make.user("admin"))
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "Công việc nền" in html and "REDIS_URL" in html
    assert client.get("/admin/rq").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
