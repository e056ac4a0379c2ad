"""The meetings part of API.md, endpoint by endpoint: happy path, 401/403/404/409/422, nothing saved on error."""
import io

import sqlalchemy as sa

from ntm_tasks.assignments.models import Task
from ntm_tasks.attachments import Attachment
from ntm_tasks.extensions import db
from ntm_tasks.meetings import services
from ntm_tasks.meetings.models import Conclusion, LegalDocument, Meeting
from ntm_tasks.meetings.parse import NO_LEAD
from ntm_tasks.notifications.models import Notification
from tests.meetings.support import EXAMPLE, commune, meeting


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def new_meeting(c, **values):
    body = {"unit_id": c.commune.id, "title": "Họp BCĐ xây dựng NTM quý III", "kind": "steering_meeting",
            "held_at": "2024-07-15T08:00:00+07:00"}
    body.update(values)
    return body


def published(c, text=EXAMPLE):
    m = meeting(c)
    services.save_conclusions(c.secretary, m, text=text)
    services.publish_meeting(c.secretary, m, "15/TB-UBND", m.version)
    db.session.commit()
    return m


# --- POST /meetings -------------------------------------------------------------------------------

def test_create_meeting(api, make):
    c = commune(make)
    response = api(c.secretary).post("/meetings", new_meeting(
        c, location="Hội trường UBND xã", chair="Đồng chí Nguyễn Văn Hùng", summary="Đạt 15/19 tiêu chí.",
        difficulties="Thiếu vốn.", participants=[c.party.id, {"body_id": c.ubnd.id}, {"name": "Đại diện HTX"}, "Ông B"],
        legal_bases=["Nghị quyết số 57/nq-hdnd ngày 28/12/2020",
                     {"number": "89/KH-UBND", "issued_on": "2024-02-03", "issuer": "UBND xã",
                      "title": "Kế hoạch NTM"}]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft" and body["version"] == 1 and isinstance(body["id"], int)
    assert body["held_at"] == "2024-07-15T08:00:00+07:00"
    assert body["participants"] == [
        {"body_id": c.party.id, "name": "Đảng ủy xã - Hoằng Trung"},
        {"body_id": c.ubnd.id, "name": "Ủy ban nhân dân xã - Hoằng Trung"},
        {"body_id": None, "name": "Đại diện HTX"}, {"body_id": None, "name": "Ông B"}]
    assert [d["number"] for d in body["legal_bases"]] == ["57/NQ-HĐND", "89/KH-UBND"]
    assert body["legal_bases"][1]["issued_on"] == "2024-02-03" and body["legal_bases"][1]["issuer"] == "UBND xã"


def test_participants_typed_as_one_text(api, make):
    """The minutes list who attended as a line of text: split at semicolons and line breaks, as guests."""
    c = commune(make)
    response = api(c.secretary).post("/meetings", new_meeting(
        c, participants="Thành viên BCĐ xã; Đại diện HTX, thôn Trung\n Ông B "))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["participants"] == [
        {"body_id": None, "name": "Thành viên BCĐ xã"}, {"body_id": None, "name": "Đại diện HTX, thôn Trung"},
        {"body_id": None, "name": "Ông B"}]
    too_long = api(c.secretary).post("/meetings", new_meeting(c, participants="x" * 201))
    assert too_long.status_code == 422 and "participants.0" in too_long.get_json()["error"]["fields"]

def test_held_at_forms(api, make):
    c = commune(make)
    client = api(c.chair)
    for sent, answered in (("2024-07-15", "2024-07-15T08:00:00+07:00"),
                           ("2024-07-15T14:30:00", "2024-07-15T14:30:00+07:00"),
                           ("2024-07-15T07:30:00Z", "2024-07-15T14:30:00+07:00"),
                           ("2024-07-15T14:30", "2024-07-15T14:30:00+07:00")):
        response = client.post("/meetings", new_meeting(c, held_at=sent))
        assert response.status_code == 201, (sent, response.get_json())
        assert response.get_json()["held_at"] == answered


def test_create_meeting_bad_input_names_the_field(api, make):
    c = commune(make)
    client = api(c.secretary)
    cases = [
        (new_meeting(c, title=""), "title"),
        ({k: v for k, v in new_meeting(c).items() if k != "title"}, "title"),
        (new_meeting(c, title="   "), "title"),
        (new_meeting(c, held_at="15/07/2024"), "held_at"),
        (new_meeting(c, held_at="2024-02-30"), "held_at"),
        (new_meeting(c, held_at=20240715), "held_at"),
        (new_meeting(c, kind="party"), "kind"),
        (new_meeting(c, participants=[987654]), "participants"),
        (new_meeting(c, participants=[{"nobody": 1}]), "participants.0"),
        (new_meeting(c, participants=[c.ubnd.id, {"body_id": "3"}]), "participants.1"),
        (new_meeting(c, legal_bases=["không có số"]), "legal_bases.0"),
        (new_meeting(c, legal_bases=[{"title": "Thiếu số"}]), "legal_bases.0"),
        (new_meeting(c, summary="x" * 2_000_000), "summary"),
        (new_meeting(c, unit_id=c.other.id), "unit_id"),
        (new_meeting(c, unit_id=987654), "unit_id"),
    ]
    for payload, field in cases:
        response = client.post("/meetings", payload)
        assert response.status_code == 422, (field, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "invalid" and any(k.startswith(field) for k in error["fields"]), (field, error)
    assert count(Meeting) == 0 and count(LegalDocument) == 0


def test_create_meeting_auth_and_roles(api, make, client):
    c = commune(make)
    assert client.post("/api/v1/meetings", json=new_meeting(c)).status_code == 401
    for user in (c.assignee, c.viewer):
        response = api(user).post("/meetings", new_meeting(c))
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert count(Meeting) == 0


def test_malformed_json_is_400(api, make):
    c = commune(make)
    client = api(c.secretary)
    response = client.client.post("/api/v1/meetings", data="{oops", content_type="application/json",
                                  headers=client.headers)
    assert response.status_code == 400


# --- GET /meetings --------------------------------------------------------------------------------

def test_list_meetings_filters_and_pagination(api, make):
    c = commune(make)
    for day in (2, 9, 16):
        api(c.secretary).post("/meetings", new_meeting(c, title=f"Họp tháng 7 ngày {day}",
                                                       held_at=f"2024-07-{day:02d}"))
    api(c.outsider).post("/meetings", new_meeting(c, unit_id=c.other.id, title="Họp Quảng Phú"))
    client = api(c.secretary)
    page = client.get("/meetings?per_page=2&page=1").get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 1, 2, 2)
    assert page["items"][0]["title"] == "Họp tháng 7 ngày 16"  # newest first
    assert client.get("/meetings?q=HOP THANG 7 NGAY 9").get_json()["total"] == 1
    assert client.get("/meetings?q=hoang trung").get_json()["total"] == 3
    assert client.get("/meetings?q=Hoằng Trung").get_json()["total"] == 3
    assert client.get("/meetings?q=quang phu").get_json()["total"] == 0
    assert client.get("/meetings?from=2024-07-09&to=2024-07-09").get_json()["total"] == 1
    assert client.get("/meetings?from=2024-07-10").get_json()["total"] == 1
    assert client.get(f"/meetings?unit_id={c.commune.id}").get_json()["total"] == 3
    viewer = api(c.viewer)
    assert viewer.get("/meetings").get_json()["total"] == 4
    assert viewer.get(f"/meetings?unit_id={c.other.id}").get_json()["total"] == 1
    assert client.get(f"/meetings?unit_id={c.other.id}").status_code == 404
    assert client.get("/meetings?from=9/7/2024").status_code == 422
    assert client.get("/meetings?per_page=500").status_code == 422


def test_assignee_sees_only_meetings_their_tasks_came_from(api, make):
    c = commune(make)
    mine = published(c)
    meeting(c, title="Họp không giao việc cho UBND")
    draft = meeting(c, title="Dự thảo")
    services.save_conclusions(c.secretary, draft, text=EXAMPLE)
    db.session.commit()
    client = api(c.assignee)
    listing = client.get("/meetings").get_json()
    assert [m["id"] for m in listing["items"]] == [mine.id]
    detail = client.get(f"/meetings/{mine.id}").get_json()
    assert {t["lead_body"]["id"] for t in detail["tasks"]} == {c.ubnd.id}  # only their tasks
    assert len(detail["conclusions"]) == 5
    assert client.get(f"/meetings/{draft.id}").status_code == 404


# --- GET /meetings/{id} ---------------------------------------------------------------------------

def test_get_meeting_with_conclusions_and_tasks(api, make):
    c = commune(make)
    m = published(c)
    body = api(c.chair).get(f"/meetings/{m.id}").get_json()
    assert body["status"] == "published" and body["notice_number"] == "15/TB-UBND"
    assert body["published_at"].endswith("+07:00")
    assert [x["number"] for x in body["conclusions"]] == ["1", "2", "3", "4", "5"]
    assert len(body["tasks"]) == 7
    task = body["tasks"][0]
    assert {"id", "title", "status", "lead_body", "due_date", "version", "conclusion_id"} <= set(task)
    assert task["status"] == "assigned" and task["lead_body"]["name"] == "Đảng ủy xã"
    assert task["conclusion_id"] == body["conclusions"][0]["id"]
    assert body["follow_through"]["total"] == 7


def test_get_meeting_not_visible_is_404(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    assert api(c.outsider).get(f"/meetings/{m.id}").status_code == 404
    assert api(c.assignee).get(f"/meetings/{m.id}").status_code == 404
    assert api(c.secretary).get("/meetings/987654").status_code == 404
    assert api(c.viewer).get(f"/meetings/{m.id}").status_code == 200


# --- PATCH /meetings/{id} -------------------------------------------------------------------------

def test_patch_meeting(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = api(c.secretary)
    response = client.patch(f"/meetings/{m.id}", {"title": "Họp BCĐ quý III", "held_at": "2024-07-16",
                                                  "participants": [c.ubnd.id], "version": 1})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "Họp BCĐ quý III" and body["version"] == 2
    assert body["held_at"] == "2024-07-16T08:00:00+07:00" and body["participants"][0]["body_id"] == c.ubnd.id
    stale = client.patch(f"/meetings/{m.id}", {"title": "Cũ", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    assert db.session.get(Meeting, m.id).title == "Họp BCĐ quý III"
    assert client.patch(f"/meetings/{m.id}", {"title": ""}).status_code == 422  # version is required
    assert client.patch(f"/meetings/{m.id}", {"title": "", "version": 2}).status_code == 422
    archived = client.patch(f"/meetings/{m.id}", {"is_archived": True, "version": 2})
    assert archived.status_code == 200 and archived.get_json()["is_archived"] is True
    assert client.get("/meetings").get_json()["total"] == 0


def test_patch_meeting_permissions(api, make):
    c = commune(make)
    m = published(c)
    assert api(c.assignee).patch(f"/meetings/{m.id}", {"title": "X", "version": m.version}).status_code == 403
    assert api(c.outsider).patch(f"/meetings/{m.id}", {"title": "X", "version": m.version}).status_code == 404
    assert db.session.get(Meeting, m.id).title == "Họp Ban chỉ đạo xây dựng NTM xã"


# --- POST /conclusions/parse ----------------------------------------------------------------------

def test_parse_answers_items_and_saves_nothing(api, make):
    c = commune(make)
    response = api(c.secretary).post("/conclusions/parse", {"unit_id": c.commune.id, "text": EXAMPLE,
                                                            "reference_date": "2024-07-15"})
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert len(items) == 5
    assert set(items[0]) == {"number", "addressee", "text", "bodies", "due_date", "recurrence", "unmatched"}
    assert items[0]["bodies"] == [{"id": c.party.id, "name": "Đảng ủy xã", "role": "lead"}]
    assert items[0]["due_date"] == "2024-08-15" and items[0]["recurrence"] is None and items[0]["unmatched"] == []
    assert items[1]["recurrence"] == {"freq": "monthly", "day": 20}
    assert items[3]["recurrence"] == {"freq": "weekly", "day": 7} and items[3]["due_date"] is None
    assert [b["role"] for b in items[4]["bodies"]] == ["lead", "coordinating"]
    assert count(Meeting) == 0 and count(Task) == 0 and count(Conclusion) == 0


def test_parse_reports_what_it_cannot_match(api, make):
    c = commune(make)
    response = api(c.chair).post("/conclusions/parse", {"unit_id": c.commune.id, "reference_date": "2024-07-15",
                                                        "text": "1. Đối với Hợp tác xã Thành Công: Mở rộng sản xuất."})
    (item,) = response.get_json()["items"]
    assert item["bodies"] == [] and item["unmatched"]


def test_an_item_no_body_leads_is_flagged_and_refused_until_unticked(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = api(c.secretary)
    text = "1. Đối với UBND xã: Lập kế hoạch.\n2. Rà soát quy hoạch (HTX Thành Công chủ trì, Hội Nông dân phối hợp)."
    items = client.post("/conclusions/parse", {"unit_id": c.commune.id, "text": text,
                                               "reference_date": "2024-07-15"}).get_json()["items"]
    assert [b["role"] for b in items[1]["bodies"]] == ["coordinating"]
    assert items[1]["unmatched"] == ["HTX Thành Công", NO_LEAD]
    for body in ({"items": items}, {"text": text}):  # saved as parsed, it would give no task: refused
        refused = client.post(f"/meetings/{m.id}/conclusions", body)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["fields"] == {"items.1.bodies": "Cần ít nhất một cơ quan chủ trì."}
    assert count(Conclusion) == 0 and count(Task) == 0
    saved = client.post(f"/meetings/{m.id}/conclusions", {"items": items[:1]})
    assert saved.status_code == 201 and len(saved.get_json()["tasks"]) == 1


def test_parse_errors(api, make, client):
    c = commune(make)
    secretary = api(c.secretary)
    assert client.post("/api/v1/conclusions/parse", json={"unit_id": c.commune.id, "text": "x"}).status_code == 401
    big = secretary.post("/conclusions/parse", {"unit_id": c.commune.id, "text": "Giao UBND xã. " * 160_000})
    assert big.status_code == 422 and "text" in big.get_json()["error"]["fields"]
    other = secretary.post("/conclusions/parse", {"unit_id": c.other.id, "text": EXAMPLE})
    assert other.status_code == 422 and "unit_id" in other.get_json()["error"]["fields"]
    assert secretary.post("/conclusions/parse", {"unit_id": c.commune.id}).status_code == 422
    bad_date = secretary.post("/conclusions/parse", {"unit_id": c.commune.id, "text": EXAMPLE,
                                                     "reference_date": "15/7/2024"})
    assert bad_date.status_code == 422 and "reference_date" in bad_date.get_json()["error"]["fields"]
    assert api(c.assignee).post("/conclusions/parse", {"unit_id": c.commune.id, "text": EXAMPLE}).status_code == 403


# --- POST /meetings/{id}/conclusions --------------------------------------------------------------

def test_post_conclusions_from_text(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    response = api(c.secretary).post(f"/meetings/{m.id}/conclusions", {"text": EXAMPLE})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert len(body["conclusions"]) == 5 and len(body["tasks"]) == 7
    assert all(t["status"] == "draft" for t in body["tasks"])
    assert body["tasks"][1]["recurrence"] == {"freq": "monthly", "day": 20}


def test_post_conclusions_from_edited_items(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = api(c.secretary)
    items = client.post("/conclusions/parse", {"unit_id": c.commune.id, "text": EXAMPLE,
                                               "reference_date": "2024-07-15"}).get_json()["items"]
    items[0]["due_date"] = "2024-08-31"
    items[3]["bodies"] = [items[3]["bodies"][0]]
    items[4]["title"] = "Rà soát quy hoạch chung xã"
    items[4]["expected_output"] = "Báo cáo rà soát"
    response = client.post(f"/meetings/{m.id}/conclusions", {"items": items})
    assert response.status_code == 201, response.get_json()
    tasks = response.get_json()["tasks"]
    assert len(tasks) == 6 and tasks[0]["due_date"] == "2024-08-31"
    assert tasks[-1]["title"] == "Rà soát quy hoạch chung xã" and tasks[-1]["expected_output"] == "Báo cáo rà soát"


def test_post_conclusions_errors_save_nothing(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    client = api(c.secretary)
    path = f"/meetings/{m.id}/conclusions"
    no_lead = client.post(path, {"items": [{"text": "Lập kế hoạch", "bodies": [{"id": c.ubnd.id}]},
                                           {"text": "Đối với HTX: mở rộng", "bodies": []}]})
    assert no_lead.status_code == 422 and "items.1.bodies" in no_lead.get_json()["error"]["fields"]
    unknown = client.post(path, {"items": [{"text": "Lập kế hoạch", "bodies": [{"id": 987654}]}]})
    assert unknown.status_code == 422 and "items.0.bodies" in unknown.get_json()["error"]["fields"]
    bad_role = client.post(path, {"items": [{"text": "Lập kế hoạch", "bodies": [{"id": c.ubnd.id, "role": "boss"}]}]})
    assert bad_role.status_code == 422 and "items.0.bodies.0.role" in bad_role.get_json()["error"]["fields"]
    bad_date = client.post(path, {"items": [{"text": "Lập kế hoạch", "bodies": [{"id": c.ubnd.id}],
                                             "due_date": "31/8/2024"}]})
    assert bad_date.status_code == 422 and "items.0.due_date" in bad_date.get_json()["error"]["fields"]
    assert client.post(path, {}).status_code == 422
    assert client.post(path, {"text": EXAMPLE, "items": []}).status_code == 422
    assert client.post(path, {"text": "x" * 2_000_000}).status_code == 422
    unmatched = client.post(path, {"text": "1. Đối với UBND xã: Lập kế hoạch.\n2. Đối với HTX Thành Công: Mở rộng."})
    assert unmatched.status_code == 422 and "items.1.bodies" in unmatched.get_json()["error"]["fields"]
    assert count(Conclusion) == 0 and count(Task) == 0
    assert api(c.assignee).post(path, {"text": EXAMPLE}).status_code == 404  # a draft is not theirs to see
    assert api(c.outsider).post(path, {"text": EXAMPLE}).status_code == 404
    assert api(c.viewer).post(path, {"text": EXAMPLE}).status_code == 403
    assert count(Task) == 0


# --- POST /meetings/{id}/publish ------------------------------------------------------------------

def test_publish_then_publish_again(api, make):
    c = commune(make)
    m = meeting(c)
    services.save_conclusions(c.secretary, m, text=EXAMPLE)
    db.session.commit()
    client = api(c.chair)
    response = client.post(f"/meetings/{m.id}/publish", {"notice_number": "15/tb-ubnd", "version": m.version})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "published" and body["notice_number"] == "15/TB-UBND"
    tasks = client.get(f"/meetings/{m.id}").get_json()["tasks"]
    assert {t["status"] for t in tasks} == {"assigned"}
    notifications = count(Notification)
    assert notifications == 1  # the People's Committee's focal person, for its one task
    again = client.post(f"/meetings/{m.id}/publish", {"notice_number": "16/TB-UBND", "version": body["version"]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    after = client.get(f"/meetings/{m.id}").get_json()
    assert after["version"] == body["version"] and after["notice_number"] == "15/TB-UBND"
    assert after["published_at"] == body["published_at"]
    assert count(Notification) == notifications and count(Task) == 7


def test_publish_errors(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    assert api(c.secretary).post(f"/meetings/{m.id}/publish", {"version": 5}).status_code == 409
    assert api(c.secretary).post(f"/meetings/{m.id}/publish", {}).status_code == 422
    assert api(c.outsider).post(f"/meetings/{m.id}/publish", {"version": 1}).status_code == 404
    assert api(c.viewer).post(f"/meetings/{m.id}/publish", {"version": 1}).status_code == 403
    assert db.session.get(Meeting, m.id).status == "draft"
    seen = published(c)
    assert api(c.assignee).post(f"/meetings/{seen.id}/publish", {"version": seen.version}).status_code == 403


# --- POST /meetings/{id}/attachments --------------------------------------------------------------

def upload(client, meeting_id, content=b"%PDF-1.4 minutes", name="bien-ban.pdf"):
    return client.client.post(f"/api/v1/meetings/{meeting_id}/attachments", headers=client.headers,
                              data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_attachments(api, make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    secretary = api(c.secretary)
    response = upload(secretary, m.id)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"id": response.get_json()["id"], "filename": "bien-ban.pdf", "size": 16,
                                   "content_type": "application/pdf"}
    assert upload(secretary, m.id, b"MZ\x90\x00", "virus.exe").status_code == 415
    assert upload(secretary, m.id, b"\xff\xfe\x00\x00binary" * 10, "x.txt").status_code == 415
    missing = secretary.client.post(f"/api/v1/meetings/{m.id}/attachments", headers=secretary.headers, data={},
                                    content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.get_json()["error"]["fields"]
    assert upload(api(c.viewer), m.id).status_code == 403
    assert upload(api(c.outsider), m.id).status_code == 404
    assert count(Attachment) == 1
    detail = secretary.get(f"/meetings/{m.id}").get_json()
    assert [a["filename"] for a in detail["attachments"]] == ["bien-ban.pdf"]
    assert services.meeting_attachments(m)[0].meeting_id == m.id


def test_openapi_documents_the_meetings_routes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/meetings", "/api/v1/meetings/{meeting_id}", "/api/v1/conclusions/parse",
                 "/api/v1/meetings/{meeting_id}/conclusions", "/api/v1/meetings/{meeting_id}/publish",
                 "/api/v1/meetings/{meeting_id}/attachments"):
        assert path in spec["paths"], path
    schema = spec["components"]["schemas"]["MeetingCreate"]
    assert "oneOf" in schema["properties"]["participants"]["items"]
    assert schema["properties"]["held_at"]["format"] == "date-time"
