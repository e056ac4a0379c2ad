"""Password checks with lock-out after repeated failures; the same answer whether or not the user exists."""
from datetime import timedelta

import sqlalchemy as sa

from ntm_tasks.db import utcnow
from ntm_tasks.extensions import db
from ntm_tasks.org.models import User

MAX_FAILURES = 5
LOCK_MINUTES = 15
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = f"Tài khoản tạm khóa do đăng nhập sai nhiều lần. Hãy thử lại sau {LOCK_MINUTES} phút."


def attempt_login(username: str, password: str) -> tuple[User | None, str | None]:
    """The user if the credentials hold, else None and the message to show. Flushes the failure count."""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == (username or "").strip().lower()))
    if user is None or not user.is_active:
        return None, BAD_CREDENTIALS
    if user.locked_until and user.locked_until > utcnow():
        return None, LOCKED
    if not user.check_password(password):
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
