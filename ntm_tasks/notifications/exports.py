"""Long exports as jobs: the monthly report of a unit as Excel or CSV, produced by `run_export`.

The report itself is the oversight package's (`monthly_workbook`, `monthly_csv`). Files go to
EXPORT_FOLDER under a random name; only the requester, or someone whose scope covers the unit,
downloads them.
"""
import calendar
import logging
import os
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ntm_tasks import permissions as perm
from ntm_tasks.db import today, utcnow
from ntm_tasks.errors import Invalid, NotFound
from ntm_tasks.extensions import db
from ntm_tasks.jobs import enqueue, job
from ntm_tasks.notifications.models import ExportJob, ExportKind, ExportStatus

log = logging.getLogger(__name__)

KIND_LABELS = {ExportKind.MONTHLY_XLSX: _l("Báo cáo tháng (Excel)"), ExportKind.MONTHLY_CSV: _l("Danh sách nhiệm vụ tháng (CSV)")}
STATUS_LABELS = {ExportStatus.QUEUED: _l("Đang chờ"), ExportStatus.RUNNING: _l("Đang xử lý"), ExportStatus.DONE: _l("Hoàn thành"),
                 ExportStatus.FAILED: _l("Lỗi"), ExportStatus.EXPIRED: _l("Đã hết hạn lưu")}
CONTENT_TYPES = {ExportKind.MONTHLY_XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ExportKind.MONTHLY_CSV: "text/csv; charset=utf-8"}
EXTENSIONS = {ExportKind.MONTHLY_XLSX: "xlsx", ExportKind.MONTHLY_CSV: "csv"}


def parse_month(value: str | None) -> tuple[date, date]:
    """"YYYY-MM" -> (first day, last day), or Invalid naming the field."""
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        raise Invalid(_("Tháng không hợp lệ."), {"month": _("Dạng YYYY-MM, ví dụ 2024-08.")}) from None
    return first, date(year, month, calendar.monthrange(year, month)[1])


def get_visible(user, export_id: int) -> ExportJob:
    export = db.session.get(ExportJob, export_id)
    if export is None or not perm.can_see_export(user, export):
        raise NotFound(_("Không tìm thấy yêu cầu xuất báo cáo."))
    return export


def request_export(actor, *, unit, kind: str, month: str) -> ExportJob:
    """Queue an export (chair, secretary, viewer or admin of the unit's scope); an identical pending one is reused."""
    perm.require(actor.role in perm.READERS, _("Bạn không được xuất báo cáo."))
    if unit is None or not perm.can_request_export(actor, unit):
        raise Invalid(_("Đơn vị không tồn tại."), {"unit_id": _("Ngoài phạm vi của bạn.")})
    try:
        kind = ExportKind(kind)
    except ValueError:
        raise Invalid(_("Loại báo cáo không hợp lệ."), {"kind": _("Một trong %(kinds)s.", kinds=", ".join(k.value for k in ExportKind))}) from None
    first, _last = parse_month(month)
    month = first.strftime("%Y-%m")
    pending = db.session.scalar(sa.select(ExportJob).where(
        ExportJob.requested_by_id == actor.id, ExportJob.unit_id == unit.id, ExportJob.kind == kind,
        ExportJob.month == month, ExportJob.status.in_((ExportStatus.QUEUED, ExportStatus.RUNNING))))
    if pending is not None:
        return pending
    export = ExportJob(kind=kind, unit_id=unit.id, month=month, requested_by_id=actor.id, status=ExportStatus.QUEUED)
    db.session.add(export)
    db.session.flush()
    enqueue(run_export, export.id)
    return export


def exports_of(user, limit: int = 20) -> list[ExportJob]:
    return list(db.session.scalars(sa.select(ExportJob).where(ExportJob.requested_by_id == user.id)
                                   .order_by(ExportJob.id.desc()).limit(limit)))


def file_path(export: ExportJob) -> str | None:
    if not export.file_name:
        return None
    return os.path.join(current_app.config["EXPORT_FOLDER"], export.file_name)


def download_name(export: ExportJob) -> str:
    from ntm_tasks.text import fold

    slug = "-".join(fold(export.unit.name).split()) or "don-vi"
    return f"bao-cao-{slug}-{export.month}.{EXTENSIONS[export.kind]}"


def _set_progress(export: ExportJob, progress: int) -> None:
    """Record progress in its own commit, so the page polling the status sees it move."""
    export.progress = max(0, min(100, progress))
    db.session.commit()


@job
def run_export(export_id: int) -> str | None:
    """Produce the file of an export; a done export is left alone, a failed or stuck one is made again."""
    export = db.session.get(ExportJob, export_id)
    if export is None:
        return None
    path = file_path(export)
    if export.status == ExportStatus.DONE and path and os.path.exists(path):
        return export.file_name
    if export.status == ExportStatus.EXPIRED:
        return None
    export.status, export.started_at, export.error = ExportStatus.RUNNING, utcnow(), None
    _set_progress(export, 5)
    try:
        _first, last = parse_month(export.month)
        content = _produce(export, min(last, today()))
        _set_progress(export, 90)
        folder = current_app.config["EXPORT_FOLDER"]
        os.makedirs(folder, exist_ok=True)
        name = f"{export.id}-{secrets.token_hex(8)}.{EXTENSIONS[export.kind]}"
        temporary = os.path.join(folder, name + ".part")
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, os.path.join(folder, name))
    except Exception as error:
        db.session.rollback()
        export = db.session.get(ExportJob, export_id)
        export.status, export.error, export.finished_at = ExportStatus.FAILED, str(error)[:2000], utcnow()
        db.session.commit()
        raise
    old = path
    export.file_name, export.status, export.progress, export.finished_at = name, ExportStatus.DONE, 100, utcnow()
    db.session.commit()
    if old and os.path.exists(old):
        os.remove(old)
    return name


def _produce(export: ExportJob, as_of: date) -> bytes:
    """The report's bytes, made by the oversight package's monthly report."""
    from ntm_tasks.oversight import reports

    if export.kind == ExportKind.MONTHLY_XLSX:
        return reports.monthly_workbook(export.unit_id, export.month, as_of=as_of)
    text = reports.monthly_csv(export.unit_id, export.month, as_of=as_of)
    return text.encode("utf-8") if text.startswith("\ufeff") else text.encode("utf-8-sig")


def expire_old_exports(as_of: date) -> int:
    """Remove export files older than EXPORT_KEEP_DAYS; their rows stay, marked expired."""
    cutoff = utcnow() - timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    expired = 0
    for export in db.session.scalars(sa.select(ExportJob).where(ExportJob.status == ExportStatus.DONE,
                                                                ExportJob.finished_at < cutoff)):
        path = file_path(export)
        if path and os.path.exists(path):
            os.remove(path)
        export.status, export.file_name = ExportStatus.EXPIRED, None
        expired += 1
    db.session.flush()
    return expired
