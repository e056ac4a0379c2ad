"""The chair's dashboard: counts by status group per body and per unit below, computed by the database.

Every figure comes from one set of counts per lead body of a unit's subtree (body_figures): the open tasks grouped
by the database as of the day, the completed ones from the bodies' tallies (assignments.tallies), so the page stays
fast with hundreds of thousands of tasks. The database also adds them up and ranks them (branch_counts,
counts_by_body, reports.ranked_figures): a province has seven thousand bodies, too many rows to fold in Python.
"""
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from ntm_tasks.assignments.categories import due_soon_until, is_open, is_overdue, open_counts_columns
from ntm_tasks.assignments.models import (OPEN_STATUSES, BodyTally, ExtensionRequest, ExtensionStatus, Task,
                                          TaskStatus)
from ntm_tasks.db import bytewise, epoch_days, in_ids, plain_rows, strpos
from ntm_tasks.meetings.models import Meeting
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


def behind_schedule_clause(as_of):
    """SQL condition: the same rule as is_behind_schedule(), as of a date (a parameter standing for one)."""
    as_of_days = epoch_days(as_of)
    start, end = epoch_days(Task.assigned_on), epoch_days(Task.due_date)
    return sa.and_(
        Task.status.in_(OPEN_STATUSES), Task.assigned_on.is_not(None), Task.due_date >= as_of,
        Task.due_date > Task.assigned_on,
        behind_schedule(Task.progress, as_of_days - start, end - start),
    )


# --- scope ------------------------------------------------------------------------------------------

def scope_ids(unit: Unit | None) -> list[int] | None:
    """The ids of the unit's subtree for the figures' filters; None when it filters nothing (the whole tree)."""
    return None if unit is None else subtree_filter_ids(unit)


def subtree_clause(unit: Unit | None, column=Task.lead_unit_id):
    """SQL condition: `column` (by default the task's lead unit) is `unit` or a unit below it (None: the whole
    tree)."""
    return within_scope(column, scope_ids(unit))


def within_scope(column, unit_ids: list[int] | None):
    """SQL condition: `column` is one of the scope's units (scope_ids; None: any)."""
    return sa.true() if unit_ids is None else in_ids(column, unit_ids)


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


class BranchFigures(NamedTuple):
    bodies: int  # the lead bodies with counted tasks
    figures: tuple[int, ...]  # the seven, in COUNT_KEYS order


def figure_params(unit_ids: list[int] | None, as_of: date) -> dict:
    """The parameters of the statements built on body_figures, for a scope (scope_ids) and a date."""
    params = {"as_of": as_of, "due_soon_until": due_soon_until(as_of)}
    return params if unit_ids is None else {**params, "unit_ids": unit_ids}


def body_figures(scoped: bool) -> sa.Subquery:
    """One row per lead body of the scope that leads counted tasks: body_id, name, unit_path and the seven
    figures under their COUNT_KEYS names, merged by the database. The open tasks are counted as of the date from
    the partial index that holds them alone (in its order); the completed ones are the bodies' tallies.

    The date and the scope's unit ids (`scoped`; else every unit) are parameters (figure_params), so that the
    statements built on it are built once (functools.cache): building one cost 2 ms a request."""
    def within(column):
        return in_ids(column, name="unit_ids") if scoped else sa.true()

    opened = (sa.select(Task.lead_body_id, *open_counts_columns(sa.bindparam("as_of", type_=sa.Date),
                                                                sa.bindparam("due_soon_until", type_=sa.Date)))
              .where(within(Task.lead_unit_id), is_open())
              .group_by(Task.lead_unit_id, Task.lead_body_id).subquery("opened"))
    on_time, late = (sa.func.coalesce(column, 0) for column in (BodyTally.completed_on_time, BodyTally.completed_late))
    count, overdue, soon, none = (sa.func.coalesce(opened.c[name], 0)
                                  for name in ("open", "in_progress_overdue", "due_soon", "no_deadline"))
    figures = (count + on_time + late, on_time, late, count - overdue, overdue, soon, none)
    return (sa.select(Body.id.label("body_id"), Body.name, Unit.path.label("unit_path"),
                      *(column.label(key) for column, key in zip(figures, COUNT_KEYS)))
            .join(Unit, Unit.id == Body.unit_id).outerjoin(BodyTally, BodyTally.body_id == Body.id)
            .outerjoin(opened, opened.c.lead_body_id == Body.id)
            .where(within(Body.unit_id), sa.or_(opened.c.lead_body_id.is_not(None), on_time + late > 0))
            .subquery("figures"))


def rank_order(figures: sa.Subquery) -> tuple:
    """The ranking of body_figures rows in every table and report: the most overdue first, then in the order of
    the tree (unit paths compared byte by byte), then by id."""
    return figures.c.in_progress_overdue.desc(), bytewise(figures.c.unit_path), figures.c.body_id


def branch_counts(unit: Unit | None, unit_ids: list[int] | None, as_of: date) -> dict[int | None, BranchFigures]:
    """{id of the unit right below `unit` whose branch holds the bodies: BranchFigures}, None for the unit's own
    bodies: body_figures added up per branch by the database (a province has seven thousand bodies in a thousand
    units), the set the totals and the units' table derive from. `unit_ids` is scope_ids(unit)."""
    below_from = len(unit.path if unit is not None else "/") + 1
    rows = plain_rows(_branch_statement(unit_ids is not None),
                      {**figure_params(unit_ids, as_of), "below_from": below_from})
    return {int(child) if child else None: BranchFigures(bodies, tuple(map(int, sums))) for child, bodies, *sums in rows}


@functools.cache
def _branch_statement(scoped: bool) -> sa.Select:
    figures = body_figures(scoped)
    below = sa.func.substr(figures.c.unit_path, sa.bindparam("below_from", type_=sa.Integer))  # "23/456/"
    branch = sa.func.substr(below, 1, strpos(below.concat("/"), "/") - 1)  # "23"; "" for the unit itself
    return sa.select(branch, sa.func.count(), *(sa.func.sum(figures.c[key]) for key in COUNT_KEYS)).group_by(branch)


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


def totals(per_branch: dict[int | None, BranchFigures]) -> dict[str, int]:
    """The seven figures of the scope, from branch_counts."""
    return _named(_sum(row.figures for row in per_branch.values()))


class BodyRef(NamedTuple):
    """What the table and chart of lead bodies show of a body: read as a row, not loaded as a body with its unit."""
    id: int
    name: str
    short_name: str | None
    unit_id: int
    unit_name: str

    @property
    def display_name(self) -> str:
        return Body.name_with_unit(self.name, self.unit_name)


def counts_by_body(unit_ids: list[int] | None, as_of: date, limit: int | None = None) -> list[dict]:
    """[{"body": BodyRef, "counts": {...}}] for the lead bodies of the scope with counted tasks, in rank_order (the
    first `limit`), ranked by the database, with what BodyRef shows of each."""
    rows = plain_rows(_ranked_statement(unit_ids is not None, limit), figure_params(unit_ids, as_of))
    return [{"body": BodyRef(*row[:5]), "counts": _named(tuple(row[5:]))} for row in rows]


@functools.cache
def _ranked_statement(scoped: bool, limit: int | None) -> sa.Select:
    figures = body_figures(scoped)
    ranked = sa.select(figures).order_by(*rank_order(figures)).limit(limit).subquery("ranked")
    return (sa.select(ranked.c.body_id, ranked.c.name, Body.short_name, Body.unit_id, Unit.name,
                      *(ranked.c[key] for key in COUNT_KEYS))
            .join(Body, Body.id == ranked.c.body_id).join(Unit, Unit.id == Body.unit_id)
            .order_by(*rank_order(ranked)))


def child_units(unit: Unit | None) -> list[sa.Row]:
    """The units right below `unit` (the provinces for the whole tree), merged ones left out: their id, name and
    level, what the table and chart of units show (rows, not loaded units: a province has a hundred and seventy)."""
    parent_clause = Unit.parent_id.is_(None) if unit is None else Unit.parent_id == unit.id
    return plain_rows(sa.select(Unit.id, Unit.name, Unit.level).where(parent_clause, Unit.is_archived.is_(False))
                .order_by(Unit.name))


def counts_by_child(unit: Unit | None, per_branch: dict[int | None, BranchFigures]) -> tuple[dict | None, list[dict]]:
    """The unit's own figures (tasks led by its bodies) and [{"unit", "counts"}] per unit right below it, from
    branch_counts. A branch merged away (archived: its tasks moved with it, so that is rare) counts as the unit's
    own."""
    children = child_units(unit)
    child_ids = {c.id for c in children}
    by_branch = _sum_by((child if child in child_ids else None, row.figures) for child, row in per_branch.items())
    own = by_branch.get(None)
    return ((_named(own) if own and own[0] else None),
            [{"unit": c, "counts": _named(by_branch[c.id]) if c.id in by_branch else empty_counts()}
             for c in children])


LISTS = ("overdue", "upcoming", "submitted", "behind", "extensions")


@functools.cache
def _lists_statement(scoped: bool, limit: int) -> sa.CompoundSelect:
    """Rows (list, key, total, position): the keys of the first `limit` rows of each of LISTS (list: its number
    there), in the list's order (position: its first sort key, a date or a time), and how many rows the list has
    in all (a window count, so one pass), read through the covering indexes; the rows themselves are loaded only
    for the page. One statement for the five lists: a round trip each cost more than its list. The overdue list
    has no count of its own: its tasks are counted with the figures. Built once, run with list_params (the date
    and the scope's unit ids; every unit unless `scoped`)."""
    as_of = sa.bindparam("as_of", type_=sa.Date)
    scope = in_ids(Task.lead_unit_id, name="unit_ids") if scoped else sa.true()

    def first(name, key, *conditions, order, total: bool = True, join=None):
        query = sa.select(sa.literal_column(str(LISTS.index(name))).label("list"), key.label("key"),
                          (sa.func.count().over() if total else sa.cast(sa.null(), sa.Integer)).label("total"),
                          sa.type_coerce(order[0], sa.types.NullType()).label("position"))  # read as stored
        query = query if join is None else query.join(*join)
        return sa.select(query.where(scope, *conditions).order_by(*order).limit(limit).subquery(name))

    by_due_date = (Task.due_date, Task.id)
    lists = sa.union_all(
        first("overdue", Task.id, is_overdue(as_of), order=by_due_date, total=False),
        first("upcoming", Task.id, Task.status.in_(OPEN_STATUSES), Task.due_date >= as_of,
              Task.due_date <= sa.bindparam("upcoming_until", type_=sa.Date), order=by_due_date),
        first("submitted", Task.id, Task.status == TaskStatus.SUBMITTED, order=(Task.submitted_on, Task.id)),
        first("behind", Task.id, behind_schedule_clause(as_of), order=by_due_date),
        first("extensions", ExtensionRequest.id, ExtensionRequest.status == ExtensionStatus.PENDING,
              Task.status.in_(OPEN_STATUSES), join=(Task, Task.id == ExtensionRequest.task_id),
              order=(ExtensionRequest.created_at, ExtensionRequest.id)),
    )
    return lists.order_by(lists.selected_columns.list, lists.selected_columns.position, lists.selected_columns.key)


def list_params(unit_ids: list[int] | None, as_of: date) -> dict:
    """The parameters of _lists_statement for a scope (scope_ids) and a date."""
    params = {"as_of": as_of, "upcoming_until": as_of + timedelta(days=UPCOMING_DAYS)}
    return params if unit_ids is None else {**params, "unit_ids": unit_ids}


class MeetingRef(NamedTuple):
    id: int
    title: str
    held_at: datetime | None


class ListedTask(NamedTuple):
    """What the page's lists show of a task: read as rows, not loaded as tasks with their bodies and meetings
    (forty of those cost two milliseconds)."""
    id: int
    title: str
    status: TaskStatus
    due_date: date | None
    assigned_on: date | None
    submitted_on: date | None
    progress: int
    lead_name: str  # the lead body's name with its unit (Body.display_name)
    meeting: MeetingRef | None


class ListedExtension(NamedTuple):
    """A pending extension request as the page lists it, with its task."""
    id: int
    task: ListedTask
    previous_due_date: date | None
    requested_due_date: date
    reason: str


def _listed_tasks(ids) -> dict[int, ListedTask]:
    """The tasks the lists show, in one query for all the lists."""
    rows = plain_rows(sa.select(Task.id, Task.title, Task.status, Task.due_date, Task.assigned_on, Task.submitted_on,
                          Task.progress, Body.name, Unit.name, Meeting.id, Meeting.title, Meeting.held_at)
                .join(Body, Body.id == Task.lead_body_id).join(Unit, Unit.id == Body.unit_id)
                .outerjoin(Meeting, Meeting.id == Task.meeting_id).where(in_ids(Task.id, ids)))
    return {row[0]: ListedTask(*row[:7], Body.name_with_unit(row[7], row[8]),
                               MeetingRef(*row[9:]) if row[9] is not None else None) for row in rows}


@dataclass
class Dashboard:
    unit: Unit | None
    as_of: date
    totals: dict
    by_body: list
    body_count: int
    own: dict | None
    by_child: list
    overdue: list[ListedTask] = field(default_factory=list)
    overdue_count: int = 0
    upcoming: list[ListedTask] = field(default_factory=list)
    upcoming_count: int = 0
    submitted: list[ListedTask] = field(default_factory=list)
    submitted_count: int = 0
    extensions: list[ListedExtension] = field(default_factory=list)
    extensions_count: int = 0
    behind: list[ListedTask] = field(default_factory=list)
    behind_count: int = 0


def build_dashboard(unit: Unit | None, as_of: date, limit: int = LIST_LIMIT) -> Dashboard:
    """Everything the chair's page shows for `unit` and the units below it, as of a date."""
    unit_ids = scope_ids(unit)
    per_branch = branch_counts(unit, unit_ids, as_of)
    own, by_child = counts_by_child(unit, per_branch)
    board = Dashboard(unit=unit, as_of=as_of, totals=totals(per_branch),
                      by_body=counts_by_body(unit_ids, as_of, BODY_ROWS),
                      body_count=sum(row.bodies for row in per_branch.values()), own=own, by_child=by_child)

    keys: dict[str, list[int]] = {name: [] for name in LISTS}
    counts = dict.fromkeys(LISTS, 0)
    for number, key, total, _position in plain_rows(_lists_statement(unit_ids is not None, limit),
                                                    list_params(unit_ids, as_of)):
        keys[LISTS[number]].append(key)
        counts[LISTS[number]] = total
    overdue, upcoming, submitted, behind, extensions = (keys[name] for name in LISTS)
    board.overdue_count = board.totals["in_progress_overdue"]  # the same tasks, counted with the figures
    board.upcoming_count, board.submitted_count, board.behind_count, board.extensions_count = (
        counts[name] for name in LISTS[1:])
    requests = {row.id: row for row in plain_rows(
        sa.select(ExtensionRequest.id, ExtensionRequest.task_id, ExtensionRequest.previous_due_date,
                  ExtensionRequest.requested_due_date, ExtensionRequest.reason)
        .where(in_ids(ExtensionRequest.id, extensions)))} if extensions else {}
    tasks = _listed_tasks({*overdue, *upcoming, *submitted, *behind, *(row.task_id for row in requests.values())})
    board.overdue, board.upcoming, board.submitted, board.behind = (
        [tasks[task_id] for task_id in ids] for ids in (overdue, upcoming, submitted, behind))
    board.extensions = [ListedExtension(request_id, tasks[requests[request_id].task_id],
                                        *requests[request_id][2:]) for request_id in extensions]
    return board
