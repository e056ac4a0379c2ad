"""The demo meetings: made through the services, relative to today, idempotent."""
from datetime import timedelta

import sqlalchemy as sa

from ntm_tasks.assignments.models import TaskStatus
from ntm_tasks.db import local, today
from ntm_tasks.demo import _load_org
from ntm_tasks.extensions import db
from ntm_tasks.meetings import demo, services
from ntm_tasks.meetings.models import Meeting, MeetingStatus
from ntm_tasks.org.models import Unit, User


def test_demo_meetings(app):
    app.config["NTM_TODAY"] = "2026-03-10"
    province = _load_org()
    assert demo.load(province) is True
    assert demo.load(province) is False
    db.session.commit()
    hoang_trung = db.session.scalar(sa.select(Unit).where(Unit.name == "Hoằng Trung"))
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.unit_id == hoang_trung.id)
                                  .order_by(Meeting.held_at)).all()
    steering, session, draft = meetings
    assert [m.status for m in meetings] == [MeetingStatus.PUBLISHED, MeetingStatus.PUBLISHED, MeetingStatus.DRAFT]
    assert 110 <= (today() - local(steering.held_at).date()).days <= 125
    assert 25 <= (today() - local(session.held_at).date()).days <= 35
    assert 5 <= (local(draft.held_at).date() - today()).days <= 9
    assert local(steering.published_at).date() == local(steering.held_at).date()  # published back then
    progress = services.follow_through(steering)
    assert progress["total"] == 7 and progress["overdue"] >= 1 and progress["in_progress_on_time"] >= 1
    assert {t.status for t in services.meeting_tasks(draft)} == {TaskStatus.DRAFT}
    assert len(draft.conclusions) == 3 and services.carried_tasks(draft)
    thuky = db.session.scalar(sa.select(User).where(User.username == "thuky"))
    assert steering.created_by_id == thuky.id
    assert {t.created_by_id for t in services.meeting_tasks(steering)} == {thuky.id}
    quang_phu = db.session.scalar(sa.select(Meeting).join(Unit).where(Unit.name == "Quảng Phú"))
    assert quang_phu.status == MeetingStatus.PUBLISHED and services.meeting_tasks(quang_phu)
    assert app.config["NTM_TODAY"] == "2026-03-10"
    assert min(t.due_date for t in services.meeting_tasks(session) if t.due_date) < today() < max(
        t.due_date for t in services.meeting_tasks(session) if t.due_date) + timedelta(days=1)
