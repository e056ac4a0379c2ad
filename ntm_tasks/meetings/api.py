"""Meetings and conclusions over the API (mounted under /api/v1): secretaries and chairs write, the scope reads."""

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import Blueprint, actor, page_schema, paginate
from ntm_tasks.assignments.schemas import task_payload
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.meetings import services
from ntm_tasks.meetings.models import Meeting
from ntm_tasks.meetings.schemas import (AttachmentSchema, ConclusionsInSchema, ConclusionsResultSchema,
                                        MeetingCreateSchema, MeetingDetailSchema, MeetingQuerySchema, MeetingSchema,
                                        MeetingUpdateSchema, ParseRequestSchema, ParseResultSchema, PublishSchema,
                                        UploadSchema)
from ntm_tasks.org.models import Unit

bp = Blueprint("meetings_api", __name__, description="Meetings and conclusions")


def _unit_for_field(unit_id: int, field: str = "unit_id") -> Unit:
    """A unit named in a request body: 422 when it does not exist or lies outside the caller's scope."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not perm.unit_in_scope(actor(), unit):
        raise Invalid("Đơn vị không tồn tại.", {field: f"Không có đơn vị {unit_id}."})
    return unit


def _meeting(meeting_id: int) -> Meeting:
    """The meeting if the caller may see it, else 404."""
    meeting = db.session.get(Meeting, meeting_id)
    return perm.require_visible(meeting, meeting is not None and perm.can_view_meeting(actor(), meeting))


class MeetingDetail:
    """A meeting with what its page shows: conclusions, the tasks the caller may see, files, progress."""

    def __init__(self, meeting: Meeting, user):
        self._meeting = meeting
        self.tasks = [task_payload(t) for t in services.meeting_tasks(meeting, user)]
        self.attachments = services.meeting_attachments(meeting)
        self.follow_through = services.follow_through(meeting)

    def __getattr__(self, name):
        return getattr(self._meeting, name)


@bp.route("/meetings", methods=["POST"])
@bp.arguments(MeetingCreateSchema)
@bp.response(201, MeetingSchema)
def create_meeting(data):
    """Record a meeting (secretary, chair); it starts as a draft."""
    unit = _unit_for_field(data.pop("unit_id"))
    meeting = services.create_meeting(actor(), unit=unit, **data)
    db.session.commit()
    return meeting


@bp.route("/meetings")
@bp.arguments(MeetingQuerySchema, location="query")
@bp.response(200, page_schema(MeetingSchema, "MeetingPage"))
def list_meetings(args):
    """Meetings the caller may see, newest first; `q` ignores case and diacritics, `unit_id` covers the
    units below it too, `from`/`to` bound the day held."""
    unit = None
    if "unit_id" in args:
        unit = db.session.get(Unit, args["unit_id"])
        perm.require_visible(unit, unit is not None and perm.unit_in_scope(actor(), unit))
    query = services.meetings_query(actor(), unit=unit, q=args.get("q"), kind=args.get("kind"),
                                    status=args.get("status"), date_from=args.get("date_from"),
                                    date_to=args.get("date_to"), include_archived=args["include_archived"])
    return paginate(query, args["page"], args["per_page"])


@bp.route("/meetings/<int:meeting_id>")
@bp.response(200, MeetingDetailSchema)
def get_meeting(meeting_id):
    """A meeting with its conclusions, the tasks the caller may see, its files and its follow-through."""
    return MeetingDetail(_meeting(meeting_id), actor())


@bp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@bp.arguments(MeetingUpdateSchema)
@bp.response(200, MeetingSchema)
def update_meeting(data, meeting_id):
    """Change a meeting's record; send the `version` you hold (409 when stale). `is_archived: true` archives."""
    meeting = _meeting(meeting_id)
    version = data.pop("version")
    services.update_meeting(actor(), meeting, version, **data)
    db.session.commit()
    return meeting


@bp.route("/conclusions/parse", methods=["POST"])
@bp.arguments(ParseRequestSchema)
@bp.response(200, ParseResultSchema)
def parse_conclusions(data):
    """Read conclusion text into items (bodies, deadline, recurrence, what could not be matched). Saves nothing."""
    user = actor()
    unit = _unit_for_field(data["unit_id"])
    perm.require(perm.can_edit_meetings(user, unit))
    return {"items": services.parse_text(unit, data["text"], data["reference_date"])}


@bp.route("/meetings/<int:meeting_id>/conclusions", methods=["POST"])
@bp.arguments(ConclusionsInSchema)
@bp.response(201, ConclusionsResultSchema)
def add_conclusions(data, meeting_id):
    """Store conclusions (`text`, parsed here, or edited `items`) and one draft task per item and lead body."""
    meeting = _meeting(meeting_id)
    conclusions, tasks = services.save_conclusions(actor(), meeting, text=data.get("text"), items=data.get("items"))
    db.session.commit()
    return {"conclusions": conclusions, "tasks": [task_payload(t) for t in tasks]}


@bp.route("/meetings/<int:meeting_id>/publish", methods=["POST"])
@bp.arguments(PublishSchema)
@bp.response(200, MeetingSchema)
def publish_meeting(data, meeting_id):
    """Publish the conclusion notice: draft tasks become assigned and assignees are notified. 409 if published."""
    meeting = _meeting(meeting_id)
    services.publish_meeting(actor(), meeting, data["notice_number"], data["version"])
    db.session.commit()
    return meeting


@bp.route("/meetings/<int:meeting_id>/attachments", methods=["POST"])
@bp.arguments(UploadSchema, location="files")
@bp.response(201, AttachmentSchema)
def add_attachment(files, meeting_id):
    """Attach minutes or photos (multipart `file`; PDF, office documents, images, text; at most 20 MB)."""
    meeting = _meeting(meeting_id)
    attachment = services.add_attachment(actor(), meeting, files["file"])
    db.session.commit()
    return attachment
