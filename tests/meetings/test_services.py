"""The meetings services: records, legal bases, conclusions into draft tasks, publishing, follow-through."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from ntm_tasks.assignments.models import Task, TaskStatus
from ntm_tasks.audit import HistoryEntry, history_of
from ntm_tasks.db import LOCAL_TZ, local
from ntm_tasks.errors import Conflict, Forbidden, Invalid
from ntm_tasks.extensions import db
from ntm_tasks.meetings import services
from ntm_tasks.meetings.models import Conclusion, LegalDocument, Meeting, MeetingStatus
from ntm_tasks.notifications.models import Notification
from tests.meetings.support import EXAMPLE, HELD, commune, meeting


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- candidate bodies -----------------------------------------------------------------------------

def test_candidate_bodies_are_own_child_and_above(make):
    c = commune(make)
    refs = services.candidate_bodies(c.commune)
    relations = {(r.unit_id, r.relation) for r in refs}
    assert (c.commune.id, "own") in relations
    assert (c.dong_hai.id, "child") in relations and (c.tay_son.id, "child") in relations
    assert (c.province.id, "above") in relations
    assert all(r.unit_id != c.other.id for r in refs)  # a sibling commune is not addressed
    head = next(r for r in refs if r.unit_id == c.dong_hai.id and r.kind == "village_head")
    assert head.unit_name == "Đông Hải" and head.unit_level == "village"


def test_archived_bodies_are_not_candidates(make):
    c = commune(make)
    body = c.body("Hội Nông dân")
    body.is_archived = True
    db.session.commit()
    assert body.id not in {r.id for r in services.candidate_bodies(c.commune)}


# --- recording a meeting --------------------------------------------------------------------------

def test_create_meeting_records_everything_and_history(make):
    c = commune(make)
    m = meeting(c, location="Hội trường UBND xã", chair="Đồng chí Nguyễn Văn Hùng",
                participant_ids=[c.party.id, c.ubnd.id], guests=["Ông Lê Văn B - HTX", " ", "Ông Lê Văn B - HTX"],
                legal_bases=["Nghị quyết số 57/nq-hdnd ngày 28/12/2020", {"number": "89/kh-ubnd", "issuer": "UBND xã"}],
                summary="Xã đạt 15/19 tiêu chí.", difficulties="Thiếu vốn.")
    db.session.commit()
    assert m.status == MeetingStatus.DRAFT and m.version == 1 and m.created_by_id == c.secretary.id
    assert [b.id for b in m.participants] == [c.party.id, c.ubnd.id]
    assert m.guests == ["Ông Lê Văn B - HTX"]
    assert [d.number for d in m.documents] == ["57/NQ-HĐND", "89/KH-UBND"]
    resolution = m.documents[0]
    assert (resolution.type_code, resolution.issued_on, resolution.year, resolution.issuer) == (
        "NQ", date(2020, 12, 28), 2020, "HĐND")
    assert resolution.title == "Nghị quyết số 57/NQ-HĐND ngày 28/12/2020"
    assert "hoang trung" in m.search_text and "hoi truong" in m.search_text
    (entry,) = history_of(m)
    assert entry.action == "created" and entry.user_id == c.secretary.id
    assert entry.changes["legal_bases"] == [None, ["57/NQ-HĐND", "89/KH-UBND"]]


def test_legal_documents_are_reused_across_meetings(make):
    c = commune(make)
    first = meeting(c, legal_bases=["Kế hoạch số 89/KH-UBND ngày 3/2/2024"])
    second = meeting(c, legal_bases=["89/kh-ubnd ngày 03/02/2024", {
        "number": "89/KH-UBND", "issued_on": date(2024, 2, 3), "title": "Kế hoạch xây dựng NTM năm 2024"}])
    db.session.commit()
    assert count(LegalDocument) == 1
    assert first.documents[0].id == second.documents[0].id and len(second.documents) == 1
    # the same number in another year is another document (numbers restart every year)
    meeting(c, legal_bases=["Kế hoạch số 89/KH-UBND ngày 5/1/2025"])
    assert count(LegalDocument) == 2


def test_create_meeting_rules(make):
    c = commune(make)
    with pytest.raises(Forbidden):
        meeting(c, actor=c.assignee)
    with pytest.raises(Forbidden):
        meeting(c, actor=c.outsider)
    with pytest.raises(Forbidden):
        meeting(c, actor=c.viewer)
    with pytest.raises(Invalid) as error:
        meeting(c, title="   ")
    assert "title" in error.value.fields
    with pytest.raises(Invalid) as error:
        meeting(c, kind="party")
    assert "kind" in error.value.fields
    outside_body = make.body(c.other, "party_committee")
    with pytest.raises(Invalid) as error:
        meeting(c, participant_ids=[outside_body.id])
    assert "participants" in error.value.fields
    with pytest.raises(Invalid) as error:
        meeting(c, legal_bases=["Nghị quyết về NTM"])
    assert "legal_bases.0" in error.value.fields
    db.session.rollback()
    assert count(Meeting) == 0


def test_held_at_without_time_or_offset_is_vietnam_time():
    assert services.held_at_value(date(2024, 7, 15)) == datetime(2024, 7, 15, 8, 0, tzinfo=LOCAL_TZ)
    naive = services.held_at_value(datetime(2024, 7, 15, 14, 30))
    assert naive.utcoffset() == timedelta(hours=7) and naive.hour == 14
    with pytest.raises(Invalid):
        services.held_at_value(None)


def test_update_meeting_checks_version_and_records_changes(make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    services.update_meeting(c.chair, m, 1, title="Họp BCĐ quý III", location="Nhà văn hóa thôn Đông Hải")
    db.session.commit()
    assert m.version == 2 and m.title == "Họp BCĐ quý III" and "nha van hoa" in m.search_text
    entry = history_of(m)[-1]
    assert entry.action == "updated"
    assert entry.changes["title"] == ["Họp Ban chỉ đạo xây dựng NTM xã", "Họp BCĐ quý III"]
    with pytest.raises(Conflict):
        services.update_meeting(c.chair, m, 1, title="Cũ")
    db.session.rollback()
    assert db.session.get(Meeting, m.id).title == "Họp BCĐ quý III"


def test_participants_change_alone_moves_the_version(make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    services.update_meeting(c.secretary, m, 1, participant_ids=[c.ubnd.id], guests=["Đại diện HTX"])
    db.session.commit()
    assert m.version == 2 and [b.id for b in m.participants] == [c.ubnd.id] and m.guests == ["Đại diện HTX"]
    # nothing changed: no new version, no history
    services.update_meeting(c.secretary, m, 2, participant_ids=[c.ubnd.id], held_at=HELD)
    db.session.commit()
    assert m.version == 2 and len(history_of(m)) == 2


def test_update_meeting_forbidden_to_others(make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    for user in (c.assignee, c.outsider, c.viewer):
        with pytest.raises(Forbidden):
            services.update_meeting(user, m, 1, title="X")


def test_archive_keeps_the_meeting(make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    services.archive_meeting(c.secretary, m, 1)
    db.session.commit()
    assert db.session.get(Meeting, m.id).is_archived
    assert history_of(m)[-1].action == "archived"
    assert db.session.scalars(services.meetings_query(c.secretary)).all() == []
    assert db.session.scalars(services.meetings_query(c.secretary, include_archived=True)).all() == [m]
    with pytest.raises(Conflict):
        services.update_meeting(c.secretary, m, m.version, title="X")


# --- conclusions ----------------------------------------------------------------------------------

def test_example_conclusions_become_conclusions_and_draft_tasks(make):
    c = commune(make)
    m = meeting(c)
    conclusions, tasks = services.save_conclusions(c.secretary, m, text=EXAMPLE)
    db.session.commit()
    assert [x.number for x in conclusions] == ["1", "2", "3", "4", "5"]
    assert [x.position for x in conclusions] == [1, 2, 3, 4, 5]
    assert all(t.status == TaskStatus.DRAFT and t.meeting_id == m.id for t in tasks)
    by_conclusion = {}
    for t in tasks:
        by_conclusion.setdefault(t.conclusion_id, []).append(t)
    first, second, third, fourth, fifth = (by_conclusion[x.id] for x in conclusions)
    assert [t.lead_body_id for t in first] == [c.party.id] and first[0].due_date == date(2024, 8, 15)
    assert first[0].title == "Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày 15/8/2024"
    assert first[0].description == conclusions[0].text
    assert second[0].lead_body_id == c.ubnd.id and second[0].due_date == date(2024, 10, 30)
    assert second[0].recurrence == {"freq": "monthly", "day": 20}
    heads = {c.body("Trưởng thôn", c.dong_hai).id, c.body("Trưởng thôn", c.tay_son).id}
    assert {t.lead_body_id for t in third} == heads and third[0].due_date == date(2024, 9, 30)
    assert {t.lead_body.name for t in fourth} == {"Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên"}
    assert fourth[0].recurrence == {"freq": "weekly", "day": 7} and fourth[0].due_date is None
    assert fifth[0].lead_body.name == "Địa chính - Xây dựng" and fifth[0].due_date == date(2024, 9, 30)
    assert [b.name for b in fifth[0].coordinating_bodies] == ["Văn phòng Điều phối NTM tỉnh"]
    assert len(tasks) == 7
    entry = history_of(m)[-1]
    assert entry.action == "conclusions_added" and len(entry.changes["tasks"][1]) == 7
    assert "nha van hoa" in m.search_text  # conclusions are searchable too


def test_saving_again_appends_after_existing_conclusions(make):
    c = commune(make)
    m = meeting(c)
    services.save_conclusions(c.secretary, m, text=EXAMPLE)
    more, _ = services.save_conclusions(c.secretary, m, items=[
        {"text": "Đối với Công an xã: Bảo đảm an ninh trật tự.", "bodies": [{"id": c.body("Công an xã").id}]}])
    assert more[0].position == 6 and len(m.conclusions) == 6


def test_item_without_lead_body_is_refused_naming_it(make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    items = [{"number": "1", "text": "Đối với UBND xã: Lập kế hoạch.", "bodies": [{"id": c.ubnd.id, "role": "lead"}]},
             {"number": "2", "text": "Đối với Hợp tác xã Thành Công: Mở rộng sản xuất.",
              "bodies": [{"id": c.party.id, "role": "coordinating"}]}]
    with pytest.raises(Invalid) as error:
        services.save_conclusions(c.secretary, m, items=items)
    assert "items.1.bodies" in error.value.fields and "Mục 2" in error.value.message
    db.session.rollback()
    assert count(Conclusion) == 0 and count(Task) == 0


def test_text_with_an_unmatched_addressee_is_refused(make):
    c = commune(make)
    m = meeting(c)
    with pytest.raises(Invalid) as error:
        services.save_conclusions(c.secretary, m, text="1. Đối với UBND xã: Lập kế hoạch.\n"
                                                       "2. Đối với Hợp tác xã Thành Công: Mở rộng sản xuất.")
    assert "items.1.bodies" in error.value.fields


@pytest.mark.parametrize("change, field", [
    ({"bodies": [{"id": 987654}]}, "items.0.bodies"),
    ({"due_date": date(2024, 7, 1)}, "items.0.due_date"),
    ({"due_date": "15/08/2024"}, "items.0.due_date"),
    ({"recurrence": {"freq": "daily"}}, "items.0.recurrence"),
    ({"recurrence": {"freq": "yearly", "day": 31, "month": 2}}, "items.0.recurrence"),
    ({"text": "  "}, "items.0.text"),
])
def test_bad_items_name_the_field(make, change, field):
    c = commune(make)
    m = meeting(c)
    item = {"text": "Đối với UBND xã: Lập kế hoạch.", "bodies": [{"id": c.ubnd.id}], **change}
    with pytest.raises(Invalid) as error:
        services.save_conclusions(c.secretary, m, items=[item])
    assert field in error.value.fields


def test_body_of_another_commune_is_refused(make):
    c = commune(make)
    m = meeting(c)
    foreign = make.body(c.other, "peoples_committee")
    with pytest.raises(Invalid) as error:
        services.save_conclusions(c.secretary, m, items=[{"text": "Làm việc", "bodies": [{"id": foreign.id}]}])
    assert "items.0.bodies" in error.value.fields


def test_conclusions_need_text_and_rights(make):
    c = commune(make)
    m = meeting(c)
    with pytest.raises(Invalid):
        services.save_conclusions(c.secretary, m, text="Hội nghị đã diễn ra tốt đẹp.\n\n\n")
    with pytest.raises(Invalid) as error:
        services.save_conclusions(c.secretary, m, text="x" * (services.MAX_TEXT_LENGTH + 1))
    assert "text" in error.value.fields
    with pytest.raises(Forbidden):
        services.save_conclusions(c.assignee, m, text=EXAMPLE)
    with pytest.raises(Forbidden):
        services.save_conclusions(c.outsider, m, text=EXAMPLE)


def test_task_title():
    text = "Đối với UBND xã: Hoàn thiện hồ sơ, gửi Văn phòng\nĐiều phối trước ngày 30/10/2024. Định kỳ báo cáo."
    assert services.task_title(text, "UBND xã") == "Hoàn thiện hồ sơ, gửi Văn phòng Điều phối trước ngày 30/10/2024"
    assert services.task_title("UBND xã: lập kế hoạch; báo cáo kết quả.", "UBND xã") == "Lập kế hoạch"
    assert services.task_title("Giao công chức Địa chính rà soát quy hoạch.") == "Công chức Địa chính rà soát quy hoạch"
    long = services.task_title("Tổ chức " + "hội nghị nhân dân " * 30)
    assert len(long) <= services.TITLE_LENGTH and long.endswith("…")


# --- publishing -----------------------------------------------------------------------------------

def test_publish_issues_drafts_and_notifies_once(make):
    c = commune(make)
    m = meeting(c)
    _, tasks = services.save_conclusions(c.secretary, m, text=EXAMPLE)
    db.session.commit()
    services.publish_meeting(c.chair, m, "15/tb-ubnd", m.version)
    db.session.commit()
    assert m.status == MeetingStatus.PUBLISHED and m.notice_number == "15/TB-UBND" and m.published_at
    assert all(t.status == TaskStatus.ASSIGNED for t in tasks)
    ubnd_task = next(t for t in tasks if t.lead_body_id == c.ubnd.id)
    notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == c.assignee.id)).all()
    assert [n.task_id for n in notes] == [ubnd_task.id] and notes[0].kind == "assigned"
    version, entries = m.version, count(HistoryEntry)
    with pytest.raises(Conflict):
        services.publish_meeting(c.chair, m, "16/TB-UBND", version)
    db.session.rollback()
    assert count(Notification) == len(notes) and count(HistoryEntry) == entries
    assert db.session.get(Meeting, m.id).notice_number == "15/TB-UBND"


def test_publish_checks_version_and_rights(make):
    c = commune(make)
    m = meeting(c)
    db.session.commit()
    with pytest.raises(Forbidden):
        services.publish_meeting(c.assignee, m, None, 1)
    with pytest.raises(Forbidden):
        services.publish_meeting(c.outsider, m, None, 1)
    with pytest.raises(Conflict):
        services.publish_meeting(c.secretary, m, None, 7)
    assert m.status == MeetingStatus.DRAFT


def test_conclusions_added_after_publishing_are_assigned_at_once(make):
    c = commune(make)
    m = meeting(c)
    services.publish_meeting(c.secretary, m, None, m.version)
    _, tasks = services.save_conclusions(c.secretary, m, text="1. Đối với UBND xã: Lập kế hoạch trước ngày 1/9/2024.")
    assert [t.status for t in tasks] == [TaskStatus.ASSIGNED]


# --- follow-through -------------------------------------------------------------------------------

def test_follow_through_counts_the_notice(make, app):
    app.config["NTM_TODAY"] = "2024-10-01"
    c = commune(make)
    m = make.meeting(c.commune, status="published")
    due = date(2024, 9, 15)
    make.task(c.ubnd, m, status="completed", due_date=due, submitted_on=date(2024, 9, 10))
    make.task(c.ubnd, m, status="completed", due_date=due, submitted_on=date(2024, 9, 20))
    make.task(c.ubnd, m, status="in_progress", due_date=due)
    make.task(c.ubnd, m, status="assigned", due_date=date(2024, 12, 31))
    make.task(c.ubnd, m, status="cancelled", due_date=due)
    result = services.follow_through(m)
    assert (result["total"], result["completed"], result["overdue"], result["open"]) == (4, 2, 1, 2)
    assert result["completed_on_time"] == 1 and result["completed_late"] == 1


def test_open_tasks_of_earlier_meetings_carry_over_linked(make):
    c = commune(make)
    earlier = make.meeting(c.commune, status="published", held_at=datetime(2024, 3, 1, 8, tzinfo=LOCAL_TZ))
    later_meeting = make.meeting(c.commune, status="published", held_at=datetime(2024, 9, 1, 8, tzinfo=LOCAL_TZ))
    open_task = make.task(c.ubnd, earlier, status="in_progress", due_date=date(2024, 5, 1))
    make.task(c.ubnd, earlier, status="completed", due_date=date(2024, 5, 1))
    future = make.task(c.ubnd, later_meeting, status="assigned")
    foreign = make.task(make.body(c.other), make.meeting(c.other, status="published",
                                                         held_at=datetime(2024, 3, 1, 8, tzinfo=LOCAL_TZ)))
    m = meeting(c)  # held 15/7/2024
    assert services.open_tasks_from_earlier(m) == [open_task]
    tasks_before = count(Task)
    services.carry_over(c.secretary, m, [open_task.id])
    db.session.commit()
    assert open_task.carried_to_meeting_id == m.id and count(Task) == tasks_before
    assert services.carried_tasks(m) == [open_task] and services.open_tasks_from_earlier(m) == []
    entry = history_of(open_task)[-1]
    assert entry.action == "carried_over" and entry.changes["carried_to_meeting_id"] == [None, m.id]
    for bad in ([future.id], [foreign.id], []):
        with pytest.raises(Invalid):
            services.carry_over(c.secretary, m, bad)
    with pytest.raises(Forbidden):
        services.carry_over(c.assignee, m, [open_task.id])
    services.publish_meeting(c.secretary, m, None, m.version)
    with pytest.raises(Conflict):
        services.carry_over(c.secretary, m, [open_task.id])


# --- five clear -----------------------------------------------------------------------------------

def test_five_clear(make):
    c = commune(make)
    m = meeting(c)
    _, tasks = services.save_conclusions(c.secretary, m, text=EXAMPLE)
    by_body = {t.lead_body.name: t for t in tasks}
    resolution = services.five_clear(by_body["Đảng ủy xã"])
    assert resolution == {"body": True, "work": True, "deadline": True, "output": True, "responsibility": False}
    assert services.five_clear(by_body["Ủy ban nhân dân xã"])["responsibility"]  # the body has an assignee
    cleaning = services.five_clear(by_body["Hội Liên hiệp Phụ nữ"])
    assert cleaning["deadline"] and not cleaning["output"]  # weekly, but no product named
    vague = make.task(c.ubnd, m, status="draft", title="Làm ngay")
    flags = services.five_clear(vague)
    assert not flags["work"] and not flags["deadline"]
    ongoing = make.task(c.ubnd, m, status="draft", title="Duy trì vệ sinh môi trường thường xuyên",
                        expected_output="Báo cáo tháng")
    assert services.five_clear(ongoing)["deadline"] and services.five_clear(ongoing)["output"]


# --- visibility and search ------------------------------------------------------------------------

def test_meetings_query_scope_search_and_period(make):
    c = commune(make)
    mine = meeting(c, title="Hội nghị sơ kết 6 tháng")
    held_later = meeting(c, title="Buổi làm việc", held_at=datetime(2024, 9, 3, 8, tzinfo=LOCAL_TZ))
    services.create_meeting(c.outsider, unit=c.other, title="Họp Quảng Phú", kind="conference", held_at=HELD)
    db.session.commit()

    def ids(user, **kw):
        return [x.id for x in db.session.scalars(services.meetings_query(user, **kw))]

    assert ids(c.secretary) == [held_later.id, mine.id]
    assert ids(c.secretary, q="SO KET") == [mine.id] and ids(c.secretary, q="hoang trung") == [held_later.id, mine.id]
    assert ids(c.secretary, q="100%_") == []
    assert ids(c.secretary, date_from=date(2024, 9, 1)) == [held_later.id]
    assert ids(c.secretary, date_to=date(2024, 7, 15)) == [mine.id]
    assert len(ids(c.viewer)) == 3 and len(ids(c.viewer, unit=c.commune)) == 2
    assert ids(c.assignee) == []  # no task of theirs issued yet
    services.save_conclusions(c.secretary, mine, text=EXAMPLE)
    assert ids(c.assignee) == []  # drafts are not theirs yet
    services.publish_meeting(c.secretary, mine, None, mine.version)
    assert ids(c.assignee) == [mine.id]
    assert local(mine.held_at).hour == 8
