"""The known set of tasks the oversight tests count, as of 15/06/2026.

Commune C (under province P) with village V; commune C2 beside it; province P2 elsewhere. Expected figures:
commune C and its village: 11 counted tasks (1 on time, 1 late, 6 open in time, 3 overdue; 1 due within
3 days, 1 without deadline); province P adds C2's task completed on time (12); P2's task is never counted.
"""
from dataclasses import dataclass, field
from datetime import date

import pytest

from ntm_tasks.assignments.models import ExtensionRequest
from ntm_tasks.extensions import db

AS_OF = date(2026, 6, 15)


@dataclass
class World:
    province: object
    commune: object
    village: object
    commune2: object
    other_province: object
    other_commune: object
    ubnd: object
    party: object
    village_head: object
    meeting: object
    tasks: dict = field(default_factory=dict)


@pytest.fixture
def world(app, make):
    """Units, bodies and the sixteen tasks of the scenario; today is 15/06/2026."""
    app.config["NTM_TODAY"] = AS_OF.isoformat()
    province = make.unit("Thanh Hóa", level="province")
    commune = make.unit("Hoằng Trung", parent=province)
    village = make.unit("Đông Hải", level="village", parent=commune)
    commune2 = make.unit("Quảng Phú", parent=province)
    other_province = make.unit("Nghệ An", level="province")
    other_commune = make.unit("Diễn Châu", parent=other_province)
    ubnd, party = make.body(commune, "peoples_committee"), make.body(commune, "party_committee")
    village_head = make.body(village, "village_head")
    meeting = make.meeting(commune, status="published", title="Họp BCĐ tháng 5/2026")
    w = World(province, commune, village, commune2, other_province, other_commune, ubnd, party, village_head, meeting)
    d = date
    t = w.tasks
    t["on_time"] = make.task(ubnd, meeting, "completed", d(2026, 6, 1), submitted_on=d(2026, 5, 30),
                             completed_on=d(2026, 6, 2), progress=100, title="Hoàn thành đúng hạn",
                             assigned_on=d(2026, 5, 1))
    t["late"] = make.task(ubnd, meeting, "completed", d(2026, 5, 1), submitted_on=d(2026, 5, 10),
                          completed_on=d(2026, 5, 12), progress=100, title="Hoàn thành quá hạn",
                          assigned_on=d(2026, 4, 1))
    t["open"] = make.task(party, meeting, "in_progress", d(2026, 7, 30), progress=50, title="Đang làm trong hạn",
                          assigned_on=d(2026, 6, 1))
    t["overdue"] = make.task(party, meeting, "assigned", d(2026, 6, 5), title="Quá hạn mười ngày")
    t["overdue_old"] = make.task(ubnd, meeting, "in_progress", d(2026, 5, 16), progress=30,
                                 title="Quá hạn ba mươi ngày")
    t["extended"] = make.task(ubnd, meeting, "in_progress", d(2026, 6, 25), progress=60, title="Đã gia hạn")
    t["extended"].original_due_date = d(2026, 6, 10)
    t["due_soon"] = make.task(party, meeting, "assigned", d(2026, 6, 17), title="Sắp đến hạn")
    t["no_deadline"] = make.task(ubnd, meeting, "in_progress", None, progress=20, title="Thường xuyên")
    t["behind"] = make.task(party, meeting, "in_progress", d(2026, 6, 25), progress=10, title="Chậm tiến độ",
                            assigned_on=d(2026, 5, 1))
    t["submitted"] = make.task(ubnd, meeting, "submitted", d(2026, 6, 20), submitted_on=d(2026, 6, 14),
                               progress=100, title="Chờ duyệt")
    t["cancelled"] = make.task(ubnd, meeting, "cancelled", d(2026, 6, 1), title="Đã hủy")
    t["draft"] = make.task(ubnd, meeting, "draft", d(2026, 6, 1), title="Dự thảo")
    t["declined"] = make.task(party, meeting, "declined", d(2026, 6, 1), title="Từ chối")
    t["village"] = make.task(village_head, meeting, "in_progress", d(2026, 6, 10), title="Việc của thôn")
    t["commune2"] = make.task(make.body(commune2, "peoples_committee"), None, "completed", d(2026, 6, 1),
                              submitted_on=d(2026, 6, 1), completed_on=d(2026, 6, 3), progress=100,
                              title="Việc xã bên")
    t["elsewhere"] = make.task(make.body(other_commune, "peoples_committee"), None, "assigned", d(2026, 5, 1),
                               title="Việc tỉnh khác")
    db.session.add(ExtensionRequest(task_id=t["open"].id, requested_due_date=d(2026, 8, 30),
                                    previous_due_date=d(2026, 7, 30), reason="Chờ kinh phí"))
    db.session.commit()
    return w


COMMUNE_TOTALS = {"total": 11, "completed_on_time": 1, "completed_late": 1, "in_progress_on_time": 6,
                  "in_progress_overdue": 3, "due_soon": 1, "no_deadline": 1}
PROVINCE_TOTALS = {**COMMUNE_TOTALS, "total": 12, "completed_on_time": 2}
UBND_COUNTS = {"total": 6, "completed_on_time": 1, "completed_late": 1, "in_progress_on_time": 3,
               "in_progress_overdue": 1, "due_soon": 0, "no_deadline": 1}
PARTY_COUNTS = {"total": 4, "completed_on_time": 0, "completed_late": 0, "in_progress_on_time": 3,
                "in_progress_overdue": 1, "due_soon": 1, "no_deadline": 0}
VILLAGE_COUNTS = {"total": 1, "completed_on_time": 0, "completed_late": 0, "in_progress_on_time": 0,
                  "in_progress_overdue": 1, "due_soon": 0, "no_deadline": 0}
