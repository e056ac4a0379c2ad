"""Declarative base, naming convention, the app's clock and shared column types."""
import os
from contextlib import contextmanager
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

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


@contextmanager
def acting_on(day: date):
    """Act as on `day` (history, progress reports, decisions carry that date), as the demo's people did then."""
    previous = current_app.config.get("NTM_TODAY")
    current_app.config["NTM_TODAY"] = day.isoformat()
    try:
        yield
    finally:
        current_app.config["NTM_TODAY"] = previous


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


class _in_ids(FunctionElement):
    inherit_cache = True


@compiles(_in_ids)
def _in_ids_listed(element, compiler, **kw):
    column, listed, _array = element.clauses.clauses
    return f"{compiler.process(column, **kw)} IN {compiler.process(listed, **kw)}"


@compiles(_in_ids, "postgresql")
def _in_ids_array(element, compiler, **kw):
    column, _listed, array = element.clauses.clauses
    return f"{compiler.process(column, **kw)} = ANY({compiler.process(array, **kw)})"


def plain_rows(statement, params: dict | None = None) -> list[sa.Row]:
    """The rows of a statement that loads no ORM objects, run on the session's connection (in its transaction):
    the ORM's handling of such a statement cost as much as a small query (a fifth of a millisecond and more). Read
    only: nothing pending is flushed first."""
    from ntm_tasks.extensions import db

    return db.session.connection().execute(statement, params).all()


def in_ids(column, ids=None, name: str | None = None):
    """SQL condition `column IN (ids)` for a list of ids, such as the thousand units of a province; with `name`
    in place of `ids`, the ids are the parameter of that name given when the statement runs.

    PostgreSQL gets them as one array parameter (`column = ANY(:ids)`): a thousand separate parameters cost it
    milliseconds to bind and plan in every query that filters by scope.
    """
    ids = None if ids is None else list(ids)
    return _in_ids(column, sa.bindparam(name, ids, expanding=True),
                   sa.bindparam(name, ids, type_=ARRAY(column.type))).as_comparison(1, 2)


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


def include_in_migrations(dialect: str):
    """Alembic `include_object` hook: leave out indexes declared for another database (`Index.ddl_if`)."""

    def include(obj, name, type_, reflected, compare_to):
        ddl_if = getattr(obj, "_ddl_if", None)
        return not (type_ == "index" and ddl_if is not None and ddl_if.dialect and ddl_if.dialect != dialect)

    return include


def compile_per_dialect(element_class, template: str, sqlite_template: str) -> None:
    """Compile `element_class(*args)` as `template` with its arguments in place of {}, as `sqlite_template` on
    SQLite: the few SQL spellings that differ between the two databases."""
    def render(form: str):
        return lambda element, compiler, **kw: form.format(compiler.process(element.clauses, **kw))

    compiles(element_class)(render(template))
    compiles(element_class, "sqlite")(render(sqlite_template))


class bytewise(FunctionElement):
    """A text column compared byte by byte whatever the database's collation (SQLite's default already does)."""

    type = sa.String()
    inherit_cache = True


compile_per_dialect(bytewise, '{} COLLATE "C"', "{}")


def insert_skipping_conflicts(model, rows: list[dict], unique_column) -> sa.Insert:
    """INSERT of `rows` that skips each row whose `unique_column` value exists (ON CONFLICT DO NOTHING)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from ntm_tasks.extensions import db

    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    return dialect.insert(model).values(rows).on_conflict_do_nothing(index_elements=[unique_column])


class epoch_days(FunctionElement):
    """Days since 1970-01-01 of a date column, in SQLite and PostgreSQL alike."""

    type = sa.Integer()
    inherit_cache = True


compile_per_dialect(epoch_days, "({} - DATE '1970-01-01')", "CAST(julianday({}) - 2440587.5 AS INTEGER)")


class local_iso(FunctionElement):
    """A stored (naive UTC) datetime as the API writes it, written by the database: Vietnam time in ISO 8601 with
    its offset, the microseconds only when there are any (as `local(value).isoformat()`). Vietnam has kept UTC+7
    all year since 1975, so the offset is a constant here."""

    type = sa.String()
    inherit_cache = True


compile_per_dialect(
    local_iso,
    """(to_char({0} + interval '7 hours', 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN """
    """mod(CAST(extract(microseconds FROM {0}) AS integer), 1000000) = 0 THEN '' ELSE to_char({0}, '.US') END """
    """|| '+07:00')""",
    """(strftime('%Y-%m-%dT%H:%M:%S', {0}, '+7 hours') || CASE WHEN substr({0}, 21) IN ('', '000000') THEN '' """
    """ELSE '.' || substr({0}, 21) END || '+07:00')""")


class json_value(FunctionElement):
    """JSON text (a scalar subquery's json_array_agg, a JSON column) as a value json_object nests as JSON."""

    inherit_cache = True


compile_per_dialect(json_value, "CAST({} AS json)", "json({})")


class strpos(FunctionElement):
    """Where `needle` first occurs in `text`, counted from 1 (0: nowhere)."""

    type = sa.Integer()
    inherit_cache = True


compile_per_dialect(strpos, "strpos({})", "instr({})")


class json_object(FunctionElement):
    """The JSON object of {key: SQL expression}, written by the database."""

    inherit_cache = True

    def __init__(self, fields: dict):
        assert all(key.isidentifier() for key in fields)  # written into the statement
        super().__init__(*(part for key, value in fields.items() for part in (sa.literal_column(f"'{key}'"), value)))


compile_per_dialect(json_object, "json_build_object({})", "json_object({})")


class json_array_agg(FunctionElement):
    """Aggregate `json_array_agg(value, *order_by)`: the JSON array, as text, of one value per row in the order of
    `order_by` ('[]' for no rows). SQLite 3.40 takes no ORDER BY in an aggregate: it adds the rows in the order its
    FROM yields them, so the FROM must be a subquery already in that order."""

    type = sa.Text()
    inherit_cache = True


@compiles(json_array_agg)
def _json_array_agg_pg(element, compiler, **kw):
    value, *order_by = (compiler.process(clause, **kw) for clause in element.clauses.clauses)
    return "coalesce(json_agg(%s ORDER BY %s)::text, '[]')" % (value, ", ".join(order_by))


@compiles(json_array_agg, "sqlite")
def _json_array_agg_sqlite(element, compiler, **kw):
    return "json_group_array(%s)" % compiler.process(element.clauses.clauses[0], **kw)
