"""Meetings, the legal documents they cite, participants and the chair's conclusions."""
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ntm_tasks.db import TimestampMixin, UTCDateTime, VersionMixin
from ntm_tasks.extensions import db


class MeetingKind(StrEnum):
    CONFERENCE = "conference"
    WORKING_SESSION = "working_session"
    INSPECTION = "inspection"
    STEERING_MEETING = "steering_meeting"


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


meeting_documents = sa.Table(
    "meeting_documents",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("legal_documents.id"), primary_key=True, index=True),
)


class LegalDocument(TimestampMixin, db.Model):
    """An official document cited as a legal basis; number + symbol + year identifies it."""

    __tablename__ = "legal_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    number: Mapped[str] = mapped_column(sa.String(80))
    type_code: Mapped[str | None] = mapped_column(sa.String(10))
    issuer: Mapped[str | None] = mapped_column(sa.String(200))
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    year: Mapped[int | None] = mapped_column()
    title: Mapped[str | None] = mapped_column(sa.Text)


class Meeting(VersionMixin, TimestampMixin, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (sa.Index("ix_meetings_unit_held", "unit_id", "held_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[MeetingKind] = mapped_column(sa.Enum(MeetingKind, native_enum=False, length=30))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(sa.String(300))
    chair: Mapped[str | None] = mapped_column(sa.String(200))
    guests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # participants named in free text
    summary: Mapped[str | None] = mapped_column(sa.Text)  # the situation reported
    difficulties: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[MeetingStatus] = mapped_column(
        sa.Enum(MeetingStatus, native_enum=False, length=20), default=MeetingStatus.DRAFT
    )
    notice_number: Mapped[str | None] = mapped_column(sa.String(60))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_archived: Mapped[bool] = mapped_column(default=False)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")  # folded title/place/summary for search
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    unit = relationship("Unit")
    created_by = relationship("User")
    participants: Mapped[list["Body"]] = relationship(secondary="meeting_participants")  # noqa: F821
    documents: Mapped[list[LegalDocument]] = relationship(secondary=meeting_documents, order_by=LegalDocument.id)
    conclusions: Mapped[list["Conclusion"]] = relationship(
        back_populates="meeting", order_by="Conclusion.position"
    )


meeting_participants = sa.Table(
    "meeting_participants",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id"), primary_key=True),
    sa.Column("body_id", sa.ForeignKey("bodies.id"), primary_key=True),
)


class Conclusion(TimestampMixin, db.Model):
    """One item of the chair's conclusions, addressed to one or more bodies."""

    __tablename__ = "conclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str | None] = mapped_column(sa.String(10))
    addressee: Mapped[str | None] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="conclusions")
