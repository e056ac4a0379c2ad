"""Web pages of the notifications package: the bell, the list, settings, exports and the admins' job page."""
import os

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import paginate
from ntm_tasks.errors import DomainError
from ntm_tasks.extensions import db
from ntm_tasks.forms import place_errors
from ntm_tasks.notifications import exports, services
from ntm_tasks.notifications.forms import ExportForm, SettingsForm
from wtforms.fields.choices import SelectChoice
from ntm_tasks.notifications.models import ExportStatus, JobRecord, JobStatus
from ntm_tasks.org.models import Unit
from ntm_tasks.web import task_url

bp = Blueprint("notifications", __name__, template_folder="templates", static_folder="static",
               static_url_path="/notifications-static")

PER_PAGE = 30


@bp.app_context_processor
def _bell():
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return services.unread_count(current_user)

    return {"unread_notifications": unread_notifications}


def _back(default: str) -> str:
    """A local `next` address, or the default."""
    from ntm_tasks.web import is_local_path

    target = request.form.get("next") or ""
    return target if is_local_path(target) else default


# --- notifications --------------------------------------------------------------------------------

@bp.route("/notifications")
@login_required
def index():
    unread = request.args.get("unread") in ("1", "true")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    result = paginate(services.notifications_query(current_user, unread), page, PER_PAGE)
    return render_template("notifications/index.html", result=result, unread=unread, per_page=PER_PAGE)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id):
    services.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(_back(url_for("notifications.index")))


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_(notification_id):
    """Mark read and go to what the notification is about."""
    note = services.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(task_url(note.task_id) or url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("Đã đánh dấu %(n)s thông báo là đã đọc.", n=count), "success")
    return redirect(_back(url_for("notifications.index")))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        services.update_settings(current_user, email=form.email.data,
                                 email_notifications=form.email_notifications.data)
        db.session.commit()
        flash(_("Đã lưu cài đặt."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form,
                           mail_enabled=bool(current_app.config.get("MAIL_SERVER")))


# --- exports --------------------------------------------------------------------------------------

def _export_form() -> ExportForm:
    from ntm_tasks.org.services import units_in_tree
    from ntm_tasks.web import unit_label

    form = ExportForm()
    root_depth = current_user.unit.path.count("/") if current_user.unit else 2
    form.unit_id.choices = [SelectChoice(u.id, "— " * (u.path.count("/") - root_depth) + unit_label(u))
                            for u in units_in_tree(current_user.unit) if u.level != "village"]
    if request.method == "GET":
        from ntm_tasks.db import today

        form.month.data = form.month.data or today().strftime("%Y-%m")
        form.unit_id.data = current_user.unit_id
    return form


def _readers_only():
    if current_user.role not in perm.READERS:
        abort(403)


@bp.route("/exports", methods=["GET", "POST"])
@login_required
def export_index():
    _readers_only()
    form = _export_form()
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        try:
            export = exports.request_export(current_user, unit=unit, kind=form.kind.data, month=form.month.data)
        except DomainError as error:
            db.session.rollback()
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã nhận yêu cầu xuất báo cáo."), "success")
            return redirect(url_for("notifications.export_detail", export_id=export.id))
    return render_template("notifications/exports.html", form=form, rows=exports.exports_of(current_user),
                           labels=exports.KIND_LABELS, status_labels=exports.STATUS_LABELS)


@bp.route("/exports/<int:export_id>")
@login_required
def export_detail(export_id):
    export = exports.get_visible(current_user, export_id)
    return render_template("notifications/export_detail.html", export=export, labels=exports.KIND_LABELS,
                           status_labels=exports.STATUS_LABELS)


@bp.route("/exports/<int:export_id>/status")
@login_required
def export_status(export_id):
    """The small JSON the export page polls."""
    export = exports.get_visible(current_user, export_id)
    done = export.status == ExportStatus.DONE
    return jsonify({"id": export.id, "status": export.status.value, "label": str(exports.STATUS_LABELS[export.status]),
                    "progress": export.progress,
                    "download_url": url_for("notifications.export_download", export_id=export.id) if done else None,
                    "error": export.error if export.status == ExportStatus.FAILED else None})


@bp.route("/exports/<int:export_id>/download")
@login_required
def export_download(export_id):
    export = exports.get_visible(current_user, export_id)
    path = exports.file_path(export)
    if export.status != ExportStatus.DONE or not path or not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype=exports.CONTENT_TYPES[export.kind], as_attachment=True,
                     download_name=exports.download_name(export))


# --- the admins' view of the jobs -----------------------------------------------------------------

def _admins_only():
    if not perm.can_watch_jobs(current_user):
        abort(403)


def _rq_overview() -> dict | None:
    """Queues, failed and scheduled jobs, workers and cron schedulers, read from Redis."""
    if not current_app.config.get("REDIS_URL"):
        return None
    from redis.exceptions import RedisError
    from rq import Worker
    from rq.cron import CronScheduler
    from rq.job import Job
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    from ntm_tasks.jobs import get_queue

    try:
        queue = get_queue()
        failed_registry = FailedJobRegistry(queue=queue)
        failed = []
        for rq_job in Job.fetch_many(failed_registry.get_job_ids(0, 49), connection=queue.connection):
            if rq_job is None:
                continue
            result = rq_job.latest_result()
            exc = ((result.exc_string if result is not None else None) or "").strip().splitlines()
            failed.append({"id": rq_job.id, "func": rq_job.func_name, "ended_at": rq_job.ended_at,
                           "error": exc[-1] if exc else ""})
        return {
            "queue": queue.name, "queued": queue.count, "failed_count": failed_registry.count,
            "started": StartedJobRegistry(queue=queue).count, "scheduled": ScheduledJobRegistry(queue=queue).count,
            "failed": failed,
            "workers": [{"name": w.name, "state": w.get_state(), "current": w.get_current_job_id()}
                        for w in Worker.all(queue=queue)],
            "crons": [{"name": c.name, "jobs": [(j.name, j.cron or f"{j.interval}s", j.next_enqueue_time)
                                                for j in c.get_jobs()]}
                      for c in CronScheduler.all(queue.connection)],
        }
    except RedisError as error:  # Redis down: say so instead of failing the page
        return {"error": str(error)}


@bp.route("/admin/rq")
@bp.route("/admin/jobs")
@login_required
def admin_jobs():
    _admins_only()
    status = request.args.get("status")
    query = sa.select(JobRecord).order_by(JobRecord.started_at.desc(), JobRecord.id.desc()).limit(100)
    if status in {s.value for s in JobStatus}:
        query = query.where(JobRecord.status == status)
    return render_template("notifications/admin_jobs.html", records=db.session.scalars(query).all(),
                           status=status, statuses=[s.value for s in JobStatus], rq=_rq_overview())


@bp.route("/admin/jobs/failed/<job_id>/requeue", methods=["POST"])
@login_required
def admin_requeue(job_id):
    _admins_only()
    if not current_app.config.get("REDIS_URL"):
        abort(404)
    from redis.exceptions import RedisError
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.registry import FailedJobRegistry

    from ntm_tasks.jobs import get_queue

    try:
        FailedJobRegistry(queue=get_queue()).requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError):
        abort(404)
    except RedisError as error:  # Redis down: say so on the jobs page rather than fail
        flash(_("Không kết nối được Redis: %(error)s", error=error), "error")
        return redirect(url_for("notifications.admin_jobs"))
    flash(_("Đã đưa công việc %(id)s vào hàng đợi lại.", id=job_id), "success")
    return redirect(url_for("notifications.admin_jobs"))
