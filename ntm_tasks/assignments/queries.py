"""The task list query the API and the pages share: the caller's scope, the filters, the order."""
import functools
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import paginate
from ntm_tasks.assignments import categories
from ntm_tasks.assignments.models import OPEN_STATUSES, Task, TaskStatus, task_coordinating_bodies
from ntm_tasks.db import in_ids, strpos, today
from ntm_tasks.extensions import db
from ntm_tasks.text import fold

# A searched text found in this share of a sample of the tasks in view, or more, is counted alone and its page
# walked in list order (task_page).
COMMON_SHARE = 0.10
SAMPLE_SIZE = 500
# The most rows a walk to a page's end may be expected to read; a deeper page is one sorted scan.
WALK_ROWS = 5000


def with_bodies(query: sa.Select) -> sa.Select:
    """Load what a task's payload shows in a few queries, not one per task."""
    return query.options(selectinload(Task.lead_body), selectinload(Task.coordinating_bodies),
                         selectinload(Task.criteria))


def involving_body(body_id: int):
    """SQL condition: the body leads or coordinates the task."""
    return sa.or_(Task.lead_body_id == body_id, Task.id.in_(
        sa.select(task_coordinating_bodies.c.task_id).where(task_coordinating_bodies.c.body_id == body_id)))


def order_overdue_first(query: sa.Select, as_of: date) -> sa.Select:
    """Overdue first, then by due date (tasks without one last), then in the order they were given."""
    return query.order_by(sa.case((categories.is_overdue(as_of), 0), else_=1), Task.due_date.is_(None),
                          Task.due_date, Task.id)


def not_overdue(as_of: date):
    """SQL condition: not overdue as of `as_of` (closed, without a due date, or due today or later)."""
    return sa.or_(Task.status.not_in(OPEN_STATUSES), Task.due_date.is_(None), Task.due_date >= as_of)


def search_term(args: dict) -> str:
    """The text searched for, folded as the tasks' search_text is ("" for none)."""
    return fold(args.get("q") or "")


def task_list_query(user, args: dict, as_of: date | None = None) -> sa.Select:
    """The tasks `user` may see that match `args` (the filters of TaskQuerySchema), in list order."""
    as_of = as_of or today()
    return _in_list_order(_matching(_filtered(user, args, as_of), search_term(args)), as_of)


def _in_list_order(query: sa.Select, as_of: date) -> sa.Select:
    return with_bodies(order_overdue_first(query, as_of))


def _filtered(user, args: dict, as_of: date) -> sa.Select:
    """The tasks `user` may see that match every filter of `args` but the text (_matching adds it): the scope is
    read once for the several statements of a search (task_page)."""
    query = sa.select(Task).where(perm.task_filter(user, args.get("unit_id") or None))
    if args.get("body_id"):
        query = query.where(involving_body(args["body_id"]))
    if args.get("status"):
        query = query.where(Task.status == TaskStatus(args["status"]))
    if args.get("category"):
        query = query.where(categories.status_category(as_of) == args["category"])
    if args.get("overdue") is True:
        query = query.where(categories.is_overdue(as_of))
    elif args.get("overdue") is False:
        query = query.where(not_overdue(as_of))
    if args.get("due_before"):
        query = query.where(Task.due_date <= args["due_before"])
    if args.get("due_after"):
        query = query.where(Task.due_date >= args["due_after"])
    if args.get("meeting_id"):
        query = query.where(Task.meeting_id == args["meeting_id"])
    if args.get("series_id"):
        query = query.where(Task.series_id == args["series_id"])
    return query


def _matching(query: sa.Select, term: str, scan: bool = False) -> sa.Select:
    """`query` narrowed to the tasks whose text holds the folded `term` (none: all). With `scan`, for a scan of
    every task, PostgreSQL matches with strpos: twice as quick as LIKE, which its trigram index needs (SQLite's
    covering index of the texts serves LIKE, quicker there than instr)."""
    if not term:
        return query
    if scan and db.session.get_bind().dialect.name == "postgresql":
        return query.where(strpos(Task.search_text, term) > 0)
    return query.where(Task.search_text.contains(term, autoescape=True))


def task_page(user, args: dict, page: int, per_page: int, as_of: date | None = None, load_keys=None) -> dict:
    """One page of task_list_query and its total (api.core.paginate's dict; `load_keys` as there).

    A text that a tenth or more of a sample of the tasks in view contain (a province's "ho so de nghi cong
    nhan" is in 50,000) is not counted and sorted in one pass, which gathered and sorted every match for a page
    of fifty: the total is counted alone, and the page walked in the list's order through ix_tasks_open_due and
    ix_tasks_due, a few hundred rows for the first pages. On PostgreSQL the count is a parallel scan with
    strpos: its trigram index would lead to nearly every page of the table and recheck each text with LIKE.
    """
    as_of = as_of or today()
    filtered, term = _filtered(user, args, as_of), search_term(args)
    matching = _matching(filtered, term)
    find_keys = None
    if term:
        span, share = _sampled_share(matching)
        if share >= COMMON_SHARE:
            find_keys = functools.partial(_walked_keys, _matching(filtered, term, scan=True), as_of, span)
    return paginate(_in_list_order(matching, as_of), page, per_page, key=Task.id, load_keys=load_keys,
                    find_keys=find_keys)


def _sampled_share(filtered: sa.Select) -> tuple[int, float]:
    """The span of the tasks' ids, and the share of SAMPLE_SIZE tasks (ids spread evenly over it) that `filtered`
    keeps: a few milliseconds, where counting them all reads every text."""
    low, high = db.session.execute(sa.select(sa.select(sa.func.min(Task.id)).scalar_subquery(),
                                             sa.select(sa.func.max(Task.id)).scalar_subquery())).one()
    if low is None:
        return 0, 0.0
    span = high - low + 1
    sample = sorted({low + span * k // SAMPLE_SIZE for k in range(SAMPLE_SIZE)})
    kept = db.session.scalar(filtered.with_only_columns(sa.func.count(), maintain_column_froms=True)
                             .where(in_ids(Task.id, sample)))
    return span, kept / len(sample)


def _walked_keys(filtered: sa.Select, as_of: date, span: int, offset: int, limit: int) -> tuple[list, int]:
    """The page's task ids in list order, and the total, for a text many tasks contain (see task_page)."""
    total = db.session.scalar(filtered.with_only_columns(sa.func.count(), maintain_column_froms=True))
    ids = filtered.with_only_columns(Task.id, maintain_column_froms=True)
    need = offset + limit
    if not total or offset >= total:
        return [], total
    if need * span > WALK_ROWS * total:  # a deep page: one sorted scan reads less than the walk
        return list(db.session.scalars(order_overdue_first(ids, as_of).limit(limit).offset(offset))), total
    # The list's order in three walks, each stopping at the page's end: the overdue tasks, the others with a due
    # date, those without one. The limits are written into the statements so that the planner sees how few rows
    # each needs.
    walks = (ids.where(categories.is_overdue(as_of)).order_by(Task.due_date, Task.id),
             ids.where(not_overdue(as_of), Task.due_date.is_not(None)).order_by(Task.due_date, Task.id),
             ids.where(Task.due_date.is_(None)).order_by(Task.id))
    found: list[int] = []
    for walk in walks:
        if len(found) >= need:
            break
        found += db.session.scalars(walk.limit(sa.literal(need - len(found), literal_execute=True)))
    return found[offset:need], total


def attachment_visible(user, attachment) -> bool:
    """A file is visible to whoever may see what it belongs to: a task, a meeting, a dossier or an assessment."""
    from ntm_tasks.extensions import db
    from ntm_tasks.meetings.models import Meeting
    from ntm_tasks.oversight.models import Assessment, DossierItem

    if attachment is None or attachment.is_archived:
        return False
    if attachment.task_id is not None:
        return perm.can_view_task(user, db.session.get(Task, attachment.task_id))
    if attachment.meeting_id is not None:
        return perm.can_view_meeting(user, db.session.get(Meeting, attachment.meeting_id))
    if attachment.dossier_item_id is not None:
        return perm.can_view_dossier(user, db.session.get(DossierItem, attachment.dossier_item_id).dossier)
    assessment = db.session.scalar(sa.select(Assessment).where(Assessment.evidence_id == attachment.id).limit(1))
    return assessment is not None and perm.can_view_oversight(user, assessment.unit)
