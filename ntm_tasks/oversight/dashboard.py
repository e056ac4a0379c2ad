"""The chair's dashboard: counts by status group per body and per unit below, computed by the database.

Every figure is one GROUP BY over the tasks of a unit's subtree (by the lead body's unit), using the status
groups of assignments.categories, so the page stays fast with hundreds of thousands of tasks.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from ntm_tasks.assignments.categories import counted, counts_columns, is_overdue
from ntm_tasks.assignments.models import OPEN_STATUSES, ExtensionRequest, ExtensionStatus, Task, TaskStatus
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, Unit

COUNT_KEYS = ("total", "completed_on_time", "completed_late", "in_progress_on_time", "in_progress_overdue",
              "due_soon", "no_deadline")
UPCOMING_DAYS = 7
LIST_LIMIT = 10

# --- "behind schedule" -----------------------------------------------------------------------------

BEHIND_MIN_ELAPSED = 50  # per cent of the time that must be gone before a task is flagged
BEHIND_LAG = 30          # percentage points by which progress may trail the share of time gone


def behind_schedule(progress, elapsed_days, total_days):
    """THE rule: at least half the time from assignment to deadline is gone and progress trails the share of
    time gone by more than 30 points (20 % done with 80 % of the time gone is behind; 60 % with 80 % is not).

    Written with arithmetic and `&` only, so it works on plain numbers and on SQL expressions alike.
    """
    return ((elapsed_days * 100 >= total_days * BEHIND_MIN_ELAPSED)
            & ((progress + BEHIND_LAG) * total_days < elapsed_days * 100))


def is_behind_schedule(task: Task, as_of: date) -> bool:
    """The rule for one loaded task: open, not yet overdue, with an assignment date before its deadline."""
    if task.status not in OPEN_STATUSES or task.due_date is None or task.assigned_on is None:
        return False
    total = (task.due_date - task.assigned_on).days
    if total <= 0 or task.due_date < as_of:
        return False
    return bool(behind_schedule(task.progress, (as_of - task.assigned_on).days, total))


class epoch_days(FunctionElement):
    """Days since 1970-01-01 of a date column, in SQLite and PostgreSQL alike."""

    type = sa.Integer()
    inherit_cache = True


@compiles(epoch_days)
def _epoch_days_default(element, compiler, **kw):
    return "(%s - DATE '1970-01-01')" % compiler.process(element.clauses, **kw)


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element, compiler, **kw):
    return "CAST(julianday(%s) - 2440587.5 AS INTEGER)" % compiler.process(element.clauses, **kw)


def behind_schedule_clause(as_of: date):
    """SQL condition: the same rule as is_behind_schedule()."""
    as_of_days = (as_of - date(1970, 1, 1)).days
    start, end = epoch_days(Task.assigned_on), epoch_days(Task.due_date)
    return sa.and_(
        Task.status.in_(OPEN_STATUSES), Task.assigned_on.is_not(None), Task.due_date >= as_of,
        Task.due_date > Task.assigned_on,
        behind_schedule(Task.progress, as_of_days - start, end - start),
    )


# --- scope ------------------------------------------------------------------------------------------

def subtree_clause(unit: Unit | None):
    """SQL condition: the task's lead body belongs to `unit` or a unit below it (None: the whole tree)."""
    if unit is None:
        return sa.true()
    return Task.lead_unit_id.in_(sa.select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True)))


def _counts(row) -> dict[str, int]:
    return {key: int(getattr(row, key) or 0) for key in COUNT_KEYS}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def grouped_counts(unit: Unit | None, as_of: date) -> list[tuple[int, int, dict[str, int]]]:
    """(lead body id, lead unit id, the seven figures) per lead body: the one GROUP BY every table derives from."""
    rows = db.session.execute(
        sa.select(Task.lead_body_id, Task.lead_unit_id, *counts_columns(as_of)).where(subtree_clause(unit), counted())
        .group_by(Task.lead_body_id, Task.lead_unit_id)
    ).all()
    return [(r.lead_body_id, r.lead_unit_id, _counts(r)) for r in rows]


def _add(target: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        target[key] += value


def totals(unit: Unit | None, as_of: date, grouped=None) -> dict[str, int]:
    """The seven figures of the unit's subtree."""
    result = empty_counts()
    for _body_id, _unit_id, counts in (grouped if grouped is not None else grouped_counts(unit, as_of)):
        _add(result, counts)
    return result


def counts_by_body(unit: Unit | None, as_of: date, grouped=None) -> list[dict]:
    """[{"body": Body, "counts": {...}}] for each lead body with counted tasks, the most overdue first."""
    by_body: dict[int, dict[str, int]] = {}
    for body_id, _unit_id, counts in (grouped if grouped is not None else grouped_counts(unit, as_of)):
        _add(by_body.setdefault(body_id, empty_counts()), counts)
    bodies = {b.id: b for b in db.session.scalars(
        sa.select(Body).options(joinedload(Body.unit)).where(Body.id.in_(list(by_body))))}
    result = [{"body": bodies[body_id], "counts": counts} for body_id, counts in by_body.items()]
    result.sort(key=lambda r: (-r["counts"]["in_progress_overdue"], r["body"].unit.path, r["body"].id))
    return result


def child_units(unit: Unit | None) -> list[Unit]:
    """The units right below `unit` (the provinces for the whole tree), merged ones left out."""
    parent_clause = Unit.parent_id.is_(None) if unit is None else Unit.parent_id == unit.id
    return list(db.session.scalars(
        sa.select(Unit).where(parent_clause, Unit.is_archived.is_(False)).order_by(Unit.name)))


def counts_by_child(unit: Unit | None, as_of: date, grouped=None) -> tuple[dict | None, list[dict]]:
    """The unit's own figures (tasks led by its bodies) and [{"unit", "counts"}] per unit right below it.

    Counted per lead unit in SQL; the few unit rows are then folded into their branch by path.
    """
    per_unit: dict[int, dict[str, int]] = {}
    for _body_id, unit_id, counts in (grouped if grouped is not None else grouped_counts(unit, as_of)):
        _add(per_unit.setdefault(unit_id, empty_counts()), counts)
    paths = dict(db.session.execute(sa.select(Unit.id, Unit.path).where(Unit.id.in_(list(per_unit)))).all())
    children = child_units(unit)
    by_child = {c.id: empty_counts() for c in children}
    prefix = unit.path if unit is not None else "/"
    own = empty_counts()
    for unit_id, counts in per_unit.items():
        rest = paths[unit_id][len(prefix):].strip("/")
        target = own if not rest else by_child.get(int(rest.split("/")[0]))
        if target is None:  # a branch merged away (archived): its tasks moved with it, so this is rare
            target = own
        _add(target, counts)
    return (own if own["total"] else None), [{"unit": c, "counts": by_child[c.id]} for c in children]


def _tasks(query, limit: int | None):
    query = query.options(joinedload(Task.lead_body).joinedload(Body.unit), joinedload(Task.meeting))
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def _count(condition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(condition))


@dataclass
class Dashboard:
    unit: Unit | None
    as_of: date
    totals: dict
    by_body: list
    own: dict | None
    by_child: list
    overdue: list = field(default_factory=list)
    overdue_count: int = 0
    upcoming: list = field(default_factory=list)
    upcoming_count: int = 0
    submitted: list = field(default_factory=list)
    submitted_count: int = 0
    extensions: list = field(default_factory=list)
    behind: list = field(default_factory=list)
    behind_count: int = 0


def build_dashboard(unit: Unit | None, as_of: date, limit: int = LIST_LIMIT) -> Dashboard:
    """Everything the chair's page shows for `unit` and the units below it, as of a date."""
    scope = subtree_clause(unit)
    grouped = grouped_counts(unit, as_of)
    own, by_child = counts_by_child(unit, as_of, grouped)
    board = Dashboard(unit=unit, as_of=as_of, totals=totals(unit, as_of, grouped),
                      by_body=counts_by_body(unit, as_of, grouped), own=own, by_child=by_child)

    overdue = sa.and_(scope, is_overdue(as_of))
    board.overdue = _tasks(sa.select(Task).where(overdue).order_by(Task.due_date, Task.id), limit)
    board.overdue_count = _count(overdue)

    upcoming = sa.and_(scope, Task.status.in_(OPEN_STATUSES), Task.due_date >= as_of,
                       Task.due_date <= as_of + timedelta(days=UPCOMING_DAYS))
    board.upcoming = _tasks(sa.select(Task).where(upcoming).order_by(Task.due_date, Task.id), limit)
    board.upcoming_count = _count(upcoming)

    submitted = sa.and_(scope, Task.status == TaskStatus.SUBMITTED)
    board.submitted = _tasks(sa.select(Task).where(submitted).order_by(Task.submitted_on, Task.id), limit)
    board.submitted_count = _count(submitted)
    board.extensions = list(db.session.scalars(
        sa.select(ExtensionRequest).join(Task, Task.id == ExtensionRequest.task_id)
        .options(joinedload(ExtensionRequest.task).joinedload(Task.lead_body))
        .where(scope, ExtensionRequest.status == ExtensionStatus.PENDING, Task.status.in_(OPEN_STATUSES))
        .order_by(ExtensionRequest.created_at)
    ))

    behind = sa.and_(scope, behind_schedule_clause(as_of))
    board.behind = _tasks(sa.select(Task).where(behind).order_by(Task.due_date, Task.id), limit)
    board.behind_count = _count(behind)
    return board
