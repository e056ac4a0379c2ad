"""The append-only history of every change: who, when, what, written in the caller's transaction."""
from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from ntm_tasks.db import UTCDateTime, utcnow
from ntm_tasks.extensions import db


class HistoryEntry(db.Model):
    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[int] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(40))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str | None] = mapped_column(sa.Text)

    user = relationship("User")


def _plain(value):
    """JSON-safe form of a changed value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def record(obj, actor, action: str, changes: dict | None = None, note: str | None = None) -> HistoryEntry:
    """Append a history entry for `obj` (any model with an id). `changes` maps field -> [old, new]."""
    if obj.id is None:
        db.session.flush()
    entry = HistoryEntry(
        object_type=obj.__tablename__,
        object_id=obj.id,
        user_id=actor.id if actor is not None else None,
        action=action,
        changes={k: [_plain(v[0]), _plain(v[1])] for k, v in (changes or {}).items()},
        note=note,
    )
    db.session.add(entry)
    return entry


def apply_changes(obj, values: dict) -> dict:
    """Set attributes on `obj` and return {field: [old, new]} for those that really changed."""
    changed = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            setattr(obj, field, new)
            changed[field] = [old, new]
    return changed


def history_of(obj) -> list[HistoryEntry]:
    """The entries of one object, oldest first."""
    return list(
        db.session.scalars(
            sa.select(HistoryEntry).options(joinedload(HistoryEntry.user))  # each entry shows its user
            .where(HistoryEntry.object_type == obj.__tablename__, HistoryEntry.object_id == obj.id)
            .order_by(HistoryEntry.at, HistoryEntry.id)
        )
    )
