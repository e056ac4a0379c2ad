"""Rules for tasks: creation, the workflow, progress, extensions. Services flush; the request commits."""
import calendar
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ntm_tasks import permissions as perm
from ntm_tasks.assignments.models import (OPEN_STATUSES, ExtensionRequest, ExtensionStatus, ProgressReport,
                                          StatusCategory, Task, TaskCriterion, TaskStatus)
from ntm_tasks.assignments.workflow import ACTIONS
from ntm_tasks.audit import apply_changes, record
from ntm_tasks.db import today, utcnow
from ntm_tasks.errors import Conflict, Forbidden, Invalid, check_version
from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import NotificationKind
from ntm_tasks.notifications.services import assignees_of, notify
from ntm_tasks.org.models import Body
from ntm_tasks.oversight.criteria import check_codes
from ntm_tasks.text import fold

RECURRENCE_FREQS = ("weekly", "monthly", "quarterly", "semiannual", "yearly")
EDITABLE_FIELDS = {"title", "description", "expected_output", "due_date", "recurrence", "responsible_user_id"}
STATUS_CATEGORY_LABELS = {
    StatusCategory.COMPLETED_ON_TIME: _l("Hoàn thành đúng hạn"), StatusCategory.COMPLETED_LATE: _l("Hoàn thành quá hạn"),
    StatusCategory.IN_PROGRESS_ON_TIME: _l("Đang thực hiện trong hạn"),
    StatusCategory.IN_PROGRESS_OVERDUE: _l("Đang thực hiện quá hạn"),
}
TASK_STATUS_LABELS = {
    TaskStatus.DRAFT: _l("Dự thảo"), TaskStatus.ASSIGNED: _l("Đã giao"), TaskStatus.IN_PROGRESS: _l("Đang thực hiện"),
    TaskStatus.DECLINED: _l("Từ chối"), TaskStatus.SUBMITTED: _l("Chờ duyệt"), TaskStatus.COMPLETED: _l("Hoàn thành"),
    TaskStatus.CANCELLED: _l("Đã hủy"),
}


def check_recurrence(recurrence: dict | None) -> dict | None:
    """A valid recurrence {"freq", "day", "month"?} or Invalid."""
    if not recurrence:
        return None
    freq, day, month = recurrence.get("freq"), recurrence.get("day"), recurrence.get("month")
    if freq not in RECURRENCE_FREQS:
        raise Invalid(_("Chu kỳ không hợp lệ."), {"recurrence": _("freq phải là một trong %(values)s.", values=", ".join(RECURRENCE_FREQS))})
    limit = 7 if freq == "weekly" else 31
    if day is not None and (not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= limit):
        raise Invalid(_("Ngày của chu kỳ không hợp lệ."), {"recurrence": _("day phải từ 1 đến %(limit)s.", limit=limit)})
    result = {"freq": freq, "day": day}
    if freq == "yearly":
        if month is not None and (not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12):
            raise Invalid(_("Tháng của chu kỳ không hợp lệ."), {"recurrence": _("month phải từ 1 đến 12.")})
        if day is not None and month is not None and day > calendar.monthrange(2024, month)[1]:  # a leap year
            raise Invalid(_("Ngày của chu kỳ không hợp lệ."), {"recurrence": _("Tháng %(month)s không có ngày %(day)s.",
                                                                              month=month, day=day)})
        result["month"] = month
    return result


def _related(giver_unit, body: Body) -> bool:
    """A body may take part when its unit lies in the giving unit's subtree or above it."""
    path = body.unit.path
    return path.startswith(giver_unit.path) or giver_unit.path.startswith(path)


def _check_bodies(giver_unit, lead_body: Body | None, coordinating: list[Body]) -> None:
    """The bodies lie in the giving unit's subtree or above it; a body is not both lead and coordinating."""
    if lead_body is None:
        raise Invalid(_("Thiếu cơ quan chủ trì."), {"lead_body_id": _("Bắt buộc.")})
    if lead_body.is_archived:
        raise Invalid(_("Cơ quan đã ngừng sử dụng."), {"lead_body_id": _("Cơ quan đã lưu trữ.")})
    if not _related(giver_unit, lead_body):
        raise Invalid(_("Cơ quan chủ trì không thuộc đơn vị này."), {"lead_body_id": _("Ngoài đơn vị giao việc.")})
    for body in coordinating:
        if body.is_archived or not _related(giver_unit, body):
            raise Invalid(_("Cơ quan phối hợp không hợp lệ."),
                          {"coordinating_body_ids": _("Cơ quan %(id)s ngoài đơn vị giao việc hoặc đã lưu trữ.", id=body.id)})
    if any(b.id == lead_body.id for b in coordinating):
        raise Invalid(_("Cơ quan chủ trì không đồng thời phối hợp."), {"coordinating_body_ids": _("Trùng cơ quan chủ trì.")})


def refresh_search_text(task: Task) -> None:
    """Fold the task's texts into `search_text`, which search matches without diacritics."""
    task.search_text = fold(" ".join(filter(None, [task.title, task.description, task.expected_output])))


def create_task(actor, *, unit, lead_body: Body | None, title: str, description: str | None = None,
                coordinating_bodies=(), due_date: date | None = None, recurrence: dict | None = None,
                expected_output: str | None = None, criterion_codes=(), meeting=None, conclusion=None,
                responsible_user=None) -> Task:
    """Create a task given by `unit` (the meeting's unit); draft while its meeting is a draft, else assigned."""
    from ntm_tasks.db import local
    from ntm_tasks.meetings.models import MeetingStatus

    perm.require(perm.can_edit_meetings(actor, unit))
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Thiếu tên nhiệm vụ."), {"title": _("Bắt buộc.")})
    coordinating = list(coordinating_bodies)
    _check_bodies(unit, lead_body, coordinating)
    if meeting is not None and due_date is not None and due_date < local(meeting.held_at).date():
        raise Invalid(_("Thời hạn trước ngày họp."), {"due_date": _("Phải từ ngày họp trở đi.")})
    criterion_codes = check_codes(actor, criterion_codes)
    draft = meeting is not None and meeting.status == MeetingStatus.DRAFT
    task = Task(
        unit_id=unit.id, lead_unit_id=lead_body.unit_id, meeting_id=meeting.id if meeting else None,
        conclusion_id=conclusion.id if conclusion else None, title=title[:300], description=description,
        expected_output=expected_output, lead_body_id=lead_body.id, due_date=due_date, original_due_date=due_date,
        recurrence=check_recurrence(recurrence), responsible_user_id=responsible_user.id if responsible_user else None,
        status=TaskStatus.DRAFT if draft else TaskStatus.ASSIGNED, assigned_on=None if draft else today(),
        created_by_id=actor.id,
    )
    task.lead_body, task.coordinating_bodies = lead_body, coordinating  # the answer shows them: not read back
    task.criteria = [TaskCriterion(criterion_code=code) for code in criterion_codes]
    refresh_search_text(task)
    db.session.add(task)
    db.session.flush()
    record(task, actor, "created", {"status": [None, task.status], "title": [None, task.title],
                                    "lead_body_id": [None, lead_body.id], "due_date": [None, due_date]})
    if not draft:
        notify_assigned(task)
    return task


def update_task(actor, task: Task, version: int | None, **values) -> Task:
    """Edit a task's fields (secretary or chair); every change lands in the history."""
    perm.require(perm.can_manage_task(actor, task))
    check_version(task, version)
    if task.status in (TaskStatus.COMPLETED, TaskStatus.CANCELLED):
        raise Conflict(_("Nhiệm vụ đã đóng; hãy mở lại trước khi sửa."))
    coordinating = values.pop("coordinating_bodies", None)
    lead_body = values.pop("lead_body", None)
    codes = values.pop("criterion_codes", None)
    if codes is not None:
        codes = sorted(check_codes(actor, codes))  # a set: the order given does not count
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:  # the status and the dates of the workflow change only through transition()
        raise TypeError(f"update_task() cannot set {', '.join(sorted(unknown))}")
    if "recurrence" in values:
        values["recurrence"] = check_recurrence(values["recurrence"])
    if "title" in values:
        values["title"] = (values["title"] or "").strip()[:300]
        if not values["title"]:
            raise Invalid(_("Thiếu tên nhiệm vụ."), {"title": _("Bắt buộc.")})
    if "due_date" in values and task.status == TaskStatus.DRAFT:
        values["original_due_date"] = values["due_date"]  # before issue, the date is still being drafted
    new_lead = lead_body if lead_body is not None and lead_body.id != task.lead_body_id else None
    coordinating_changed = coordinating is not None and (
        {b.id for b in coordinating} != {b.id for b in task.coordinating_bodies})
    if new_lead is not None or coordinating_changed:
        _check_bodies(task.unit, new_lead or task.lead_body,
                      coordinating if coordinating is not None else task.coordinating_bodies)
    changes = apply_changes(task, values)
    if new_lead is not None:
        changes["lead_body_id"] = [task.lead_body_id, new_lead.id]
        task.lead_body_id, task.lead_unit_id = new_lead.id, new_lead.unit_id
        task.lead_body = new_lead
    if coordinating_changed:
        changes["coordinating_body_ids"] = [[b.id for b in task.coordinating_bodies], [b.id for b in coordinating]]
        task.coordinating_bodies = list(coordinating)
    if codes is not None and codes != task.criterion_codes:
        changes["criterion_codes"] = [task.criterion_codes, codes]
        task.criteria = [TaskCriterion(criterion_code=c) for c in codes]
    if changes:
        refresh_search_text(task)
        record(task, actor, "updated", changes)
        db.session.flush()
        if new_lead is not None and task.status != TaskStatus.DRAFT:
            notify_assigned(task)
    return task


def _may_take(actor, task: Task, who: str) -> bool:
    if who == "lead_assignee":
        return perm.is_lead_assignee(actor, task)
    if who == "editor":
        return perm.can_manage_task(actor, task)
    return perm.is_chair_for(actor, task)


def allowed_actions(actor, task: Task) -> list[str]:
    """The workflow actions this user may take on the task now (for buttons; transition() checks again)."""
    return [name for name, a in ACTIONS.items() if task.status in a.sources and _may_take(actor, task, a.actor)]


def transition(actor, task: Task, action: str, note: str | None = None, version: int | None = None,
               lead_body: Body | None = None) -> Task:
    """Apply one workflow action: checks role and scope (403), version and status (409), note (422)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Invalid(_("Thao tác không hợp lệ."), {"action": _("Phải là một trong %(values)s.", values=", ".join(ACTIONS))})
    if not _may_take(actor, task, spec.actor):
        raise Forbidden(_("Bạn không được thực hiện thao tác này với nhiệm vụ này."))
    check_version(task, version)
    if task.status not in spec.sources:
        raise Conflict(_("Không thể thực hiện thao tác này khi nhiệm vụ đang ở trạng thái “%(status)s”.",
                         status=TASK_STATUS_LABELS[task.status]),
                       {"action": _("Không áp dụng cho trạng thái %(status)s.", status=task.status.value)})
    note = (note or "").strip() or None
    if spec.note_required and not note:
        raise Invalid(_("Cần ghi rõ lý do."), {"note": _("Bắt buộc với thao tác này.")})
    if action == "reassign":
        if lead_body is None:
            raise Invalid(_("Cần chọn cơ quan chủ trì mới."), {"lead_body_id": _("Bắt buộc.")})
        if lead_body.id == task.lead_body_id:
            raise Invalid(_("Hãy giao cho một cơ quan khác."), {"lead_body_id": _("Trùng cơ quan đã từ chối.")})
        # "Not ours, the Farmers' Association's": a coordinating body named the new lead stops coordinating.
        coordinating = [b for b in task.coordinating_bodies if b.id != lead_body.id]
        _check_bodies(task.unit, lead_body, coordinating)
    # Every check is done: only now does the task change, so a refused action leaves nothing behind.
    changes = {"status": [task.status, spec.target]}
    task.status = spec.target
    if action == "reassign":
        changes["lead_body_id"] = [task.lead_body_id, lead_body.id]
        if len(coordinating) != len(task.coordinating_bodies):
            changes["coordinating_body_ids"] = [[b.id for b in task.coordinating_bodies], [b.id for b in coordinating]]
            task.coordinating_bodies = coordinating
        task.lead_body_id, task.lead_unit_id = lead_body.id, lead_body.unit_id
        task.lead_body = lead_body
        task.assigned_on = today()
    elif action == "submit":
        changes["submitted_on"] = [task.submitted_on, today()]
        task.submitted_on = today()
    elif action == "approve":
        changes["completed_on"] = [task.completed_on, today()]
        task.completed_on = today()
        if task.progress != 100:
            changes["progress"] = [task.progress, 100]
            task.progress = 100
    elif action == "reopen":
        changes["completed_on"] = [task.completed_on, None]
        task.completed_on = None
    record(task, actor, action, changes, note)
    db.session.flush()
    _notify_after(task, action, note)
    return task


def notify_assigned(task: Task) -> None:
    """Tell the assignees of the task's bodies that it is theirs."""
    notify(assignees_of([task.lead_body_id, *[b.id for b in task.coordinating_bodies]]), NotificationKind.ASSIGNED,
           f"Nhiệm vụ mới: {task.title}", task)


def _notify_after(task: Task, action: str, note: str | None) -> None:
    if action == "reassign":
        notify_assigned(task)
    elif action in ("approve", "return"):
        kind = NotificationKind.APPROVED if action == "approve" else NotificationKind.RETURNED
        verb = "đã được duyệt" if action == "approve" else "bị trả lại"
        notify(assignees_of([task.lead_body_id]), kind, f"Nhiệm vụ {verb}: {task.title}"
               + (f" ({note})" if note else ""), task)


def issue_drafts(actor, tasks) -> list[Task]:
    """Publishing a meeting: its draft tasks become assigned and their assignees are told."""
    issued = []
    for task in tasks:
        if task.status != TaskStatus.DRAFT:
            continue
        task.status = TaskStatus.ASSIGNED
        task.assigned_on = today()
        record(task, actor, "assigned", {"status": [TaskStatus.DRAFT, TaskStatus.ASSIGNED]})
        issued.append(task)
    db.session.flush()
    for task in issued:
        notify_assigned(task)
    return issued


def add_progress(actor, task: Task, progress, note: str | None) -> ProgressReport:
    """A progress report by an assignee of the lead or a coordinating body, while the task is open."""
    if not perm.can_report_progress(actor, task):
        raise Forbidden(_("Chỉ đầu mối cơ quan chủ trì hoặc phối hợp được báo cáo tiến độ."))
    if task.status not in OPEN_STATUSES:
        raise Conflict(_("Nhiệm vụ không còn mở."), {"progress": _("Trạng thái %(status)s.", status=task.status.value)})
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        raise Invalid(_("Tiến độ phải từ 0 đến 100."), {"progress": _("Phải là số nguyên từ 0 đến 100.")})
    report = ProgressReport(task_id=task.id, user_id=actor.id, progress=progress, note=(note or "").strip())
    db.session.add(report)
    changes = {}
    if perm.is_lead_assignee(actor, task) and task.progress != progress:
        # The lead body's figure is the task's; a coordinating body's report is recorded beside it.
        changes["progress"] = [task.progress, progress]
        task.progress = progress
    record(task, actor, "progress", changes or {"progress_report": [None, progress]}, report.note or None)
    db.session.flush()
    return report


def request_extension(actor, task: Task, requested_due_date: date | None, reason: str | None) -> ExtensionRequest:
    """Ask for a later due date: the lead body's assignee, or a secretary or chair on its behalf."""
    if not perm.can_request_extension(actor, task):
        raise Forbidden(_("Chỉ cơ quan chủ trì (hoặc thư ký, trưởng ban) được xin gia hạn."))
    if task.status not in OPEN_STATUSES:
        raise Conflict(_("Nhiệm vụ không còn mở."), {"requested_due_date": _("Trạng thái %(status)s.", status=task.status.value)})
    if requested_due_date is None:
        raise Invalid(_("Thiếu ngày đề nghị."), {"requested_due_date": _("Bắt buộc.")})
    if task.due_date is not None and requested_due_date <= task.due_date:
        raise Invalid(_("Ngày đề nghị phải sau thời hạn hiện tại."),
                      {"requested_due_date": _("Phải sau %(date)s.", date=task.due_date.strftime("%d/%m/%Y"))})
    if requested_due_date < today():
        raise Invalid(_("Ngày đề nghị đã qua."), {"requested_due_date": _("Không được trước hôm nay.")})
    if not (reason or "").strip():
        raise Invalid(_("Cần nêu lý do xin gia hạn."), {"reason": _("Bắt buộc.")})
    if pending_extension(task) is not None:
        raise Conflict(_("Đã có một đề nghị gia hạn đang chờ quyết định."), {"requested_due_date": _("Đang chờ duyệt.")})
    request = ExtensionRequest(task_id=task.id, requested_due_date=requested_due_date, reason=reason.strip(),
                               previous_due_date=task.due_date, requested_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    record(task, actor, "extension_requested", {"requested_due_date": [task.due_date, requested_due_date]},
           reason.strip())
    return request


def decide_extension(actor, request: ExtensionRequest, approve: bool, note: str | None = None,
                     version: int | None = None) -> ExtensionRequest:
    """The chair approves (the due date in force changes, the original stays) or refuses."""
    task = request.task
    if not perm.is_chair_for(actor, task):
        raise Forbidden(_("Chỉ trưởng ban quyết định gia hạn."))
    if version is not None:
        check_version(request, version)
    if request.status != ExtensionStatus.PENDING:
        raise Conflict(_("Đề nghị đã được quyết định."), {"approve": _("Đã %(status)s.", status=request.status.value)})
    if approve and task.status not in OPEN_STATUSES:
        raise Conflict(_("Nhiệm vụ không còn mở; chỉ có thể từ chối."), {"approve": _("Trạng thái %(status)s.", status=task.status.value)})
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    request.decision_note = (note or "").strip() or None
    changes = {"extension": [None, request.status]}
    if approve:
        changes["due_date"] = [task.due_date, request.requested_due_date]
        request.previous_due_date = task.due_date
        task.due_date = request.requested_due_date
    record(task, actor, "extension_approved" if approve else "extension_refused", changes, request.decision_note)
    db.session.flush()
    verdict = "được chấp thuận" if approve else "không được chấp thuận"
    notify(assignees_of([task.lead_body_id]), NotificationKind.EXTENSION_DECIDED,
           f"Đề nghị gia hạn {verdict}: {task.title}", task)
    return request


def may_attach(actor, task: Task) -> bool:
    """Editors in scope attach files at any time; assignees of the task's bodies while it is open."""
    return perm.can_manage_task(actor, task) or (
        perm.can_attach_evidence(actor, task) and task.status in OPEN_STATUSES)


def add_attachment(actor, task: Task, upload):
    """Store an evidence file for the task (size and type checked) and note it in the history."""
    from ntm_tasks.attachments import store_upload

    if not perm.can_attach_evidence(actor, task):
        raise Forbidden(_("Bạn không được đính kèm tệp cho nhiệm vụ này."))
    if not may_attach(actor, task):
        raise Conflict(_("Nhiệm vụ không còn mở."), {"file": _("Trạng thái %(status)s.", status=task.status.value)})
    attachment = store_upload(upload, actor, task_id=task.id)
    record(task, actor, "attachment_added", {"attachment": [None, attachment.filename]})
    db.session.flush()
    return attachment


def pending_extension(task: Task) -> ExtensionRequest | None:
    """The task's extension request still waiting for the chair, if any."""
    return db.session.scalar(sa.select(ExtensionRequest).where(
        ExtensionRequest.task_id == task.id, ExtensionRequest.status == ExtensionStatus.PENDING))


def abilities(actor, task: Task) -> dict:
    """What the user may do on the task now, for its page (each service checks again when asked)."""
    is_open = task.status in OPEN_STATUSES
    pending = pending_extension(task)
    return {
        "actions": allowed_actions(actor, task),
        "edit": perm.can_manage_task(actor, task) and task.status not in (TaskStatus.COMPLETED, TaskStatus.CANCELLED),
        "progress": is_open and perm.can_report_progress(actor, task),
        "attach": may_attach(actor, task),
        "request_extension": is_open and pending is None and perm.can_request_extension(actor, task),
        "decide_extension": pending is not None and perm.is_chair_for(actor, task),
        "pending_extension": pending,
    }
