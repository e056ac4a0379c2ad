"""Units (the administrative tree), bodies, people and their API tokens."""
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ntm_tasks.db import TimestampMixin, UTCDateTime, VersionMixin, utcnow
from ntm_tasks.extensions import db
from ntm_tasks.text import fold


class UnitLevel(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    VILLAGE = "village"


class BodyKind(StrEnum):
    PARTY_COMMITTEE = "party_committee"
    PARTY_CELL = "party_cell"
    PEOPLES_COUNCIL = "peoples_council"
    PEOPLES_COMMITTEE = "peoples_committee"
    FATHERLAND_FRONT = "fatherland_front"
    MASS_ORGANIZATION = "mass_organization"
    STEERING_COMMITTEE = "steering_committee"
    MANAGEMENT_BOARD = "management_board"
    VILLAGE_HEAD = "village_head"
    CIVIL_SERVANT = "civil_servant"
    COORDINATION_OFFICE = "coordination_office"
    DEPARTMENT = "department"
    SCHOOL = "school"
    HEALTH_STATION = "health_station"
    POLICE = "police"
    MILITARY = "military"
    OTHER = "other"


class Role(StrEnum):
    ADMIN = "admin"
    CHAIR = "chair"
    SECRETARY = "secretary"
    ASSIGNEE = "assignee"
    VIEWER = "viewer"


class Unit(VersionMixin, TimestampMixin, db.Model):
    """A node of the administrative tree; `path` ("/1/7/42/") makes subtree queries one indexed LIKE."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_folded: Mapped[str] = mapped_column(sa.String(200), index=True, default="")
    level: Mapped[UnitLevel] = mapped_column(sa.Enum(UnitLevel, native_enum=False, length=20))
    code: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(400), index=True, default="")
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    is_archived: Mapped[bool] = mapped_column(default=False)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    bodies: Mapped[list["Body"]] = relationship(back_populates="unit", order_by="Body.id")

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.level} {self.name}>"

    def set_name(self, name: str) -> None:
        self.name = name
        self.name_folded = fold(name)


class UnitMerge(db.Model):
    """The record that one unit was merged into another (old-to-new mapping)."""

    __tablename__ = "unit_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    target_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    source_unit: Mapped[Unit] = relationship(foreign_keys=[source_unit_id])
    target_unit: Mapped[Unit] = relationship(foreign_keys=[target_unit_id])


user_bodies = sa.Table(
    "user_bodies",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("body_id", sa.ForeignKey("bodies.id"), primary_key=True, index=True),
)


class Body(VersionMixin, TimestampMixin, db.Model):
    """An organisation that receives tasks: a Party committee, a People's Committee, a village head..."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(60))
    kind: Mapped[BodyKind] = mapped_column(sa.Enum(BodyKind, native_enum=False, length=30))
    is_archived: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship(back_populates="bodies")
    members: Mapped[list["User"]] = relationship(secondary=user_bodies, back_populates="bodies")

    def __repr__(self) -> str:
        return f"<Body {self.id} {self.name}>"

    @property
    def display_name(self) -> str:
        return self.name_with_unit(self.name, self.unit.name)

    @staticmethod
    def name_with_unit(name: str, unit_name: str) -> str:
        """The name with its unit, as lists across units need it: "Ủy ban nhân dân xã - Hoằng Trung"."""
        return f"{name} - {unit_name}"


class User(UserMixin, VersionMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    email_notifications: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    # Bumped on password change: sessions carry it, so every other session ends.
    session_epoch: Mapped[int] = mapped_column(default=0)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    unit: Mapped[Unit | None] = relationship()
    bodies: Mapped[list[Body]] = relationship(secondary=user_bodies, back_populates="members")

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def body_ids(self) -> list[int]:
        return [b.id for b in self.bodies]


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
