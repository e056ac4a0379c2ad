"""Password checks with lock-out after repeated failures; the same answer whether or not the user exists."""
import secrets
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ntm_tasks.db import utcnow
from ntm_tasks.extensions import db
from ntm_tasks.org.models import User

MAX_FAILURES = 5
LOCK_MINUTES = 15
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = f"Tài khoản tạm khóa do đăng nhập sai nhiều lần. Hãy thử lại sau {LOCK_MINUTES} phút."


_dummy_hash: str | None = None


def _spend_a_password_check(password: str) -> None:
    """Check the password against a throw-away hash, so that an unknown name costs as long as a known one."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash(secrets.token_hex(16))
    check_password_hash(_dummy_hash, password or "")


def attempt_login(username: str, password: str) -> tuple[User | None, str | None]:
    """The user if the credentials hold, else None and the message to show. Flushes the failure count."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == (username or "").strip().lower()))
    problem = None
    if user is None or not user.is_active:
        problem = BAD_CREDENTIALS
    elif user.locked_until and user.locked_until > utcnow():
        problem = LOCKED
    stored_hash = user.password_hash if problem is None else None
    # A password check takes tens of milliseconds: the reading transaction ends first (nothing is written yet), so
    # that on SQLite, where a request that may write holds the write lock from its first statement, a login does
    # not hold back every other write meanwhile. The counters below are read again, in the writing transaction.
    db.session.commit()
    if stored_hash is None:
        _spend_a_password_check(password)
        return None, problem
    if not check_password_hash(stored_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.failed_logins = 0
            user.locked_until = utcnow() + timedelta(minutes=LOCK_MINUTES)
            return None, LOCKED
        return None, BAD_CREDENTIALS
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
    return user, None
