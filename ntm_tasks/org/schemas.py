"""JSON shapes of units, bodies and users."""
import marshmallow as ma
from marshmallow import validate

from ntm_tasks.api.core import BaseSchema, Int, JsonBool, Text
from ntm_tasks.org.models import BodyKind, Role, UnitLevel


class UnitSchema(BaseSchema):
    id = Int(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    level = ma.fields.String(required=True, validate=validate.OneOf([lv.value for lv in UnitLevel]))
    parent_id = Int(allow_none=True, load_default=None)
    code = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=20))
    standard_bodies = JsonBool(load_only=True, load_default=True)
    merged_into_id = Int(dump_only=True, allow_none=True)
    is_archived = ma.fields.Boolean(dump_only=True)
    version = Int(dump_only=True)


class UnitQuerySchema(BaseSchema):
    parent_id = Int()
    level = ma.fields.String(validate=validate.OneOf([lv.value for lv in UnitLevel]))
    q = ma.fields.String()
    include_archived = ma.fields.Boolean(load_default=False)
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))


class MergeSchema(BaseSchema):
    target_id = Int(required=True)
    note = ma.fields.String(allow_none=True, load_default=None)


class MergeResultSchema(BaseSchema):
    id = Int()
    source_unit_id = Int()
    target_unit_id = Int()
    merged_at = ma.fields.DateTime()
    note = ma.fields.String(allow_none=True)


class BodySchema(BaseSchema):
    id = Int(dump_only=True)
    unit_id = Int(required=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = ma.fields.String(required=True, validate=validate.OneOf([k.value for k in BodyKind]))
    short_name = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=60))
    is_archived = ma.fields.Boolean(dump_only=True)
    version = Int(dump_only=True)


class UserSchema(BaseSchema):
    id = Int(dump_only=True)
    username = Text(required=True, validate=validate.Length(min=1, max=80))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=128))
    full_name = ma.fields.String(load_default="", validate=validate.Length(max=200))
    email = ma.fields.Email(allow_none=True, load_default=None)
    role = ma.fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    unit_id = Int(allow_none=True, load_default=None)
    body_ids = ma.fields.List(Int(), load_default=list)
    is_active = ma.fields.Boolean(dump_only=True)
    version = Int(dump_only=True)
