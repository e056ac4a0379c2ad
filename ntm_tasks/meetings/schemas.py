"""JSON shapes of meetings, their legal bases, conclusions and the parser's items."""
import re
from datetime import date, datetime

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import ValidationError, validate

from ntm_tasks.api.core import BaseSchema, Dumped, Int, JsonBool, PageArgsSchema, Text
from ntm_tasks.assignments.schemas import TaskSchema
from ntm_tasks.db import LOCAL_TZ, local
from ntm_tasks.meetings.models import MeetingKind, MeetingStatus
from ntm_tasks.meetings.services import DEFAULT_HOUR, MAX_TEXT_LENGTH

KINDS = [k.value for k in MeetingKind]
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class LocalDateTime(ma.fields.Field):
    """ISO 8601 date-time; without an offset it is Vietnam time; a bare date means 08:00 that day.
    Always answered with its offset (+07:00)."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "format": "date-time",
                    "description": "ISO 8601; không có múi giờ = giờ Việt Nam; chỉ ngày (YYYY-MM-DD) = 08:00.",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return local(value).isoformat() if value else None

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Phải là chuỗi ngày giờ ISO 8601.")
        text = value.strip()
        try:
            if _DATE_ONLY.match(text):
                parsed = datetime.combine(date.fromisoformat(text), datetime.min.time().replace(hour=DEFAULT_HOUR))
            else:
                parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError("Ngày giờ không hợp lệ; dùng ISO 8601, ví dụ 2024-07-15T08:00:00+07:00.")
        if not 1900 <= parsed.year <= 2200:
            raise ValidationError("Năm phải từ 1900 đến 2200.")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


class Label(ma.fields.String):
    """A short label such as an item number; numbers are taken as their text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


_PARTICIPANT_DOC = {
    "description": "Một cơ quan (id, hoặc {\"body_id\": id}) hoặc một khách mời ({\"name\": \"...\"} hoặc chuỗi tên).",
    "oneOf": [
        {"type": "integer", "description": "body id"},
        {"type": "object", "properties": {"body_id": {"type": "integer"}}, "required": ["body_id"]},
        {"type": "object", "properties": {"name": {"type": "string", "maxLength": 200}}, "required": ["name"]},
        {"type": "string", "maxLength": 200, "description": "guest name"},
    ],
}


class Participant(ma.fields.Field):
    """A participant: a body id, {"body_id"}, {"name"} for a guest, or a guest's name as a string.
    Loads as ("body", id) or ("guest", name); dumps as {"body_id", "name"}."""

    def __init__(self, **kwargs):
        super().__init__(metadata=_PARTICIPANT_DOC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            if "body_id" in value or "id" in value:
                value = value.get("body_id", value.get("id"))
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValidationError("body_id phải là số nguyên.")
            elif isinstance(value.get("name"), str):
                value = value["name"]
            else:
                raise ValidationError("Cần body_id hoặc name.")
        if isinstance(value, int) and not isinstance(value, bool):
            return ("body", value)
        if isinstance(value, str) and value.strip():
            if len(value) > 200:
                raise ValidationError("Tên khách mời tối đa 200 ký tự.")
            return ("guest", value.strip())
        raise ValidationError("Cần id cơ quan hoặc tên khách mời.")


class LegalBasisInSchema(BaseSchema):
    number = Text(required=True, validate=validate.Length(min=1, max=80))
    issued_on = ma.fields.Date(allow_none=True, load_default=None)
    issuer = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    title = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


_LEGAL_BASIS_DOC = {
    "description": "Trích dẫn văn bản (\"Nghị quyết số 57/NQ-HĐND ngày 28/12/2020\") hoặc đối tượng.",
    "oneOf": [{"type": "string", "maxLength": 2000},
              {"type": "object", "required": ["number"], "properties": {
                  "number": {"type": "string"}, "issued_on": {"type": "string", "format": "date"},
                  "issuer": {"type": "string"}, "title": {"type": "string"}}}],
}


class LegalBasis(ma.fields.Field):
    """A legal basis: a citation string, or {number, issued_on?, issuer?, title?}."""

    def __init__(self, **kwargs):
        super().__init__(metadata=_LEGAL_BASIS_DOC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if not value.strip() or len(value) > 2000:
                raise ValidationError("Trích dẫn văn bản từ 1 đến 2000 ký tự.")
            return value
        if isinstance(value, dict):
            return LegalBasisInSchema().load(value)
        raise ValidationError("Cần chuỗi trích dẫn hoặc đối tượng {number, issued_on, issuer, title}.")


class LegalDocumentSchema(BaseSchema):
    id = Int()
    number = ma.fields.String()
    type_code = ma.fields.String(allow_none=True)
    issuer = ma.fields.String(allow_none=True)
    issued_on = ma.fields.Date(allow_none=True)
    year = Int(allow_none=True)
    title = ma.fields.String(allow_none=True)


class ParticipantOutSchema(BaseSchema):
    body_id = Int(allow_none=True)
    name = ma.fields.String()


class Participants(ma.fields.List):
    """A list of participants, or the names typed as one text (split at semicolons and line breaks), as the
    minutes list them."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part for part in re.split(r"[;\n]", value) if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)

class _MeetingFields(BaseSchema):
    """Fields a client writes, shared by create and update."""

    location = ma.fields.String(allow_none=True, validate=validate.Length(max=300))
    chair = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    participants = Participants(Participant(), validate=validate.Length(max=300))
    legal_bases = ma.fields.List(LegalBasis(), validate=validate.Length(max=50))
    summary = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_TEXT_LENGTH))
    difficulties = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_TEXT_LENGTH))

    @ma.post_load
    def split_participants(self, data, **kwargs):
        """Bodies and guests are kept apart: the bodies as rows, the guests as names."""
        if "participants" in data:
            entries = data.pop("participants")
            data["participant_ids"] = [v for k, v in entries if k == "body"]
            data["guests"] = [v for k, v in entries if k == "guest"]
        return data


class MeetingCreateSchema(_MeetingFields):
    unit_id = Int(required=True)
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    held_at = LocalDateTime(required=True)


class MeetingUpdateSchema(_MeetingFields):
    title = Text(validate=validate.Length(min=1, max=300))
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    held_at = LocalDateTime()
    is_archived = JsonBool()
    version = Int(required=True)


class MeetingSchema(BaseSchema):
    id = Int()
    unit_id = Int()
    title = ma.fields.String()
    kind = ma.fields.String()
    held_at = LocalDateTime()
    location = ma.fields.String(allow_none=True)
    chair = ma.fields.String(allow_none=True)
    participants = ma.fields.Method("_participants", metadata={"type": "array", "items": {
        "type": "object", "properties": {"body_id": {"type": "integer", "nullable": True},
                                         "name": {"type": "string"}}}})
    legal_bases = ma.fields.List(ma.fields.Nested(LegalDocumentSchema), attribute="documents")
    summary = ma.fields.String(allow_none=True)
    difficulties = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    notice_number = ma.fields.String(allow_none=True)
    published_at = LocalDateTime(allow_none=True)
    is_archived = ma.fields.Boolean()
    version = Int()
    created_at = LocalDateTime()
    updated_at = LocalDateTime()

    def _participants(self, meeting):
        return ([{"body_id": b.id, "name": b.display_name} for b in meeting.participants]
                + [{"body_id": None, "name": name} for name in meeting.guests or []])


class MeetingQuerySchema(PageArgsSchema):
    unit_id = Int()
    q = ma.fields.String(validate=validate.Length(max=200))
    date_from = ma.fields.Date(data_key="from")
    date_to = ma.fields.Date(data_key="to")
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    status = ma.fields.String(validate=validate.OneOf([s.value for s in MeetingStatus]))
    include_archived = ma.fields.Boolean(load_default=False)


class BodyRoleSchema(BaseSchema):
    id = Int(required=True, strict=True)
    name = ma.fields.String()
    role = ma.fields.String(load_default="lead", validate=validate.OneOf(["lead", "coordinating"]))


class RecurrenceSchema(BaseSchema):
    freq = ma.fields.String(validate=validate.OneOf(["weekly", "monthly", "quarterly", "semiannual", "yearly"]))
    day = Int(allow_none=True)
    month = Int(allow_none=True)


class ParsedItemSchema(BaseSchema):
    number = Label(allow_none=True, load_default=None, validate=validate.Length(max=10))
    addressee = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))
    text = Text(required=True, validate=validate.Length(min=1, max=MAX_TEXT_LENGTH))
    bodies = ma.fields.List(ma.fields.Nested(BodyRoleSchema), load_default=list)
    due_date = ma.fields.Date(allow_none=True, load_default=None)
    recurrence = ma.fields.Dict(allow_none=True, load_default=None,
                                metadata={"description": "null hoặc {freq, day, month?}"})
    unmatched = ma.fields.List(ma.fields.String(), load_default=list)


class ItemInSchema(ParsedItemSchema):
    """An item as parse returns it, edited; optionally with its task's title and expected output."""

    title = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))
    expected_output = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class ParseRequestSchema(BaseSchema):
    unit_id = Int(required=True)
    text = Text(required=True, validate=validate.Length(min=1, max=MAX_TEXT_LENGTH))
    reference_date = ma.fields.Date(allow_none=True, load_default=None)


class ParseResultSchema(BaseSchema):
    items = ma.fields.List(ma.fields.Nested(ParsedItemSchema))


class ConclusionsInSchema(BaseSchema):
    text = Text(validate=validate.Length(min=1, max=MAX_TEXT_LENGTH))
    items = ma.fields.List(ma.fields.Nested(ItemInSchema), validate=validate.Length(min=1, max=500))

    @ma.validates_schema
    def text_or_items(self, data, **kwargs):
        if ("text" in data) == ("items" in data):
            raise ValidationError("Gửi text hoặc items (một trong hai).", "text")


class ConclusionSchema(BaseSchema):
    id = Int()
    meeting_id = Int()
    position = Int()
    number = ma.fields.String(allow_none=True)
    addressee = ma.fields.String(allow_none=True)
    text = ma.fields.String()


class AttachmentSchema(BaseSchema):
    id = Int()
    filename = ma.fields.String()
    size = Int()
    content_type = ma.fields.String()


class FollowThroughSchema(BaseSchema):
    total = Int()
    completed = Int()
    open = Int()
    overdue = Int()
    draft = Int()
    completed_on_time = Int()
    completed_late = Int()
    in_progress_on_time = Int()
    in_progress_overdue = Int()


class MeetingDetailSchema(MeetingSchema):
    conclusions = ma.fields.List(ma.fields.Nested(ConclusionSchema))
    tasks = Dumped(TaskSchema, many=True)
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    follow_through = ma.fields.Nested(FollowThroughSchema)


class ConclusionsResultSchema(BaseSchema):
    conclusions = ma.fields.List(ma.fields.Nested(ConclusionSchema))
    tasks = Dumped(TaskSchema, many=True)


class PublishSchema(BaseSchema):
    notice_number = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=60))
    version = Int(required=True)


class UploadSchema(BaseSchema):
    file = Upload(required=True)
