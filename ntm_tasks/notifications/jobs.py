"""Jobs of the notifications package: reminders and e-mail. They take ids or ISO dates and are idempotent."""
import logging
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ntm_tasks.extensions import db
from ntm_tasks.jobs import job
from ntm_tasks.notifications import mail
from ntm_tasks.notifications.models import Notification
from ntm_tasks.notifications.services import queue_emails_for_keys, remind_all, reminder_task_ids, wants_email

log = logging.getLogger(__name__)
REMINDER_BATCH = 50


@job
def send_reminders(as_of: str) -> int:
    """Due-soon and overdue reminders for day `as_of` (ISO); returns how many notifications it created.

    Commits every REMINDER_BATCH tasks, so a run killed half-way keeps what it did; running again (or
    twice at once) creates only what is missing, and re-enqueues e-mail that a killed run never sent.
    """
    from ntm_tasks.assignments.models import Task

    day = date.fromisoformat(as_of)
    ids = reminder_task_ids(day)
    created = 0
    for start in range(0, len(ids), REMINDER_BATCH):
        tasks = db.session.scalars(sa.select(Task).where(Task.id.in_(ids[start:start + REMINDER_BATCH]))
                                   .options(selectinload(Task.responsible_user)).order_by(Task.id)).all()
        count, keys = remind_all(tasks, day)
        created += count
        queue_emails_for_keys(keys)
        db.session.commit()
    return created


@job
def send_emails(notification_ids: list[int]) -> int:
    """E-mail these notifications to their users; each is sent once (claimed in the database before sending)."""
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    sent, smtp = 0, None
    try:
        for note_id in sorted(set(notification_ids)):
            note = db.session.get(Notification, note_id)
            if note is None or note.is_emailed or not wants_email(note.user):
                db.session.rollback()
                continue
            # The conditional UPDATE is the claim: a concurrent job for the same row waits, then finds 0 rows.
            claimed = db.session.execute(
                sa.update(Notification).where(Notification.id == note_id, Notification.is_emailed.is_(False))
                .values(is_emailed=True).execution_options(synchronize_session=False)).rowcount
            if not claimed:
                db.session.rollback()
                continue
            message = mail.build_message(note)
            if smtp is None:
                smtp = mail.connect()
            smtp.send_message(message)
            db.session.commit()
            sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:  # the messages are sent; a rude goodbye changes nothing
                log.warning("SMTP quit failed", exc_info=True)
    return sent
