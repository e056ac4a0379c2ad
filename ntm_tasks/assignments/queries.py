"""The task list query the API and the pages share: the caller's scope, the filters, the order."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ntm_tasks import permissions as perm
from ntm_tasks.assignments import categories
from ntm_tasks.assignments.models import OPEN_STATUSES, Task, TaskStatus, task_coordinating_bodies
from ntm_tasks.db import today
from ntm_tasks.text import fold


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


def task_list_query(user, args: dict, as_of: date | None = None) -> sa.Select:
    """The tasks `user` may see that match `args` (the filters of TaskQuerySchema), in list order."""
    as_of = as_of or today()
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
        query = query.where(sa.or_(Task.status.not_in(OPEN_STATUSES), Task.due_date.is_(None),
                                   Task.due_date >= as_of))
    if args.get("due_before"):
        query = query.where(Task.due_date <= args["due_before"])
    if args.get("due_after"):
        query = query.where(Task.due_date >= args["due_after"])
    if args.get("meeting_id"):
        query = query.where(Task.meeting_id == args["meeting_id"])
    if args.get("series_id"):
        query = query.where(Task.series_id == args["series_id"])
    if args.get("q") and fold(args["q"]):
        query = query.where(Task.search_text.contains(fold(args["q"]), autoescape=True))
    return with_bodies(order_overdue_first(query, as_of))


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
