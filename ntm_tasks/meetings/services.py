"""Rules for meetings: records, participants, legal bases, conclusions into draft tasks, publishing and the
follow-through between meetings. Services flush; the request commits."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ntm_tasks import permissions as perm
from ntm_tasks.assignments.models import OPEN_STATUSES, StatusCategory, Task, TaskStatus
from ntm_tasks.assignments.queries import with_bodies
from ntm_tasks.attachments import Attachment, store_upload
from ntm_tasks.audit import apply_changes, record
from ntm_tasks.db import LOCAL_TZ, local, today, utcnow
from ntm_tasks.errors import Conflict, DomainError, Invalid, check_version
from ntm_tasks.extensions import db
from ntm_tasks.meetings.documents import document_key, normalize_document_number, parse_document_citation
from ntm_tasks.meetings.models import Conclusion, LegalDocument, Meeting, MeetingKind, MeetingStatus
from ntm_tasks.meetings.parse import BodyRef, ParsedItem, parse_conclusions
from ntm_tasks.org.models import Body, Role, Unit
from ntm_tasks.text import fold

DEFAULT_HOUR = 8  # a meeting given by date only is taken to start at 08:00, Vietnam time
MAX_TEXT_LENGTH = 100_000  # conclusions longer than this are not a notice but a paste gone wrong
TITLE_LENGTH = 160
MAX_GUESTS = 100


# --- bodies a meeting may address -----------------------------------------------------------------

def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part and int(part) != unit.id]


def candidate_bodies(unit: Unit) -> list[BodyRef]:
    """The bodies a meeting of `unit` may address: its own, its child units' and its ancestors'."""
    child_ids = sa.select(Unit.id).where(Unit.parent_id == unit.id, Unit.is_archived.is_(False))
    rows = db.session.execute(
        sa.select(Body, Unit).join(Unit, Body.unit_id == Unit.id)
        .where(Body.is_archived.is_(False),
               sa.or_(Body.unit_id == unit.id, Body.unit_id.in_(child_ids), Body.unit_id.in_(_ancestor_ids(unit))))
        .order_by(Unit.path, Body.id)
    ).all()
    refs = []
    for body, owner in rows:
        relation = "own" if owner.id == unit.id else "child" if owner.parent_id == unit.id else "above"
        refs.append(BodyRef(id=body.id, name=body.name, kind=body.kind.value, short_name=body.short_name,
                            unit_id=owner.id, unit_name=owner.name, unit_level=owner.level.value, relation=relation))
    return refs


def _bodies_by_id(unit: Unit, ids, field_name: str) -> list[Body]:
    """Bodies among the unit's candidates, in the order given; Invalid naming `field_name` otherwise."""
    ids = list(dict.fromkeys(ids))
    allowed = {ref.id for ref in candidate_bodies(unit)}
    unknown = [i for i in ids if i not in allowed]
    if unknown:
        raise Invalid(_("Cơ quan không thuộc đơn vị hoặc cấp trên của đơn vị."),
                      {field_name: _("Không có cơ quan %(ids)s trong phạm vi cuộc họp.", ids=", ".join(map(str, unknown)))})
    found = {b.id: b for b in db.session.scalars(sa.select(Body).where(Body.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids]


# --- legal documents ------------------------------------------------------------------------------

def _issuer_from_number(number: str) -> str | None:
    """"57/NQ-HĐND" is issued by "HĐND"; the part after the type code names the issuer."""
    parts = [p for p in re.split(r"[/-]", number) if p and not p.isdigit()]
    return "-".join(parts[1:]) if len(parts) > 1 else None


def _with_number(text: str, number: str) -> str:
    """The citation as typed, its number spelled officially ("57/nq-hdnd" -> "57/NQ-HĐND")."""
    def fix(match):
        token = match.group(0)
        return number if normalize_document_number(token) == number else token

    return re.sub(r"[^\s,;()]+/[^\s,;()]+", fix, text)


def legal_document(actor, citation, field_name: str = "legal_bases") -> LegalDocument:
    """The LegalDocument a citation names, created on first use: a string ("Nghị quyết số 57/NQ-HĐND
    ngày 28/12/2020") or a mapping {number, issued_on?, issuer?, title?}. Documents are shared by meetings."""
    if isinstance(citation, str):
        parsed = parse_document_citation(citation)
        if parsed is None:
            raise Invalid(_("Không đọc được số hiệu văn bản."),
                          {field_name: _("Cần số ký hiệu, ví dụ \"Nghị quyết số 57/NQ-HĐND ngày 28/12/2020\".")})
        number, issued_on = parsed["number"], parsed["issued_on"]
        text = _with_number(" ".join(citation.split()), number)
        issuer, title = _issuer_from_number(number), (text if text != number else None)
        year, type_code = parsed["year"], parsed["type_code"]
    else:
        number = normalize_document_number(citation.get("number") or "")
        if not number:
            raise Invalid(_("Thiếu số hiệu văn bản."), {field_name: _("Cần số ký hiệu văn bản.")})
        parsed = parse_document_citation(number) or {}
        issued_on = citation.get("issued_on")
        issuer = (citation.get("issuer") or "").strip() or _issuer_from_number(number)
        title = (citation.get("title") or "").strip() or None
        year = issued_on.year if issued_on else parsed.get("year")
        type_code = parsed.get("type_code")
    key = document_key(number, year)
    document = db.session.scalar(sa.select(LegalDocument).where(LegalDocument.key == key))
    if document is None:
        document = LegalDocument(key=key, number=number[:80], type_code=type_code, issuer=(issuer or None),
                                 issued_on=issued_on, year=year, title=title)
        db.session.add(document)
        db.session.flush()
        record(document, actor, "created", {"number": [None, document.number]})
        return document
    # A later, fuller citation completes what an earlier one left out.
    filled = {k: v for k, v in (("issued_on", issued_on), ("issuer", issuer), ("title", title))
              if v and not getattr(document, k)}
    if filled:
        record(document, actor, "updated", apply_changes(document, filled))
    return document


def _documents(actor, citations) -> list[LegalDocument]:
    documents: dict[int, LegalDocument] = {}
    for i, citation in enumerate(citations):
        document = legal_document(actor, citation, f"legal_bases.{i}")
        documents.setdefault(document.id, document)
    return list(documents.values())


# --- meetings -------------------------------------------------------------------------------------

def held_at_value(value) -> datetime:
    """A meeting's start: aware datetimes as they are, naive ones in Vietnam time, a bare date at 08:00."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if isinstance(value, date):
        return datetime.combine(value, time(DEFAULT_HOUR), tzinfo=LOCAL_TZ)
    raise Invalid(_("Thiếu thời gian họp."), {"held_at": _("Bắt buộc.")})


def _clean_guests(guests) -> list[str]:
    names = list(dict.fromkeys(" ".join(str(g).split())[:200] for g in guests or () if str(g).strip()))
    if len(names) > MAX_GUESTS:
        raise Invalid(_("Quá nhiều khách mời."), {"participants": _("Tối đa %(n)s khách mời.", n=MAX_GUESTS)})
    return names


def _text(value) -> str | None:
    return (value or "").strip() or None


def refresh_search_text(meeting: Meeting) -> None:
    """The folded text that search without diacritics matches: title, place, chair, unit, notice, conclusions."""
    unit = meeting.unit or db.session.get(Unit, meeting.unit_id)
    parts = [meeting.title, meeting.location, meeting.chair, meeting.summary, meeting.difficulties,
             meeting.notice_number, unit.name if unit else None, *(meeting.guests or []),
             *(c.text for c in meeting.conclusions)]
    meeting.search_text = fold(" ".join(filter(None, parts)))


def _check_title(title) -> str:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Thiếu tên cuộc họp."), {"title": _("Bắt buộc.")})
    return title[:300]


def _check_kind(kind) -> MeetingKind:
    try:
        return MeetingKind(kind)
    except ValueError:
        raise Invalid(_("Loại cuộc họp không hợp lệ."), {"kind": _("Phải là một trong %(values)s.", values=", ".join(MeetingKind))})


def create_meeting(actor, *, unit: Unit, title: str, kind: str, held_at, location: str | None = None,
                   chair: str | None = None, participant_ids=(), guests=(), legal_bases=(),
                   summary: str | None = None, difficulties: str | None = None) -> Meeting:
    """Record a meeting of `unit` (secretary or chair of its scope); it starts as a draft."""
    perm.require(perm.can_edit_meetings(actor, unit))
    if unit.is_archived:
        raise Invalid(_("Đơn vị đã được lưu trữ hoặc sáp nhập."), {"unit_id": _("Đơn vị đã lưu trữ.")})
    meeting = Meeting(unit=unit, title=_check_title(title), kind=_check_kind(kind), held_at=held_at_value(held_at),
                      location=_text(location), chair=_text(chair), summary=_text(summary),
                      difficulties=_text(difficulties), guests=_clean_guests(guests), status=MeetingStatus.DRAFT,
                      created_by_id=actor.id)
    meeting.participants = _bodies_by_id(unit, participant_ids, "participants")
    meeting.documents = _documents(actor, legal_bases)
    refresh_search_text(meeting)
    db.session.add(meeting)
    db.session.flush()
    record(meeting, actor, "created", {
        "title": [None, meeting.title], "kind": [None, meeting.kind], "held_at": [None, local(meeting.held_at)],
        "participants": [None, [b.id for b in meeting.participants]],
        "legal_bases": [None, [d.number for d in meeting.documents]],
    })
    return meeting


EDITABLE = ("title", "kind", "held_at", "location", "chair", "summary", "difficulties", "guests")


def update_meeting(actor, meeting: Meeting, version: int | None, **values) -> Meeting:
    """Change a meeting's record (secretary or chair); `is_archived=True` archives it. Every change is history."""
    perm.require(perm.can_edit_meetings(actor, meeting.unit))
    check_version(meeting, version)
    unknown = set(values) - {*EDITABLE, "participant_ids", "legal_bases", "is_archived"}
    if unknown:
        raise Invalid(_("Trường không sửa được."), {name: _("Không sửa được.") for name in unknown})
    if meeting.is_archived and values.get("is_archived") is not False:
        raise Conflict(_("Cuộc họp đã được lưu trữ."), {"is_archived": _("Đã lưu trữ.")})
    cleaners = {"title": _check_title, "kind": _check_kind, "held_at": held_at_value, "guests": _clean_guests,
                "location": _text, "chair": _text, "summary": _text, "difficulties": _text}
    plain = {name: cleaners[name](values[name]) for name in EDITABLE if name in values}
    if "held_at" in plain and plain["held_at"] == meeting.held_at:
        del plain["held_at"]
    bodies = _bodies_by_id(meeting.unit, values["participant_ids"], "participants") \
        if "participant_ids" in values else None
    documents = _documents(actor, values["legal_bases"]) if "legal_bases" in values else None
    archived = bool(values["is_archived"]) if values.get("is_archived") is not None else meeting.is_archived
    _load_related(meeting)
    with db.session.no_autoflush:  # one UPDATE, so one new version, whatever changed
        changes = apply_changes(meeting, plain)
        if bodies is not None and [b.id for b in bodies] != [b.id for b in meeting.participants]:
            changes["participants"] = [[b.id for b in meeting.participants], [b.id for b in bodies]]
            meeting.participants = bodies
        if documents is not None and [d.id for d in documents] != [d.id for d in meeting.documents]:
            changes["legal_bases"] = [[d.number for d in meeting.documents], [d.number for d in documents]]
            meeting.documents = documents
        if archived != meeting.is_archived:
            changes["is_archived"] = [meeting.is_archived, archived]
            meeting.is_archived = archived
        if changes:
            # Participants and documents live in other tables: touch the row so its version moves too.
            meeting.updated_at = utcnow()
            refresh_search_text(meeting)
    if changes:
        record(meeting, actor, "archived" if set(changes) == {"is_archived"} and archived else "updated", changes)
        db.session.flush()
    return meeting


def _load_related(meeting: Meeting) -> None:
    """Load what a change reads, so that no query in the middle of it flushes a half-made change."""
    for name in ("unit", "participants", "documents", "conclusions"):
        getattr(meeting, name)


def archive_meeting(actor, meeting: Meeting, version: int | None) -> Meeting:
    """Archive a meeting: hidden from lists, never deleted; its tasks carry on."""
    return update_meeting(actor, meeting, version, is_archived=True)


def meetings_query(user, *, unit: Unit | None = None, q: str | None = None, kind: str | None = None,
                   status: str | None = None, date_from: date | None = None, date_to: date | None = None,
                   include_archived: bool = False) -> sa.Select:
    """The meetings `user` may see, newest first, filtered; `unit` covers the unit and the units below it."""
    query = sa.select(Meeting).where(perm.meeting_filter(user)).order_by(Meeting.held_at.desc(), Meeting.id.desc())
    if unit is not None:
        query = query.join(Unit, Meeting.unit_id == Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    if not include_archived:
        query = query.where(Meeting.is_archived.is_(False))
    if q and fold(q):
        query = query.where(Meeting.search_text.contains(fold(q), autoescape=True))
    if kind:
        query = query.where(Meeting.kind == MeetingKind(kind))
    if status:
        query = query.where(Meeting.status == MeetingStatus(status))
    if date_from:
        query = query.where(Meeting.held_at >= datetime.combine(date_from, time(), tzinfo=LOCAL_TZ))
    if date_to:
        query = query.where(Meeting.held_at < datetime.combine(date_to + timedelta(days=1), time(), tzinfo=LOCAL_TZ))
    return query


# --- attachments ----------------------------------------------------------------------------------

def add_attachment(actor, meeting: Meeting, upload) -> Attachment:
    """Attach minutes or photos to a meeting (secretary or chair)."""
    perm.require(perm.can_edit_meetings(actor, meeting.unit))
    attachment = store_upload(upload, actor, meeting_id=meeting.id)
    record(meeting, actor, "attachment_added", {"attachment": [None, attachment.filename]})
    return attachment


def meeting_attachments(meeting: Meeting) -> list[Attachment]:
    return list(db.session.scalars(
        sa.select(Attachment).where(Attachment.meeting_id == meeting.id, Attachment.is_archived.is_(False))
        .order_by(Attachment.id)))


def archive_attachment(actor, meeting: Meeting, attachment: Attachment) -> Attachment:
    """Take a file off the meeting (kept on disk and in the history)."""
    perm.require(perm.can_edit_meetings(actor, meeting.unit))
    if attachment.meeting_id != meeting.id or attachment.is_archived:
        raise Invalid(_("Tệp không thuộc cuộc họp."), {"attachment_id": _("Không có tệp này.")})
    attachment.is_archived = True
    record(meeting, actor, "attachment_archived", {"attachment": [attachment.filename, None]})
    db.session.flush()
    return attachment


# --- conclusions ----------------------------------------------------------------------------------

def meeting_date(meeting: Meeting) -> date:
    """The day the meeting was held, in Vietnam."""
    return local(meeting.held_at).date()


def check_text(text: str | None, field_name: str = "text") -> str:
    if not (text or "").strip():
        raise Invalid(_("Chưa có nội dung kết luận."), {field_name: _("Bắt buộc.")})
    if len(text) > MAX_TEXT_LENGTH:
        raise Invalid(_("Nội dung quá dài."), {field_name: _("Tối đa %(n)s ký tự.", n=MAX_TEXT_LENGTH)})
    return text


def parse_text(unit: Unit, text: str, reference_date: date | None = None) -> list[ParsedItem]:
    """Read conclusions addressed to `unit`'s bodies (and those above and below it). Saves nothing."""
    return parse_conclusions(check_text(text), candidate_bodies(unit), reference_date or today())


def parse_for_meeting(meeting: Meeting, text: str) -> list[ParsedItem]:
    """Read conclusions for this meeting: its unit's bodies, dates relative to the day it was held."""
    return parse_text(meeting.unit, text, meeting_date(meeting))


_ADDRESS_PREFIX = re.compile(r"^\s*(?:đối với|về phía)\b[^:\n]{0,150}:\s*", re.IGNORECASE)
_ASSIGNING_VERB = re.compile(r"^(?:giao(?: nhiệm vụ)?(?: cho)?|đề nghị|yêu cầu)\s+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")


def task_title(text: str, addressee: str | None = None) -> str:
    """A task's title from its conclusion: the first sentence, without "Đối với X:" or "Giao", at most 160
    characters."""
    body = _ADDRESS_PREFIX.sub("", " ".join(text.split()), count=1)
    if addressee and body.startswith(addressee) and body[len(addressee):].lstrip().startswith(":"):
        body = body[len(addressee):].lstrip(" :")
    body = _ASSIGNING_VERB.sub("", body, count=1)
    match = _SENTENCE_END.search(body)
    sentence = (body[:match.start()] if match else body).strip() or " ".join(text.split())
    if len(sentence) > TITLE_LENGTH:
        cut = sentence[:TITLE_LENGTH - 1].rsplit(" ", 1)[0]
        sentence = cut.rstrip(",;:-– ") + "…"
    return sentence[:1].upper() + sentence[1:]


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of pasted text: a line break after ".", ";" or ":" ends one; any other is a wrapped line."""
    result: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if result and not re.search(r"[.;:!?]$", result[-1]):
            result[-1] = f"{result[-1]} {line}"
        else:
            result.append(line)
    return result


@dataclass
class DraftItem:
    """One conclusion item as it will be saved: checked bodies, dates and wording."""

    text: str
    leads: list[Body]
    coordinating: list[Body]
    number: str | None = None
    addressee: str | None = None
    due_date: date | None = None
    recurrence: dict | None = None
    title: str | None = None
    expected_output: str | None = None
    unmatched: list[str] = field(default_factory=list)


def _item_value(item, name, default=None):
    return getattr(item, name, default) if not isinstance(item, dict) else item.get(name, default)


def _as_date(value, field_name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(_("Ngày không hợp lệ."), {field_name: _("Ngày phải theo dạng YYYY-MM-DD.")})


def _describe(index: int, item) -> str:
    number = _item_value(item, "number")
    text = " ".join(str(_item_value(item, "text") or "").split())
    excerpt = text[:60] + ("…" if len(text) > 60 else "")
    return _("Mục %(number)s (\"%(excerpt)s\")", number=number or index + 1, excerpt=excerpt)


def check_items(meeting: Meeting, items) -> list[DraftItem]:
    """Check every item before anything is saved; errors name the item ("items.2.bodies")."""
    from ntm_tasks.assignments.services import check_recurrence

    allowed = {ref.id for ref in candidate_bodies(meeting.unit)}
    held_on = meeting_date(meeting)
    drafts = []
    for i, item in enumerate(items):
        where = f"items.{i}"
        text = str(_item_value(item, "text") or "").strip()
        if not text:
            raise Invalid(_("%(item)s: thiếu nội dung.", item=_describe(i, item)), {f"{where}.text": _("Bắt buộc.")})
        if len(text) > MAX_TEXT_LENGTH:
            raise Invalid(_("%(item)s: nội dung quá dài.", item=_describe(i, item)), {f"{where}.text": _("Quá dài.")})
        roles: dict[int, str] = {}
        for body in _item_value(item, "bodies") or []:
            body_id, role = _item_value(body, "id"), _item_value(body, "role") or "lead"
            if not isinstance(body_id, int) or isinstance(body_id, bool) or body_id not in allowed:
                raise Invalid(_("%(item)s: cơ quan %(id)s không thuộc phạm vi cuộc họp.", item=_describe(i, item), id=body_id),
                              {f"{where}.bodies": _("Không có cơ quan %(ids)s trong phạm vi cuộc họp.", ids=body_id)})
            if role not in ("lead", "coordinating"):
                raise Invalid(_("Vai trò cơ quan không hợp lệ."), {f"{where}.bodies": _("role là lead hoặc coordinating.")})
            if roles.get(body_id) != "lead":  # named as both, the body leads
                roles[body_id] = role
        if "lead" not in roles.values():
            raise Invalid(_("%(item)s chưa có cơ quan chủ trì.", item=_describe(i, item)),
                          {f"{where}.bodies": _("Cần ít nhất một cơ quan chủ trì.")})
        due_date = _as_date(_item_value(item, "due_date"), f"{where}.due_date")
        if due_date is not None and due_date < held_on:
            raise Invalid(_("%(item)s: thời hạn trước ngày họp.", item=_describe(i, item)),
                          {f"{where}.due_date": _("Phải từ ngày họp %(date)s trở đi.", date=held_on.strftime("%d/%m/%Y"))})
        try:
            recurrence = check_recurrence(_item_value(item, "recurrence"))
        except Invalid as error:
            raise Invalid(f"{_describe(i, item)}: {error.message}", {f"{where}.recurrence": error.fields["recurrence"]})
        bodies = {b.id: b for b in db.session.scalars(sa.select(Body).where(Body.id.in_(roles)))}
        number = _item_value(item, "number")
        drafts.append(DraftItem(
            text=text, number=str(number)[:10] if number not in (None, "") else None,
            addressee=(str(_item_value(item, "addressee") or "").strip()[:300] or None),
            leads=[bodies[i] for i, r in roles.items() if r == "lead"],
            coordinating=[bodies[i] for i, r in roles.items() if r == "coordinating"],
            due_date=due_date, recurrence=recurrence,
            title=(str(_item_value(item, "title") or "").strip() or None),
            expected_output=(str(_item_value(item, "expected_output") or "").strip() or None),
            unmatched=list(_item_value(item, "unmatched") or []),
        ))
    return drafts


def save_conclusions(actor, meeting: Meeting, text: str | None = None,
                     items=None) -> tuple[list[Conclusion], list[Task]]:
    """Store the conclusions (from `text`, parsed, or from edited `items`) after those already saved, with one
    draft task per item and lead body (an assigned one when the meeting is already published)."""
    from ntm_tasks.assignments.services import create_task

    perm.require(perm.can_edit_meetings(actor, meeting.unit))
    if meeting.is_archived:
        raise Conflict(_("Cuộc họp đã được lưu trữ."), {"meeting": _("Đã lưu trữ.")})
    if items is None:
        items = parse_for_meeting(meeting, text)
        if not items:
            raise Invalid(_("Không đọc được mục kết luận nào."), {"text": _("Không tìm thấy mục kết luận.")})
    elif not items:
        raise Invalid(_("Chưa có mục kết luận nào."), {"items": _("Cần ít nhất một mục.")})
    drafts = check_items(meeting, items)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Conclusion.position), 0)).where(Conclusion.meeting_id == meeting.id))
    conclusions, tasks = [], []
    for i, draft in enumerate(drafts):
        conclusion = Conclusion(meeting_id=meeting.id, position=position + i + 1, number=draft.number,
                                addressee=draft.addressee, text=draft.text, created_by_id=actor.id)
        db.session.add(conclusion)
        db.session.flush()
        conclusions.append(conclusion)
        title = draft.title or task_title(draft.text, draft.addressee)
        for lead in draft.leads:
            try:
                tasks.append(create_task(
                    actor, unit=meeting.unit, lead_body=lead, title=title, description=draft.text,
                    coordinating_bodies=draft.coordinating, due_date=draft.due_date, recurrence=draft.recurrence,
                    expected_output=draft.expected_output, meeting=meeting, conclusion=conclusion))
            except DomainError as error:
                error.fields = {f"items.{i}.{k}": v for k, v in error.fields.items()}
                raise
    db.session.expire(meeting, ["conclusions"])
    refresh_search_text(meeting)
    meeting.updated_at = utcnow()
    record(meeting, actor, "conclusions_added", {"conclusions": [None, [c.id for c in conclusions]],
                                                 "tasks": [None, [t.id for t in tasks]]})
    db.session.flush()
    return conclusions, tasks


def meeting_tasks(meeting: Meeting, user=None) -> list[Task]:
    """The tasks given at this meeting (those `user` may see, when given), in conclusion order, with the bodies
    and criteria their payload shows (loaded in a few queries, not two per task)."""
    query = (sa.select(Task).outerjoin(Conclusion, Task.conclusion_id == Conclusion.id)
             .where(Task.meeting_id == meeting.id, Task.series_id.is_(None))
             .order_by(Conclusion.position.is_(None), Conclusion.position, Task.id))
    if user is not None:
        query = query.where(perm.task_filter(user))
    return list(db.session.scalars(with_bodies(query)))


def publish_meeting(actor, meeting: Meeting, notice_number: str | None = None, version: int | None = None) -> Meeting:
    """Publish the conclusion notice: the meeting becomes published and its draft tasks are issued
    (assigned, assignees notified). Publishing twice is a conflict and changes nothing."""
    from ntm_tasks.assignments.services import issue_drafts

    perm.require(perm.can_edit_meetings(actor, meeting.unit))
    if meeting.status == MeetingStatus.PUBLISHED:
        raise Conflict(_("Cuộc họp đã được ban hành thông báo."), {"status": _("Đã ban hành.")})
    check_version(meeting, version)
    if meeting.is_archived:
        raise Conflict(_("Cuộc họp đã được lưu trữ."), {"is_archived": _("Đã lưu trữ.")})
    notice_number = normalize_document_number(notice_number or "")[:60] or meeting.notice_number
    _load_related(meeting)
    changes = apply_changes(meeting, {"status": MeetingStatus.PUBLISHED, "published_at": utcnow(),
                                      "notice_number": notice_number})
    refresh_search_text(meeting)
    record(meeting, actor, "published", changes)
    drafts = [t for t in meeting_tasks(meeting) if t.status == TaskStatus.DRAFT]
    issue_drafts(actor, drafts)
    db.session.flush()
    return meeting


# --- follow-through between meetings --------------------------------------------------------------

def follow_through(meeting: Meeting, as_of: date | None = None) -> dict:
    """The notice's progress as of a day: counted tasks, completed (on time or late), open, overdue."""
    from ntm_tasks.assignments.categories import status_category

    as_of = as_of or today()
    category = status_category(as_of)
    counts = dict(db.session.execute(
        sa.select(category, sa.func.count()).where(Task.meeting_id == meeting.id, Task.series_id.is_(None))
        .group_by(category)).all())
    draft = db.session.scalar(sa.select(sa.func.count()).where(
        Task.meeting_id == meeting.id, Task.series_id.is_(None), Task.status == TaskStatus.DRAFT))
    groups = {c.value: counts.get(c.value, 0) for c in StatusCategory}
    completed = groups["completed_on_time"] + groups["completed_late"]
    return {"total": sum(groups.values()), "completed": completed, "open": sum(groups.values()) - completed,
            "overdue": groups["in_progress_overdue"], "draft": draft, **groups}


def open_tasks_from_earlier(meeting: Meeting) -> list[Task]:
    """The unit's still-open tasks from meetings held before this one, not yet carried over to it."""
    return list(db.session.scalars(
        sa.select(Task).join(Meeting, Task.meeting_id == Meeting.id)
        .where(Task.unit_id == meeting.unit_id, Task.status.in_(OPEN_STATUSES), Task.series_id.is_(None),
               Meeting.id != meeting.id, Meeting.held_at < meeting.held_at,
               sa.or_(Task.carried_to_meeting_id.is_(None), Task.carried_to_meeting_id != meeting.id))
        .order_by(Task.due_date.is_(None), Task.due_date, Task.id)))


def carried_tasks(meeting: Meeting) -> list[Task]:
    """Tasks of earlier meetings carried over to this one (linked, not copied)."""
    return list(db.session.scalars(
        sa.select(Task).where(Task.carried_to_meeting_id == meeting.id).order_by(Task.due_date, Task.id)))


def carry_over(actor, meeting: Meeting, task_ids) -> list[Task]:
    """Link open tasks of earlier meetings to this draft meeting so its conclusions review them."""
    perm.require(perm.can_edit_meetings(actor, meeting.unit))
    if meeting.status != MeetingStatus.DRAFT or meeting.is_archived:
        raise Conflict(_("Chỉ chuyển tiếp nhiệm vụ vào cuộc họp đang dự thảo."), {"task_ids": _("Cuộc họp đã ban hành.")})
    candidates = {t.id: t for t in open_tasks_from_earlier(meeting)}
    ids = list(dict.fromkeys(task_ids))
    unknown = [i for i in ids if i not in candidates]
    if not ids or unknown:
        raise Invalid(_("Nhiệm vụ không chuyển tiếp được."),
                      {"task_ids": _("Không có nhiệm vụ đang mở %(ids)s.", ids=", ".join(map(str, unknown))) if unknown
                       else _("Chọn ít nhất một nhiệm vụ.")})
    tasks = [candidates[i] for i in ids]
    for task in tasks:
        record(task, actor, "carried_over", {"carried_to_meeting_id": [task.carried_to_meeting_id, meeting.id]})
        task.carried_to_meeting_id = meeting.id
    meeting.updated_at = utcnow()
    record(meeting, actor, "tasks_carried_over", {"task_ids": [None, ids]})
    db.session.flush()
    return tasks


# --- the "5 rõ" check -----------------------------------------------------------------------------

# Words naming a product the work delivers: the output is clear when the task names one.
_PRODUCTS = ("nghi quyet", "quyet dinh", "ke hoach", "bao cao", "to trinh", "ho so", "bien ban", "van ban",
             "de an", "phuong an", "du thao", "chuong trinh", "thong bao", "cong van", "huong dan", "danh sach",
             "hoi nghi", "quy hoach", "du toan", "cong trinh", "nha van hoa", "tuyen duong", "mo hinh")
_ONGOING = ("thuong xuyen", "lien tuc")
FIVE_CLEAR_KEYS = ("body", "work", "deadline", "output", "responsibility")


def _has_assignee(body: Body | None) -> bool:
    return body is not None and any(u.role == Role.ASSIGNEE and u.is_active_account for u in body.members)


def five_clear(task) -> dict[str, bool]:
    """The "5 rõ" check of a task: clear body, work, deadline (or recurrence, or "thường xuyên"),
    expected output (stated, or a product named in the work) and responsibility (a responsible person,
    or a lead body with an assignee account)."""
    lead = getattr(task, "lead_body", None)
    words = fold(" ".join(filter(None, [task.title, getattr(task, "description", None)])))
    output = fold(getattr(task, "expected_output", None) or "")
    responsible = getattr(task, "responsible_user_id", None) or getattr(task, "responsible_user", None)
    return {
        "body": lead is not None and not lead.is_archived,
        "work": len((task.title or "").split()) >= 3,
        "deadline": bool(task.due_date or task.recurrence or any(w in words for w in _ONGOING)),
        "output": bool(output) or any(p in words for p in _PRODUCTS),
        "responsibility": bool(responsible) or _has_assignee(lead),
    }


def preview_five_clear(item: dict) -> dict[str, bool]:
    """five_clear for an item not yet saved ({text, title?, addressee?, lead_body_ids, due_date, recurrence,
    expected_output?}): every lead body's task must pass."""
    from types import SimpleNamespace

    leads = [db.session.get(Body, i) for i in item.get("lead_body_ids") or []] or [None]
    title = item.get("title") or task_title(item.get("text") or "", item.get("addressee"))
    checks = [five_clear(SimpleNamespace(
        lead_body=lead, title=title, description=item.get("text"), due_date=item.get("due_date"),
        recurrence=item.get("recurrence"), expected_output=item.get("expected_output"), responsible_user_id=None))
        for lead in leads]
    return {k: all(c[k] for c in checks) for k in FIVE_CLEAR_KEYS}


def editable_units(user) -> list[Unit]:
    """Units whose meetings `user` may record (their unit and those below, not villages), tree order."""
    if user.role not in perm.EDITORS:
        return []
    query = sa.select(Unit).where(Unit.is_archived.is_(False), Unit.level != "village",
                                  perm.unit_scope_clause(user, Unit.id)).order_by(Unit.path)
    return list(db.session.scalars(query))

