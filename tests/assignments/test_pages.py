"""The task pages: what each role sees, only the actions it may take, and the forms behind them."""
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from ntm_tasks.assignments.models import ExtensionRequest, Task, TaskStatus
from ntm_tasks.attachments import Attachment
from ntm_tasks.extensions import db
from tests.assignments.support import reload
from tests.conftest import csrf_token

ACTION_NAMES = ("acknowledge", "decline", "reassign", "submit", "approve", "return", "cancel", "reopen")


def _actions(html: str) -> set[str]:
    return set(re.findall(r'<form[^>]*data-action="([a-z]+)"', html))


def _forms(html: str) -> set[str]:
    return set(re.findall(r'data-form="([a-z-]+)"', html))


def _no_inline_code(html: str) -> None:
    """The Content-Security-Policy forbids inline scripts and style attributes: the pages must not need them."""
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


@pytest.mark.parametrize("status,expected", [
    ("assigned", {"lead": {"acknowledge", "decline", "submit"}, "chair": {"cancel"}, "secretary": set(),
                  "coord": set(), "viewer": set()}),
    ("in_progress", {"lead": {"submit"}, "chair": {"cancel"}, "secretary": set(), "coord": set(), "viewer": set()}),
    ("submitted", {"lead": set(), "chair": {"approve", "return", "cancel"}, "secretary": set(), "coord": set(),
                   "viewer": set()}),
    ("declined", {"lead": set(), "chair": {"reassign"}, "secretary": {"reassign"}, "coord": set(), "viewer": set()}),
    ("completed", {"lead": set(), "chair": {"reopen"}, "secretary": set(), "coord": set(), "viewer": set()}),
    ("cancelled", {"lead": set(), "chair": {"reopen"}, "secretary": set(), "coord": set(), "viewer": set()}),
])
def test_each_role_sees_only_its_actions(client, login, make, world, status, expected):
    task = make.task(world.ubnd, status=status, due_date=date(2030, 1, 1), coordinating=[world.party],
                     submitted_on=date(2029, 12, 1) if status in ("submitted", "completed") else None)
    for username, actions in expected.items():
        login(getattr(world, username))
        response = client.get(f"/tasks/{task.id}")
        assert response.status_code == 200, username
        html = response.get_data(as_text=True)
        assert _actions(html) == actions, (username, _actions(html))
        assert task.title in html
        _no_inline_code(html)
        client.post("/logout", data={"csrf_token": csrf_token(client, f"/tasks/{task.id}")})


def test_forms_follow_what_the_user_may_do(client, login, make, world):
    task = make.task(world.ubnd, status="in_progress", due_date=date(2030, 1, 1), coordinating=[world.party])
    expectations = {
        world.lead: {"progress", "upload", "request-extension"},
        world.coord: {"progress", "upload"},
        world.secretary: {"upload", "request-extension"},
        world.chair: {"upload", "request-extension"},
        world.viewer: set(),
    }
    for user, forms in expectations.items():
        login(user)
        html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
        assert _forms(html) == forms, (user.role, _forms(html))
        assert ('data-action="edit"' in html) == (user in (world.secretary, world.chair))
        client.post("/logout", data={"csrf_token": csrf_token(client, f"/tasks/{task.id}")})
    db.session.add(ExtensionRequest(task_id=task.id, requested_due_date=date(2030, 2, 1), reason="Xin thêm",
                                    previous_due_date=date(2030, 1, 1)))
    db.session.commit()
    login(world.chair)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _forms(html) == {"upload", "decide-extension"}

    meeting = make.meeting(world.commune, status="published", title="Họp BCĐ tháng 9")
    from_meeting = make.task(world.ubnd, meeting, status="in_progress")
    html = client.get(f"/tasks/{from_meeting.id}").get_data(as_text=True)
    assert f'<a href="/meetings/{meeting.id}">Họp BCĐ tháng 9</a>' in html  # the meeting it came from


def test_pages_hide_what_the_user_may_not_see(client, login, make, world):
    task = make.task(world.ubnd, status="assigned")
    draft = make.task(world.ubnd, status="draft")
    login(world.other_chair)
    assert client.get(f"/tasks/{task.id}").status_code == 404
    assert task.title not in client.get("/tasks").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/tasks")})
    login(world.lead)
    assert client.get(f"/tasks/{draft.id}").status_code == 404
    assert client.get(f"/tasks/{task.id}").status_code == 200
    assert client.get("/tasks/987654").status_code == 404


def test_login_is_required(client, make, world):
    task = make.task(world.ubnd)
    for path in ("/tasks", "/tasks/mine", f"/tasks/{task.id}", "/tasks/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_tasks_by_body_overdue_first_due_soon_highlighted(app, client, login, make, world):
    app.config["NTM_TODAY"] = "2024-08-20"
    world.lead.bodies.append(world.women)
    db.session.commit()
    later = make.task(world.ubnd, status="assigned", due_date=date(2024, 9, 30), title="Việc còn xa")
    overdue = make.task(world.ubnd, status="in_progress", due_date=date(2024, 8, 1), title="Việc quá hạn")
    soon = make.task(world.ubnd, status="assigned", due_date=date(2024, 8, 22), title="Việc sắp đến hạn")
    helping = make.task(world.party, status="assigned", due_date=date(2024, 9, 1), coordinating=[world.women],
                        title="Việc phối hợp")
    make.task(world.ubnd, status="completed", title="Việc đã xong")
    make.task(world.ubnd, status="draft", title="Việc dự thảo")
    login(world.lead)
    html = client.get("/tasks/mine").get_data(as_text=True)
    _no_inline_code(html)
    assert "Việc đã xong" not in html and "Việc dự thảo" not in html
    ubnd_part, women_part = html.split(world.women.name, 1)
    assert ubnd_part.index(overdue.title) < ubnd_part.index(soon.title) < ubnd_part.index(later.title)
    assert helping.title in women_part and "Phối hợp" in women_part
    assert re.search(r'<tr class="table-danger">\s*<td><a[^>]*>Việc quá hạn', html)
    assert re.search(r'<tr class="table-warning">\s*<td><a[^>]*>Việc sắp đến hạn', html)
    assert "quá 19 ngày" in html
    client.post("/logout", data={"csrf_token": csrf_token(client, "/tasks")})
    login(world.secretary)
    assert client.get("/tasks/mine").status_code == 200


def test_the_list_filters_and_pages(app, client, login, make, world):
    app.config["NTM_TODAY"] = "2024-08-20"
    meeting = make.meeting(world.commune, status="published", title="Họp BCĐ tháng 7")
    make.task(world.ubnd, meeting, status="in_progress", due_date=date(2024, 8, 1), title="Rà soát quy hoạch")
    make.task(world.party, status="completed", due_date=date(2024, 8, 1), submitted_on=date(2024, 7, 1),
              title="Ban hành nghị quyết")
    for i in range(55):
        make.task(world.village_head, status="assigned", due_date=date(2024, 12, 1), title=f"Việc thôn {i:02d}",
                  unit_=world.commune)
    login(world.chair)

    def titles(query=""):
        response = client.get(f"/tasks{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        _no_inline_code(html)
        return re.findall(r'href="/tasks/\d+">([^<]+)</a>', html)

    first = titles()
    assert first[0] == "Rà soát quy hoạch" and len(first) == 50
    assert len(titles("?page=2")) == 7
    assert titles("?q=RA SOAT") == ["Rà soát quy hoạch"]
    assert titles("?overdue=y") == ["Rà soát quy hoạch"]
    assert titles("?category=completed_on_time") == ["Ban hành nghị quyết"]
    assert titles(f"?body_id={world.party.id}") == ["Ban hành nghị quyết"]
    assert titles(f"?unit_id={world.village.id}")[0] == "Việc thôn 00"
    assert titles(f"?meeting_id={meeting.id}") == ["Rà soát quy hoạch"]
    assert titles("?status=completed") == ["Ban hành nghị quyết"]
    assert titles("?due_before=2024-08-05&due_after=2024-07-01") == ["Rà soát quy hoạch", "Ban hành nghị quyết"]
    assert len(titles("?unit_id=nonsense&status=bogus&page=x")) == 50  # bad filters are ignored, not errors
    html = client.get("/tasks").get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in html and "Đang thực hiện quá hạn" in html and "Đang thực hiện" in html


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def test_acting_from_the_task_page(client, login, make, world):
    task = make.task(world.ubnd, status="assigned")
    page = f"/tasks/{task.id}"
    login(world.lead)
    response = _post(client, f"/tasks/{task.id}/actions/acknowledge", {"version": task.version}, page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert reload(task).status == TaskStatus.IN_PROGRESS
    refused = _post(client, f"/tasks/{task.id}/actions/submit", {"version": reload(task).version, "note": ""}, page)
    assert refused.status_code == 302 and reload(task).status == TaskStatus.IN_PROGRESS
    assert "Cần ghi rõ lý do" in client.get(page).get_data(as_text=True)
    stale = _post(client, f"/tasks/{task.id}/actions/submit", {"version": 1, "note": "Xong"}, page)
    assert stale.status_code == 302 and reload(task).status == TaskStatus.IN_PROGRESS
    _post(client, f"/tasks/{task.id}/actions/submit", {"version": reload(task).version, "note": "Xong"}, page)
    assert reload(task).status == TaskStatus.SUBMITTED
    forbidden = _post(client, f"/tasks/{task.id}/actions/approve", {"version": reload(task).version}, page)
    assert forbidden.status_code == 403
    assert reload(task).status == TaskStatus.SUBMITTED
    no_csrf = client.post(f"/tasks/{task.id}/actions/return", data={"version": reload(task).version, "note": "x"})
    assert no_csrf.status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})
    login(world.chair)
    _post(client, f"/tasks/{task.id}/actions/approve", {"version": reload(task).version}, page)
    assert reload(task).status == TaskStatus.COMPLETED
    html = client.get(page).get_data(as_text=True)
    assert "Duyệt hoàn thành" in html and "Báo cáo hoàn thành" in html  # the timeline


def test_the_timeline_names_a_carry_over_and_lists_criteria(client, login, make, world):
    from datetime import datetime

    from ntm_tasks.assignments import services as task_services
    from ntm_tasks.db import LOCAL_TZ
    from ntm_tasks.meetings import services as meeting_services

    earlier = make.meeting(world.commune, status="published", held_at=datetime(2024, 7, 1, 8, tzinfo=LOCAL_TZ))
    later = make.meeting(world.commune, title="Họp BCĐ tháng 8", held_at=datetime(2024, 8, 1, 8, tzinfo=LOCAL_TZ))
    task = make.task(world.ubnd, earlier, status="in_progress")
    meeting_services.carry_over(world.chair, later, [task.id])
    task_services.update_task(world.chair, task, task.version, criterion_codes=["ntm-xa-2026.01", "ntm-xa-2026.03"])
    db.session.commit()
    login(world.lead)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Chuyển tiếp sang cuộc họp sau" in html and "Xem xét tại cuộc họp: — → Họp BCĐ tháng 8" in html
    assert "carried_over" not in html and "carried_to_meeting_id" not in html
    assert "Tiêu chí: — → ntm-xa-2026.01, ntm-xa-2026.03" in html and "[&#39;" not in html


def test_reassign_from_the_page(client, login, make, world):
    task = make.task(world.ubnd, status="declined")
    page = f"/tasks/{task.id}"
    login(world.secretary)
    html = client.get(page).get_data(as_text=True)
    assert f'<option value="{world.party.id}">' in html and f'<option value="{world.ubnd.id}">' not in html
    _post(client, f"/tasks/{task.id}/actions/reassign", {"version": task.version, "lead_body_id": world.party.id},
          page)
    assert reload(task).status == TaskStatus.ASSIGNED and reload(task).lead_body_id == world.party.id


def test_progress_upload_and_download_from_the_page(app, client, login, make, world):
    task = make.task(world.ubnd, status="in_progress")
    page = f"/tasks/{task.id}"
    login(world.lead)
    _post(client, f"/tasks/{task.id}/progress", {"progress": 40, "note": "Đã khảo sát"}, page)
    assert reload(task).progress == 40
    _post(client, f"/tasks/{task.id}/progress", {"progress": 140, "note": "x"}, page)
    assert reload(task).progress == 40
    response = client.post(f"/tasks/{task.id}/attachments", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "file": (io.BytesIO(b"%PDF-1.4 x"), "bien-ban.pdf")})
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment).where(Attachment.task_id == task.id))
    assert attachment.filename == "bien-ban.pdf"
    refused = client.post(f"/tasks/{task.id}/attachments", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "file": (io.BytesIO(b"MZ\x90\x00"), "setup.exe")})
    assert refused.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
    html = client.get(page).get_data(as_text=True)
    assert "Đã khảo sát" in html and "bien-ban.pdf" in html and "Chỉ nhận PDF" in html
    download = client.get(f"/files/{attachment.id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})
    login(world.other_chair)
    assert client.get(f"/files/{attachment.id}").status_code == 404


def test_extension_from_the_page(app, client, login, make, world):
    app.config["NTM_TODAY"] = "2024-08-20"
    task = make.task(world.ubnd, status="in_progress", due_date=date(2024, 8, 15))
    page = f"/tasks/{task.id}"
    login(world.lead)
    _post(client, f"/tasks/{task.id}/extension-requests", {"requested_due_date": "2024-08-31", "reason": "Mưa"}, page)
    request = db.session.scalar(sa.select(ExtensionRequest).where(ExtensionRequest.task_id == task.id))
    assert request.requested_due_date == date(2024, 8, 31)
    assert _post(client, f"/extension-requests/{request.id}/decision", {"approve": "1"}, page).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})
    login(world.chair)
    _post(client, f"/extension-requests/{request.id}/decision", {"approve": "Chấp thuận", "note": "Đồng ý"}, page)
    assert reload(task).due_date == date(2024, 8, 31) and reload(task).original_due_date == date(2024, 8, 15)
    html = client.get(page).get_data(as_text=True)
    assert "Đã chấp thuận" in html and "Đang thực hiện trong hạn" in html and "15/08/2024" in html


def test_create_and_edit_pages(client, login, make, world):
    login(world.lead)
    assert client.get("/tasks/new").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/tasks")})
    login(world.secretary)
    html = client.get("/tasks/new").get_data(as_text=True)
    _no_inline_code(html)
    response = _post(client, "/tasks/new", {
        "unit_id": world.commune.id, "title": "Kế hoạch huyện: chỉnh trang", "lead_body_id": world.ubnd.id,
        "coordinating_body_ids": [world.party.id], "due_date": "2030-03-31", "recurrence_freq": "",
        "expected_output": "Báo cáo", "criteria_text": "ntm-xa-2026.02, ntm-xa-2026.01"}, "/tasks/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    task = db.session.scalar(sa.select(Task).where(Task.title == "Kế hoạch huyện: chỉnh trang"))
    assert task.status == TaskStatus.ASSIGNED and task.criterion_codes == ["ntm-xa-2026.01", "ntm-xa-2026.02"]
    assert [b.id for b in task.coordinating_bodies] == [world.party.id]
    bad = _post(client, "/tasks/new", {"unit_id": world.commune.id, "title": "X", "lead_body_id": world.ubnd.id,
                                       "coordinating_body_ids": [world.ubnd.id]}, "/tasks/new")
    assert bad.status_code == 200 and "Trùng cơ quan chủ trì" in bad.get_data(as_text=True)
    unknown = _post(client, "/tasks/new", {"unit_id": world.commune.id, "title": "Mã lạ", "lead_body_id": world.ubnd.id,
                                           "criteria_text": "ntm-xa-2026.01, tc-khong-co"}, "/tasks/new")
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 200 and "Không có mã &#39;tc-khong-co&#39;." in html
    assert 'id="criteria_text"' in html and "is-invalid" in html.split('id="criteria_text"')[0][-300:]
    assert db.session.scalar(sa.select(Task).where(Task.title == "Mã lạ")) is None

    edit = f"/tasks/{task.id}/edit"
    assert client.get(edit).status_code == 200
    response = _post(client, edit, {"title": "Tên đã sửa", "lead_body_id": world.ubnd.id, "version": task.version,
                                    "recurrence_freq": "monthly", "recurrence_day": 25}, edit)
    assert response.status_code == 302
    task = reload(task)
    assert task.title == "Tên đã sửa" and task.recurrence == {"freq": "monthly", "day": 25}
    stale = _post(client, edit, {"title": "Muộn", "lead_body_id": world.ubnd.id, "version": 1}, edit)
    assert stale.status_code == 200 and "đã được người khác thay đổi" in stale.get_data(as_text=True)
    assert reload(task).title == "Tên đã sửa"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/tasks")})
    login(world.viewer)
    assert client.get(edit).status_code == 403


def test_a_task_added_from_a_meeting_page(client, login, make, world):
    meeting = make.meeting(world.commune, status="draft")
    login(world.chair)
    path = f"/tasks/new?meeting_id={meeting.id}"
    response = _post(client, path, {"title": "Việc từ cuộc họp", "lead_body_id": world.ubnd.id}, path)
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).where(Task.title == "Việc từ cuộc họp"))
    assert task.meeting_id == meeting.id and task.status == TaskStatus.DRAFT
    other = make.meeting(world.other, status="draft")
    assert client.get(f"/tasks/new?meeting_id={other.id}").status_code == 404


def test_recurring_series_page_lists_its_occurrences(client, login, make, world):
    series = make.task(world.ubnd, status="in_progress", recurrence={"freq": "monthly", "day": 25},
                       title="Báo cáo tiến độ")
    make.task(world.ubnd, status="assigned", series_id=series.id, period_key="2024-03", due_date=date(2024, 3, 25),
              title="Báo cáo tiến độ — tháng 3/2024")
    login(world.lead)
    html = client.get(f"/tasks/{series.id}").get_data(as_text=True)
    assert "Báo cáo tiến độ — tháng 3/2024" in html and "Hàng tháng, ngày 25" in html


def test_an_admin_reads_but_acts_on_nothing(client, login, make, world):
    task = make.task(world.ubnd, status="submitted", submitted_on=date(2030, 1, 1))
    login(make.user("admin"))
    assert client.get("/tasks").status_code == 200 and client.get("/tasks/mine").status_code == 200
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _actions(html) == set() and _forms(html) == set()
