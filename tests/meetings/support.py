"""Shared set-up of the meetings tests: a commune as DOMAIN.md describes it, with its people."""
from dataclasses import dataclass
from datetime import datetime

from ntm_tasks.db import LOCAL_TZ
from ntm_tasks.meetings import services
from ntm_tasks.org.models import Body, Unit, User

EXAMPLE = """Kết luận buổi làm việc, đồng chí Trưởng ban yêu cầu:
1. Đối với Đảng ủy xã: Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày 15/8/2024.
2. Đối với UBND xã: Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao, gửi Văn phòng
   Điều phối NTM tỉnh trước ngày 30/10/2024. Định kỳ báo cáo tiến độ trước ngày 20 hàng tháng.
3. Đối với các thôn Đông Hải, Tây Sơn: Tổ chức hội nghị nhân dân lấy ý kiến về xây dựng nhà văn
   hóa thôn trong quý III/2024.
4. Đối với Hội Phụ nữ và Đoàn Thanh niên xã: Ra quân tổng vệ sinh môi trường vào chủ nhật hàng tuần.
5. Giao công chức Địa chính - Xây dựng phối hợp với Văn phòng Điều phối NTM tỉnh rà soát quy
   hoạch chung xã, hoàn thành trong tháng 9/2024.
"""
HELD = datetime(2024, 7, 15, 8, 0, tzinfo=LOCAL_TZ)


@dataclass
class Commune:
    province: Unit
    commune: Unit
    dong_hai: Unit
    tay_son: Unit
    other: Unit
    secretary: User
    chair: User
    assignee: User  # focal person of the People's Committee
    viewer: User
    outsider: User  # secretary of the other commune

    def body(self, name: str, unit: Unit | None = None) -> Body:
        unit = unit or self.commune
        return next(b for b in unit.bodies if b.name == name)

    @property
    def ubnd(self) -> Body:
        return self.body("Ủy ban nhân dân xã")

    @property
    def party(self) -> Body:
        return self.body("Đảng ủy xã")


def commune(make) -> Commune:
    """Province Thanh Hóa → commune Hoằng Trung (villages Đông Hải, Tây Sơn) and commune Quảng Phú."""
    province = make.unit("Thanh Hóa", level="province")
    hoang_trung = make.unit("Hoằng Trung", parent=province)
    dong_hai = make.unit("Đông Hải", level="village", parent=hoang_trung)
    tay_son = make.unit("Tây Sơn", level="village", parent=hoang_trung)
    other = make.unit("Quảng Phú", parent=province)
    ubnd = make.body(hoang_trung, "peoples_committee")
    return Commune(
        province=province, commune=hoang_trung, dong_hai=dong_hai, tay_son=tay_son, other=other,
        secretary=make.user("secretary", hoang_trung), chair=make.user("chair", hoang_trung),
        assignee=make.user("assignee", hoang_trung, [ubnd]), viewer=make.user("viewer", province),
        outsider=make.user("secretary", other),
    )


def meeting(c: Commune, actor=None, **values):
    """A draft meeting of Hoằng Trung recorded through the service."""
    fields = {"title": "Họp Ban chỉ đạo xây dựng NTM xã", "kind": "steering_meeting", "held_at": HELD}
    fields.update(values)
    return services.create_meeting(actor or c.secretary, unit=c.commune, **fields)


def signed_in(app, user):
    """A fresh web client logged in as `user` through the login form (one per user in a test)."""
    from tests.conftest import csrf_token
    from tests.factories import PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
