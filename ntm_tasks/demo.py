"""The demo data set: a province in today's two-tier layout, three communes, an account per role.

Each domain package adds its part through DEMO_STEPS; every step is idempotent.
"""
import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, BodyKind, Unit, User
from ntm_tasks.org.services import create_unit, create_user

DEMO_PASSWORD = "demo1234"
PROVINCE_CODE = "DEMO-TH"
COMMUNES = {
    "Hoằng Trung": ["Đông Hải", "Tây Sơn", "Bắc Sơn", "Nam Tiến"],
    "Quảng Phú": ["Phú Thượng", "Phú Trung", "Phú Hạ"],
    "Yên Trường": ["Thôn 1", "Thôn 2", "Thôn 3"],
}
# username, full name, role, unit name (None: province), body (kind, name) of that unit or None
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "admin", None, None),
    ("vpdp.tinh", "Lê Thị Hằng", "viewer", "Thanh Hóa", None),
    ("chutich", "Nguyễn Văn Hùng", "chair", "Hoằng Trung", None),
    ("thuky", "Trần Thị Mai", "secretary", "Hoằng Trung", (BodyKind.CIVIL_SERVANT, "Văn phòng - Thống kê")),
    ("ubnd", "Phạm Văn Nam", "assignee", "Hoằng Trung", (BodyKind.PEOPLES_COMMITTEE, "Ủy ban nhân dân xã")),
    ("diachinh", "Lê Văn Dũng", "assignee", "Hoằng Trung", (BodyKind.CIVIL_SERVANT, "Địa chính - Xây dựng")),
    ("phunu", "Hoàng Thị Lan", "assignee", "Hoằng Trung", (BodyKind.MASS_ORGANIZATION, "Hội Liên hiệp Phụ nữ")),
    ("chutich.qp", "Đỗ Minh Tuấn", "chair", "Quảng Phú", None),
]


def _steps():
    """Demo steps of the domain packages, in dependency order (imported here to keep start-up light)."""
    steps = []
    for module_name in ("ntm_tasks.meetings.demo", "ntm_tasks.assignments.demo", "ntm_tasks.oversight.demo"):
        try:
            module = __import__(module_name, fromlist=["load"])
        except ModuleNotFoundError:
            continue
        steps.append(module.load)
    return steps


def load_demo() -> bool:
    """Create the demo set if absent; True when something was created."""
    province = db.session.scalar(sa.select(Unit).where(Unit.code == PROVINCE_CODE))
    created = province is None
    if created:
        province = _load_org()
    for step in _steps():
        created = step(province) or created
    return created


def _load_org() -> Unit:
    province = create_unit(None, name="Thanh Hóa", level="province", parent=None, code=PROVINCE_CODE)
    units = {"Thanh Hóa": province}
    for commune_name, villages in COMMUNES.items():
        commune = create_unit(None, name=commune_name, level="commune", parent=province)
        units[commune_name] = commune
        for village_name in villages:
            create_unit(None, name=village_name, level="village", parent=commune)
    for username, full_name, role, unit_name, body_ref in ACCOUNTS:
        unit = units.get(unit_name) if unit_name else None
        body_ids = []
        if body_ref:
            kind, name = body_ref
            body_ids = [db.session.scalar(
                sa.select(Body.id).where(Body.unit_id == unit.id, Body.kind == kind, Body.name == name))]
        create_user(None, username=username, password=DEMO_PASSWORD, role=role, full_name=full_name, unit=unit,
                    body_ids=body_ids)
    # the head of village Đông Hải, for the village's tasks
    dong_hai = db.session.scalar(sa.select(Unit).where(Unit.name == "Đông Hải"))
    head = db.session.scalar(sa.select(Body).where(Body.unit_id == dong_hai.id, Body.kind == BodyKind.VILLAGE_HEAD))
    create_user(None, username="truongthon", password=DEMO_PASSWORD, role="assignee", full_name="Vũ Văn Thắng",
                unit=dong_hai, body_ids=[head.id])
    return province


def demo_user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))
