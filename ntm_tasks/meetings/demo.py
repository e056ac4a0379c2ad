"""Demo meetings: Hoằng Trung's steering meeting of four months ago, a working session of last month and a draft
for next week; one published meeting in Quảng Phú. All made through the services, dated relative to today."""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ntm_tasks.db import LOCAL_TZ, acting_on, today
from ntm_tasks.extensions import db
from ntm_tasks.meetings import services
from ntm_tasks.meetings.models import Meeting
from ntm_tasks.org.models import Body, BodyKind, Unit

ROMAN_QUARTERS = ("I", "II", "III", "IV")


def _weekday(day: date) -> date:
    """Meetings fall on working days: a weekend date moves back to the Friday."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _d(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def _last_month(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _bodies(unit: Unit, *kinds_or_names) -> list[int]:
    """Ids of the unit's bodies by kind (the first of that kind) or by exact name."""
    ids = []
    for wanted in kinds_or_names:
        query = sa.select(Body.id).where(Body.unit_id == unit.id).order_by(Body.id)
        query = query.where(Body.kind == wanted) if isinstance(wanted, BodyKind) else query.where(Body.name == wanted)
        ids.append(db.session.scalar(query))
    return [i for i in ids if i]


def _meeting(actor, unit: Unit, day: date, conclusions: str, notice: str | None, **fields) -> Meeting:
    with acting_on(min(day, today())):
        meeting = services.create_meeting(actor, unit=unit, held_at=_at(day), **fields)
        services.save_conclusions(actor, meeting, text=conclusions)
        if notice:
            services.publish_meeting(actor, meeting, notice, meeting.version)
    return meeting


def _hoang_trung(commune: Unit) -> None:
    from ntm_tasks.demo import demo_user

    actor, now = demo_user("thuky"), today()
    steering_day = _weekday(now - timedelta(days=120))
    quarter = (now.month - 1) // 3
    _meeting(
        actor, commune, steering_day, notice="12/TB-BCĐ", kind="steering_meeting",
        title="Hội nghị Ban chỉ đạo xây dựng NTM xã triển khai nhiệm vụ xây dựng xã NTM nâng cao, kiểu mẫu",
        location="Hội trường UBND xã Hoằng Trung",
        chair="Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy, Trưởng ban Chỉ đạo",
        participant_ids=_bodies(commune, BodyKind.PARTY_COMMITTEE, BodyKind.PEOPLES_COMMITTEE,
                                BodyKind.FATHERLAND_FRONT, "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên",
                                "Địa chính - Xây dựng", "Văn phòng - Thống kê"),
        guests=["Đại diện Văn phòng Điều phối NTM tỉnh", "Trưởng các thôn"],
        legal_bases=["Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ",
                     "Nghị quyết số 57/NQ-HĐND ngày 28/12/2020",
                     f"Kế hoạch số 89/KH-UBND ngày {_d(steering_day - timedelta(days=20))}"],
        summary="Xã đạt 15/19 tiêu chí xã NTM nâng cao; còn 4 tiêu chí chưa đạt: Giao thông, Văn hóa, "
                "Môi trường, Chất lượng môi trường sống.",
        difficulties="Nguồn vốn đối ứng cho các công trình hạ tầng còn thiếu; việc vận động nhân dân hiến đất "
                     "làm đường ở thôn Tây Sơn còn chậm.",
        conclusions=f"""Kết luận hội nghị, đồng chí Trưởng ban yêu cầu:
1. Đối với Đảng ủy xã: Ban hành nghị quyết chuyên đề về xây dựng xã NTM kiểu mẫu trước ngày {_d(steering_day + timedelta(days=30))}.
2. Đối với UBND xã: Hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn NTM nâng cao, gửi Văn phòng
Điều phối NTM tỉnh trước ngày {_d(now + timedelta(days=45))}. Định kỳ báo cáo tiến độ trước ngày 20 hàng tháng.
3. Đối với các thôn Đông Hải, Tây Sơn: Tổ chức hội nghị nhân dân lấy ý kiến về xây dựng nhà văn
hóa thôn trong quý {ROMAN_QUARTERS[quarter]}/{now.year}.
4. Đối với Hội Phụ nữ và Đoàn Thanh niên xã: Ra quân tổng vệ sinh môi trường vào chủ nhật hàng tuần.
5. Giao công chức Địa chính - Xây dựng phối hợp với Văn phòng Điều phối NTM tỉnh rà soát quy
hoạch chung xã, hoàn thành trong tháng {_last_month(now).month}/{_last_month(now).year}.
""")
    session_day = _weekday(now - timedelta(days=30))
    _meeting(
        actor, commune, session_day, notice="45/TB-UBND", kind="working_session",
        title="Buổi làm việc với các thôn về xây dựng thôn NTM kiểu mẫu",
        location="Nhà văn hóa thôn Đông Hải", chair="Đồng chí Phạm Văn Nam, Chủ tịch UBND xã",
        participant_ids=_bodies(commune, BodyKind.PEOPLES_COMMITTEE, BodyKind.MANAGEMENT_BOARD,
                                "Hội Nông dân", "Văn hóa - Xã hội"),
        guests=["Trưởng thôn Đông Hải", "Trưởng thôn Bắc Sơn"],
        legal_bases=[f"Kế hoạch số 89/KH-UBND ngày {_d(steering_day - timedelta(days=20))}"],
        summary="Thôn Đông Hải đạt 8/10 tiêu chí thôn kiểu mẫu; thôn Bắc Sơn đạt 6/10.",
        conclusions=f"""Đồng chí Chủ tịch UBND xã kết luận như sau:
1. Thôn Đông Hải hoàn thành chỉnh trang khuôn viên nhà văn hóa thôn trước ngày {_d(now - timedelta(days=5))}.
2. Thôn Bắc Sơn xây dựng kế hoạch trồng cây xanh tuyến đường liên thôn, hoàn thành trước ngày {_d(now + timedelta(days=20))}.
3. Hội Nông dân xã chủ trì, phối hợp với Ban quản lý xây dựng NTM xã hướng dẫn các hộ xây dựng vườn mẫu; báo cáo kết quả hàng quý.
4. Giao công chức Văn hóa - Xã hội tham mưu UBND xã tổ chức bình xét gia đình văn hóa trong tháng {now.month}/{now.year}.
""")
    draft_day = _weekday(now + timedelta(days=7))
    draft = services.create_meeting(
        actor, unit=commune, held_at=_at(draft_day, 14), kind="steering_meeting",
        title="Họp Ban chỉ đạo xã đánh giá tiến độ các tiêu chí NTM nâng cao",
        location="Phòng họp UBND xã", chair="Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy, Trưởng ban Chỉ đạo",
        participant_ids=_bodies(commune, BodyKind.PARTY_COMMITTEE, BodyKind.PEOPLES_COMMITTEE,
                                BodyKind.STEERING_COMMITTEE),
        legal_bases=["Nghị quyết số 57/NQ-HĐND ngày 28/12/2020"],
    )
    services.save_conclusions(actor, draft, text=f"""Kết luận cuộc họp, đồng chí Trưởng ban đề nghị:
1. UBND xã chỉ đạo hoàn thành đường giao thông nội đồng thôn Tây Sơn trước ngày {_d(draft_day + timedelta(days=60))}.
2. Ủy ban MTTQ Việt Nam xã phối hợp với các thôn vận động nhân dân hiến đất mở rộng đường, báo cáo kết quả trước ngày 25 hàng tháng.
3. Trạm Y tế xã kiểm tra an toàn thực phẩm tại các chợ, hoàn thành trong quý {ROMAN_QUARTERS[(draft_day.month - 1) // 3]}/{draft_day.year}.
""")
    earlier = services.open_tasks_from_earlier(draft)
    if earlier:
        services.carry_over(actor, draft, [t.id for t in earlier if t.due_date and t.due_date < now][:2]
                            or [earlier[0].id])


def _quang_phu(commune: Unit) -> None:
    from ntm_tasks.demo import demo_user

    actor, now = demo_user("chutich.qp"), today()
    day = _weekday(now - timedelta(days=60))
    _meeting(
        actor, commune, day, notice="21/TB-UBND", kind="inspection",
        title="Kiểm tra thực tế các công trình hạ tầng NTM tại thôn Phú Thượng",
        location="Thôn Phú Thượng", chair="Đồng chí Đỗ Minh Tuấn, Chủ tịch UBND xã",
        participant_ids=_bodies(commune, BodyKind.PEOPLES_COMMITTEE, "Địa chính - Xây dựng"),
        conclusions=f"""Sau khi kiểm tra thực tế, đồng chí Chủ tịch UBND xã kết luận:
1. Đối với công chức Địa chính - Xây dựng: Nghiệm thu tuyến đường trục thôn Phú Thượng trước ngày {_d(now + timedelta(days=10))}.
2. Đối với thôn Phú Thượng: Vận động nhân dân chỉnh trang hàng rào, cổng ngõ trong tháng {now.month}/{now.year}.
3. Đối với Hội Cựu chiến binh xã: Duy trì mô hình tuyến đường tự quản, kiểm tra hàng tuần.
""")


def load(province: Unit) -> bool:
    """Create the demo meetings if Hoằng Trung has none yet; True when something was created."""
    communes = {u.name: u for u in db.session.scalars(sa.select(Unit).where(Unit.parent_id == province.id))}
    created = False
    for name, builder in (("Hoằng Trung", _hoang_trung), ("Quảng Phú", _quang_phu)):
        commune = communes.get(name)
        if commune is None or db.session.scalar(sa.select(Meeting.id).where(Meeting.unit_id == commune.id).limit(1)):
            continue
        builder(commune)
        created = True
    db.session.flush()
    return created
