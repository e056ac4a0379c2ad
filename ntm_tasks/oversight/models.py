"""Criteria sets, assessments and recognition dossiers."""
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ntm_tasks.db import TimestampMixin, UTCDateTime, VersionMixin, utcnow
from ntm_tasks.extensions import db


class CriteriaSetKind(StrEnum):
    COMMUNE = "commune"              # xã NTM
    ADVANCED = "advanced"            # xã NTM nâng cao
    MODEL = "model"                  # xã NTM kiểu mẫu
    MODEL_VILLAGE = "model_village"  # thôn kiểu mẫu (provincial sets)
    OTHER = "other"


class CriteriaSet(VersionMixin, TimestampMixin, db.Model):
    """A national or provincial set of criteria, e.g. the 2026-2030 commune set (QĐ 51/2025/QĐ-TTg)."""

    __tablename__ = "criteria_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[CriteriaSetKind] = mapped_column(sa.Enum(CriteriaSetKind, native_enum=False, length=20))
    decision: Mapped[str | None] = mapped_column(sa.String(200))  # "Quyết định số 51/2025/QĐ-TTg"
    in_force_from: Mapped[date | None] = mapped_column(sa.Date)
    # None for a national set; the province that issued a provincial one.
    province_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # The revision of the shipped data file it was loaded from (national sets), for idempotent reloads.
    data_revision: Mapped[int] = mapped_column(default=0)
    # Commune groups with their descriptions, {"1": "...", "2": "...", "3": "..."}, when thresholds differ.
    groups: Mapped[dict | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_archived: Mapped[bool] = mapped_column(default=False)

    province_unit = relationship("Unit")
    criteria: Mapped[list["Criterion"]] = relationship(
        primaryjoin="and_(CriteriaSet.id == Criterion.set_id, Criterion.parent_id.is_(None))",
        order_by="Criterion.position", viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<CriteriaSet {self.code}>"


class Criterion(db.Model):
    """A criterion (tiêu chí) of a set, or one of its indicators (chỉ tiêu) when it has a parent."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sets.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criteria.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)  # unique across sets: ntm-xa-2026.03.2
    number: Mapped[str] = mapped_column(sa.String(10))  # as documents write it: "3" or "3.2"
    name: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    # What "met" means per commune group where the set says so: {"1": "≥ 85", "2": "≥ 75", "3": "≥ 65"}.
    thresholds: Mapped[dict | None] = mapped_column(sa.JSON)

    criteria_set: Mapped[CriteriaSet] = relationship(foreign_keys=[set_id])
    parent: Mapped["Criterion | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    indicators: Mapped[list["Criterion"]] = relationship(
        foreign_keys=[parent_id], order_by="Criterion.position", viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Criterion {self.code}>"

    @property
    def is_indicator(self) -> bool:
        return self.parent_id is not None


class Assessment(db.Model):
    """A unit's assessment of one criterion or indicator on a date; the latest on or before a date counts."""

    __tablename__ = "assessments"
    __table_args__ = (sa.Index("ix_assessments_unit_criterion_on", "unit_id", "criterion_id", "assessed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"), index=True)
    is_met: Mapped[bool] = mapped_column()
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachments.id"))
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit = relationship("Unit")
    criterion: Mapped[Criterion] = relationship()
    evidence = relationship("Attachment", foreign_keys=[evidence_id])
    assessed_by = relationship("User")


class DossierKind(StrEnum):
    RECOGNITION = "recognition"                              # a recognition dossier, standard unspecified
    RECOGNITION_NTM = "recognition_ntm"                      # xã đạt chuẩn NTM
    RECOGNITION_ADVANCED = "recognition_advanced"            # xã đạt chuẩn NTM nâng cao
    RECOGNITION_MODEL = "recognition_model"                  # xã NTM kiểu mẫu
    RECOGNITION_MODEL_VILLAGE = "recognition_model_village"  # thôn kiểu mẫu


class DossierStatus(StrEnum):
    PREPARING = "preparing"
    SUBMITTED = "submitted"
    RETURNED = "returned"      # sent back for supplements
    ACCEPTED = "accepted"
    RECOGNIZED = "recognized"  # a recognition decision was issued


class Dossier(VersionMixin, TimestampMixin, db.Model):
    """A recognition dossier (hồ sơ đề nghị xét, công nhận) a unit sends to the level above."""

    __tablename__ = "dossiers"
    __table_args__ = (sa.Index("ix_dossiers_status_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    kind: Mapped[DossierKind] = mapped_column(sa.Enum(DossierKind, native_enum=False, length=30))
    title: Mapped[str] = mapped_column(sa.String(300))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    receiving_body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bodies.id"))
    status: Mapped[DossierStatus] = mapped_column(
        sa.Enum(DossierStatus, native_enum=False, length=20), default=DossierStatus.PREPARING
    )
    submitted_on: Mapped[date | None] = mapped_column(sa.Date)  # the latest submission
    decision_number: Mapped[str | None] = mapped_column(sa.String(80))
    decision_date: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_archived: Mapped[bool] = mapped_column(default=False)

    unit = relationship("Unit")
    receiving_body = relationship("Body")
    items: Mapped[list["DossierItem"]] = relationship(
        back_populates="dossier", order_by="DossierItem.position", cascade="all, delete-orphan"
    )


class DossierItem(db.Model):
    """One document of a dossier's checklist; its file is the latest attachment pointing at it."""

    __tablename__ = "dossier_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(300))
    is_required: Mapped[bool] = mapped_column(default=True)
    supplied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    supplied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.Text)

    dossier: Mapped[Dossier] = relationship(back_populates="items")
    supplied_by = relationship("User")

    @property
    def file(self):
        """The current file (the latest attachment not archived), or None."""
        from ntm_tasks.attachments import Attachment

        return db.session.scalar(
            sa.select(Attachment).where(Attachment.dossier_item_id == self.id, Attachment.is_archived.is_(False))
            .order_by(Attachment.id.desc()).limit(1)
        )

    @property
    def is_supplied(self) -> bool:
        return self.supplied_at is not None
