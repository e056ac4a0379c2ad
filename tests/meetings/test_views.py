"""The meetings pages: who sees what, the forms and their errors, the secretary's flow, the notice."""
import io
import re
from datetime import date

import sqlalchemy as sa

from ntm_tasks.assignments.models import Task, TaskStatus
from ntm_tasks.attachments import Attachment
from ntm_tasks.extensions import db
from ntm_tasks.meetings import services
from ntm_tasks.meetings.models import Conclusion, Meeting, MeetingStatus
from tests.conftest import csrf_token
from tests.meetings.support import EXAMPLE, commune, meeting
from tests.meetings.support import signed_in as web


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def html(response) -> str:
    return response.get_data(as_text=True)


def published(c):
    m = meeting(c, title="Hội nghị BCĐ triển khai nhiệm vụ", location="Hội trường UBND xã",
                chair="Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy, Trưởng ban Chỉ đạo",
                participant_ids=[c.party.id, c.ubnd.id], legal_bases=["Nghị quyết số 57/NQ-HĐND ngày 28/12/2020"])
    services.save_conclusions(c.secretary, m, text=EXAMPLE)
    services.publish_meeting(c.secretary, m, "15/TB-UBND", m.version)
    db.session.commit()
    return m


# --- list -----------------------------------------------------------------------------------------

def test_list_for_each_role(make, app):
    c = commune(make)
    mine = published(c)
    meeting(c, title="Buổi làm việc với thôn Tây Sơn")
    services.create_meeting(c.outsider, unit=c.other, title="Họp Quảng Phú", kind="conference", held_at=mine.held_at)
    db.session.commit()
    for user in (c.secretary, c.chair):
        client = web(app, user)
        page = html(client.get("/meetings/"))
        assert "Hội nghị BCĐ triển khai nhiệm vụ" in page and "Buổi làm việc với thôn Tây Sơn" in page
        assert "Họp Quảng Phú" not in page
        assert "0/7 hoàn thành" in page
    client = web(app, c.assignee)
    page = html(client.get("/meetings/"))
    assert "Hội nghị BCĐ triển khai nhiệm vụ" in page and "Buổi làm việc với thôn Tây Sơn" not in page
    assert "Ghi cuộc họp mới" not in page


def test_list_filters_ignore_diacritics(make, app):
    c = commune(make)
    meeting(c, title="Hội nghị sơ kết 6 tháng")
    meeting(c, title="Kiểm tra thực tế", kind="inspection")
    db.session.commit()
    client = web(app, c.secretary)
    page = html(client.get("/meetings/?q=so+ket"))
    assert "Hội nghị sơ kết 6 tháng" in page and "Kiểm tra thực tế</a>" not in page
    assert "2 cuộc họp" in html(client.get("/meetings/?q=hoang+trung"))
    page = html(client.get("/meetings/?kind=inspection"))
    assert "Kiểm tra thực tế</a>" in page and "sơ kết" not in page
    assert "0 cuộc họp" in html(client.get("/meetings/?from=2025-01-01"))
    # dates are typed dd/mm/yyyy, and shown so in the filter; ISO dates (links to the list) are read too
    page = html(client.get("/meetings/?from=1/7/2024&to=2024-12-31"))
    assert "2 cuộc họp" in page and 'value="01/07/2024"' in page and 'value="31/12/2024"' in page
    assert "0 cuộc họp" in html(client.get("/meetings/?from=01/01/2025"))
    page = html(client.get("/meetings/?from=12/31/2024"))  # a month 31: not a date, said beside the field
    assert "is-invalid" in page and "Ngày viết dạng dd/mm/yyyy" in page


def test_list_paginates(make, app):
    c = commune(make)
    for i in range(23):
        meeting(c, title=f"Họp số {i}")
    db.session.commit()
    client = web(app, c.chair)
    first = html(client.get("/meetings/"))
    assert "1 / 2" in first and first.count("Họp số") == 20
    assert html(client.get("/meetings/?page=2")).count("Họp số") == 3


def test_pages_need_login(app, client, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    for path in ("/meetings/", f"/meetings/{m.id}", f"/meetings/{m.id}/notice", "/meetings/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- create and edit ------------------------------------------------------------------------------

def test_create_meeting_through_the_form(make, app):
    c = commune(make)
    client = web(app, c.secretary)
    page = html(client.get("/meetings/new"))
    assert "Ghi cuộc họp mới" in page and "Trưởng thôn" in page  # villages' bodies may attend
    token = csrf_token(client, "/meetings/new")
    response = client.post("/meetings/new", data={
        "csrf_token": token, "unit_id": c.commune.id, "title": "Họp BCĐ tháng 8", "kind": "steering_meeting",
        "held_on": "2024-08-05", "held_time": "14:00", "location": "Hội trường", "chair": "Đồng chí Hùng",
        "participant_ids": [str(c.party.id), str(c.ubnd.id)], "guests": "Đại diện HTX\n\nÔng B",
        "legal_bases": "Nghị quyết số 57/nq-hdnd ngày 28/12/2020\nKế hoạch số 89/KH-UBND",
        "summary": "Đạt 15/19 tiêu chí", "difficulties": ""})
    assert response.status_code == 302, html(response)
    m = db.session.scalar(sa.select(Meeting))
    assert response.headers["Location"].endswith(f"/meetings/{m.id}")
    assert m.title == "Họp BCĐ tháng 8" and m.guests == ["Đại diện HTX", "Ông B"]
    assert services.local(m.held_at).hour == 14 and [d.number for d in m.documents] == ["57/NQ-HĐND", "89/KH-UBND"]
    page = html(client.get(f"/meetings/{m.id}"))
    assert "Họp BCĐ tháng 8" in page and "Đảng ủy xã" in page and "Nghị quyết số 57/NQ-HĐND" in page


def test_create_form_shows_field_errors(make, app):
    c = commune(make)
    client = web(app, c.secretary)
    token = csrf_token(client, "/meetings/new")
    response = client.post("/meetings/new", data={"csrf_token": token, "unit_id": c.commune.id, "title": "",
                                                 "kind": "steering_meeting", "held_on": "07/15/2024"})
    page = html(response)
    assert response.status_code == 200
    assert re.search(r'class="form-control is-invalid" id="title"', page)
    assert re.search(r'class="form-control is-invalid" id="held_on"', page) and "Ngày viết dạng dd/mm/yyyy" in page
    assert 'value="07/15/2024"' in page  # kept as typed, to be corrected
    bad_citation = client.post("/meetings/new", data={"csrf_token": token, "unit_id": c.commune.id, "title": "Họp",
                                                     "kind": "conference", "held_on": "2024-07-15",
                                                     "legal_bases": "Nghị quyết về NTM"})
    assert "Cần số ký hiệu" in html(bad_citation)
    assert count(Meeting) == 0


def test_create_is_refused_to_assignees_and_csrf_is_required(make, app):
    c = commune(make)
    client = web(app, c.assignee)
    assert client.get("/meetings/new").status_code == 403
    client = web(app, c.secretary)
    response = client.post("/meetings/new", data={"unit_id": c.commune.id, "title": "Họp", "kind": "conference",
                                                 "held_on": "2024-07-15"})
    assert response.status_code == 400
    assert count(Meeting) == 0


def test_edit_with_a_stale_version_is_refused(make, app):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = web(app, c.chair)
    page = html(client.get(f"/meetings/{m.id}/edit"))
    assert 'value="Họp Ban chỉ đạo xây dựng NTM xã"' in page
    token = csrf_token(client, f"/meetings/{m.id}/edit")
    data = {"csrf_token": token, "title": "Họp BCĐ quý III", "kind": "steering_meeting", "held_on": "2024-07-15",
            "held_time": "08:00", "version": "1"}
    assert client.post(f"/meetings/{m.id}/edit", data=data).status_code == 302
    assert db.session.get(Meeting, m.id).title == "Họp BCĐ quý III"
    stale = client.post(f"/meetings/{m.id}/edit", data={**data, "title": "Ghi đè"})
    assert stale.status_code == 200 and "đã được người khác thay đổi" in html(stale)
    assert db.session.get(Meeting, m.id).title == "Họp BCĐ quý III"
    assert web(app, c.outsider).get(f"/meetings/{m.id}/edit").status_code == 404


def test_archive(make, app):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = web(app, c.secretary)
    token = csrf_token(client, f"/meetings/{m.id}")
    response = client.post(f"/meetings/{m.id}/archive", data={"csrf_token": token, "version": "1"})
    assert response.status_code == 302
    assert db.session.get(Meeting, m.id).is_archived
    assert "Đã lưu trữ" in html(client.get(f"/meetings/{m.id}"))


# --- the meeting page -----------------------------------------------------------------------------

def test_detail_for_each_role(make, app):
    app.config["NTM_TODAY"] = "2024-10-05"
    c = commune(make)
    m = published(c)
    tasks = db.session.scalars(sa.select(Task).order_by(Task.id)).all()
    tasks[0].status, tasks[0].submitted_on = TaskStatus.COMPLETED, tasks[0].due_date
    db.session.commit()
    for user in (c.secretary, c.chair, c.viewer):
        page = html(web(app, user).get(f"/meetings/{m.id}"))
        assert "1/7 nhiệm vụ hoàn thành, 3 quá hạn" in page
        assert "Ban hành nghị quyết chuyên đề" in page and "Văn phòng Điều phối NTM tỉnh" in page
    page = html(web(app, c.assignee).get(f"/meetings/{m.id}"))
    assert "Hoàn thiện hồ sơ đề nghị công nhận" in page
    assert "Ra quân tổng vệ sinh" in page  # the conclusions are the notice's, shown to its addressees
    ubnd_task = next(t for t in tasks if t.lead_body_id == c.ubnd.id)
    assert f'href="/tasks/{ubnd_task.id}"' in page
    assert f'href="/tasks/{tasks[0].id}"' not in page  # but only their own tasks are listed
    assert "Sửa</a>" not in page and "Lịch sử" not in page
    assert web(app, c.outsider).get(f"/meetings/{m.id}").status_code == 404


def test_draft_page_shows_five_clear_flags(make, app):
    c = commune(make)
    m = meeting(c)
    services.save_conclusions(c.secretary, m, text=EXAMPLE)
    db.session.commit()
    page = html(web(app, c.secretary).get(f"/meetings/{m.id}"))
    assert "✓ Rõ cơ quan" in page and "✗ Rõ trách nhiệm" in page and "✓ Rõ trách nhiệm" in page
    assert "Ban hành thông báo" in page


def test_carry_over_from_the_draft_page(make, app):
    c = commune(make)
    earlier = published(c)
    open_task = db.session.scalars(sa.select(Task).where(Task.meeting_id == earlier.id).order_by(Task.id)).first()
    draft = meeting(c, title="Họp tháng sau", held_at=services.held_at_value(date(2024, 9, 10)))
    db.session.commit()
    client = web(app, c.secretary)
    page = html(client.get(f"/meetings/{draft.id}"))
    assert "Nhiệm vụ chưa hoàn thành từ các cuộc họp trước" in page and open_task.title in page
    token = csrf_token(client, f"/meetings/{draft.id}")
    tasks_before = count(Task)
    response = client.post(f"/meetings/{draft.id}/carry-over", data={"csrf_token": token, "task_ids": [open_task.id]})
    assert response.status_code == 302
    assert db.session.get(Task, open_task.id).carried_to_meeting_id == draft.id and count(Task) == tasks_before
    page = html(client.get(f"/meetings/{draft.id}"))
    assert "Nhiệm vụ chuyển tiếp từ các cuộc họp trước" in page
    assert "Tiếp tục chỉ đạo thực hiện" in html(client.get(f"/meetings/{draft.id}/notice"))
    assert client.post(f"/meetings/{draft.id}/carry-over", data={"task_ids": [open_task.id]}).status_code == 400


def test_upload_and_download_minutes(make, app):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = web(app, c.secretary)
    token = csrf_token(client, f"/meetings/{m.id}")
    response = client.post(f"/meetings/{m.id}/attachments", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")})
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    download = client.get(f"/meetings/{m.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    download.close()
    refused = client.post(f"/meetings/{m.id}/attachments", content_type="multipart/form-data", follow_redirects=True,
                          data={"csrf_token": token, "file": (io.BytesIO(b"MZ"), "x.exe")})
    assert "Không nhận tệp .exe" in html(refused) and count(Attachment) == 1
    assert web(app, c.outsider).get(f"/meetings/{m.id}/attachments/{attachment.id}").status_code == 404


# --- conclusions: paste, preview, save ------------------------------------------------------------

def test_paste_preview_and_save(make, app):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = web(app, c.secretary)
    path = f"/meetings/{m.id}/conclusions"
    token = csrf_token(client, path)
    preview = client.post(path, data={"csrf_token": token, "text": EXAMPLE, "parse": "Phân tích"})
    page = html(preview)
    assert preview.status_code == 200 and count(Conclusion) == 0
    assert page.count('class="card mb-3 conclusion-item"') == 5
    assert "Dán nguyên văn" in page and "Ban hành nghị quyết chuyên đề" in page  # the text beside the items
    assert 'value="15/08/2024"' in page and '<option selected value="monthly">' in page
    assert re.search(rf'<option selected value="{c.party.id}">Đảng ủy xã</option>', page)
    # the secretary keeps the parse, changes a deadline and drops item 4
    form = _form_fields(page)
    form["items-0-due_date"] = "2024-08-31"
    form.pop("items-3-include")
    form["save"] = "Lưu kết luận"
    form.pop("parse", None)
    response = client.post(path, data=form)
    assert response.status_code == 302, html(response)[:3000]
    assert count(Conclusion) == 4
    tasks = db.session.scalars(sa.select(Task).order_by(Task.id)).all()
    assert len(tasks) == 5 and tasks[0].due_date == date(2024, 8, 31)
    assert all(t.status == TaskStatus.DRAFT for t in tasks)


def _parsed(make, app, text: str):
    """The secretary's client on a new meeting's conclusions page, the page that parsing `text` gives, and the
    form that page would send back to save it."""
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = web(app, c.secretary)
    path = f"/meetings/{m.id}/conclusions"
    page = html(client.post(path, data={"csrf_token": csrf_token(client, path), "parse": "1", "text": text}))
    form = _form_fields(page)
    form.pop("parse", None)
    form["save"] = "1"
    return client, path, page, form


def test_saving_an_item_without_lead_shows_the_error_on_it(make, app):
    client, path, page, form = _parsed(make, app, "1. Đối với UBND xã: Lập kế hoạch.\n"
                                                  "2. Đối với HTX Thành Công: Mở rộng.")
    assert "Chưa nhận ra" in page
    response = client.post(path, data=form)
    page = html(response)
    assert response.status_code == 200 and "chưa có cơ quan chủ trì" in page
    assert re.search(r'<select class="[^"]*is-invalid"[^>]*id="items-1-lead_body_ids"', page)
    assert count(Conclusion) == 0 and count(Task) == 0


def test_an_item_only_partners_share_is_flagged_and_refused_until_unticked(make, app):
    client, path, page, form = _parsed(make, app, "1. Đối với UBND xã: Lập kế hoạch.\n"
                                                  "2. Xây dựng mô hình sản xuất, Hội Nông dân phối hợp.")
    assert "Chưa nhận ra: Không xác định được cơ quan chủ trì" in page
    assert form["items-1-lead_body_ids"] == [] and form["items-1-coordinating_body_ids"]
    page = html(client.post(path, data=form))
    assert "Mục 2 (&#34;Xây dựng mô hình sản xuất, Hội Nông dân phối hợp.&#34;) chưa có cơ quan chủ trì." in page
    assert re.search(r'<select class="[^"]*is-invalid"[^>]*id="items-1-lead_body_ids"', page)
    assert count(Conclusion) == 0 and count(Task) == 0
    form.pop("items-1-include")  # unticked, it is left out and the rest is saved
    assert client.post(path, data=form).status_code == 302
    assert count(Conclusion) == 1 and count(Task) == 1


def test_conclusions_page_is_for_editors(make, app):
    c = commune(make)
    m = published(c)
    assert web(app, c.assignee).get(f"/meetings/{m.id}/conclusions").status_code == 403
    assert web(app, c.outsider).get(f"/meetings/{m.id}/conclusions").status_code == 404
    assert web(app, c.viewer).get(f"/meetings/{m.id}/conclusions").status_code == 403


def _form_fields(page: str) -> dict:
    """The values a browser would send back from the conclusions form."""
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag) or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = _unescape(value.group(1)) if value else ""
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[name] = _unescape(value)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        data[name] = re.findall(r'<option selected value="([^"]*)"', options)
    return data


def _unescape(value: str) -> str:
    import html as html_module

    return html_module.unescape(value)


# --- publish and the notice -----------------------------------------------------------------------

def test_publish_page(make, app):
    c = commune(make)
    m = meeting(c)
    services.save_conclusions(c.secretary, m, text=EXAMPLE)
    db.session.commit()
    client = web(app, c.chair)
    path = f"/meetings/{m.id}/publish"
    page = html(client.get(path))
    assert "7 nhiệm vụ dự thảo" in page and "Rõ sản phẩm" in page
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "notice_number": "15/tb-ubnd", "version": str(m.version)})
    assert response.status_code == 302
    assert db.session.get(Meeting, m.id).status == MeetingStatus.PUBLISHED
    assert {t.status for t in db.session.scalars(sa.select(Task))} == {TaskStatus.ASSIGNED}
    again = client.post(path, data={"csrf_token": token, "notice_number": "16/TB-UBND", "version": "99"})
    assert again.status_code == 200 and "đã được ban hành" in html(again)
    assert db.session.get(Meeting, m.id).notice_number == "15/TB-UBND"
    assert web(app, c.assignee).get(path).status_code == 403


def test_notice_page(make, app):
    c = commune(make)
    m = published(c)
    page = html(web(app, c.assignee).get(f"/meetings/{m.id}/notice"))
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "BAN CHỈ ĐẠO XÂY DỰNG NÔNG THÔN MỚI",
                 "UBND XÃ HOẰNG TRUNG", "Số: 15/TB-UBND", "THÔNG BÁO", "Kết luận của đồng chí Nguyễn Văn Hùng",
                 "tại Hội nghị BCĐ triển khai nhiệm vụ", "Căn cứ Nghị quyết số 57/NQ-HĐND ngày 28/12/2020",
                 "Tham dự có: Đảng ủy xã, Ủy ban nhân dân xã", "Nơi nhận:", "Lưu: VT.", "TRƯỞNG BAN", "Nguyễn Văn Hùng",
                 "Trưởng thôn Đông Hải", "Ra quân tổng vệ sinh môi trường", "data-print", "meetings.css"):
        assert text in page, text
    assert re.search(r"Hoằng Trung, ngày \d+ tháng \d+ năm \d{4}", page)
    assert 'class="navbar navbar-expand-lg navbar-dark bg-success d-print-none"' in page
    draft = meeting(c, kind="conference", chair=None)
    db.session.commit()
    page = html(web(app, c.secretary).get(f"/meetings/{draft.id}/notice"))
    assert "DỰ THẢO" in page and "ỦY BAN NHÂN DÂN" in page and "……/TB-UBND" in page


def test_pages_send_no_inline_script_or_style(make, app):
    c = commune(make)
    m = published(c)
    client = web(app, c.secretary)
    for path in (f"/meetings/{m.id}", f"/meetings/{m.id}/notice", f"/meetings/{m.id}/conclusions", "/meetings/new",
                 "/meetings/"):
        page = html(client.get(path))
        assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page), path
