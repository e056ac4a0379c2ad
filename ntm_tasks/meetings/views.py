"""Web pages of the meetings package: list, record, conclusions (paste, check, save), publish, the notice."""
import re
from datetime import datetime, time

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import paginate
from ntm_tasks.attachments import ACCEPT_ATTRIBUTE, Attachment, send_attachment
from ntm_tasks.db import LOCAL_TZ, local, today
from ntm_tasks.errors import DomainError, Invalid
from ntm_tasks.extensions import db
from ntm_tasks.forms import place_errors
from ntm_tasks.meetings import services
from ntm_tasks.meetings.forms import (FIVE_CLEAR_LABELS, FREQ_LABELS, KIND_LABELS, STATUS_LABELS, AttachmentForm,
                                      CarryOverForm, ConclusionsForm, FilterForm, MeetingForm, PublishForm,
                                      VersionForm)
from ntm_tasks.meetings.models import Meeting, MeetingStatus
from ntm_tasks.org.models import Body, Unit

bp = Blueprint("meetings", __name__, url_prefix="/meetings", template_folder="templates",
               static_folder="static", static_url_path="/static")
PER_PAGE = 20


@bp.before_request
@login_required
def _logged_in():
    """Every meetings page needs a login; what each shows is decided per object below."""


@bp.context_processor
def _helpers():
    from ntm_tasks.assignments.services import TASK_STATUS_LABELS

    return {"kind_label": lambda k: KIND_LABELS.get(str(k), k), "status_label": lambda s: STATUS_LABELS.get(str(s), s),
            "task_status_label": lambda s: TASK_STATUS_LABELS.get(s, s), "freq_labels": FREQ_LABELS,
            "five_clear_labels": FIVE_CLEAR_LABELS,
            "action_label": lambda a: ACTION_LABELS.get(a, a), "paragraphs": services.paragraphs}


ACTION_LABELS = {"created": _l("Tạo"), "updated": _l("Sửa"), "published": _l("Ban hành thông báo"),
                 "archived": _l("Lưu trữ"), "conclusions_added": _l("Thêm kết luận"),
                 "attachment_added": _l("Thêm tệp"), "attachment_archived": _l("Gỡ tệp"),
                 "tasks_carried_over": _l("Chuyển tiếp nhiệm vụ")}


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    return perm.require_visible(meeting, meeting is not None and perm.can_view_meeting(current_user, meeting))


def _require_editor(meeting: Meeting) -> None:
    perm.require(perm.can_edit_meetings(current_user, meeting.unit))


# Where a service's field message goes on the page form.
FIELD_ALIASES = {"held_at": "held_on", "participants": "participant_ids"}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _body_choices(unit: Unit) -> list[SelectChoice]:
    """Bodies a meeting of the unit may name, grouped by unit: its own first, then those below, then above."""
    from ntm_tasks.web import LEVEL_LABELS

    order = {"own": 0, "child": 1, "above": 2}
    refs = sorted(services.candidate_bodies(unit), key=lambda r: order[r.relation])
    return [SelectChoice(ref.id, ref.name, optgroup=f"{LEVEL_LABELS.get(ref.unit_level, '')} {ref.unit_name}".strip())
            for ref in refs]


# --- list -----------------------------------------------------------------------------------------

@bp.route("/")
def index():
    form = FilterForm(formdata=request.args)
    units = [u for u in db.session.scalars(
        sa.select(Unit).where(perm.unit_scope_clause(current_user, Unit.id), Unit.level != "village",
                              Unit.is_archived.is_(False)).order_by(Unit.path))]
    from ntm_tasks.web import unit_label

    form.unit_id.choices = [(0, _("Tất cả"))] + [(u.id, unit_label(u)) for u in units]
    page = request.args.get("page", 1, type=int) or 1
    result = {"items": [], "total": 0, "page": 1, "per_page": PER_PAGE}
    if form.validate():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        if unit is not None and not perm.unit_in_scope(current_user, unit):
            unit = None
        query = services.meetings_query(current_user, unit=unit, q=form.q.data, kind=form.kind.data or None,
                                        date_from=form.date_from.data, date_to=form.date_to.data)
        result = paginate(query, max(page, 1), PER_PAGE)
    progress = {m.id: services.follow_through(m) for m in result["items"] if m.status == MeetingStatus.PUBLISHED}
    return render_template("meetings/index.html", form=form, result=result, progress=progress,
                           can_create=bool(services.editable_units(current_user)))


# --- create and edit ------------------------------------------------------------------------------

def _held_at(form) -> datetime | None:
    if form.held_on.data is None:
        return None
    return datetime.combine(form.held_on.data, form.held_time.data or time(services.DEFAULT_HOUR), tzinfo=LOCAL_TZ)


def _meeting_values(form) -> dict:
    return {"title": form.title.data, "kind": form.kind.data, "held_at": _held_at(form),
            "location": form.location.data, "chair": form.chair.data, "participant_ids": form.participant_ids.data,
            "guests": _lines(form.guests.data), "legal_bases": _lines(form.legal_bases.data),
            "summary": form.summary.data, "difficulties": form.difficulties.data}


@bp.route("/new", methods=["GET", "POST"])
def create():
    units = services.editable_units(current_user)
    perm.require(bool(units), _("Chỉ thư ký hoặc trưởng ban được ghi cuộc họp."))
    from ntm_tasks.web import unit_label

    form = MeetingForm()
    form.unit_id.choices = [(u.id, unit_label(u)) for u in units]
    chosen = next((u for u in units if u.id == (form.unit_id.data or request.args.get("unit_id", type=int))),
                  current_user.unit if current_user.unit in units else units[0])
    form.participant_ids.choices = _body_choices(chosen)
    if not form.is_submitted():
        form.unit_id.data = chosen.id
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(current_user, unit=chosen, **_meeting_values(form))
        except DomainError as error:
            place_errors(form, error, FIELD_ALIASES)
        else:
            db.session.commit()
            flash(_("Đã ghi cuộc họp."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, title=_("Ghi cuộc họp mới"),
                           cancel=url_for("meetings.index"))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    _require_editor(meeting)
    form = MeetingForm(obj=meeting)
    del form.unit_id
    form.participant_ids.choices = _body_choices(meeting.unit)
    if not form.is_submitted():
        held = local(meeting.held_at)
        form.held_on.data, form.held_time.data = held.date(), held.time().replace(second=0, microsecond=0)
        form.participant_ids.data = [b.id for b in meeting.participants]
        form.guests.data = "\n".join(meeting.guests or [])
        form.legal_bases.data = "\n".join(d.title or d.number for d in meeting.documents)
        form.version.data = meeting.version
    if form.validate_on_submit():
        try:
            services.update_meeting(current_user, meeting, form.version.data, **_meeting_values(form))
        except DomainError as error:
            place_errors(form, error, FIELD_ALIASES)
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting, title=_("Sửa cuộc họp"),
                           cancel=url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/archive", methods=["POST"])
def archive(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    _require_editor(meeting)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            services.archive_meeting(current_user, meeting, form.version.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã lưu trữ cuộc họp."), "success")
            return redirect(url_for("meetings.index"))
    else:
        flash(_("Phiên làm việc đã hết hạn; hãy thử lại."), "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


# --- the meeting page -----------------------------------------------------------------------------

@bp.route("/<int:meeting_id>")
def detail(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    editor = perm.can_edit_meetings(current_user, meeting.unit)
    tasks = services.meeting_tasks(meeting, current_user)
    by_conclusion: dict[int | None, list] = {}
    for task in tasks:
        by_conclusion.setdefault(task.conclusion_id, []).append(task)
    draft = meeting.status == MeetingStatus.DRAFT
    earlier = services.open_tasks_from_earlier(meeting) if draft and editor else []
    from ntm_tasks.audit import history_of

    return render_template(
        "meetings/detail.html", meeting=meeting, editor=editor, by_conclusion=by_conclusion, tasks=tasks,
        checks={t.id: services.five_clear(t) for t in tasks if t.status == "draft"},
        progress=services.follow_through(meeting), attachments=services.meeting_attachments(meeting),
        earlier=earlier, carried=services.carried_tasks(meeting), history=history_of(meeting) if editor else [],
        attachment_form=AttachmentForm(), carry_form=CarryOverForm(), archive_form=VersionForm(version=meeting.version),
        accept=ACCEPT_ATTRIBUTE,
    )


@bp.route("/<int:meeting_id>/attachments", methods=["POST"])
def upload(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    _require_editor(meeting)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.add_attachment(current_user, meeting, form.file.data)
        except DomainError as error:
            flash(error.fields.get("file") or error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã tải tệp lên."), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors) or _("Chưa chọn tệp."), "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/attachments/<int:attachment_id>")
def attachment(meeting_id, attachment_id):
    meeting = _meeting_or_404(meeting_id)
    item = db.session.get(Attachment, attachment_id)
    perm.require_visible(item, item is not None and item.meeting_id == meeting.id and not item.is_archived)
    return send_attachment(item)


@bp.route("/<int:meeting_id>/carry-over", methods=["POST"])
def carry_over(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    _require_editor(meeting)
    form = CarryOverForm()
    if form.validate_on_submit():
        try:
            tasks = services.carry_over(current_user, meeting, form.task_ids.data)
        except DomainError as error:
            flash(error.fields.get("task_ids") or error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã chuyển tiếp %(n)s nhiệm vụ vào cuộc họp này.", n=len(tasks)), "success")
    else:
        flash(_("Chọn ít nhất một nhiệm vụ."), "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="carry-over"))


# --- conclusions: paste, check side by side, save -------------------------------------------------

def _item_data(parsed) -> dict:
    recurrence = parsed.recurrence or {}
    return {
        "include": True, "number": parsed.number, "addressee": parsed.addressee, "text": parsed.text,
        "unmatched": "\n".join(parsed.unmatched), "title": "",
        "lead_body_ids": [b["id"] for b in parsed.bodies if b["role"] == "lead"],
        "coordinating_body_ids": [b["id"] for b in parsed.bodies if b["role"] == "coordinating"],
        "due_date": parsed.due_date, "recurrence_freq": recurrence.get("freq") or "",
        "recurrence_day": recurrence.get("day"), "recurrence_month": recurrence.get("month"), "expected_output": "",
    }


def _item_from_form(entry) -> dict:
    freq = entry.recurrence_freq.data
    recurrence = None
    if freq:
        recurrence = {"freq": freq, "day": entry.recurrence_day.data}
        if freq == "yearly":
            recurrence["month"] = entry.recurrence_month.data
    return {
        "number": entry.number.data or None, "addressee": entry.addressee.data or None, "text": entry.text.data,
        "title": entry.title.data or None, "expected_output": entry.expected_output.data or None,
        "bodies": [{"id": i, "role": "lead"} for i in entry.lead_body_ids.data]
        + [{"id": i, "role": "coordinating"} for i in entry.coordinating_body_ids.data
           if i not in entry.lead_body_ids.data],
        "lead_body_ids": entry.lead_body_ids.data, "due_date": entry.due_date.data, "recurrence": recurrence,
    }


ITEM_ALIASES = {"bodies": "lead_body_ids", "text": "text", "due_date": "due_date", "recurrence": "recurrence_freq",
                "title": "title", "lead_body_id": "lead_body_ids", "coordinating_body_ids": "coordinating_body_ids",
                "expected_output": "expected_output"}


def _place_item_errors(form, error: DomainError, included: list[int]) -> None:
    """"items.2.bodies" from the service is the third saved item: find its entry on the form."""
    for name, message in error.fields.items():
        parts = name.split(".")
        if len(parts) >= 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(included):
            entry = form.items[included[int(parts[1])]]
            target = getattr(entry, ITEM_ALIASES.get(parts[2], "text"))
            target.errors = [*target.errors, message]
        elif name == "text":
            form.text.errors = [*form.text.errors, message]
    flash(error.message, "error")


@bp.route("/<int:meeting_id>/conclusions", methods=["GET", "POST"])
def conclusions(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    _require_editor(meeting)
    choices = _body_choices(meeting.unit)
    form = _with_choices(ConclusionsForm(), choices)
    if form.is_submitted() and form.parse.data:
        form.validate()  # the items under the text are about to be replaced: only the text and CSRF matter
        if not form.csrf_token.errors and not form.text.errors:
            try:
                parsed = services.parse_for_meeting(meeting, form.text.data)
            except DomainError as error:
                place_errors(form, error, FIELD_ALIASES)
            else:
                form = _with_choices(ConclusionsForm(formdata=None, data={
                    "text": form.text.data, "items": [_item_data(p) for p in parsed]}), choices)
                if not parsed:
                    form.text.errors = [_("Không đọc được mục kết luận nào.")]
    elif form.save.data and form.validate_on_submit():
        included = [i for i, entry in enumerate(form.items) if entry.include.data]
        try:
            if not included:
                raise Invalid(_("Chưa chọn mục nào để lưu."), {"items": _("Cần ít nhất một mục.")})
            saved, tasks = services.save_conclusions(
                current_user, meeting, items=[_item_from_form(form.items[i]) for i in included])
        except DomainError as error:
            db.session.rollback()
            _place_item_errors(form, error, included)
        else:
            db.session.commit()
            flash(_("Đã lưu %(c)s kết luận, %(t)s nhiệm vụ dự thảo.", c=len(saved), t=len(tasks)), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    checks = [services.preview_five_clear(_item_from_form(entry)) for entry in form.items]
    own = choices[0].optgroup if choices else None
    labels = {c.value: c.label if c.optgroup == own else f"{c.label} ({c.optgroup})" for c in choices}
    return render_template("meetings/conclusions.html", meeting=meeting, form=form, checks=checks,
                           existing=len(meeting.conclusions), body_labels=labels)


def _with_choices(form: ConclusionsForm, choices) -> ConclusionsForm:
    for entry in form.items:
        entry.lead_body_ids.choices = choices
        entry.coordinating_body_ids.choices = choices
    return form


# --- publishing and the notice --------------------------------------------------------------------

@bp.route("/<int:meeting_id>/publish", methods=["GET", "POST"])
def publish(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    _require_editor(meeting)
    form = PublishForm(data={"notice_number": meeting.notice_number, "version": meeting.version}
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.publish_meeting(current_user, meeting, form.notice_number.data, form.version.data)
        except DomainError as error:
            db.session.rollback()
            place_errors(form, error, {**FIELD_ALIASES, "status": "notice_number"})
        else:
            db.session.commit()
            flash(_("Đã ban hành thông báo kết luận; nhiệm vụ đã được giao."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    tasks = services.meeting_tasks(meeting)
    drafts = [t for t in tasks if t.status == "draft"]
    return render_template("meetings/publish.html", meeting=meeting, form=form, drafts=drafts,
                           checks={t.id: services.five_clear(t) for t in drafts})


_LEVEL_WORDS = {"province": "tỉnh", "district": "huyện", "commune": "xã", "village": "thôn"}
_HONORIFIC = re.compile(r"^(?:đồng chí|đ/c|ông|bà)\s+", re.IGNORECASE)


def _notice_header(meeting: Meeting) -> dict:
    """Who issues and signs the notice: the steering committee for its own meetings, else the People's Committee."""
    unit_name = f"{_LEVEL_WORDS.get(str(meeting.unit.level), '')} {meeting.unit.name}".strip().upper()
    chair = (meeting.chair or "").strip()
    signer = _HONORIFIC.sub("", chair.split(",")[0]).strip()
    chair_phrase = (chair[:1].lower() + chair[1:] if _HONORIFIC.match(chair) else chair) or _("đồng chí chủ trì")
    if meeting.kind == "steering_meeting":
        return {"top": _("UBND %(unit)s", unit=unit_name), "name": _("BAN CHỈ ĐẠO XÂY DỰNG NÔNG THÔN MỚI"),
                "symbol": "BCĐ", "sign_for": _("TM. BAN CHỈ ĐẠO"), "sign_title": _("TRƯỞNG BAN"), "signer": signer,
                "chair_phrase": chair_phrase}
    return {"top": _("ỦY BAN NHÂN DÂN"), "name": unit_name, "symbol": "UBND", "sign_for": _("TM. ỦY BAN NHÂN DÂN"),
            "sign_title": _("CHỦ TỊCH"), "signer": signer, "chair_phrase": chair_phrase}


@bp.route("/<int:meeting_id>/notice")
def notice(meeting_id):
    """The conclusion notice laid out as the official document, ready to print or save as PDF."""
    meeting = _meeting_or_404(meeting_id)
    recipients: dict[int, Body] = {}
    for task in services.meeting_tasks(meeting):
        for body in [task.lead_body, *task.coordinating_bodies]:
            recipients.setdefault(body.id, body)
    participants = [b.name if b.unit_id == meeting.unit_id else f"{b.name} {b.unit.name}"
                    for b in meeting.participants] + list(meeting.guests or [])
    issued = local(meeting.published_at).date() if meeting.published_at else today()
    return render_template("meetings/notice.html", meeting=meeting, recipients=list(recipients.values()),
                           participants=participants, issued=issued, header=_notice_header(meeting),
                           carried=services.carried_tasks(meeting), held=local(meeting.held_at))
