"""API routes of the oversight package (mounted under /api/v1): reports, criteria, dossiers, the calendar."""
import sqlalchemy as sa
from flask import Response
from flask_smorest.fields import Upload

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import BaseSchema, Blueprint, actor, page_schema, paginate
from ntm_tasks.assignments.schemas import history_payload
from ntm_tasks.db import today
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Role, Unit
from ntm_tasks.oversight import calendar, criteria, dossiers, reports
from ntm_tasks.oversight.models import Dossier, DossierItem
from ntm_tasks.oversight.schemas import (AssessmentCreateSchema, AssessmentQuerySchema, AssessmentSchema,
                                         CalendarUrlSchema, CriteriaSetCreateSchema, CriteriaSetListSchema,
                                         CriteriaSetSchema, CriteriaSummaryQuerySchema, CriteriaSummarySchema,
                                         DossierCreateSchema, DossierQuerySchema, DossierSchema,
                                         DossierTransitionSchema, MonthlyQuerySchema, OverdueReportQuerySchema,
                                         OverdueReportSchema, OversightFileSchema)
from ntm_tasks.oversight.views import ensure_sets  # the one-time load of the shipped sets, shared with the pages

bp = Blueprint("oversight_api", __name__, description="Oversight: reports, criteria, dossiers, calendar")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DossierFileUploadSchema(BaseSchema):
    file = Upload(required=True)


# --- loading ----------------------------------------------------------------------------------------

def visible_unit(unit_id: int) -> Unit:
    """The unit if the caller may see it, else 404."""
    unit = db.session.get(Unit, unit_id)
    return perm.require_visible(unit, unit is not None and perm.unit_in_scope(actor(), unit))


def _report_unit(unit_id: int | None) -> Unit | None:
    """The unit a report covers: the one asked for (404 if not visible) or the caller's; 403 for assignees."""
    user = actor()
    unit = visible_unit(unit_id) if unit_id is not None else user.unit
    perm.require(perm.can_view_oversight(user), "Chỉ trưởng ban, thư ký và người theo dõi xem báo cáo.")
    return unit


def visible_dossier(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    return perm.require_visible(dossier, dossier is not None and perm.can_view_dossier(actor(), dossier))


# --- payloads ---------------------------------------------------------------------------------------

def _user_ref(user) -> dict | None:
    return {"id": user.id, "username": user.username, "full_name": user.full_name} if user else None


def _file_ref(attachment) -> dict | None:
    if attachment is None:
        return None
    return {"id": attachment.id, "filename": attachment.filename, "size": attachment.size,
            "content_type": attachment.content_type}


def assessment_payload(assessment) -> dict:
    return {"id": assessment.id, "unit_id": assessment.unit_id, "criterion_code": assessment.criterion.code,
            "met": assessment.is_met, "as_of": assessment.assessed_on, "note": assessment.note,
            "evidence": _file_ref(assessment.evidence), "assessed_by": _user_ref(assessment.assessed_by),
            "created_at": assessment.created_at}


def dossier_payload(dossier: Dossier, with_history: bool = False) -> dict:
    body = dossier.receiving_body
    data = {
        "id": dossier.id, "unit_id": dossier.unit_id, "kind": dossier.kind.value, "title": dossier.title,
        "due_date": dossier.due_date, "receiving_body": {"id": body.id, "name": body.name} if body else None,
        "status": dossier.status.value, "submitted_on": dossier.submitted_on,
        "decision_number": dossier.decision_number, "decision_date": dossier.decision_date,
        "version": dossier.version, "created_at": dossier.created_at, "updated_at": dossier.updated_at,
        "checklist": [{
            "id": item.id, "code": item.code, "name": item.name, "is_required": item.is_required,
            "supplied": item.is_supplied, "file": _file_ref(item.file), "supplied_by": _user_ref(item.supplied_by),
            "supplied_at": item.supplied_at, "note": item.note,
        } for item in dossier.items],
    }
    if with_history:
        data["history"] = history_payload(dossier)
    return data


# --- reports ----------------------------------------------------------------------------------------

@bp.route("/reports/overdue")
@bp.arguments(OverdueReportQuerySchema, location="query")
@bp.response(200, OverdueReportSchema)
def overdue_report(args):
    """Status-group totals, figures per lead body and the open overdue tasks of a unit and the units below it."""
    unit = _report_unit(args.get("unit_id"))
    return reports.overdue_report(unit, args.get("as_of") or today(), args["limit"])


def _monthly_unit(args) -> Unit:
    unit = _report_unit(args.get("unit_id"))
    if unit is None:
        raise Invalid("Cần chọn đơn vị.", {"unit_id": "Bắt buộc."})
    reports.parse_month(args["month"])
    return unit


@bp.route("/reports/monthly.xlsx")
@bp.arguments(MonthlyQuerySchema, location="query")
@bp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX,
             description="The monthly progress report as an Excel workbook.")
def monthly_xlsx(args):
    """The month's progress report of a unit and the units below it, as Excel."""
    unit = _monthly_unit(args)
    data = reports.monthly_workbook(unit.id, args["month"])
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="bao-cao-thang-{args["month"]}-{unit.id}.xlsx"'})


@bp.route("/reports/monthly.csv")
@bp.arguments(MonthlyQuerySchema, location="query")
@bp.response(200, {"type": "string"}, content_type="text/csv", description="The same report as CSV.")
def monthly_csv(args):
    """The month's progress report as CSV (UTF-8)."""
    unit = _monthly_unit(args)
    data = reports.monthly_csv(unit.id, args["month"])
    return Response(data.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="bao-cao-thang-{args["month"]}-{unit.id}.csv"'})


# --- criteria ---------------------------------------------------------------------------------------

@bp.route("/criteria-sets")
@bp.response(200, CriteriaSetListSchema)
def list_criteria_sets():
    """The national criteria sets and the provincial ones the caller may read, with criteria and indicators."""
    ensure_sets()
    items = [criteria.set_payload(s) for s in criteria.visible_sets(actor())]
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


@bp.route("/criteria-sets", methods=["POST"])
@bp.arguments(CriteriaSetCreateSchema)
@bp.response(201, CriteriaSetSchema)
def create_criteria_set(data):
    """Add a set (admin), e.g. a province's model-village set; missing codes are made from the set's."""
    user = actor()
    perm.require(user.role == Role.ADMIN, "Chỉ quản trị viên được thêm bộ tiêu chí.")
    province = None
    if data["province_unit_id"] is not None:
        province = db.session.get(Unit, data["province_unit_id"])
        if province is None or not perm.unit_in_scope(user, province):
            raise Invalid("Không có đơn vị này.", {"province_unit_id": f"Không có đơn vị {data['province_unit_id']}."})
    criteria_set = criteria.create_criteria_set(
        user, code=data["code"], name=data["name"], kind=data["kind"], criteria=data["criteria"],
        decision=data["decision"], in_force_from=data["in_force_from"], province=province)
    db.session.commit()
    return criteria.set_payload(criteria_set)


@bp.route("/units/<int:unit_id>/assessments", methods=["POST"])
@bp.arguments(AssessmentCreateSchema)
@bp.response(201, AssessmentSchema)
def create_assessment(data, unit_id):
    """Record whether the unit meets a criterion or indicator as of a date (secretary, chair)."""
    unit = visible_unit(unit_id)
    ensure_sets()
    assessment = criteria.record_assessment(actor(), unit, criterion_code=data["criterion_code"], met=data["met"],
                                            as_of=data["as_of"], note=data["note"])
    db.session.commit()
    return assessment_payload(assessment)


@bp.route("/units/<int:unit_id>/assessments")
@bp.arguments(AssessmentQuerySchema, location="query")
@bp.response(200, page_schema(AssessmentSchema, "AssessmentPage"))
def list_assessments(args, unit_id):
    """The unit's assessments, newest first."""
    unit = visible_unit(unit_id)
    perm.require(perm.can_view_oversight(actor()))
    criteria_set = criteria.set_by_code(actor(), args["set"]) if args.get("set") else None
    query = criteria.assessments_query(unit, args.get("criterion_code"), criteria_set)
    return paginate(query, args["page"], args["per_page"], loader=lambda rows: [assessment_payload(a) for a in rows])


@bp.route("/units/<int:unit_id>/criteria-summary")
@bp.arguments(CriteriaSummaryQuerySchema, location="query")
@bp.response(200, CriteriaSummarySchema)
def criteria_summary(args, unit_id):
    """Criteria and indicators met as of a date (default today).

    Each criterion and indicator takes its own latest assessment on or before the date; it is met when that
    assessment says met (one never stands in for the other). `unmet` lists the codes of the criteria not met.
    """
    unit = visible_unit(unit_id)
    perm.require(perm.can_view_oversight(actor()))
    ensure_sets()
    as_of = args.get("as_of") or today()
    if args.get("set"):
        criteria_set = criteria.set_by_code(actor(), args["set"])
    else:
        criteria_set = criteria.default_set(as_of)
    return {"set": criteria_set.code, "as_of": as_of, **criteria.summary(unit, criteria_set, as_of)}


# --- dossiers ---------------------------------------------------------------------------------------

@bp.route("/dossiers", methods=["POST"])
@bp.arguments(DossierCreateSchema)
@bp.response(201, DossierSchema)
def create_dossier(data):
    """Open a recognition dossier with its checklist (secretary, chair)."""
    user = actor()
    perm.require(user.role in perm.EDITORS, "Chỉ thư ký hoặc trưởng ban được lập hồ sơ.")
    unit = db.session.get(Unit, data["unit_id"])
    if unit is None or not perm.unit_in_scope(user, unit):
        raise Invalid("Đơn vị không tồn tại.", {"unit_id": f"Không có đơn vị {data['unit_id']}."})
    dossier = dossiers.create_dossier(user, unit, kind=data["kind"], title=data["title"], due_date=data["due_date"],
                                      receiving_body_id=data["receiving_body_id"])
    db.session.commit()
    return dossier_payload(dossier, with_history=True)


@bp.route("/dossiers")
@bp.arguments(DossierQuerySchema, location="query")
@bp.response(200, page_schema(DossierSchema, "DossierPage"))
def list_dossiers(args):
    """Dossiers of a unit and the units below it (default the caller's scope), the nearest due first."""
    user = actor()
    perm.require(perm.can_view_oversight(user))
    query = sa.select(Dossier).join(Unit, Unit.id == Dossier.unit_id).where(
        Dossier.is_archived.is_(False), perm.unit_scope_clause(user, Dossier.unit_id))
    if args.get("unit_id") is not None:
        unit = visible_unit(args["unit_id"])
        query = query.where(Unit.path.startswith(unit.path, autoescape=True))
    if args.get("status"):
        query = query.where(Dossier.status == args["status"])
    query = query.order_by(Dossier.due_date.is_(None), Dossier.due_date, Dossier.id)
    return paginate(query, args["page"], args["per_page"], loader=lambda rows: [dossier_payload(d) for d in rows])


@bp.route("/dossiers/<int:dossier_id>")
@bp.response(200, DossierSchema)
def get_dossier(dossier_id):
    """One dossier with its checklist and history."""
    return dossier_payload(visible_dossier(dossier_id), with_history=True)


@bp.route("/dossiers/<int:dossier_id>/transitions", methods=["POST"])
@bp.arguments(DossierTransitionSchema)
@bp.response(200, DossierSchema)
def dossier_transition(data, dossier_id):
    """submit, return (note required), accept, recognize (with decision_number and decision_date when known)."""
    dossier = visible_dossier(dossier_id)
    dossiers.transition(actor(), dossier, data["action"], version=data["version"], note=data["note"],
                        decision_number=data["decision_number"], decision_date=data["decision_date"])
    db.session.commit()
    return dossier_payload(dossier, with_history=True)


@bp.route("/dossiers/<int:dossier_id>/items/<int:item_id>/file", methods=["POST"])
@bp.arguments(DossierFileUploadSchema, location="files")
@bp.response(201, OversightFileSchema)
def upload_dossier_file(files, dossier_id, item_id):
    """File a checklist document (multipart `file`, at most 20 MB); it replaces the item's previous file."""
    dossier = visible_dossier(dossier_id)
    item = db.session.get(DossierItem, item_id)
    perm.require_visible(item, item is not None and item.dossier_id == dossier.id)
    attachment = dossiers.supply_item(actor(), item, files["file"])
    db.session.commit()
    return _file_ref(attachment)


# --- calendar ---------------------------------------------------------------------------------------

@bp.route("/calendar/<token>.ics")
@bp.response(200, {"type": "string"}, content_type="text/calendar",
             description="The deadlines visible to the token's owner, as iCalendar.")
@bp.doc(security=[])
def calendar_feed(token):
    """The caller's deadlines as iCalendar; the token in the address is the secret (no bearer token)."""
    user = calendar.user_for_token(token)
    perm.require_visible(user, user is not None)
    return Response(calendar.build_feed(user), mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="nhiem-vu-ntm.ics"',
                             "Cache-Control": "private, max-age=300"})


@bp.route("/me/calendar-token", methods=["POST"])
@bp.response(200, CalendarUrlSchema)
def reset_calendar_token():
    """Replace the caller's calendar token; the old address stops working."""
    url = calendar.reset_calendar_token(actor())
    db.session.commit()
    return {"calendar_url": url}
