"""Factories for test data; each returns a flushed row. Names are unique per call."""
import itertools

from ntm_tasks.extensions import db
from ntm_tasks.org import services as org
from ntm_tasks.org.models import Body, BodyKind, Unit

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def unit(name: str | None = None, level: str = "commune", parent: Unit | None = None, standard_bodies=True) -> Unit:
    """A unit; a commune without a parent gets a fresh province above it."""
    if parent is None and level != "province":
        parent = unit(level="province")
    result = org.create_unit(None, name=name or f"{level.title()} {next(_seq)}", level=level, parent=parent,
                             standard_bodies=standard_bodies)
    db.session.commit()
    return result


def body(unit_: Unit, kind: str = "peoples_committee", name: str | None = None) -> Body:
    """The unit's standard body of `kind` (or a new one when `name` is given)."""
    if name is None:
        for existing in unit_.bodies:
            if existing.kind == BodyKind(kind):
                return existing
    created = org.create_body(None, unit=unit_, name=name or f"Cơ quan {next(_seq)}", kind=kind)
    db.session.commit()
    return created


def user(role: str = "secretary", unit_: Unit | None = None, bodies=(), username: str | None = None):
    created = org.create_user(None, username=username or f"{role}{next(_seq)}", password=PASSWORD, role=role,
                              full_name=f"Người dùng {role}", unit=unit_, body_ids=[b.id for b in bodies])
    db.session.commit()
    return created


def meeting(unit_: Unit, status: str = "draft", title: str | None = None, held_at=None, created_by=None):
    """A meeting row of `unit_` (built directly; the meetings services are tested on their own)."""
    from datetime import datetime

    from ntm_tasks.db import LOCAL_TZ
    from ntm_tasks.meetings.models import Meeting, MeetingKind, MeetingStatus
    from ntm_tasks.text import fold

    title = title or f"Họp BCĐ số {next(_seq)}"
    row = Meeting(unit_id=unit_.id, title=title, kind=MeetingKind.STEERING_MEETING,
                  held_at=held_at or datetime(2024, 7, 15, 8, 0, tzinfo=LOCAL_TZ), status=MeetingStatus(status),
                  search_text=fold(title), created_by_id=created_by.id if created_by else None)
    db.session.add(row)
    db.session.commit()
    return row


def task(lead_body: Body, meeting_=None, status: str = "assigned", due_date=None, coordinating=(), title=None,
         unit_: Unit | None = None, submitted_on=None, completed_on=None, progress: int = 0, **extra):
    """A task row in any status (built directly, so tests can set up any situation)."""
    from ntm_tasks.assignments.models import Task, TaskStatus
    from ntm_tasks.text import fold

    title = title or f"Nhiệm vụ {next(_seq)}"
    giver = unit_ or (meeting_.unit if meeting_ is not None else lead_body.unit)
    row = Task(unit_id=giver.id, lead_unit_id=lead_body.unit_id, meeting_id=meeting_.id if meeting_ else None,
               title=title, lead_body_id=lead_body.id, due_date=due_date, original_due_date=due_date,
               status=TaskStatus(status), submitted_on=submitted_on, completed_on=completed_on, progress=progress,
               search_text=fold(title), **extra)
    row.coordinating_bodies = list(coordinating)
    db.session.add(row)
    db.session.commit()
    return row


def notification(user_, kind: str = "assigned", task_=None, message: str | None = None, is_read: bool = False,
                 dedupe_key: str | None = None):
    """A notification row for `user_` (built directly)."""
    from ntm_tasks.notifications.models import Notification, NotificationKind

    row = Notification(user_id=user_.id, kind=NotificationKind(kind), task_id=task_.id if task_ else None,
                       message=message or f"Thông báo {next(_seq)}", is_read=is_read, dedupe_key=dedupe_key)
    db.session.add(row)
    db.session.commit()
    return row
