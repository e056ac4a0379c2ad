"""The chair's dashboard: counts by status group per body and per unit below, computed by the database.

Every figure comes from one set of counts per lead body of a unit's subtree: the open tasks grouped by the
database as of the day, the completed ones from the bodies' tallies (assignments.tallies), so the page stays fast
with hundreds of thousands of tasks.
"""
import heapq
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from ntm_tasks.assignments.categories import is_open, is_overdue, open_counts_columns
from ntm_tasks.assignments.models import (OPEN_STATUSES, BodyTally, ExtensionRequest, ExtensionStatus, Task,
                                          TaskStatus)
from ntm_tasks.db import in_ids
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, Unit
from ntm_tasks.permissions import subtree_filter_ids

COUNT_KEYS = ("total", "completed_on_time", "completed_late", "in_progress_on_time", "in_progress_overdue",
              "due_soon", "no_deadline")
UPCOMING_DAYS = 7
LIST_LIMIT = 10
BODY_ROWS = 25  # the table and chart of lead bodies, most overdue first: a province counts thousands of bodies

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

def subtree_clause(unit: Unit | None, column=Task.lead_unit_id):
    """SQL condition: `column` (by default the task's lead unit) is `unit` or a unit below it (None: the whole
    tree)."""
    return _within(column, None if unit is None else subtree_filter_ids(unit))


def _within(column, unit_ids: list[int] | None):
    return sa.true() if unit_ids is None else in_ids(column, unit_ids)


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


TOTAL, ON_TIME, LATE, OVERDUE = (COUNT_KEYS.index(key) for key in
                                 ("total", "completed_on_time", "completed_late", "in_progress_overdue"))


def grouped_counts(unit: Unit | None, as_of: date) -> dict[int, tuple[int, tuple[int, ...]]]:
    """{lead body id: (its unit id, the seven figures in COUNT_KEYS order)} for the bodies of the unit's subtree:
    the one set every table derives from. The open tasks are counted as of the date, from the partial index that
    holds them alone (in its order); the completed ones are the bodies' tallies. The figures stay tuples until a
    table shows them: a province has thousands of bodies."""
    unit_ids = None if unit is None else subtree_filter_ids(unit)
    open_rows = db.session.execute(  # only the columns the index holds: no table row is read
        sa.select(Task.lead_body_id, Task.lead_unit_id, *open_counts_columns(as_of))
        .where(_within(Task.lead_unit_id, unit_ids), is_open())
        .group_by(Task.lead_unit_id, Task.lead_body_id)
    ).all()
    grouped = {body_id: (unit_id, (count, 0, 0, count - overdue, overdue, soon, none))
               for body_id, unit_id, count, overdue, soon, none in open_rows}
    done_rows = db.session.execute(
        sa.select(BodyTally.body_id, Body.unit_id, BodyTally.completed_on_time, BodyTally.completed_late)
        .join(Body, Body.id == BodyTally.body_id)
        .where(_within(Body.unit_id, unit_ids), BodyTally.completed_on_time + BodyTally.completed_late > 0)
    ).all()
    for body_id, unit_id, on_time, late in done_rows:
        figures = list(grouped[body_id][1]) if body_id in grouped else [0] * len(COUNT_KEYS)
        figures[TOTAL] += on_time + late
        figures[ON_TIME] += on_time
        figures[LATE] += late
        grouped[body_id] = (unit_id, tuple(figures))
    return grouped


def _named(figures: tuple[int, ...]) -> dict[str, int]:
    return dict(zip(COUNT_KEYS, figures))


def _sum(all_figures) -> tuple[int, ...]:
    """The figures of many rows added up."""
    columns = list(zip(*all_figures))
    return tuple(map(sum, columns)) if columns else (0,) * len(COUNT_KEYS)


def _sum_by(pairs) -> dict:
    """{key: the figures of its rows added up} from (key, figures) pairs."""
    rows: dict = {}
    for key, figures in pairs:
        rows.setdefault(key, []).append(figures)
    return {key: figures[0] if len(figures) == 1 else _sum(figures) for key, figures in rows.items()}


def totals(unit: Unit | None, as_of: date, grouped=None) -> dict[str, int]:
    """The seven figures of the unit's subtree."""
    grouped = grouped if grouped is not None else grouped_counts(unit, as_of)
    return _named(_sum(figures for _unit_id, figures in grouped.values()))


def _unit_paths(unit_ids) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Unit.id, Unit.path).where(in_ids(Unit.id, unit_ids))).all())


def ranked_bodies(unit: Unit | None, as_of: date, grouped=None, limit: int | None = None) -> list[tuple[int, dict]]:
    """(lead body id, figures) for each lead body with counted tasks, the most overdue first (the first `limit`),
    then in the order of the tree."""
    grouped = grouped if grouped is not None else grouped_counts(unit, as_of)
    paths = _unit_paths({unit_id for unit_id, _figures in grouped.values()})

    def rank(body_id: int):
        unit_id, figures = grouped[body_id]
        return -figures[OVERDUE], paths[unit_id], body_id

    ranked = sorted(grouped, key=rank) if limit is None else heapq.nsmallest(limit, grouped, key=rank)
    return [(body_id, _named(grouped[body_id][1])) for body_id in ranked]


def counts_by_body(unit: Unit | None, as_of: date, grouped=None, limit: int | None = None) -> list[dict]:
    """[{"body": Body, "counts": {...}}] in the order of ranked_bodies; only the bodies returned are loaded."""
    ranked = ranked_bodies(unit, as_of, grouped, limit)
    bodies = {b.id: b for b in db.session.scalars(
        sa.select(Body).options(joinedload(Body.unit)).where(in_ids(Body.id, [body_id for body_id, _c in ranked])))}
    return [{"body": bodies[body_id], "counts": counts} for body_id, counts in ranked]


def child_units(unit: Unit | None) -> list[Unit]:
    """The units right below `unit` (the provinces for the whole tree), merged ones left out."""
    parent_clause = Unit.parent_id.is_(None) if unit is None else Unit.parent_id == unit.id
    return list(db.session.scalars(
        sa.select(Unit).where(parent_clause, Unit.is_archived.is_(False)).order_by(Unit.name)))


def counts_by_child(unit: Unit | None, as_of: date, grouped=None) -> tuple[dict | None, list[dict]]:
    """The unit's own figures (tasks led by its bodies) and [{"unit", "counts"}] per unit right below it.

    Counted per lead unit in SQL; the few unit rows are then folded into their branch by path.
    """
    grouped = grouped if grouped is not None else grouped_counts(unit, as_of)
    per_unit = _sum_by(grouped.values())
    paths = _unit_paths(per_unit)
    children = child_units(unit)
    prefix = unit.path if unit is not None else "/"

    def branch(unit_id: int) -> int | None:
        """The child whose branch holds the unit; None for the unit itself or a branch merged away (archived:
        its tasks moved with it, so that is rare)."""
        rest = paths[unit_id][len(prefix):].strip("/")
        return int(rest.split("/")[0]) if rest else None

    child_ids = {c.id for c in children}
    by_branch = _sum_by((child if child in child_ids else None, figures) for child, figures in
                        ((branch(unit_id), figures) for unit_id, figures in per_unit.items()))
    own = by_branch.get(None)
    return ((_named(own) if own and own[0] else None),
            [{"unit": c, "counts": _named(by_branch[c.id]) if c.id in by_branch else empty_counts()}
             for c in children])


def _first_keys(query, key, limit: int, with_total: bool = True) -> tuple[list[int], int]:
    """The keys of the first `limit` rows of `query` and how many rows there are in all (`with_total`; a window
    count, so one pass), read through the covering indexes: the rows themselves are loaded only for the page."""
    if not with_total:
        return list(db.session.scalars(query.with_only_columns(key).limit(limit))), 0
    rows = db.session.execute(query.with_only_columns(key, sa.func.count().over()).limit(limit)).all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def _task_keys(condition, order, limit: int, with_total: bool = True) -> tuple[list[int], int]:
    return _first_keys(sa.select(Task).where(condition).order_by(*order, Task.id), Task.id, limit, with_total)


def _tasks_by_id(ids) -> dict[int, Task]:
    """The tasks the lists show, with what they show of them, in one query for all the lists."""
    return {task.id: task for task in db.session.scalars(
        sa.select(Task).where(Task.id.in_(ids))
        .options(joinedload(Task.lead_body).joinedload(Body.unit), joinedload(Task.meeting)))}


@dataclass
class Dashboard:
    unit: Unit | None
    as_of: date
    totals: dict
    by_body: list
    body_count: int
    own: dict | None
    by_child: list
    overdue: list = field(default_factory=list)
    overdue_count: int = 0
    upcoming: list = field(default_factory=list)
    upcoming_count: int = 0
    submitted: list = field(default_factory=list)
    submitted_count: int = 0
    extensions: list = field(default_factory=list)
    extensions_count: int = 0
    behind: list = field(default_factory=list)
    behind_count: int = 0


def build_dashboard(unit: Unit | None, as_of: date, limit: int = LIST_LIMIT) -> Dashboard:
    """Everything the chair's page shows for `unit` and the units below it, as of a date."""
    scope = subtree_clause(unit)
    grouped = grouped_counts(unit, as_of)
    own, by_child = counts_by_child(unit, as_of, grouped)
    board = Dashboard(unit=unit, as_of=as_of, totals=totals(unit, as_of, grouped),
                      by_body=counts_by_body(unit, as_of, grouped, BODY_ROWS),
                      body_count=len(grouped), own=own, by_child=by_child)

    overdue, _ = _task_keys(sa.and_(scope, is_overdue(as_of)), [Task.due_date], limit, with_total=False)
    board.overdue_count = board.totals["in_progress_overdue"]  # the same tasks, counted with the figures
    upcoming, board.upcoming_count = _task_keys(
        sa.and_(scope, Task.status.in_(OPEN_STATUSES), Task.due_date >= as_of,
                Task.due_date <= as_of + timedelta(days=UPCOMING_DAYS)), [Task.due_date], limit)
    submitted, board.submitted_count = _task_keys(sa.and_(scope, Task.status == TaskStatus.SUBMITTED),
                                                  [Task.submitted_on], limit)
    behind, board.behind_count = _task_keys(sa.and_(scope, behind_schedule_clause(as_of)), [Task.due_date], limit)
    tasks = _tasks_by_id({*overdue, *upcoming, *submitted, *behind})
    board.overdue, board.upcoming, board.submitted, board.behind = (
        [tasks[task_id] for task_id in ids] for ids in (overdue, upcoming, submitted, behind))
    extensions, board.extensions_count = _first_keys(
        sa.select(ExtensionRequest).join(Task, Task.id == ExtensionRequest.task_id)
        .where(scope, ExtensionRequest.status == ExtensionStatus.PENDING, Task.status.in_(OPEN_STATUSES))
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id), ExtensionRequest.id, limit)
    requests = {request.id: request for request in db.session.scalars(
        sa.select(ExtensionRequest).where(ExtensionRequest.id.in_(extensions))
        .options(joinedload(ExtensionRequest.task).joinedload(Task.lead_body)))}
    board.extensions = [requests[request_id] for request_id in extensions]
    return board
