"""Demo data of the oversight package: the criteria sets, the three communes' assessments over the last year,
Hoằng Trung's recognition dossier in preparation, and demo tasks linked to the criteria they serve."""
import io
from datetime import date, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ntm_tasks.assignments.models import Task, TaskCriterion
from ntm_tasks.audit import record
from ntm_tasks.db import today
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, BodyKind, Unit, User
from ntm_tasks.oversight import criteria, dossiers
from ntm_tasks.oversight.models import Assessment, CriteriaSet, Criterion, Dossier
from ntm_tasks.text import fold

SET_CODE = "ntm-xa-2026"
# Criteria (by number) met a year ago, six months ago and now, per commune: Hoằng Trung goes 7/10 -> 8/10.
PROGRESS = {
    "Hoằng Trung": ([1, 2, 4, 5, 6, 9, 10], [1, 2, 4, 5, 6, 9, 10], [1, 2, 3, 4, 5, 6, 9, 10]),
    "Quảng Phú": ([1, 4, 6, 9, 10], [1, 4, 6, 9, 10], [1, 2, 4, 6, 9, 10]),
    "Yên Trường": ([1, 9, 10], [1, 6, 9, 10], [1, 4, 6, 9, 10]),
}
# Keywords of task titles (folded) -> the criterion they serve.
TASK_LINKS = (
    (("quy hoach",), 1),
    (("duong", "giao thong", "nha van hoa", "ha tang", "cong trinh"), 2),
    (("ocop", "san xuat", "hop tac xa", "thu nhap"), 3),
    (("moi truong", "ve sinh", "rac", "canh quan", "cay xanh"), 8),
    (("nghi quyet", "chinh quyen", "hanh chinh"), 9),
    (("chuyen doi so", "truc tuyen"), 7),
)
SUPPLIED = ("proposal", "results_report", "meeting_minutes")


def load(province: Unit) -> bool:
    """Load the criteria sets, then the communes' assessments, the dossier and the task links if absent."""
    created = criteria.load_national_sets() > 0
    criteria_set = db.session.scalar(sa.select(CriteriaSet).where(CriteriaSet.code == SET_CODE))
    communes = {u.name: u for u in db.session.scalars(
        sa.select(Unit).where(Unit.parent_id == province.id, Unit.level == "commune"))}
    for name, steps in PROGRESS.items():
        if name in communes:
            created = _assessments(communes[name], criteria_set, steps) or created
    if "Hoằng Trung" in communes:
        created = _dossier(province, communes["Hoằng Trung"]) or created
        created = _link_tasks(communes["Hoằng Trung"], criteria_set) or created
    db.session.flush()
    return created


def _actor(unit: Unit) -> User | None:
    return db.session.scalar(sa.select(User).where(User.unit_id == unit.id, User.role.in_(("secretary", "chair")))
                             .order_by(User.role.desc(), User.id).limit(1))


def _assessments(unit: Unit, criteria_set: CriteriaSet, steps) -> bool:
    """Three rounds of self-assessment: a year ago, six months ago and a week ago."""
    if db.session.scalar(sa.select(Assessment.id).where(Assessment.unit_id == unit.id).limit(1)):
        return False
    items, indicators = criteria.criteria_of(criteria_set)
    actor = _actor(unit)
    t = today()
    for on, met_numbers in zip((t - timedelta(days=365), t - timedelta(days=182), t - timedelta(days=7)), steps):
        for criterion in items:
            met = int(criterion.number) in met_numbers
            _assess(unit, criterion, met, on, actor)
            for k, indicator in enumerate(indicators.get(criterion.id, [])):
                # an unmet criterion still has most of its indicators met; the last one or two are missing
                _assess(unit, indicator, met or k < len(indicators[criterion.id]) - 2, on, actor)
    return True


def _assess(unit: Unit, criterion: Criterion, met: bool, on: date, actor) -> None:
    assessment = Assessment(unit_id=unit.id, criterion_id=criterion.id, is_met=met, assessed_on=on,
                            assessed_by_id=actor.id if actor else None,
                            note=None if met else "Chưa đạt theo kết quả rà soát của Ban quản lý xã")
    db.session.add(assessment)
    db.session.flush()
    record(assessment, actor, "assessed", {"criterion_code": [None, criterion.code], "met": [None, met],
                                           "as_of": [None, on]}, "Dữ liệu mẫu")


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text, for the demo's checklist files."""
    text = fold(title).replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _dossier(province: Unit, commune: Unit) -> bool:
    """Hoằng Trung's dossier for recognition under the 2026-2030 set, three of its documents filed."""
    if db.session.scalar(sa.select(Dossier.id).where(Dossier.unit_id == commune.id).limit(1)):
        return False
    actor = _actor(commune)
    if actor is None:
        return False
    office = db.session.scalar(sa.select(Body.id).where(Body.unit_id == province.id,
                                                        Body.kind == BodyKind.COORDINATION_OFFICE).limit(1))
    dossier = dossiers.create_dossier(
        actor, commune, kind="recognition_ntm", receiving_body_id=office, due_date=today() + timedelta(days=45),
        title="Hồ sơ đề nghị xét, công nhận xã Hoằng Trung đạt chuẩn nông thôn mới giai đoạn 2026-2030")
    for item in dossier.items:
        if item.code in SUPPLIED:
            upload = FileStorage(io.BytesIO(_demo_pdf(item.name)), filename=f"{item.code}.pdf",
                                 content_type="application/pdf")
            dossiers.supply_item(actor, item, upload)
    return True


def _link_tasks(commune: Unit, criteria_set: CriteriaSet) -> bool:
    """Link the commune's demo tasks that serve no criterion yet to the one their title names."""
    from ntm_tasks.oversight.dashboard import subtree_clause

    linked = set(db.session.scalars(sa.select(TaskCriterion.task_id)))
    tasks = db.session.scalars(sa.select(Task).where(subtree_clause(commune)).order_by(Task.id)).all()
    changed = False
    for task in tasks:
        if task.id in linked:
            continue
        title = fold(task.title)
        for words, number in TASK_LINKS:
            if any(word in title for word in words):
                code = f"{criteria_set.code}.{number:02d}"
                db.session.add(TaskCriterion(task_id=task.id, criterion_code=code))
                record(task, None, "updated", {"criterion_codes": [[], [code]]}, "Dữ liệu mẫu")
                changed = True
                break
    return changed
