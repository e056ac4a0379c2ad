"""In-app notifications; `dedupe_key` makes each reminder unique per task, kind and day."""
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ntm_tasks.db import UTCDateTime, utcnow
from ntm_tasks.extensions import db


class NotificationKind(StrEnum):
    ASSIGNED = "assigned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    RETURNED = "returned"
    APPROVED = "approved"
    EXTENSION_DECIDED = "extension_decided"
    DIGEST = "digest"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "is_read"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(sa.Enum(NotificationKind, native_enum=False, length=30))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"))
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_read: Mapped[bool] = mapped_column(default=False)
    is_emailed: Mapped[bool] = mapped_column(default=False)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)

    user = relationship("User")
    task = relationship("Task")
