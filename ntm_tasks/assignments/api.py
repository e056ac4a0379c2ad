"""API routes of the assignments package (mounted under /api/v1): tasks, their workflow, progress, evidence
and extension requests."""
import sqlalchemy as sa
from flask_smorest.fields import Upload
from sqlalchemy.orm import joinedload, selectinload

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import BaseSchema, Blueprint, PageArgsSchema, actor, committed, page_schema, paginate
from ntm_tasks.assignments import services
from ntm_tasks.assignments.models import ExtensionRequest, ProgressReport, Task
from ntm_tasks.assignments.queries import attachment_visible, task_page
from ntm_tasks.assignments.schemas import (DirectTaskCreateSchema, ExtensionDecisionSchema,
                                           ExtensionRequestCreateSchema, ExtensionRequestSchema,
                                           ProgressReportCreateSchema, ProgressReportSchema, TaskAttachmentSchema,
                                           TaskCreateSchema, TaskQuerySchema, TaskSchema, TaskTransitionSchema,
                                           TaskUpdateSchema, attachment_payload, extension_payload,
                                           progress_payload, task_payload, task_payloads)
from ntm_tasks.attachments import Attachment, send_attachment
from ntm_tasks.db import today
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.meetings.models import Meeting
from ntm_tasks.org.models import Body, Unit, User

bp = Blueprint("assignments_api", __name__, description="Tasks: workflow, progress, evidence, extensions")


class TaskUploadSchema(BaseSchema):
    file = Upload(required=True)


# --- loading what the caller may see --------------------------------------------------------------

# Joined to the task but its coordinating bodies: SQLite reads a join through their link table for every task.
SHOWN = (joinedload(Task.lead_body), joinedload(Task.criteria), selectinload(Task.coordinating_bodies))


def visible_task(task_id: int, shown: bool = False) -> Task:
    """The task if the caller may see it, else 404; `shown`: read with what its payload shows (bodies, criteria)
    in two queries, where each would otherwise cost a round trip of its own."""
    task = db.session.get(Task, task_id, options=SHOWN if shown else ())
    return perm.require_visible(task, task is not None and perm.can_view_task(actor(), task))


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    return perm.require_visible(meeting, meeting is not None and perm.can_view_meeting(actor(), meeting))


def _body(body_id: int | None, field: str, loaded: dict[int, Body] | None = None) -> Body | None:
    """A referenced body (from `loaded`, the bodies a request names read at once, if given): 422 naming the field
    when it does not exist or lies out of the caller's reach (the services check where it lies against the giving
    unit)."""
    if body_id is None:
        return None
    body = loaded.get(body_id) if loaded is not None else db.session.get(Body, body_id)
    if body is None or not perm.can_name_body(actor(), body):  # out of reach reads as absent
        raise Invalid("Cơ quan không tồn tại.", {field: f"Không có cơ quan {body_id}."})
    return body


def _bodies(body_ids, field: str, loaded: dict[int, Body] | None = None) -> list[Body]:
    return [_body(body_id, field, loaded) for body_id in dict.fromkeys(body_ids)]


def _user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    # Someone outside the caller's scope would read the task's reminders: refused, and told apart from no one.
    if user is None or not perm.unit_in_scope(actor(), user.unit):
        raise Invalid("Người dùng không tồn tại.", {"responsible_user_id": f"Không có người dùng {user_id}."})
    return user


def _create_args(data: dict) -> dict:
    named = {body.id: body for body in db.session.scalars(  # the lead and coordinating bodies in one query
        sa.select(Body).where(Body.id.in_([data["lead_body_id"], *data["coordinating_body_ids"]])))}
    return {
        "lead_body": _body(data["lead_body_id"], "lead_body_id", named), "title": data["title"],
        "description": data["description"], "expected_output": data["expected_output"],
        "coordinating_bodies": _bodies(data["coordinating_body_ids"], "coordinating_body_ids", named),
        "due_date": data["due_date"], "recurrence": data["recurrence"], "criterion_codes": data["criterion_codes"],
        "responsible_user": _user(data["responsible_user_id"]),
    }


# --- tasks ----------------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/tasks", methods=["POST"])
@bp.arguments(TaskCreateSchema)
@bp.response(201, TaskSchema)
def create_meeting_task(data, meeting_id):
    """Add a task to a meeting (secretary, chair): draft until the meeting is published, else assigned at once."""
    meeting = _visible_meeting(meeting_id)
    task = services.create_task(actor(), unit=meeting.unit, meeting=meeting, **_create_args(data))
    return committed(task_payload(task, with_history=True))


@bp.route("/tasks", methods=["POST"])
@bp.arguments(DirectTaskCreateSchema)
@bp.response(201, TaskSchema)
def create_task(data):
    """Create a task directly, not from a meeting (secretary, chair); it is assigned at once."""
    user = actor()
    unit_id = data.get("unit_id", user.unit_id)
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None or not perm.unit_in_scope(user, unit):  # out of scope reads as absent, never as 403
        raise Invalid("Thiếu đơn vị giao việc.", {"unit_id": "Bắt buộc." if unit_id is None
                                                  else f"Không có đơn vị {unit_id}."})
    task = services.create_task(user, unit=unit, **_create_args(data))
    return committed(task_payload(task, with_history=True))


@bp.route("/tasks")
@bp.arguments(TaskQuerySchema, location="query")
@bp.response(200, page_schema(TaskSchema, "TaskPage", dumped=True))
def list_tasks(args):
    """Tasks the caller may see, overdue first, then by due date; `unit_id` covers the units below it too."""
    if args.get("unit_id"):
        unit = db.session.get(Unit, args["unit_id"])
        perm.require_visible(unit, perm.can_filter_tasks_by(actor(), unit))
    as_of = today()
    return task_page(actor(), args, args["page"], args["per_page"], as_of,
                     load_keys=lambda keys: task_payloads(keys, as_of))


@bp.route("/tasks/<int:task_id>")
@bp.response(200, TaskSchema)
def get_task(task_id):
    """One task with its history."""
    return task_payload(visible_task(task_id, shown=True), with_history=True)


@bp.route("/tasks/<int:task_id>", methods=["PATCH"])
@bp.arguments(TaskUpdateSchema)
@bp.response(200, TaskSchema)
def update_task(data, task_id):
    """Change a task's fields (secretary, chair); `version` must be the one the caller read."""
    task = visible_task(task_id, shown=True)
    version = data.pop("version")
    if "lead_body_id" in data:
        data["lead_body"] = _body(data.pop("lead_body_id"), "lead_body_id")
    if "coordinating_body_ids" in data:
        data["coordinating_bodies"] = _bodies(data.pop("coordinating_body_ids"), "coordinating_body_ids")
    if data.get("responsible_user_id") is not None:
        _user(data["responsible_user_id"])
    services.update_task(actor(), task, version, **data)
    return committed(task_payload(task, with_history=True))


@bp.route("/tasks/<int:task_id>/transitions", methods=["POST"])
@bp.arguments(TaskTransitionSchema)
@bp.response(200, TaskSchema)
def transition(data, task_id):
    """Take a workflow action: acknowledge, decline, reassign, submit, approve, return, cancel, reopen."""
    task = visible_task(task_id, shown=True)
    services.transition(actor(), task, data["action"], note=data["note"], version=data["version"],
                        lead_body=_body(data["lead_body_id"], "lead_body_id"))
    return committed(task_payload(task, with_history=True))


# --- progress -------------------------------------------------------------------------------------

@bp.route("/tasks/<int:task_id>/updates", methods=["POST"])
@bp.arguments(ProgressReportCreateSchema)
@bp.response(201, ProgressReportSchema)
def add_progress(data, task_id):
    """Report progress (0-100 %) with a note: assignees of the lead or a coordinating body, while open."""
    task = visible_task(task_id)
    report = services.add_progress(actor(), task, data["progress"], data["note"])
    return committed(progress_payload(report))


@bp.route("/tasks/<int:task_id>/updates")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(ProgressReportSchema, "ProgressReportPage"))
def list_progress(args, task_id):
    """The task's progress reports, newest first."""
    task = visible_task(task_id)
    query = (sa.select(ProgressReport).where(ProgressReport.task_id == task.id)
             .options(selectinload(ProgressReport.user))
             .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc()))
    return paginate(query, args["page"], args["per_page"], loader=lambda rows: [progress_payload(r) for r in rows])


# --- evidence -------------------------------------------------------------------------------------

@bp.route("/tasks/<int:task_id>/attachments", methods=["POST"])
@bp.arguments(TaskUploadSchema, location="files")
@bp.response(201, TaskAttachmentSchema)
def upload_attachment(files, task_id):
    """Attach an evidence file (multipart `file`): at most 20 MB; PDF, office documents, images, plain text."""
    task = visible_task(task_id)
    attachment = services.add_attachment(actor(), task, files["file"])
    return committed(attachment_payload(attachment))


@bp.route("/tasks/<int:task_id>/attachments")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(TaskAttachmentSchema, "TaskAttachmentPage"))
def list_attachments(args, task_id):
    """The task's evidence files."""
    task = visible_task(task_id)
    query = (sa.select(Attachment).where(Attachment.task_id == task.id, Attachment.is_archived.is_(False))
             .options(selectinload(Attachment.uploaded_by)).order_by(Attachment.id))
    return paginate(query, args["page"], args["per_page"], loader=lambda rows: [attachment_payload(a) for a in rows])


@bp.route("/attachments/<int:attachment_id>")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="*/*",
             description="The file, always as an attachment, with the content type its kind is served as.")
def download_attachment(attachment_id):
    """Download a file of a task or meeting the caller may see."""
    attachment = db.session.get(Attachment, attachment_id)
    return send_attachment(perm.require_visible(attachment, attachment_visible(actor(), attachment)))


# --- extensions -----------------------------------------------------------------------------------

@bp.route("/tasks/<int:task_id>/extension-requests", methods=["POST"])
@bp.arguments(ExtensionRequestCreateSchema)
@bp.response(201, ExtensionRequestSchema)
def request_extension(data, task_id):
    """Ask for a later due date (assignee of the lead body, or a secretary or chair on its behalf)."""
    task = visible_task(task_id)
    request = services.request_extension(actor(), task, data["requested_due_date"], data["reason"])
    return committed(extension_payload(request))


@bp.route("/tasks/<int:task_id>/extension-requests")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(ExtensionRequestSchema, "ExtensionRequestPage"))
def list_extensions(args, task_id):
    """The task's extension requests, newest first."""
    task = visible_task(task_id)
    query = (sa.select(ExtensionRequest).where(ExtensionRequest.task_id == task.id)
             .options(selectinload(ExtensionRequest.requested_by), selectinload(ExtensionRequest.decided_by))
             .order_by(ExtensionRequest.id.desc()))
    return paginate(query, args["page"], args["per_page"], loader=lambda rows: [extension_payload(r) for r in rows])


@bp.route("/extension-requests/<int:request_id>")
@bp.response(200, ExtensionRequestSchema)
def get_extension(request_id):
    """One extension request."""
    request = db.session.get(ExtensionRequest, request_id)
    perm.require_visible(request, request is not None and perm.can_view_task(actor(), request.task))
    return extension_payload(request)


@bp.route("/extension-requests/<int:request_id>/decision", methods=["POST"])
@bp.arguments(ExtensionDecisionSchema)
@bp.response(200, ExtensionRequestSchema)
def decide_extension(data, request_id):
    """The chair approves (the due date in force changes) or refuses an extension request."""
    request = db.session.get(ExtensionRequest, request_id)
    perm.require_visible(request, request is not None and perm.can_view_task(actor(), request.task))
    services.decide_extension(actor(), request, data["approve"], data["note"], version=data.get("version"))
    return committed(extension_payload(request, with_task=True))
