"""Web pages of the assignments package: my tasks, the task list, the task page and its actions, create, edit."""
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ntm_tasks import permissions as perm
from ntm_tasks.assignments import categories, services
from ntm_tasks.assignments.forms import (ACTION_LABELS, CATEGORY_LABELS, EXTENSION_LABELS, FIELD_LABELS,
                                         FREQ_CHOICES, HISTORY_LABELS, STATUS_LABELS, WEEKDAYS, ActionForm,
                                         ExtensionDecisionForm, ExtensionRequestForm, ProgressForm, TaskFilterForm,
                                         TaskForm, UploadForm)
from ntm_tasks.assignments.models import OPEN_STATUSES, ExtensionRequest, ProgressReport, Task
from ntm_tasks.assignments.queries import (attachment_visible, involving_body, order_overdue_first, task_page,
                                           with_bodies)
from ntm_tasks.assignments.workflow import ACTIONS
from ntm_tasks.attachments import ACCEPT_ATTRIBUTE, Attachment, send_attachment
from ntm_tasks.audit import history_of
from ntm_tasks.db import today
from ntm_tasks.errors import REFUSALS
from ntm_tasks.extensions import db
from ntm_tasks.forms import choices, place_errors, run_posted
from ntm_tasks.meetings.models import Meeting
from ntm_tasks.org.models import Body, Role, Unit
from ntm_tasks.org.services import units_in_tree
from ntm_tasks.web import format_date

bp = Blueprint("assignments", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assignments-static")
PER_PAGE = 50


@bp.before_request
@login_required
def _logged_in():
    """Every task page needs a login; what each shows is decided per task below."""


@bp.context_processor
def _helpers():
    as_of = today()

    def row_class(task: Task) -> str:
        """Overdue rows in red, those due within three days in amber."""
        if categories.overdue_days(task, as_of):
            return "table-danger"
        if task.status in OPEN_STATUSES and task.due_date and (task.due_date - as_of).days <= categories.DUE_SOON_DAYS:
            return "table-warning"
        return ""

    return {"recurrence_text": recurrence_text, "status_labels": STATUS_LABELS, "category_labels": CATEGORY_LABELS,
            "action_labels": ACTION_LABELS, "history_labels": HISTORY_LABELS, "extension_labels": EXTENSION_LABELS,
            "row_class": row_class,
            "category_of": lambda task: categories.category_of(task, as_of),
            "overdue_days": lambda task: categories.overdue_days(task, as_of)}


def recurrence_text(recurrence: dict) -> str:
    """ "Hàng tháng, ngày 25": a recurrence as people say it."""
    freq, day = recurrence.get("freq"), recurrence.get("day")
    label = str(dict(FREQ_CHOICES).get(freq, freq))
    if freq == "weekly":
        return f"{label}, {WEEKDAYS[day - 1]}" if day else f"{label}, {_('Chủ nhật')}"
    if freq == "yearly" and recurrence.get("month"):
        return f"{label}, " + (_("ngày %(day)s tháng %(month)s", day=day, month=recurrence["month"]) if day
                               else _("ngày cuối tháng %(month)s", month=recurrence["month"]))
    return f"{label}, " + (_("ngày %(day)s", day=day) if day else _("ngày cuối kỳ"))


def _task_or_404(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    return perm.require_visible(task, task is not None and perm.can_view_task(current_user, task))


def _task_page(task: Task) -> str:
    return url_for("assignments.detail", task_id=task.id)


# Where a service's field message goes on the task form.
FIELD_ALIASES = {"recurrence": "recurrence_freq", "criterion_codes": "criteria_text",
                 "coordinating_bodies": "coordinating_body_ids"}


def _body_choices(anchor: Unit | None) -> list[tuple[int, str]]:
    """Bodies a task of the anchor's subtree may name: the anchor's own first, then those below, then above."""
    query = sa.select(Body).join(Unit, Body.unit_id == Unit.id).where(Body.is_archived.is_(False))
    if anchor is not None:
        above = [int(i) for i in anchor.path.strip("/").split("/") if i and int(i) != anchor.id]
        query = query.where(sa.or_(Unit.path.startswith(anchor.path, autoescape=True), Unit.id.in_(above)))
        query = query.order_by(sa.case((Unit.id == anchor.id, 0), (Unit.id.in_(above), 2), else_=1))
    bodies = db.session.scalars(query.options(selectinload(Body.unit)).order_by(Unit.path, Body.id)).all()
    return [(b.id, b.display_name) for b in bodies]


def _history_rows(task: Task) -> list[dict]:
    """The task's history for the timeline: labelled actions, and changes with names instead of ids."""
    entries = history_of(task)
    body_ids = set()
    for entry in entries:
        for key in ("lead_body_id", "coordinating_body_ids"):
            for value in entry.changes.get(key, []):
                body_ids.update(value if isinstance(value, list) else [value])
    names = dict(db.session.execute(sa.select(Body.id, Body.name).where(
        Body.id.in_([i for i in body_ids if isinstance(i, int)]))).all()) if body_ids else {}
    meeting_ids = {v for e in entries for v in e.changes.get("carried_to_meeting_id", []) if isinstance(v, int)}
    titles = dict(db.session.execute(sa.select(Meeting.id, Meeting.title).where(
        Meeting.id.in_(meeting_ids))).all()) if meeting_ids else {}

    def show(key, value):
        if value is None or value == []:
            return "—"
        if key == "status":
            return STATUS_LABELS.get(value, value)
        if key == "extension":
            return EXTENSION_LABELS.get(value, value)
        if key in ("lead_body_id", "coordinating_body_ids"):
            return ", ".join(names.get(i, f"#{i}") for i in (value if isinstance(value, list) else [value]))
        if key == "carried_to_meeting_id":
            return titles.get(value, f"#{value}")
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            return format_date(date.fromisoformat(value))
        if isinstance(value, dict):
            return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
        if isinstance(value, list):  # criterion codes
            return ", ".join(map(str, value))
        return value

    return [{"at": e.at, "user": e.user, "action": e.action, "note": e.note,
             "label": ACTION_LABELS.get(e.action) or HISTORY_LABELS.get(e.action, e.action),
             "changes": [(FIELD_LABELS.get(k, k), show(k, old), show(k, new)) for k, (old, new) in e.changes.items()]}
            for e in entries]


# --- lists ----------------------------------------------------------------------------------------

@bp.route("/tasks/mine")
def mine():
    """The open tasks of the user's bodies, body by body, overdue first, due soon highlighted."""
    bodies = sorted(current_user.bodies, key=lambda b: b.id)
    groups = []
    if bodies:
        query = sa.select(Task).where(perm.task_filter(current_user), Task.status.in_(OPEN_STATUSES),
                                      sa.or_(*[involving_body(b.id) for b in bodies]))
        tasks = db.session.scalars(with_bodies(order_overdue_first(query, today()))).all()
        for body in bodies:
            rows = [(t, "lead" if t.lead_body_id == body.id else "coordinating") for t in tasks
                    if t.lead_body_id == body.id or any(c.id == body.id for c in t.coordinating_bodies)]
            groups.append((body, rows))
    return render_template("assignments/mine.html", groups=groups)


def _filter_choices(form: TaskFilterForm) -> None:
    everything = [(0, _("Tất cả"))]
    if current_user.role == Role.ASSIGNEE:
        units = []
        bodies = [(b.id, b.display_name) for b in sorted(current_user.bodies, key=lambda b: b.id)]
    else:
        units = [(u.id, u.name) for u in units_in_tree(current_user.unit)]
        bodies = _body_choices(current_user.unit)
    meetings = db.session.scalars(sa.select(Meeting).where(perm.meeting_filter(current_user))
                                  .order_by(Meeting.held_at.desc()).limit(200)).all()
    form.unit_id.choices = choices(everything + units)
    form.body_id.choices = choices(everything + bodies)
    form.meeting_id.choices = choices(everything + [(m.id, f"{m.title} ({format_date(m.held_at)})") for m in meetings])


@bp.route("/tasks")
def index():
    """Tasks the user may see, with filters (unit, body, status, group, overdue, due period, meeting, text)."""
    form = TaskFilterForm(request.args)
    _filter_choices(form)
    form.validate()
    args = {name: getattr(form, name).data for name in
            ("q", "unit_id", "body_id", "status", "category", "meeting_id", "due_after", "due_before")
            if not getattr(form, name).errors and getattr(form, name).data}
    if form.overdue.data:
        args["overdue"] = True
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    result = task_page(current_user, args, page, PER_PAGE)
    may_create = current_user.role in perm.EDITORS
    return render_template("assignments/index.html", form=form, result=result, may_create=may_create)


# --- one task -------------------------------------------------------------------------------------

@bp.route("/tasks/<int:task_id>")
def detail(task_id):
    """The task: fields, status and group, history, progress, evidence, extensions and the allowed actions."""
    task = _task_or_404(task_id)
    abilities = services.abilities(current_user, task)
    reports = db.session.scalars(sa.select(ProgressReport).where(ProgressReport.task_id == task.id)
                                 .options(selectinload(ProgressReport.user))
                                 .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())).all()
    files = db.session.scalars(sa.select(Attachment).where(Attachment.task_id == task.id,
                                                           Attachment.is_archived.is_(False))
                               .order_by(Attachment.id)).all()
    extensions = db.session.scalars(sa.select(ExtensionRequest).where(ExtensionRequest.task_id == task.id)
                                    .order_by(ExtensionRequest.id.desc())).all()
    occurrences = []
    if task.recurrence and task.series_id is None:
        occurrences = db.session.scalars(sa.select(Task).where(Task.series_id == task.id,
                                                               perm.task_filter(current_user))
                                         .order_by(Task.due_date.desc()).limit(24)).all()
    reassign_choices = _body_choices(task.unit) if "reassign" in abilities["actions"] else []
    return render_template(
        "assignments/detail.html", task=task, abilities=abilities, reports=reports, files=files,
        extensions=extensions, history=_history_rows(task), occurrences=occurrences, actions=ACTIONS,
        reassign_choices=reassign_choices, progress_form=ProgressForm(),
        upload_form=UploadForm(), extension_form=ExtensionRequestForm(), decision_form=ExtensionDecisionForm(),
        accept=ACCEPT_ATTRIBUTE)


@bp.route("/tasks/<int:task_id>/actions/<action>", methods=["POST"])
def act(task_id, action):
    """Take one workflow action from the task page."""
    task = _task_or_404(task_id)
    form = ActionForm()

    def run():
        lead_body = db.session.get(Body, form.lead_body_id.data) if form.lead_body_id.data else None
        services.transition(current_user, task, action, note=form.note.data, version=form.version.data,
                            lead_body=lead_body)
    return run_posted(form, run, done=_("Đã cập nhật: %(action)s.", action=ACTION_LABELS.get(action, action)),
                      back=_task_page(task))


@bp.route("/tasks/<int:task_id>/progress", methods=["POST"])
def progress(task_id):
    """Add a progress report."""
    task = _task_or_404(task_id)
    form = ProgressForm()
    return run_posted(form, lambda: services.add_progress(current_user, task, form.progress.data, form.note.data),
                      done=_("Đã ghi nhận báo cáo tiến độ."), back=_task_page(task))


@bp.route("/tasks/<int:task_id>/attachments", methods=["POST"])
def upload(task_id):
    """Attach an evidence file."""
    task = _task_or_404(task_id)
    form = UploadForm()
    return run_posted(form, lambda: services.add_attachment(current_user, task, form.file.data),
                      done=_("Đã tải lên tệp minh chứng."), back=_task_page(task))


@bp.route("/files/<int:attachment_id>")
def download(attachment_id):
    """Download a file of a task or meeting the user may see, always as an attachment."""
    attachment = db.session.get(Attachment, attachment_id)
    return send_attachment(perm.require_visible(attachment, attachment_visible(current_user, attachment)))


@bp.route("/tasks/<int:task_id>/extension-requests", methods=["POST"])
def request_extension(task_id):
    """Ask for a later due date."""
    task = _task_or_404(task_id)
    form = ExtensionRequestForm()
    return run_posted(
        form, lambda: services.request_extension(current_user, task, form.requested_due_date.data, form.reason.data),
        done=_("Đã gửi đề nghị gia hạn."), back=_task_page(task))


@bp.route("/extension-requests/<int:request_id>/decision", methods=["POST"])
def decide_extension(request_id):
    """The chair's decision on an extension request."""
    extension = db.session.get(ExtensionRequest, request_id)
    perm.require_visible(extension, extension is not None and perm.can_view_task(current_user, extension.task))
    form = ExtensionDecisionForm()
    return run_posted(
        form, lambda: services.decide_extension(current_user, extension, bool(form.approve.data), form.note.data),
        done=_("Đã chấp thuận gia hạn.") if form.approve.data else _("Đã không chấp thuận gia hạn."),
        back=_task_page(extension.task))


# --- create and edit ------------------------------------------------------------------------------

def _task_values(form: TaskForm) -> dict:
    """The service's keyword arguments from the form's fields."""
    lead = db.session.get(Body, form.lead_body_id.data) if form.lead_body_id.data else None
    coordinating = [db.session.get(Body, i) for i in form.coordinating_body_ids.data or []]
    return {"title": form.title.data, "description": form.description.data or None,
            "expected_output": form.expected_output.data or None, "lead_body": lead,
            "coordinating_bodies": [b for b in coordinating if b is not None], "due_date": form.due_date.data,
            "recurrence": form.recurrence(), "criterion_codes": form.codes()}


@bp.route("/tasks/new", methods=["GET", "POST"])
def create():
    """A task given directly (from a district plan, say) or added to a meeting, by a secretary or chair."""
    perm.require(current_user.role in perm.EDITORS)
    meeting = None
    if request.args.get("meeting_id", type=int):
        meeting = db.session.get(Meeting, request.args.get("meeting_id", type=int))
        perm.require_visible(meeting, meeting is not None and perm.can_view_meeting(current_user, meeting))
        perm.require(perm.can_edit_meetings(current_user, meeting.unit))
    form = TaskForm()
    del form.version
    if meeting is not None:
        del form.unit_id
    else:
        form.unit_id.choices = choices((u.id, u.name) for u in units_in_tree(current_user.unit))
        if current_user.unit_id and not form.is_submitted():
            form.unit_id.data = current_user.unit_id
    anchor = meeting.unit if meeting is not None else current_user.unit
    form.lead_body_id.choices = choices([(0, "—")] + _body_choices(anchor))
    form.coordinating_body_ids.choices = choices(_body_choices(anchor))
    if form.validate_on_submit():
        unit = meeting.unit if meeting is not None else db.session.get(Unit, form.unit_id.data)
        try:
            task = services.create_task(current_user, unit=unit, meeting=meeting, **_task_values(form))
        except REFUSALS as error:
            db.session.rollback()
            place_errors(form, error, FIELD_ALIASES)
        else:
            db.session.commit()
            flash(_("Đã tạo nhiệm vụ."), "success")
            return redirect(url_for("assignments.detail", task_id=task.id))
    title = _("Thêm nhiệm vụ cho cuộc họp %(title)s", title=meeting.title) if meeting else _("Giao nhiệm vụ trực tiếp")
    cancel = url_for("assignments.index")
    if meeting is not None and "meetings.detail" in current_app.view_functions:
        cancel = url_for("meetings.detail", meeting_id=meeting.id)
    return render_template("assignments/form.html", form=form, title=title, cancel=cancel)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
def edit(task_id):
    """Edit a task's fields (secretary or chair); a stale version is refused."""
    task = _task_or_404(task_id)
    perm.require(perm.can_manage_task(current_user, task))
    form = TaskForm(obj=task)
    del form.unit_id
    form.lead_body_id.choices = choices(_body_choices(task.unit))
    form.coordinating_body_ids.choices = choices(_body_choices(task.unit))
    if not form.is_submitted():
        form.coordinating_body_ids.data = [b.id for b in task.coordinating_bodies]
        form.criteria_text.data = ", ".join(task.criterion_codes)
        recurrence = task.recurrence or {}
        form.recurrence_freq.data = recurrence.get("freq", "")
        form.recurrence_day.data = recurrence.get("day")
        form.recurrence_month.data = recurrence.get("month")
        form.version.data = task.version
    if form.validate_on_submit():
        version = int(form.version.data) if str(form.version.data or "").isdigit() else None
        values = _task_values(form)
        try:
            services.update_task(current_user, task, version, **values)
        except REFUSALS as error:
            db.session.rollback()
            place_errors(form, error, FIELD_ALIASES)
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(_task_page(task))
    return render_template("assignments/form.html", form=form, title=_("Sửa nhiệm vụ"),
                           cancel=_task_page(task))
