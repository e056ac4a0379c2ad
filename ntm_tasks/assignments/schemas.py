"""JSON shapes of tasks, progress reports, attachments and extension requests (API.md, "Tasks")."""
import functools
from datetime import date

import marshmallow as ma
import orjson
import sqlalchemy as sa
from marshmallow import validate

from ntm_tasks.api.core import BaseSchema, Int, JsonBool, Text
from ntm_tasks.assignments import categories
from ntm_tasks.assignments.models import StatusCategory, Task, TaskCriterion, TaskStatus, task_coordinating_bodies
from ntm_tasks.assignments.workflow import ACTIONS
from ntm_tasks.audit import history_of
from ntm_tasks.db import epoch_days, in_ids, json_array_agg, json_object, json_value, local, local_iso, today
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body


class IsoDate(ma.fields.Date):
    """A date; one already written as YYYY-MM-DD passes through, so a payload may be dumped twice."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class IsoDateTime(ma.fields.DateTime):
    """A date-time with its offset (Vietnam time); a string passes through like IsoDate's."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str) or value is None:
            return value
        return super()._serialize(local(value), attr, obj, **kwargs)


class TaskBodyRefSchema(BaseSchema):
    id = Int()
    name = ma.fields.String()
    unit_id = Int()


class TaskUserRefSchema(BaseSchema):
    id = Int()
    username = ma.fields.String()
    full_name = ma.fields.String()


class TaskRecurrenceSchema(BaseSchema):
    freq = ma.fields.String(required=True, validate=validate.OneOf(("weekly", "monthly", "quarterly", "semiannual",
                                                                    "yearly")))
    day = Int(allow_none=True, load_default=None, validate=validate.Range(min=1, max=31))
    month = Int(allow_none=True, validate=validate.Range(min=1, max=12))


class TaskHistorySchema(BaseSchema):
    at = IsoDateTime()
    user = ma.fields.Nested(TaskUserRefSchema, allow_none=True)
    action = ma.fields.String()
    changes = ma.fields.Dict()
    note = ma.fields.String(allow_none=True)


class TaskSchema(BaseSchema):
    id = Int()
    meeting_id = Int(allow_none=True)
    conclusion_id = Int(allow_none=True)
    unit_id = Int(metadata={"description": "The unit whose committee gave the task."})
    title = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    expected_output = ma.fields.String(allow_none=True)
    lead_body = ma.fields.Nested(TaskBodyRefSchema)
    coordinating_bodies = ma.fields.List(ma.fields.Nested(TaskBodyRefSchema))
    responsible_user_id = Int(allow_none=True)
    due_date = IsoDate(allow_none=True)
    original_due_date = IsoDate(allow_none=True)
    recurrence = ma.fields.Nested(TaskRecurrenceSchema, allow_none=True)
    series_id = Int(allow_none=True)
    period_key = ma.fields.String(allow_none=True)
    criterion_codes = ma.fields.List(ma.fields.String())
    status = ma.fields.String(validate=validate.OneOf([s.value for s in TaskStatus]))
    progress = Int()
    status_category = ma.fields.String(allow_none=True, validate=validate.OneOf([c.value for c in StatusCategory]))
    overdue_days = Int()
    assigned_on = IsoDate(allow_none=True)
    submitted_on = IsoDate(allow_none=True)
    completed_on = IsoDate(allow_none=True)
    version = Int()
    created_at = IsoDateTime()
    updated_at = IsoDateTime()
    history = ma.fields.List(ma.fields.Nested(TaskHistorySchema), metadata={"description": "On the detail only."})


# One instance each: building a schema copies its fields, which costs more than a dump.
_RECURRENCE = TaskRecurrenceSchema()
_HISTORY = TaskHistorySchema(many=True)


def body_ref(body) -> dict:
    return {"id": body.id, "name": body.name, "unit_id": body.unit_id}


def user_ref(user) -> dict | None:
    return {"id": user.id, "username": user.username, "full_name": user.full_name} if user else None


def history_payload(obj) -> list[dict]:
    """The audit trail of one object, oldest first, as the API shows it."""
    return [{"at": e.at, "user": user_ref(e.user), "action": e.action, "changes": e.changes, "note": e.note}
            for e in history_of(obj)]


def task_payload(task: Task, as_of: date | None = None, with_history: bool = False) -> dict:
    """A task as API.md shows it, JSON-ready, its status group and overdue days computed as of `as_of`.

    TaskSchema's shape built directly: lists and reports carry up to a thousand tasks, and a marshmallow dump of
    each cost more than loading them (the schema still documents the shape and dumps the history).
    """
    as_of = as_of or today()
    category = categories.category_of(task, as_of)
    data = {
        "id": task.id, "meeting_id": task.meeting_id, "conclusion_id": task.conclusion_id, "unit_id": task.unit_id,
        "title": task.title, "description": task.description, "expected_output": task.expected_output,
        "lead_body": body_ref(task.lead_body),
        "coordinating_bodies": [body_ref(b) for b in sorted(task.coordinating_bodies, key=lambda b: b.id)],
        "responsible_user_id": task.responsible_user_id, "due_date": _day(task.due_date),
        "original_due_date": _day(task.original_due_date),
        "recurrence": None if task.recurrence is None else _RECURRENCE.dump(task.recurrence),
        "series_id": task.series_id, "period_key": task.period_key, "criterion_codes": task.criterion_codes,
        "status": task.status.value, "progress": task.progress,
        "status_category": category.value if category else None,
        "overdue_days": categories.overdue_days(task, as_of), "assigned_on": _day(task.assigned_on),
        "submitted_on": _day(task.submitted_on), "completed_on": _day(task.completed_on), "version": task.version,
        "created_at": _moment(task.created_at), "updated_at": _moment(task.updated_at),
    }
    if with_history:
        data["history"] = _HISTORY.dump(history_payload(task))
    return data


def task_payloads(task_ids: list[int], as_of: date | None = None) -> list[orjson.Fragment]:
    """task_payload() of each task of `task_ids`, in that order, as JSON written by the database (passed through
    as orjson fragments): lists and reports show up to hundreds of tasks, and building their payloads in Python,
    even from plain rows, took a report as long as its queries."""
    if not task_ids:
        return []
    written = dict(db.session.execute(_payloads_statement(), {"as_of": as_of or today(), "task_ids": task_ids}).all())
    return [orjson.Fragment(written[task_id]) for task_id in task_ids if task_id in written]


@functools.cache
def _payloads_statement() -> sa.Select:
    """(id, payload JSON) of the tasks of the parameter `task_ids` as of the parameter `as_of`: built once, since
    building a statement this size cost a tenth of running it."""
    as_of = sa.bindparam("as_of", type_=sa.Date)
    coordinating = (sa.select(Body.id, Body.name, Body.unit_id)
                    .join(task_coordinating_bodies, task_coordinating_bodies.c.body_id == Body.id)
                    .where(task_coordinating_bodies.c.task_id == Task.id).order_by(Body.id)
                    .correlate(Task).subquery("coordinating"))
    codes = (sa.select(TaskCriterion.criterion_code).where(TaskCriterion.task_id == Task.id)
             .order_by(TaskCriterion.criterion_code).correlate(Task).subquery("codes"))
    payload = json_object({
        "id": Task.id, "meeting_id": Task.meeting_id, "conclusion_id": Task.conclusion_id, "unit_id": Task.unit_id,
        "title": Task.title, "description": Task.description, "expected_output": Task.expected_output,
        "lead_body": json_object({"id": Body.id, "name": Body.name, "unit_id": Body.unit_id}),
        "coordinating_bodies": json_value(sa.select(json_array_agg(json_object(
            {"id": coordinating.c.id, "name": coordinating.c.name, "unit_id": coordinating.c.unit_id}),
            coordinating.c.id)).scalar_subquery()),
        "responsible_user_id": Task.responsible_user_id, "due_date": Task.due_date,
        "original_due_date": Task.original_due_date, "recurrence": json_value(Task.recurrence),
        "series_id": Task.series_id, "period_key": Task.period_key,
        "criterion_codes": json_value(sa.select(json_array_agg(codes.c.criterion_code, codes.c.criterion_code))
                                      .scalar_subquery()),
        "status": sa.func.lower(sa.cast(Task.status, sa.String)), "progress": Task.progress,
        "status_category": categories.status_category(as_of),
        "overdue_days": sa.case((categories.is_overdue(as_of), epoch_days(as_of) - epoch_days(Task.due_date)),
                                else_=0),
        "assigned_on": Task.assigned_on, "submitted_on": Task.submitted_on, "completed_on": Task.completed_on,
        "version": Task.version, "created_at": local_iso(Task.created_at), "updated_at": local_iso(Task.updated_at),
    })
    return (sa.select(Task.id, sa.cast(payload, sa.Text)).join(Body, Body.id == Task.lead_body_id)
            .where(in_ids(Task.id, name="task_ids")))


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value) -> str | None:
    return None if value is None else local(value).isoformat()


# --- requests -------------------------------------------------------------------------------------

class TaskQuerySchema(BaseSchema):
    unit_id = Int(metadata={"description": "The unit and every unit below it (giving or lead)."})
    body_id = Int(metadata={"description": "Lead or coordinating body."})
    status = ma.fields.String(validate=validate.OneOf([s.value for s in TaskStatus]))
    category = ma.fields.String(validate=validate.OneOf([c.value for c in StatusCategory]))
    overdue = ma.fields.Boolean()
    due_before = ma.fields.Date(metadata={"description": "Due on or before this date."})
    due_after = ma.fields.Date(metadata={"description": "Due on or after this date."})
    meeting_id = Int()
    series_id = Int()
    q = ma.fields.String(metadata={"description": "Text search, ignoring case and diacritics."})
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))


class TaskCreateSchema(BaseSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    description = ma.fields.String(allow_none=True, load_default=None)
    expected_output = ma.fields.String(allow_none=True, load_default=None)
    lead_body_id = Int(required=True)
    coordinating_body_ids = ma.fields.List(Int(), load_default=list)
    due_date = ma.fields.Date(allow_none=True, load_default=None)
    recurrence = ma.fields.Nested(TaskRecurrenceSchema, allow_none=True, load_default=None)
    criterion_codes = ma.fields.List(Text(validate=validate.Length(min=1, max=60)), load_default=list)
    responsible_user_id = Int(allow_none=True, load_default=None)


class DirectTaskCreateSchema(TaskCreateSchema):
    unit_id = Int(metadata={"description": "The giving unit; the caller's unit when left out."})


class TaskUpdateSchema(BaseSchema):
    title = Text(validate=validate.Length(min=1, max=300))
    description = ma.fields.String(allow_none=True)
    expected_output = ma.fields.String(allow_none=True)
    lead_body_id = Int()
    coordinating_body_ids = ma.fields.List(Int())
    due_date = ma.fields.Date(allow_none=True)
    recurrence = ma.fields.Nested(TaskRecurrenceSchema, allow_none=True)
    criterion_codes = ma.fields.List(Text(validate=validate.Length(min=1, max=60)))
    responsible_user_id = Int(allow_none=True)
    version = Int(required=True)


class TaskTransitionSchema(BaseSchema):
    action = ma.fields.String(required=True, validate=validate.OneOf(list(ACTIONS)))
    note = ma.fields.String(allow_none=True, load_default=None)
    version = Int(required=True)
    lead_body_id = Int(allow_none=True, load_default=None,
                                     metadata={"description": "The new lead body, for `reassign`."})


class ProgressReportCreateSchema(BaseSchema):
    progress = Int(required=True, strict=True, validate=validate.Range(min=0, max=100))
    note = ma.fields.String(load_default="", validate=validate.Length(max=5000))


class ProgressReportSchema(BaseSchema):
    id = Int()
    task_id = Int()
    progress = Int()
    note = ma.fields.String()
    user = ma.fields.Nested(TaskUserRefSchema, allow_none=True)
    created_at = IsoDateTime()


def progress_payload(report) -> dict:
    return {"id": report.id, "task_id": report.task_id, "progress": report.progress, "note": report.note,
            "user": user_ref(report.user), "created_at": report.created_at}


class TaskAttachmentSchema(BaseSchema):
    id = Int()
    task_id = Int(allow_none=True)
    meeting_id = Int(allow_none=True)
    filename = ma.fields.String()
    size = Int()
    content_type = ma.fields.String()
    uploaded_by = ma.fields.Nested(TaskUserRefSchema, allow_none=True)
    created_at = IsoDateTime()


def attachment_payload(attachment) -> dict:
    return {"id": attachment.id, "task_id": attachment.task_id, "meeting_id": attachment.meeting_id,
            "filename": attachment.filename, "size": attachment.size, "content_type": attachment.content_type,
            "uploaded_by": user_ref(attachment.uploaded_by), "created_at": attachment.created_at}


class ExtensionRequestCreateSchema(BaseSchema):
    requested_due_date = ma.fields.Date(required=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=5000))


class ExtensionDecisionSchema(BaseSchema):
    approve = JsonBool(required=True)
    note = ma.fields.String(allow_none=True, load_default=None)
    version = Int(metadata={"description": "The request's version; checked when given."})


class ExtensionRequestSchema(BaseSchema):
    id = Int()
    task_id = Int()
    requested_due_date = IsoDate()
    previous_due_date = IsoDate(allow_none=True)
    reason = ma.fields.String()
    status = ma.fields.String(metadata={"description": "pending, approved or refused."})
    requested_by = ma.fields.Nested(TaskUserRefSchema, allow_none=True)
    created_at = IsoDateTime()
    decided_by = ma.fields.Nested(TaskUserRefSchema, allow_none=True)
    decided_at = IsoDateTime(allow_none=True)
    decision_note = ma.fields.String(allow_none=True)
    version = Int()
    task = ma.fields.Nested(TaskSchema, metadata={"description": "The task after the decision."})


def extension_payload(request, with_task: bool = False) -> dict:
    data = {"id": request.id, "task_id": request.task_id, "requested_due_date": request.requested_due_date,
            "previous_due_date": request.previous_due_date, "reason": request.reason,
            "status": request.status.value, "requested_by": user_ref(request.requested_by),
            "created_at": request.created_at, "decided_by": user_ref(request.decided_by),
            "decided_at": request.decided_at, "decision_note": request.decision_note, "version": request.version}
    if with_task:
        data["task"] = task_payload(request.task)
    return data
