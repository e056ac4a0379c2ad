"""Recognition dossiers: the checklist of documents, their files, and the dossier's course as a transition table.

The commune records the whole course itself (what it sent, what the level above answered), so every action
is taken by a secretary or chair whose scope holds the dossier's unit.
"""
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ntm_tasks import permissions as perm
from ntm_tasks.attachments import Attachment, store_upload
from ntm_tasks.audit import record
from ntm_tasks.db import today, utcnow
from ntm_tasks.errors import Conflict, Invalid, check_version
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body
from ntm_tasks.oversight.models import Dossier, DossierItem, DossierKind, DossierStatus

# The documents of a recognition dossier (code, name), in the order they are filed.
CHECKLIST = (
    ("proposal", "Tờ trình đề nghị xét, công nhận"),
    ("results_report", "Báo cáo kết quả xây dựng nông thôn mới"),
    ("self_assessment", "Báo cáo tự đánh giá mức độ đạt từng tiêu chí, chỉ tiêu"),
    ("meeting_minutes", "Biên bản cuộc họp đề nghị xét, công nhận"),
    ("public_comments", "Báo cáo tổng hợp ý kiến tham gia của nhân dân"),
    ("construction_debt", "Báo cáo tình hình nợ đọng xây dựng cơ bản"),
    ("photos", "Hình ảnh minh họa kết quả"),
)


@dataclass(frozen=True)
class Transition:
    sources: tuple[DossierStatus, ...]
    target: DossierStatus
    note_required: bool = False
    records_decision: bool = False


ACTIONS = {
    "submit": Transition((DossierStatus.PREPARING, DossierStatus.RETURNED), DossierStatus.SUBMITTED),
    "return": Transition((DossierStatus.SUBMITTED,), DossierStatus.RETURNED, note_required=True),
    "accept": Transition((DossierStatus.SUBMITTED,), DossierStatus.ACCEPTED),
    "recognize": Transition((DossierStatus.ACCEPTED,), DossierStatus.RECOGNIZED, records_decision=True),
}
OPEN_DOSSIER_STATUSES = (DossierStatus.PREPARING, DossierStatus.RETURNED)


def _receiving_body(unit, body_id: int | None) -> Body | None:
    """The body the dossier goes to: one of the unit's own or of a unit above it."""
    if body_id is None:
        return None
    body = db.session.get(Body, body_id)
    if body is None or not unit.path.startswith(body.unit.path):
        raise Invalid(_("Cơ quan nhận hồ sơ không hợp lệ."),
                      {"receiving_body_id": _("Phải là cơ quan của đơn vị này hoặc cấp trên.")})
    return body


def create_dossier(actor, unit, *, kind: str, title: str, due_date: date | None = None,
                   receiving_body_id: int | None = None) -> Dossier:
    """Open a dossier in preparation, with the standard checklist."""
    perm.require(perm.can_manage_dossier(actor, unit), _("Chỉ thư ký hoặc trưởng ban được lập hồ sơ."))
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Thiếu tên hồ sơ."), {"title": _("Bắt buộc.")})
    body = _receiving_body(unit, receiving_body_id)
    dossier = Dossier(unit_id=unit.id, kind=DossierKind(kind), title=title[:300], due_date=due_date,
                      receiving_body_id=body.id if body else None, created_by_id=actor.id)
    dossier.items = [DossierItem(position=i, code=code, name=name) for i, (code, name) in enumerate(CHECKLIST, 1)]
    db.session.add(dossier)
    db.session.flush()
    record(dossier, actor, "created", {"status": [None, dossier.status], "title": [None, title],
                                       "due_date": [None, due_date],
                                       "receiving_body_id": [None, dossier.receiving_body_id]})
    return dossier


def allowed_actions(actor, dossier: Dossier) -> list[str]:
    """The actions the user may take now (for buttons; transition() checks again)."""
    if not perm.can_manage_dossier(actor, dossier.unit):
        return []
    return [name for name, spec in ACTIONS.items() if dossier.status in spec.sources]


def transition(actor, dossier: Dossier, action: str, *, version: int | None, note: str | None = None,
               decision_number: str | None = None, decision_date: date | None = None) -> Dossier:
    """Move the dossier along: role (403), version and status (409), note (422)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Invalid(_("Thao tác không hợp lệ."), {"action": _("Phải là một trong %(values)s.", values=", ".join(ACTIONS))})
    perm.require(perm.can_manage_dossier(actor, dossier.unit), _("Chỉ thư ký hoặc trưởng ban cập nhật hồ sơ."))
    check_version(dossier, version)
    if dossier.status not in spec.sources:
        raise Conflict(_("Không thể '%(action)s' khi hồ sơ đang ở trạng thái '%(status)s'.", action=action,
                         status=dossier.status.value),
                       {"action": _("Không áp dụng cho trạng thái %(status)s.", status=dossier.status.value)})
    note = (note or "").strip() or None
    if spec.note_required and not note:
        raise Invalid(_("Cần ghi rõ nội dung yêu cầu bổ sung."), {"note": _("Bắt buộc với thao tác này.")})
    changes = {"status": [dossier.status, spec.target]}
    if spec.records_decision:
        # The contract's recognize carries no more than a note: the decision's number and date are kept when given,
        # and may be filled in later as the province's decision reaches the commune.
        decision_number = (decision_number or "").strip() or None
        changes["decision_number"] = [dossier.decision_number, decision_number]
        changes["decision_date"] = [dossier.decision_date, decision_date]
        dossier.decision_number, dossier.decision_date = decision_number, decision_date
    if action == "submit":
        changes["submitted_on"] = [dossier.submitted_on, today()]
        dossier.submitted_on = today()
    dossier.status = spec.target
    record(dossier, actor, action, changes, note)
    db.session.flush()
    return dossier


def supply_item(actor, item: DossierItem, upload, note: str | None = None) -> Attachment:
    """File a document of the checklist; a new file replaces the previous one, which stays on record."""
    dossier = item.dossier
    perm.require(perm.can_manage_dossier(actor, dossier.unit), _("Chỉ thư ký hoặc trưởng ban cập nhật hồ sơ."))
    if dossier.status not in OPEN_DOSSIER_STATUSES:
        raise Conflict(_("Hồ sơ đã gửi; chỉ bổ sung khi đang chuẩn bị hoặc bị trả lại."),
                       {"file": _("Trạng thái %(status)s.", status=dossier.status.value)})
    previous = item.file
    attachment = store_upload(upload, actor, dossier_item_id=item.id)
    if previous is not None:
        previous.is_archived = True
    item.supplied_by_id, item.supplied_at = actor.id, utcnow()
    item.note = (note or "").strip() or item.note
    record(dossier, actor, "item_supplied", {"item": [None, item.code], "file": [
        previous.filename if previous else None, attachment.filename]}, note)
    db.session.flush()
    return attachment


def dossiers_due_soon(as_of: date, days: int = 7) -> list[Dossier]:
    """Dossiers still being prepared (or back for supplements) whose due date falls within `days` of `as_of`."""
    return list(db.session.scalars(
        sa.select(Dossier).where(Dossier.status.in_(OPEN_DOSSIER_STATUSES), Dossier.is_archived.is_(False),
                                 Dossier.due_date >= as_of, Dossier.due_date <= as_of + timedelta(days=days))
        .order_by(Dossier.due_date, Dossier.id)
    ))
