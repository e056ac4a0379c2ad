"""JSON shapes of the oversight API: reports, criteria sets, assessments, dossiers, the calendar address."""
import marshmallow as ma
from marshmallow import validate

from ntm_tasks.api.core import BaseSchema, Dumped, Int, JsonBool, Text
from ntm_tasks.assignments.schemas import IsoDate, IsoDateTime, TaskSchema
from ntm_tasks.oversight.dossiers import ACTIONS
from ntm_tasks.oversight.models import CriteriaSetKind, DossierKind, DossierStatus
from ntm_tasks.oversight.reports import OVERDUE_LIMIT

# --- reports ----------------------------------------------------------------------------------------


class OverdueReportQuerySchema(BaseSchema):
    unit_id = Int(metadata={"description": "The unit (and every unit below it); default the caller's."})
    as_of = ma.fields.Date(metadata={"description": "Default today."})
    limit = Int(load_default=OVERDUE_LIMIT, validate=validate.Range(min=1, max=5000),
                              metadata={"description": f"At most this many overdue tasks (default {OVERDUE_LIMIT})."})


class MonthlyQuerySchema(BaseSchema):
    unit_id = Int(metadata={"description": "The unit (and every unit below it); default the caller's."})
    month = ma.fields.String(required=True, metadata={"description": "YYYY-MM"})


class ReportCountsSchema(BaseSchema):
    total = Int()
    completed_on_time = Int()
    completed_late = Int()
    in_progress_on_time = Int()
    in_progress_overdue = Int()
    due_soon = Int(metadata={"description": "Open and due within 3 days."})
    no_deadline = Int(metadata={"description": "Open without a due date."})


class ReportBodySchema(BaseSchema):
    id = Int()
    name = ma.fields.String()


class BodyCountsSchema(ReportCountsSchema):
    body = ma.fields.Nested(ReportBodySchema)

    class Meta(BaseSchema.Meta):
        ordered = True


class OverdueReportSchema(BaseSchema):
    as_of = IsoDate()
    totals = ma.fields.Nested(ReportCountsSchema)
    # Thousands of rows at province scale, built JSON-ready by reports.overdue_report and task_payload.
    by_body = Dumped(BodyCountsSchema, many=True)
    overdue = Dumped(TaskSchema, many=True, metadata={"description": "Most overdue first."})
    overdue_total = Int(metadata={"description": "All open overdue tasks, beyond `limit` too."})


# --- criteria ---------------------------------------------------------------------------------------


class CriteriaIndicatorSchema(BaseSchema):
    code = ma.fields.String()
    number = ma.fields.String()
    name = ma.fields.String()
    thresholds = ma.fields.Dict(allow_none=True, metadata={"description": "Per commune group, where they differ."})


class CriteriaCriterionSchema(CriteriaIndicatorSchema):
    indicators = ma.fields.List(ma.fields.Nested(CriteriaIndicatorSchema))


class CriteriaSetSchema(BaseSchema):
    code = ma.fields.String()
    name = ma.fields.String()
    in_force_from = IsoDate(allow_none=True)
    kind = ma.fields.String()
    decision = ma.fields.String(allow_none=True)
    province_unit_id = Int(allow_none=True)
    version = Int()
    criteria = ma.fields.List(ma.fields.Nested(CriteriaCriterionSchema))


class CriteriaSetListSchema(BaseSchema):
    items = ma.fields.List(ma.fields.Nested(CriteriaSetSchema))
    total = Int()
    page = Int()
    per_page = Int()


class CriteriaIndicatorInSchema(BaseSchema):
    code = Text(validate=validate.Length(min=1, max=60))
    name = Text(required=True, validate=validate.Length(min=1, max=1000))
    thresholds = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), allow_none=True)


class CriteriaCriterionInSchema(CriteriaIndicatorInSchema):
    indicators = ma.fields.List(ma.fields.Nested(CriteriaIndicatorInSchema), load_default=list)


class CriteriaSetCreateSchema(BaseSchema):
    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9.\-]{1,39}$", error=(
        "Chữ thường, số, dấu chấm hoặc gạch ngang; tối đa 40 ký tự.")))
    name = Text(required=True, validate=validate.Length(min=1, max=300))
    kind = ma.fields.String(required=True, validate=validate.OneOf([k.value for k in CriteriaSetKind]))
    decision = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    in_force_from = ma.fields.Date(allow_none=True, load_default=None)
    province_unit_id = Int(allow_none=True, load_default=None)
    criteria = ma.fields.List(ma.fields.Nested(CriteriaCriterionInSchema), required=True,
                              validate=validate.Length(min=1, max=200))


class CriteriaSummaryQuerySchema(BaseSchema):
    set = ma.fields.String(metadata={"description": "A set's code; default the national commune set in force."})
    as_of = ma.fields.Date(metadata={"description": "Default today."})


class CriteriaSummarySchema(BaseSchema):
    set = ma.fields.String()
    as_of = IsoDate()
    criteria_met = Int()
    criteria_total = Int()
    indicators_met = Int()
    indicators_total = Int()
    unmet = ma.fields.List(ma.fields.String(), metadata={"description": "Codes of the criteria not met."})


class AssessmentCreateSchema(BaseSchema):
    criterion_code = Text(required=True, validate=validate.Length(min=1, max=60))
    met = JsonBool(required=True)
    as_of = ma.fields.Date(load_default=None, metadata={"description": "Default today."})
    note = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=5000))


class AssessmentQuerySchema(BaseSchema):
    criterion_code = ma.fields.String()
    set = ma.fields.String()
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))


class OversightUserSchema(BaseSchema):
    id = Int()
    username = ma.fields.String()
    full_name = ma.fields.String()


class OversightFileSchema(BaseSchema):
    id = Int()
    filename = ma.fields.String()
    size = Int()
    content_type = ma.fields.String()


class AssessmentSchema(BaseSchema):
    id = Int()
    unit_id = Int()
    criterion_code = ma.fields.String()
    met = ma.fields.Boolean()
    as_of = IsoDate()
    note = ma.fields.String(allow_none=True)
    evidence = ma.fields.Nested(OversightFileSchema, allow_none=True)
    assessed_by = ma.fields.Nested(OversightUserSchema, allow_none=True)
    created_at = IsoDateTime()


# --- dossiers ---------------------------------------------------------------------------------------


DOSSIER_KINDS = [k.value for k in DossierKind]


class DossierKindField(ma.fields.String):
    """A dossier kind; the recognised standard alone ("ntm", "advanced", "model", "model_village") names it too."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.OneOf(DOSSIER_KINDS), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        full = f"recognition_{value}"
        return full if value not in DOSSIER_KINDS and full in DOSSIER_KINDS else value


class DossierCreateSchema(BaseSchema):
    unit_id = Int(required=True)
    kind = DossierKindField(required=True)
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    due_date = ma.fields.Date(required=True, allow_none=True)
    receiving_body_id = Int(allow_none=True, load_default=None)


class DossierQuerySchema(BaseSchema):
    unit_id = Int(metadata={"description": "The unit and every unit below it."})
    status = ma.fields.String(validate=validate.OneOf([s.value for s in DossierStatus]))
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))


class DossierTransitionSchema(BaseSchema):
    action = ma.fields.String(required=True, validate=validate.OneOf(list(ACTIONS)))
    note = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=5000))
    version = Int(required=True)
    decision_number = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=80))
    decision_date = ma.fields.Date(allow_none=True, load_default=None)


class ChecklistItemSchema(BaseSchema):
    id = Int()
    code = ma.fields.String()
    name = ma.fields.String()
    is_required = ma.fields.Boolean()
    supplied = ma.fields.Boolean()
    file = ma.fields.Nested(OversightFileSchema, allow_none=True)
    supplied_by = ma.fields.Nested(OversightUserSchema, allow_none=True)
    supplied_at = IsoDateTime(allow_none=True)
    note = ma.fields.String(allow_none=True)


class DossierHistorySchema(BaseSchema):
    at = IsoDateTime()
    user = ma.fields.Nested(OversightUserSchema, allow_none=True)
    action = ma.fields.String()
    changes = ma.fields.Dict()
    note = ma.fields.String(allow_none=True)


class DossierSchema(BaseSchema):
    id = Int()
    unit_id = Int()
    kind = ma.fields.String()
    title = ma.fields.String()
    due_date = IsoDate(allow_none=True)
    receiving_body = ma.fields.Nested(ReportBodySchema, allow_none=True)
    status = ma.fields.String()
    submitted_on = IsoDate(allow_none=True)
    decision_number = ma.fields.String(allow_none=True)
    decision_date = IsoDate(allow_none=True)
    version = Int()
    created_at = IsoDateTime()
    updated_at = IsoDateTime()
    checklist = ma.fields.List(ma.fields.Nested(ChecklistItemSchema))
    history = ma.fields.List(ma.fields.Nested(DossierHistorySchema), metadata={"description": "On the detail only."})


# --- calendar ---------------------------------------------------------------------------------------


class CalendarUrlSchema(BaseSchema):
    calendar_url = ma.fields.String()
