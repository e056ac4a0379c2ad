"""The iCalendar feed of deadlines, behind a secret token in its address.

Until a user resets it, the token is derived from the app's secret key and the user's id, so the address
exists without any write; a reset stores a fresh random token, and the derived one stops working with it.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from ntm_tasks import permissions as perm
from ntm_tasks.assignments.models import OPEN_STATUSES, Task
from ntm_tasks.audit import record
from ntm_tasks.db import LOCAL_TZ, utcnow
from ntm_tasks.extensions import db
from ntm_tasks.org.models import User

FEED_ENDPOINT = "oversight_api.calendar_feed"


def _derived_token(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"calendar:{user.id}".encode(), hashlib.sha256).hexdigest()[:40]
    return f"{user.id}-{digest}"


def calendar_token(user: User) -> str:
    """The user's current feed token."""
    return user.calendar_token or _derived_token(user)


def calendar_url(user: User) -> str:
    """The absolute address of the user's feed."""
    return url_for(FEED_ENDPOINT, token=calendar_token(user), _external=True)


def user_for_token(token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token))
    if user is None:
        raw_id, _, _ = token.partition("-")
        candidate = db.session.get(User, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 12 else None
        if candidate is not None and candidate.calendar_token is None and hmac.compare_digest(
                _derived_token(candidate), token):
            user = candidate
    return user if user is not None and user.is_active else None


def reset_calendar_token(actor: User) -> str:
    """Replace the user's token (the old address stops working); returns the new absolute address."""
    actor.calendar_token = secrets.token_urlsafe(32)
    record(actor, actor, "calendar_token_reset")
    db.session.flush()
    return calendar_url(actor)


def feed_tasks(user: User) -> list[Task]:
    """The open tasks with a deadline that the user may see."""
    return list(db.session.scalars(
        sa.select(Task).where(perm.task_filter(user), Task.status.in_(OPEN_STATUSES), Task.due_date.is_not(None))
        .options(joinedload(Task.lead_body)).order_by(Task.due_date, Task.id)
    ))


def build_feed(user: User) -> bytes:
    """The iCalendar document: one all-day event per deadline."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//ntm_tasks//Nhiem vu NTM//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Hạn nhiệm vụ NTM - {user.full_name or user.username}")
    cal.add("x-wr-timezone", str(LOCAL_TZ))
    stamp = utcnow()
    host = current_app.config.get("SERVER_NAME") or "ntm-tasks"
    task_page = "assignments.detail" if "assignments.detail" in current_app.view_functions else None
    for task in feed_tasks(user):
        event = Event()
        event.add("uid", f"task-{task.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due_date)
        event.add("dtend", task.due_date + timedelta(days=1))
        event.add("summary", f"Hạn: {task.title}")
        event.add("description", f"Cơ quan chủ trì: {task.lead_body.name}\nTiến độ: {task.progress}%\n"
                                 f"Trạng thái: {task.status.value}")
        event.add("categories", ["NTM"])
        if task_page:
            try:
                event.add("url", url_for(task_page, task_id=task.id, _external=True))
            except BuildError:
                task_page = None
        cal.add_component(event)
    return cal.to_ical()
