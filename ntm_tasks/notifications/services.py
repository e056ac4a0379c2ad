"""Creating notifications. Jobs and e-mail build on this (see jobs.py)."""
import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import Notification, NotificationKind
from ntm_tasks.org.models import Role, User, user_bodies


def assignees_of(body_ids) -> list[User]:
    """Active assignee accounts of these bodies (their focal people)."""
    body_ids = list(body_ids)
    if not body_ids:
        return []
    return list(db.session.scalars(
        sa.select(User).join(user_bodies, user_bodies.c.user_id == User.id)
        .where(user_bodies.c.body_id.in_(body_ids), User.role == Role.ASSIGNEE, User.is_active_account.is_(True))
        .distinct()
    ))


def notify(users, kind: NotificationKind, message: str, task=None, dedupe_key: str | None = None) -> list[Notification]:
    """Add one notification per user; with a dedupe_key (suffixed by the user id) an existing one is not repeated."""
    created = []
    for user in users:
        key = f"{dedupe_key}:{user.id}" if dedupe_key else None
        if key and db.session.scalar(sa.select(Notification.id).where(Notification.dedupe_key == key)):
            continue
        note = Notification(user_id=user.id, kind=kind, task_id=task.id if task else None, message=message,
                            dedupe_key=key)
        db.session.add(note)
        created.append(note)
    db.session.flush()
    return created
