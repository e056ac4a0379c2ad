"""The security tests' world: two communes A and B in province P, commune C in province Q, objects of every
kind in A, and a user of every role in A, in B and elsewhere.

Every text of A carries MARK (its drafts DRAFT_MARK too), so a test can assert that nothing of A reaches a
user outside A's scope, even as a name in a list, and that an assignee never reads a draft.
"""
import io
from dataclasses import dataclass, field
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from ntm_tasks.db import today
from ntm_tasks.extensions import db

MARK = "ZZSECRETA"
DRAFT_MARK = "ZZDRAFTONLY"


def upload(name: str = "bang-chung.txt", content: bytes = f"{MARK} evidence".encode()) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="text/plain")


@dataclass
class User:
    """A user of the world and what the matrix needs to know of it."""

    key: str
    row: object
    kind: str  # admin | chair | secretary | assignee | viewer
    in_scope: bool  # may this user see commune A?


@dataclass
class World:
    units: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # key -> User
    objects: dict = field(default_factory=dict)  # name -> row

    def user(self, key: str):
        return self.users[key].row


def build_world(make) -> World:
    """Build the world through the factories and the services (passwords: factories.PASSWORD)."""
    from ntm_tasks.assignments import services as task_services
    from ntm_tasks.assignments.models import ExtensionRequest
    from ntm_tasks.meetings import services as meeting_services
    from ntm_tasks.meetings.models import Conclusion
    from ntm_tasks.notifications.exports import run_export
    from ntm_tasks.notifications.models import ExportJob, ExportKind, ExportStatus
    from ntm_tasks.oversight import criteria, dossiers

    w = World()
    p = make.unit("Tỉnh P", level="province")
    a = make.unit(f"Xã {MARK}", parent=p)
    village = make.unit(f"Thôn {MARK}", level="village", parent=a)
    b = make.unit("Xã Bên", parent=p)
    q = make.unit("Tỉnh Q", level="province")
    c = make.unit("Xã Xa", parent=q)
    w.units.update(p=p, a=a, village=village, b=b, q=q, c=c)
    ubnd_a, party_a = make.body(a, "peoples_committee"), make.body(a, "party_committee")
    ubnd_b, ubnd_c = make.body(b, "peoples_committee"), make.body(c, "peoples_committee")
    w.bodies.update(ubnd_a=ubnd_a, party_a=party_a, ubnd_b=ubnd_b, ubnd_c=ubnd_c)

    def add(key, role, unit, in_scope, bodies=()):
        w.users[key] = User(key, make.user(role, unit, bodies), role, in_scope)

    add("superadmin", "admin", None, True)
    add("admin_a", "admin", a, True)
    add("chair_a", "chair", a, True)
    add("secretary_a", "secretary", a, True)
    add("assignee_a", "assignee", a, True, [ubnd_a])
    add("viewer_a", "viewer", a, True)
    add("viewer_p", "viewer", p, True)
    add("admin_b", "admin", b, False)
    add("chair_b", "chair", b, False)
    add("secretary_b", "secretary", b, False)
    add("assignee_b", "assignee", b, False, [ubnd_b])
    add("viewer_b", "viewer", b, False)
    add("admin_q", "admin", q, False)
    add("chair_c", "chair", c, False)
    add("viewer_q", "viewer", q, False)
    chair = w.user("chair_a")

    day = today()
    published = make.meeting(a, status="published", title=f"Họp BCĐ {MARK}", created_by=chair)
    draft = make.meeting(a, status="draft", title=f"Họp dự thảo {MARK} {DRAFT_MARK}", created_by=chair)
    conclusion = Conclusion(meeting_id=published.id, position=1, number="1", addressee="UBND xã",
                            text=f"Kết luận {MARK}", created_by_id=chair.id)
    db.session.add(conclusion)
    db.session.commit()
    task = make.task(ubnd_a, published, "in_progress", day + timedelta(days=30), coordinating=[party_a],
                     title=f"Nhiệm vụ {MARK} đang làm", conclusion_id=conclusion.id, progress=20)
    objects = {
        "meeting": published, "meeting_draft": draft, "conclusion": conclusion, "task": task,
        "task_assigned": make.task(ubnd_a, published, "assigned", day + timedelta(days=10),
                                   title=f"Nhiệm vụ {MARK} mới giao"),
        "task_submitted": make.task(ubnd_a, published, "submitted", day + timedelta(days=5),
                                    title=f"Nhiệm vụ {MARK} chờ duyệt", submitted_on=day),
        "task_completed": make.task(ubnd_a, published, "completed", day - timedelta(days=5),
                                    title=f"Nhiệm vụ {MARK} đã xong", submitted_on=day - timedelta(days=6),
                                    completed_on=day - timedelta(days=6), progress=100),
        "task_draft": make.task(ubnd_a, draft, "draft", day + timedelta(days=20),
                                title=f"Nhiệm vụ {MARK} {DRAFT_MARK}"),
    }
    w.objects.update(objects)
    w.objects["attachment"] = task_services.add_attachment(chair, task, upload())
    w.objects["meeting_attachment"] = meeting_services.add_attachment(chair, published, upload("bien-ban.txt"))
    # A pending request on a completed task: approving it is refused (409), so the matrix changes nothing.
    extension = ExtensionRequest(task_id=objects["task_completed"].id, requested_due_date=day + timedelta(days=60),
                                 previous_due_date=objects["task_completed"].due_date,
                                 reason=f"Lý do {MARK}", requested_by_id=w.user("assignee_a").id)
    db.session.add(extension)
    w.objects["extension"] = extension
    dossier = dossiers.create_dossier(chair, a, kind="recognition_ntm", title=f"Hồ sơ {MARK}",
                                      due_date=day + timedelta(days=40))
    db.session.flush()
    w.objects["dossier"] = dossier
    w.objects["dossier_item"] = dossier.items[0]
    dossiers.supply_item(chair, dossier.items[0], upload("to-trinh.txt"))
    criteria.ensure_national_sets()
    w.objects["assessment"] = criteria.record_assessment(chair, a, criterion_code="ntm-xa-2026.01", met=True,
                                                         as_of=day, note=f"Đánh giá {MARK}",
                                                         evidence_upload=upload("minh-chung.txt"))
    w.objects["notification"] = make.notification(w.user("assignee_a"), task_=task, message=f"Thông báo {MARK}")
    export = ExportJob(kind=ExportKind.MONTHLY_CSV, unit_id=a.id, month=day.strftime("%Y-%m"),
                       requested_by_id=chair.id, status=ExportStatus.QUEUED)
    db.session.add(export)
    db.session.commit()
    run_export(export.id)
    db.session.refresh(export)
    assert export.status == ExportStatus.DONE, export.error
    w.objects["export"] = export
    return w
