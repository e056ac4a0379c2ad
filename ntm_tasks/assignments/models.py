"""Tasks given to bodies, their progress reports and extension requests."""
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ntm_tasks.db import TimestampMixin, UTCDateTime, VersionMixin, utcnow
from ntm_tasks.extensions import db


class TaskStatus(StrEnum):
    DRAFT = "draft"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DECLINED = "declined"
    SUBMITTED = "submitted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
# The open statuses as stored (the enum's names), for the partial index of open tasks; categories.is_open()
# writes the same condition into the queries that read it.
OPEN_STORED = sa.text("status IN (%s)" % ", ".join(f"'{status.name}'" for status in OPEN_STATUSES))


class StatusCategory(StrEnum):
    """The four groups of government reports."""

    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"


task_coordinating_bodies = sa.Table(
    "task_coordinating_bodies",
    db.metadata,
    sa.Column("task_id", sa.ForeignKey("tasks.id"), primary_key=True),
    sa.Column("body_id", sa.ForeignKey("bodies.id"), primary_key=True, index=True),
)


class Task(VersionMixin, TimestampMixin, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "period_key", name="uq_tasks_series_period"),
        sa.Index("ix_tasks_lead_unit_status_due", "lead_unit_id", "status", "due_date"),
        sa.Index("ix_tasks_unit_status_due", "unit_id", "status", "due_date"),
        sa.Index("ix_tasks_lead_body_status", "lead_body_id", "status"),
        # The open tasks alone (a tenth of a province's), in the order of the figures' GROUP BY lead unit and lead
        # body, with what the figures test: the date-dependent half of every dashboard and report, read from the
        # index (completed tasks are counted in body_tallies).
        sa.Index("ix_tasks_open_lead", "lead_unit_id", "lead_body_id", "due_date", "status", "assigned_on", "progress",
                 sqlite_where=OPEN_STORED, postgresql_where=OPEN_STORED),
        # Tasks by status and due date across a whole province (overdue, due soon, submitted, behind schedule,
        # one status): the count and the page's keys without reading the table (PostgreSQL also needs the id).
        sa.Index("ix_tasks_status_due", "status", "due_date", "unit_id", "lead_unit_id", "submitted_on",
                 "assigned_on", "progress", postgresql_include=["id"]),
        # The text search ("contains", diacritics folded): trigrams on PostgreSQL (the pg_trgm extension); on
        # SQLite, which has no such index, a covering copy it scans at a third of the table's size.
        sa.Index("ix_tasks_search_trgm", "search_text", postgresql_using="gin",
                 postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        sa.Index("ix_tasks_search_scan", "search_text", "unit_id", "lead_unit_id", "status", "due_date")
        .ddl_if(dialect="sqlite"),
        # The list's order, walked for a text that a large share of the tasks contain (assignments.queries
        # .task_page): the open tasks by due date (the overdue come first), then all by due date.
        sa.Index("ix_tasks_open_due", "due_date", "id", sqlite_where=OPEN_STORED, postgresql_where=OPEN_STORED),
        sa.Index("ix_tasks_due", "due_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unit whose committee gave the task (the meeting's unit); lead_unit_id is the lead body's unit,
    # copied here because every scope filter and report groups by it.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    conclusion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conclusions.id"), index=True)
    # A recurring task is a series; each period is an occurrence task pointing at it.
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    period_key: Mapped[str | None] = mapped_column(sa.String(10))
    # A task carried over to a later meeting keeps its identity; the link says where it was reviewed.
    carried_to_meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    expected_output: Mapped[str | None] = mapped_column(sa.Text)
    # active_history on the fields a completed task's group depends on: a change loads the old value, which
    # assignments.tallies needs to move the task's count.
    lead_body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id"), active_history=True)
    responsible_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_date: Mapped[date | None] = mapped_column(sa.Date, active_history=True)  # in force, after extensions
    original_due_date: Mapped[date | None] = mapped_column(sa.Date)
    recurrence: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))  # None is SQL NULL, not JSON null
    status: Mapped[TaskStatus] = mapped_column(
        sa.Enum(TaskStatus, native_enum=False, length=20), default=TaskStatus.DRAFT, active_history=True
    )
    progress: Mapped[int] = mapped_column(default=0)
    assigned_on: Mapped[date | None] = mapped_column(sa.Date)
    submitted_on: Mapped[date | None] = mapped_column(sa.Date, active_history=True)  # the latest submission
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    unit = relationship("Unit", foreign_keys=[unit_id])
    lead_unit = relationship("Unit", foreign_keys=[lead_unit_id])
    meeting = relationship("Meeting", foreign_keys=[meeting_id])
    conclusion = relationship("Conclusion")
    lead_body = relationship("Body", foreign_keys=[lead_body_id])
    coordinating_bodies = relationship("Body", secondary=task_coordinating_bodies)
    responsible_user = relationship("User", foreign_keys=[responsible_user_id])
    series = relationship("Task", remote_side=[id], foreign_keys=[series_id])
    criteria: Mapped[list["TaskCriterion"]] = relationship(cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.status}>"

    @property
    def criterion_codes(self) -> list[str]:
        """In code order, whether the criteria were just given or read back (as task_payloads lists them)."""
        return sorted(c.criterion_code for c in self.criteria)


# The trigram index needs pg_trgm; migrations create it the same way.
sa.event.listen(db.metadata, "before_create",
                sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class BodyTally(db.Model):
    """How many of a lead body's tasks were completed on time and late: the half of the status-group figures that
    no longer changes with the date. Kept by assignments.tallies as tasks change, so that a province's figures add
    up a few thousand of these rows instead of reading the quarter of a million tasks it completed."""

    __tablename__ = "body_tallies"

    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id"), primary_key=True)
    completed_on_time: Mapped[int] = mapped_column(default=0)
    completed_late: Mapped[int] = mapped_column(default=0)


class TaskCriterion(db.Model):
    """A criterion or indicator (by code, see oversight) that a task serves."""

    __tablename__ = "task_criteria"

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), primary_key=True)
    criterion_code: Mapped[str] = mapped_column(sa.String(60), primary_key=True, index=True)


class ProgressReport(db.Model):
    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    progress: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ExtensionRequest(VersionMixin, db.Model):
    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    requested_due_date: Mapped[date] = mapped_column(sa.Date)
    previous_due_date: Mapped[date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ExtensionStatus] = mapped_column(
        sa.Enum(ExtensionStatus, native_enum=False, length=20), default=ExtensionStatus.PENDING
    )
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)

    task = relationship("Task")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
