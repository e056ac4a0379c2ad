"""The one authority on who may see and do what, and the query filters that apply it.

Scope: a user sees their unit and every unit below it (a user without a unit sees the whole tree).
An assignee sees the tasks of their bodies (lead or coordinating) and the meetings those came from.
"""
import sqlalchemy as sa
from flask_babel import gettext as _

from ntm_tasks.db import in_ids, plain_rows
from ntm_tasks.errors import Forbidden, NotFound
from ntm_tasks.org.models import Role, Unit

EDITORS = (Role.SECRETARY, Role.CHAIR)
READERS = (Role.ADMIN, Role.CHAIR, Role.SECRETARY, Role.VIEWER)


# --- units -----------------------------------------------------------------------------------------

def unit_in_scope(user, unit) -> bool:
    """True when `unit` is the user's unit or below it."""
    if unit is None:
        return False
    return user.unit is None or unit.path.startswith(user.unit.path)


def subtree_unit_ids(unit) -> list[int]:
    """The ids of `unit` and of every unit below it.

    Scope filters take these as values, not as a subquery, so that the database knows how many units a scope
    holds: it reads a commune's few through the indexes on unit columns and scans for a province's thousand,
    where for a subquery it can only guess (SQLite then probed every unit of a province, one index at a time).
    """
    return [unit_id for unit_id, in plain_rows(sa.select(Unit.id).where(_in_subtree(unit)))]


def _in_subtree(unit):
    """SQL condition: the unit row is `unit` or lies below it."""
    return Unit.path.startswith(unit.path, autoescape=True)


def subtree_filter_ids(unit) -> list[int] | None:
    """subtree_unit_ids(unit) for a filter, or None when the subtree holds every unit (a province with a database
    of its own): its filter would keep every row, at the cost of testing a thousand ids on each."""
    from ntm_tasks.extensions import db

    held, every = db.session.execute(sa.select(sa.func.count().filter(_in_subtree(unit)), sa.func.count())).one()
    return None if held == every else subtree_unit_ids(unit)


def scope_unit_ids(user) -> list[int] | None:
    """The ids of the units in the user's scope, or None for the whole tree."""
    return None if user.unit is None else subtree_filter_ids(user.unit)


def unit_scope_clause(user, column):
    """SQL condition: `column` (a unit id) lies in the user's scope."""
    ids = scope_unit_ids(user)
    return sa.true() if ids is None else in_ids(column, ids)


def can_name_body(user, body) -> bool:
    """A body the user may name in a request: one of a unit in their scope or of a unit above theirs."""
    if user.unit is None:
        return True
    path = body.unit.path
    return path.startswith(user.unit.path) or user.unit.path.startswith(path)


def can_manage_org(user, unit=None) -> bool:
    """Admins keep units, bodies and accounts in their scope."""
    if user.role != Role.ADMIN:
        return False
    return unit is None or unit_in_scope(user, unit)


# --- meetings -------------------------------------------------------------------------------------

def can_edit_meetings(user, unit) -> bool:
    """Secretaries and chairs create and edit meetings, conclusions and tasks of units in their scope."""
    return user.role in EDITORS and unit_in_scope(user, unit)


def meeting_filter(user):
    """SQL condition selecting the meetings the user may see."""
    from ntm_tasks.assignments.models import Task
    from ntm_tasks.meetings.models import Meeting

    if user.role == Role.ASSIGNEE:
        return Meeting.id.in_(sa.select(Task.meeting_id).where(_assignee_task_clause(user)))
    return unit_scope_clause(user, Meeting.unit_id)


def can_view_meeting(user, meeting) -> bool:
    if user.role == Role.ASSIGNEE:
        from ntm_tasks.assignments.models import Task
        from ntm_tasks.extensions import db

        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Task)
            .where(Task.meeting_id == meeting.id, _assignee_task_clause(user))
        ) > 0
    return unit_in_scope(user, meeting.unit)


# --- tasks ----------------------------------------------------------------------------------------

def _assignee_task_clause(user):
    from ntm_tasks.assignments.models import Task, TaskStatus, task_coordinating_bodies

    body_ids = user.body_ids
    return sa.and_(
        Task.status != TaskStatus.DRAFT,
        sa.or_(
            Task.lead_body_id.in_(body_ids),
            Task.id.in_(
                sa.select(task_coordinating_bodies.c.task_id).where(task_coordinating_bodies.c.body_id.in_(body_ids))
            ),
        ),
    )


def _given_or_led_from(unit_ids: list[int] | None):
    """SQL condition: the task was given by or is led from one of the units (None: any unit)."""
    from ntm_tasks.assignments.models import Task

    if unit_ids is None:
        return sa.true()
    return sa.or_(in_ids(Task.unit_id, unit_ids), in_ids(Task.lead_unit_id, unit_ids))


def can_filter_tasks_by(user, unit) -> bool:
    """A task list may be narrowed to a unit the user sees, or to one above the user's own (which leaves the
    user's scope); an assignee's list is their bodies' tasks, whichever unit gave them."""
    if unit is None:
        return False
    return (user.role == Role.ASSIGNEE or unit_in_scope(user, unit)
            or (user.unit is not None and user.unit.path.startswith(unit.path)))


def task_filter(user, unit_id: int | None = None):
    """SQL condition selecting the tasks the user may see; with `unit_id`, only those given by or led from
    that unit or a unit below it."""
    from ntm_tasks.extensions import db

    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        return sa.false()
    if user.role == Role.ASSIGNEE:
        clause = _assignee_task_clause(user)
        return clause if unit is None else sa.and_(clause, _given_or_led_from(subtree_filter_ids(unit)))
    # Two subtrees are nested or apart, so "in the unit's subtree and in the user's scope" is the deeper of the
    # two (or nothing): one condition instead of two, each an OR checked on every candidate row.
    if not (unit is None or can_filter_tasks_by(user, unit)):
        return sa.false()
    ids = subtree_filter_ids(unit) if unit is not None and unit_in_scope(user, unit) else scope_unit_ids(user)
    return _given_or_led_from(ids)


def can_view_task(user, task) -> bool:
    if user.role == Role.ASSIGNEE:
        from ntm_tasks.assignments.models import TaskStatus

        if task.status == TaskStatus.DRAFT:
            return False
        ids = set(user.body_ids)
        return task.lead_body_id in ids or any(b.id in ids for b in task.coordinating_bodies)
    return unit_in_scope(user, task.unit) or unit_in_scope(user, task.lead_unit)


def is_lead_assignee(user, task) -> bool:
    return user.role == Role.ASSIGNEE and task.lead_body_id in user.body_ids


def is_coordinating_assignee(user, task) -> bool:
    ids = set(user.body_ids)
    return user.role == Role.ASSIGNEE and any(b.id in ids for b in task.coordinating_bodies)


def can_manage_task(user, task) -> bool:
    """Secretaries and chairs of the giving unit (or of the lead body's unit) manage the task."""
    return user.role in EDITORS and (unit_in_scope(user, task.unit) or unit_in_scope(user, task.lead_unit))


def is_chair_for(user, task) -> bool:
    return user.role == Role.CHAIR and can_manage_task(user, task)


# --- helpers for views and API --------------------------------------------------------------------

def require(condition: bool, message: str | None = None) -> None:
    """Raise Forbidden unless `condition` holds."""
    if not condition:
        raise Forbidden(message or _("Bạn không có quyền thực hiện thao tác này."))


def require_visible(obj, visible: bool):
    """404 for what is absent or out of the caller's sight, so existence never leaks."""
    if obj is None or not visible:
        raise NotFound(_("Không tìm thấy."))
    return obj


# --- oversight: dashboards, reports, criteria, dossiers ---------------------------------------------

def can_view_oversight(user, unit=None) -> bool:
    """Chairs, secretaries, viewers and admins read dashboards and reports of the units in their scope."""
    return user.role in READERS and (unit is None or unit_in_scope(user, unit))


def can_assess(user, unit) -> bool:
    """Secretaries and chairs record criteria assessments of units in their scope."""
    return user.role in EDITORS and unit_in_scope(user, unit)


def can_view_dossier(user, dossier) -> bool:
    return user.role in READERS and unit_in_scope(user, dossier.unit)


def can_manage_dossier(user, unit) -> bool:
    """Secretaries and chairs prepare a unit's dossiers, supply their documents and record their course."""
    return user.role in EDITORS and unit_in_scope(user, unit)


def can_manage_criteria_sets(user, province=None) -> bool:
    """Admins add provincial sets for provinces in their scope; national ones need a whole-tree admin."""
    if user.role != Role.ADMIN:
        return False
    return user.unit is None if province is None else unit_in_scope(user, province)


def criteria_set_visible(user, criteria_set) -> bool:
    """National sets are for everyone; a provincial set for the people of that province and those above it."""
    province = criteria_set.province_unit
    if province is None or user.unit is None:
        return True
    return unit_in_scope(user, province) or user.unit.path.startswith(province.path)


# --- assignments: progress, evidence, extensions --------------------------------------------------

def can_report_progress(user, task) -> bool:
    """Assignees of the lead or a coordinating body report progress."""
    return is_lead_assignee(user, task) or is_coordinating_assignee(user, task)


def can_attach_evidence(user, task) -> bool:
    """Assignees of the lead or coordinating bodies, and secretaries and chairs in scope, attach evidence."""
    return can_report_progress(user, task) or can_manage_task(user, task)


def can_request_extension(user, task) -> bool:
    """The lead body's assignee asks for more time, or a secretary or chair on its behalf."""
    return is_lead_assignee(user, task) or can_manage_task(user, task)


# --- notifications, exports, jobs -----------------------------------------------------------------

def can_request_export(user, unit) -> bool:
    """Chairs, secretaries, viewers and admins export the reports of units in their scope."""
    return user.role in READERS and unit_in_scope(user, unit)


def can_see_export(user, export) -> bool:
    """An export is its requester's, and readable by whoever may request it for the same unit."""
    return export.requested_by_id == user.id or can_request_export(user, export.unit)


def can_see_notification(user, notification) -> bool:
    """A notification is its addressee's alone."""
    return notification.user_id == user.id


def can_watch_jobs(user) -> bool:
    """The queues, failed jobs and job records are for admins."""
    return user.role == Role.ADMIN
