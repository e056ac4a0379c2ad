"""JSON shapes of units, bodies and users."""
import marshmallow as ma
from marshmallow import validate

from ntm_tasks.api.core import BaseSchema
from ntm_tasks.org.models import BodyKind, Role, UnitLevel


class UnitSchema(BaseSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = ma.fields.String(required=True, validate=validate.OneOf([lv.value for lv in UnitLevel]))
    parent_id = ma.fields.Integer(allow_none=True, load_default=None)
    code = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=20))
    standard_bodies = ma.fields.Boolean(load_only=True, load_default=True)
    merged_into_id = ma.fields.Integer(dump_only=True, allow_none=True)
    is_archived = ma.fields.Boolean(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class UnitQuerySchema(BaseSchema):
    parent_id = ma.fields.Integer()
    level = ma.fields.String(validate=validate.OneOf([lv.value for lv in UnitLevel]))
    q = ma.fields.String()
    include_archived = ma.fields.Boolean(load_default=False)
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class MergeSchema(BaseSchema):
    target_id = ma.fields.Integer(required=True)
    note = ma.fields.String(allow_none=True, load_default=None)


class MergeResultSchema(BaseSchema):
    id = ma.fields.Integer()
    source_unit_id = ma.fields.Integer()
    target_unit_id = ma.fields.Integer()
    merged_at = ma.fields.DateTime()
    note = ma.fields.String(allow_none=True)


class BodySchema(BaseSchema):
    id = ma.fields.Integer(dump_only=True)
    unit_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = ma.fields.String(required=True, validate=validate.OneOf([k.value for k in BodyKind]))
    short_name = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=60))
    is_archived = ma.fields.Boolean(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class UserSchema(BaseSchema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=128))
    full_name = ma.fields.String(load_default="", validate=validate.Length(max=200))
    email = ma.fields.Email(allow_none=True, load_default=None)
    role = ma.fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    unit_id = ma.fields.Integer(allow_none=True, load_default=None)
    body_ids = ma.fields.List(ma.fields.Integer(), load_default=list)
    is_active = ma.fields.Boolean(dump_only=True)
    version = ma.fields.Integer(dump_only=True)
