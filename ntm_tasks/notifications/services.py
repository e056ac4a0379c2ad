"""Notifications: creating them (once per dedupe key), reading them, reminders, digests, e-mail queueing.

A reminder is sent once per task, kind and day: its `dedupe_key` ("due_soon:<task>:<day>:<user>") is
unique in the database, and the inserts skip a key that exists (a savepoint each for a single notification, ON
CONFLICT DO NOTHING for the daily run's), so that a worker racing another one loses that row quietly instead of
its whole run.
"""
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from ntm_tasks.assignments.models import TaskStatus
from ntm_tasks.db import insert_skipping_conflicts, plain_rows, utcnow
from ntm_tasks.errors import NotFound
from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import JobRecord, JobStatus, Notification, NotificationKind
from ntm_tasks.org.models import Role, User, user_bodies

# Reminders go while the lead body holds the task; a submitted task waits on the chair, not on them.
REMINDER_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)
DUE_SOON_DAYS_BEFORE = (3, 0)  # three days before, and on the day
OVERDUE_FIRST, OVERDUE_EVERY = 1, 7  # the day after, then every week
OVERDUE_HORIZON_WEEKS = 520
DOSSIER_DAYS_BEFORE = (7, 3, 0)
EMAIL_SWEEP_DAYS = 2


def assignees_by_body(body_ids) -> dict[int, list[User]]:
    """{body id: its active assignee accounts} for these bodies, in one query."""
    body_ids = list(body_ids)
    if not body_ids:
        return {}
    rows = db.session.execute(
        sa.select(user_bodies.c.body_id, User).join(User, User.id == user_bodies.c.user_id)
        .where(user_bodies.c.body_id.in_(body_ids), User.role == Role.ASSIGNEE,
               User.is_active_account.is_(True)).order_by(User.id)).all()
    by_body: dict[int, list[User]] = {}
    for body_id, user in rows:
        by_body.setdefault(body_id, []).append(user)
    return by_body


def assignees_of(body_ids) -> list[User]:
    """Active assignee accounts of these bodies (their focal people), each once."""
    users = {user.id: user for assignees in assignees_by_body(body_ids).values() for user in assignees}
    return list(users.values())


def _create(users, kind: NotificationKind, message: str, task=None, dedupe_key: str | None = None):
    """Insert one notification per user; returns (created, keys). A keyed row that exists is skipped."""
    created, keys = [], []
    for user in users:
        key = f"{dedupe_key}:{user.id}" if dedupe_key else None
        if key:
            keys.append(key)
            if db.session.scalar(sa.select(Notification.id).where(Notification.dedupe_key == key)):
                continue
        note = Notification(user_id=user.id, kind=NotificationKind(kind), task_id=task.id if task else None,
                            message=message, dedupe_key=key)
        if key:
            try:
                with db.session.begin_nested():
                    db.session.add(note)
            except IntegrityError:
                continue  # another worker inserted the same key first
        else:  # nothing to collide with: no savepoint (two more round trips each), inserted together at the flush
            db.session.add(note)
        created.append(note)
    return created, keys


def notify(users, kind: NotificationKind, message: str, task=None, dedupe_key: str | None = None) -> list[Notification]:
    """Add one notification per user; with a dedupe_key (suffixed by the user id) an existing one is not repeated.

    E-mail follows, by a job after the commit, for the users who want it (when MAIL_SERVER is set).
    """
    created, _keys = _create(users, kind, message, task, dedupe_key)
    db.session.flush()
    queue_emails(created)
    return created


# --- e-mail ---------------------------------------------------------------------------------------

def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _wants_email():
    return sa.and_(User.email.is_not(None), User.email != "", User.email_notifications.is_(True),
                   User.is_active_account.is_(True))


def queue_emails(notes) -> int:
    """Enqueue the e-mail of these notifications (those whose user wants e-mail), after the commit."""
    if not notes or not mail_enabled():
        return 0
    from ntm_tasks.jobs import enqueue
    from ntm_tasks.notifications.jobs import send_emails

    ids = [n.id for n in notes]
    wanted = list(db.session.scalars(
        sa.select(Notification.id).join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(ids), Notification.is_emailed.is_(False), _wants_email())
        .order_by(Notification.id)
    ))
    for start in range(0, len(wanted), 100):
        enqueue(send_emails, wanted[start:start + 100])
    return len(wanted)


def queue_emails_for_keys(keys) -> int:
    """Enqueue the e-mail of the keyed notifications not yet e-mailed (new ones, or left by a killed run)."""
    if not keys or not mail_enabled():
        return 0
    notes = list(db.session.scalars(sa.select(Notification).where(Notification.dedupe_key.in_(list(keys)),
                                                                  Notification.is_emailed.is_(False))))
    return queue_emails(notes)


def queue_pending_emails(as_of: date) -> int:
    """The sweep: e-mail notifications of the last days that no job has e-mailed (Redis was down, a job failed)."""
    if not mail_enabled():
        return 0
    since = utcnow() - timedelta(days=EMAIL_SWEEP_DAYS)
    notes = list(db.session.scalars(sa.select(Notification).where(Notification.is_emailed.is_(False),
                                                                  Notification.created_at >= since)))
    return queue_emails(notes)


def wants_email(user) -> bool:
    return bool(user.email and user.email_notifications and user.is_active_account)


# --- the reader's side ----------------------------------------------------------------------------

def notifications_query(user, unread: bool = False) -> sa.Select:
    """The user's notifications, newest first."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if unread:
        query = query.where(Notification.is_read.is_(False))
    return query.order_by(Notification.created_at.desc(), Notification.id.desc())


_UNREAD = (sa.select(sa.func.count()).select_from(Notification)
           .where(Notification.user_id == sa.bindparam("user_id"), Notification.is_read.is_(False)))


def unread_count(user) -> int:
    """The bell's figure, on every page: a statement built once, read without the ORM's handling (plain_rows)."""
    return plain_rows(_UNREAD, {"user_id": user.id})[0][0]


def get_own(user, notification_id: int) -> Notification:
    """One of the user's notifications; NotFound for any other (existence never leaks)."""
    from ntm_tasks import permissions as perm

    note = db.session.get(Notification, notification_id)
    if note is None or not perm.can_see_notification(user, note):
        raise NotFound(gettext("Không tìm thấy thông báo."))
    return note


def mark_read(user, notification_id: int) -> Notification:
    note = get_own(user, notification_id)
    note.is_read = True
    db.session.flush()
    return note


def mark_all_read(user) -> int:
    result = db.session.execute(
        sa.update(Notification).where(Notification.user_id == user.id, Notification.is_read.is_(False))
        .values(is_read=True).execution_options(synchronize_session=False))
    return result.rowcount


def update_settings(user, *, email: str | None, email_notifications: bool) -> dict:
    """A user's own e-mail address and whether notifications go there too; history records the change."""
    from ntm_tasks.audit import apply_changes, record

    changes = apply_changes(user, {"email": (email or "").strip() or None, "email_notifications": bool(email_notifications)})
    if changes:
        record(user, user, "settings", changes)
        db.session.flush()
    return changes


# --- reminders ------------------------------------------------------------------------------------

def reminder_kind(due: date, as_of: date) -> NotificationKind | None:
    """Which reminder a task due on `due` gets on day `as_of`, if any."""
    days_left = (due - as_of).days
    if days_left in DUE_SOON_DAYS_BEFORE:
        return NotificationKind.DUE_SOON
    late = -days_left
    if late >= OVERDUE_FIRST and (late - OVERDUE_FIRST) % OVERDUE_EVERY == 0:
        return NotificationKind.OVERDUE
    return None


def reminder_due_dates(as_of: date) -> list[date]:
    """The due dates that call for a reminder on `as_of`."""
    dates = [as_of + timedelta(days=d) for d in DUE_SOON_DAYS_BEFORE]
    dates += [as_of - timedelta(days=OVERDUE_FIRST + OVERDUE_EVERY * k) for k in range(OVERDUE_HORIZON_WEEKS)]
    return dates


def reminder_task_ids(as_of: date) -> list[int]:
    """Ids of the tasks to remind on `as_of`, in id order."""
    from ntm_tasks.assignments.models import Task

    return list(db.session.scalars(
        sa.select(Task.id).where(Task.status.in_(REMINDER_STATUSES), Task.due_date.in_(reminder_due_dates(as_of)))
        .order_by(Task.id)))


def reminder_recipients(task, assignees: dict[int, list[User]]) -> list[User]:
    """The lead body's assignees (from assignees_by_body), and the responsible person when one is named."""
    users = list(assignees.get(task.lead_body_id, []))
    if task.responsible_user is not None and task.responsible_user.is_active_account \
            and all(u.id != task.responsible_user_id for u in users):
        users.append(task.responsible_user)
    return users


def reminder_message(task, kind: NotificationKind, as_of: date) -> str:
    due = task.due_date.strftime("%d/%m/%Y")
    days_left = (task.due_date - as_of).days
    if kind == NotificationKind.OVERDUE:
        return f"Nhiệm vụ đã quá hạn {-days_left} ngày (hạn {due}): {task.title}"
    if days_left == 0:
        return f"Hôm nay là hạn hoàn thành nhiệm vụ (hạn {due}): {task.title}"
    return f"Nhiệm vụ sắp đến hạn, còn {days_left} ngày (hạn {due}): {task.title}"


def remind_all(tasks, as_of: date) -> tuple[int, list[str]]:
    """The reminders of these tasks for day `as_of` (none for a task the day calls for none of), inserted in one
    statement: (how many were created, the keys of all of them, new or already there). A key that exists, or that
    a concurrent run inserts first, is skipped by the database; the daily run reminds thousands of tasks, and a
    query and a savepoint per notification made it most of the run."""
    due = [(task, kind) for task in tasks if task.due_date is not None and task.status in REMINDER_STATUSES
           for kind in [reminder_kind(task.due_date, as_of)] if kind is not None]
    assignees = assignees_by_body({task.lead_body_id for task, _kind in due})
    rows, now = [], utcnow()
    for task, kind in due:
        message = reminder_message(task, kind, as_of)
        for user in reminder_recipients(task, assignees):
            rows.append({"user_id": user.id, "kind": kind, "task_id": task.id, "message": message, "created_at": now,
                         "is_read": False, "is_emailed": False,
                         "dedupe_key": f"{kind.value}:{task.id}:{as_of.isoformat()}:{user.id}"})
    if not rows:
        return 0, []
    created = db.session.execute(
        insert_skipping_conflicts(Notification, rows, Notification.dedupe_key).returning(Notification.id)).all()
    return len(created), [row["dedupe_key"] for row in rows]


def weekly_digest(as_of: date) -> list[Notification]:
    """For each chair, one digest of the overdue tasks in their scope (once per ISO week)."""
    from ntm_tasks import permissions as perm
    from ntm_tasks.assignments.categories import is_overdue
    from ntm_tasks.assignments.models import Task

    year, week, _ = as_of.isocalendar()
    created = []
    chairs = db.session.scalars(sa.select(User).where(User.role == Role.CHAIR, User.is_active_account.is_(True))
                                .order_by(User.id)).all()
    for chair in chairs:
        condition = sa.and_(perm.task_filter(chair), is_overdue(as_of))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(condition))
        if not total:
            continue
        tasks = db.session.scalars(sa.select(Task).where(condition).order_by(Task.due_date, Task.id).limit(20)).all()
        scope = chair.unit.name if chair.unit else "toàn hệ thống"
        lines = [f"Tổng hợp tuần {week}/{year}: {total} nhiệm vụ quá hạn ({scope})."]
        lines += [f"- {t.title} (hạn {t.due_date.strftime('%d/%m/%Y')}, quá {(as_of - t.due_date).days} ngày)"
                  for t in tasks]
        if total > len(tasks):
            lines.append(f"... và {total - len(tasks)} nhiệm vụ khác.")
        created += notify([chair], NotificationKind.DIGEST, "\n".join(lines), None, f"digest:{year}-W{week:02d}")
    return created


def notify_dossiers_due(dossiers, as_of: date) -> list[Notification]:
    """Tell the chairs and secretaries of each dossier's unit, 7 and 3 days before its deadline and on the day."""
    created = []
    for dossier in dossiers:
        due = getattr(dossier, "due_date", None)
        if due is None or (due - as_of).days not in DOSSIER_DAYS_BEFORE:
            continue
        days_left = (due - as_of).days
        users = db.session.scalars(sa.select(User).where(
            User.unit_id == dossier.unit_id, User.role.in_((Role.CHAIR, Role.SECRETARY)),
            User.is_active_account.is_(True)).order_by(User.id)).all()
        when = "hôm nay" if days_left == 0 else f"còn {days_left} ngày"
        message = f"Hồ sơ sắp đến hạn nộp ({when}, hạn {due.strftime('%d/%m/%Y')}): {dossier.title}"
        created += notify(users, NotificationKind.DUE_SOON, message, None, f"dossier:{dossier.id}:{as_of.isoformat()}")
    return created


# --- housekeeping ---------------------------------------------------------------------------------

def prune_job_records(as_of: date) -> int:
    """Delete the records of finished jobs past JOB_RECORD_KEEP_DAYS (failed ones stay for the admins)."""
    keep = current_app.config["JOB_RECORD_KEEP_DAYS"]
    cutoff = utcnow() - timedelta(days=keep)
    result = db.session.execute(sa.delete(JobRecord).where(JobRecord.status == JobStatus.FINISHED,
                                                           JobRecord.started_at < cutoff))
    return result.rowcount
