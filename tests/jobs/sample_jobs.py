"""Jobs used only by the tests: a worker started by a test imports them from this module."""
import os
import time

import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.jobs import job, redis_connection
from ntm_tasks.org.models import User


@job
def flaky_rename(user_id: int, counter_key: str, failures: int = 2) -> int:
    """Fail `failures` times (the count kept in Redis), then rename the user: the effect the test looks for."""
    attempt = redis_connection().incr(counter_key)
    if attempt <= failures:
        raise RuntimeError(f"planned failure {attempt}")
    user = db.session.get(User, user_id)
    user.full_name = f"Đã chạy ở lần {attempt}"
    return attempt


@job
def reminders_then_hang(as_of: str, marker: str) -> None:
    """The real reminder job, made to stop dead after its first batch is committed (the test then kills it)."""
    from ntm_tasks.notifications.jobs import send_reminders

    def hang(session):
        if session.in_nested_transaction():
            return
        with open(marker, "w") as handle:
            handle.write(str(os.getpid()))
        time.sleep(600)

    sa.event.listen(db.session, "after_commit", hang)
    send_reminders(as_of)
