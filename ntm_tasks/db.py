"""Declarative base, naming convention, the app's clock and shared column types."""
import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.TypeDecorator):
    """Stores naive UTC (SQLite keeps no offset) and always hands back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=LOCAL_TZ)
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def _fixed_today() -> date | None:
    raw = current_app.config.get("NTM_TODAY") if has_app_context() else os.environ.get("NTM_TODAY")
    return date.fromisoformat(raw) if raw else None


def today() -> date:
    """The app's today in Vietnam; NTM_TODAY overrides it for demonstrations and tests."""
    return _fixed_today() or datetime.now(LOCAL_TZ).date()


def utcnow() -> datetime:
    """Now as aware UTC; under NTM_TODAY the date is that day and the time of day stays real."""
    real = datetime.now(LOCAL_TZ)
    fixed = _fixed_today()
    if fixed:
        real = real.replace(year=fixed.year, month=fixed.month, day=fixed.day)
    return real.astimezone(timezone.utc)


def local(dt: datetime | None) -> datetime | None:
    """A stored datetime in Vietnam time, for display and the API."""
    return dt.astimezone(LOCAL_TZ) if dt else None


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionMixin:
    """Optimistic locking: the ORM bumps `version` on each UPDATE and refuses a stale one."""

    version: Mapped[int] = mapped_column(default=1)

    @sa.orm.declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def configure_sqlite(engine) -> None:
    """Foreign keys on, WAL, a busy timeout, and write transactions that take the lock up front.

    pysqlite's own transaction handling is turned off so that we issue BEGIN ourselves: BEGIN IMMEDIATE
    for anything that may write (so two writers queue on the busy timeout instead of failing with
    "database is locked" on lock upgrade), a plain deferred BEGIN for safe HTTP methods.
    """
    from flask import has_request_context, request

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        read_only = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
