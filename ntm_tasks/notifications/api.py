"""API routes of the notifications package (mounted under /api/v1): the caller's notifications and exports."""
import os

import marshmallow as ma
from flask import abort, send_file, url_for
from marshmallow import validate

from ntm_tasks.api.core import BaseSchema, Blueprint, Int, actor, page_schema, paginate
from ntm_tasks.db import local
from ntm_tasks.extensions import db
from ntm_tasks.notifications import exports, services
from ntm_tasks.notifications.models import ExportKind, ExportStatus, NotificationKind
from ntm_tasks.org.models import Unit

bp = Blueprint("notifications_api", __name__, description="The caller's notifications and report exports")


class NotificationSchema(BaseSchema):
    id = Int()
    kind = ma.fields.String(validate=validate.OneOf([k.value for k in NotificationKind]))
    task_id = Int(allow_none=True)
    message = ma.fields.String()
    created_at = ma.fields.Function(lambda n: local(n.created_at).isoformat())
    read = ma.fields.Boolean(attribute="is_read")


class NotificationQuerySchema(BaseSchema):
    unread = ma.fields.Boolean(load_default=False)
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))


class ReadAllSchema(BaseSchema):
    updated = Int()


class ExportRequestSchema(BaseSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf([k.value for k in ExportKind]))
    unit_id = Int(required=True)
    month = ma.fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                                    error="Dạng YYYY-MM."))


class ExportSchema(BaseSchema):
    id = Int()
    kind = ma.fields.String()
    unit_id = Int()
    month = ma.fields.String()
    status = ma.fields.String(validate=validate.OneOf([s.value for s in ExportStatus]))
    progress = Int()
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.Function(lambda e: local(e.created_at).isoformat())
    finished_at = ma.fields.Function(lambda e: local(e.finished_at).isoformat() if e.finished_at else None)
    download_url = ma.fields.Function(
        lambda e: url_for("notifications_api.export_file", export_id=e.id) if e.status == ExportStatus.DONE else None)


@bp.route("/notifications")
@bp.arguments(NotificationQuerySchema, location="query")
@bp.response(200, page_schema(NotificationSchema, "NotificationPage"))
def list_notifications(args):
    """The caller's notifications, newest first; `unread=true` keeps the unread ones."""
    return paginate(services.notifications_query(actor(), args["unread"]), args["page"], args["per_page"])


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@bp.response(200, NotificationSchema)
def read_notification(notification_id):
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    note = services.mark_read(actor(), notification_id)
    db.session.commit()
    return note


@bp.route("/notifications/read-all", methods=["POST"])
@bp.response(200, ReadAllSchema)
def read_all_notifications():
    """Mark every notification of the caller read."""
    count = services.mark_all_read(actor())
    db.session.commit()
    return {"updated": count}


@bp.route("/exports", methods=["POST"])
@bp.arguments(ExportRequestSchema)
@bp.response(202, ExportSchema)
def create_export(data):
    """Queue the monthly report of a unit (Excel or CSV) as a job; poll the export, then fetch its file."""
    export = exports.request_export(actor(), unit=db.session.get(Unit, data["unit_id"]), kind=data["kind"],
                                    month=data["month"])
    db.session.commit()
    return export


@bp.route("/exports/<int:export_id>")
@bp.response(200, ExportSchema)
def get_export(export_id):
    """An export's status and progress (its requester, or a reader whose scope covers the unit)."""
    return exports.get_visible(actor(), export_id)


@bp.route("/exports/<int:export_id>/file")
@bp.response(200, description="The exported file")
def export_file(export_id):
    """The file of a finished export."""
    export = exports.get_visible(actor(), export_id)
    path = exports.file_path(export)
    if export.status != ExportStatus.DONE or not path or not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype=exports.CONTENT_TYPES[export.kind], as_attachment=True,
                     download_name=exports.download_name(export))
