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


class JobStatus(StrEnum):
    STARTED = "started"
    FINISHED = "finished"
    RETRYING = "retrying"  # failed; rq will run it again
    FAILED = "failed"  # failed for good


class JobRecord(db.Model):
    """One background job as run (by an rq worker or in-process): what, how often, how it ended.

    Written by jobs.py around every job so that failures are visible to admins without Redis too.
    """

    __tablename__ = "job_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    func: Mapped[str] = mapped_column(sa.String(200))
    args: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[JobStatus] = mapped_column(sa.Enum(JobStatus, native_enum=False, length=20))
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExportKind(StrEnum):
    MONTHLY_XLSX = "monthly_xlsx"
    MONTHLY_CSV = "monthly_csv"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"  # done, and its file was removed after EXPORT_KEEP_DAYS


class ExportJob(db.Model):
    """A long export (the monthly report of a unit) produced by a job; the file lands in EXPORT_FOLDER."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ExportKind] = mapped_column(sa.Enum(ExportKind, native_enum=False, length=20))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    month: Mapped[str] = mapped_column(sa.String(7))  # YYYY-MM
    status: Mapped[ExportStatus] = mapped_column(
        sa.Enum(ExportStatus, native_enum=False, length=20), default=ExportStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(sa.String(200))  # relative to EXPORT_FOLDER
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit = relationship("Unit")
    requested_by = relationship("User")
