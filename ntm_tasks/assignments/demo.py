"""Demo work on Hoằng Trung's tasks: the assignees and the chair move them through the workflow, each action on
its own day (relative to today), so the demo shows every status and every status group, progress reports,
extension requests approved, refused and pending, and recurring tasks with their occurrences."""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import sqlalchemy as sa

from ntm_tasks.assignments import recurrence, services
from ntm_tasks.assignments.models import OPEN_STATUSES, ProgressReport, Task, TaskStatus
from ntm_tasks.db import acting_on, local, today
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, Unit

ASSIGNEES = ("ubnd", "diachinh", "phunu", "truongthon")


@dataclass
class Cast:
    """Who acts in the demo, and which assignee answers for which body."""

    secretary: object
    chair: object
    assignee_of: dict  # body id -> assignee account

    def assignee(self, task: Task):
        return self.assignee_of.get(task.lead_body_id)


def _act(cast: Cast, task: Task, day: date, action: str, note: str | None = None, actor=None) -> None:
    with acting_on(day):
        who = actor or (cast.chair if action in ("approve", "return", "cancel", "reopen") else cast.assignee(task))
        services.transition(who, task, action, note=note, version=task.version)


def _progress(cast: Cast, task: Task, day: date, value: int, note: str) -> None:
    with acting_on(day):
        services.add_progress(cast.assignee(task), task, value, note)


def _start(task: Task) -> date:
    return task.assigned_on or local(task.created_at).date()


def _between(start: date, day: date, end: date) -> date:
    return max(start, min(day, end))


# --- scenarios: each moves one assigned task through the workflow with dates from its start to today --------

def _in_progress(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "acknowledge")
    _progress(cast, task, _between(s, s + timedelta(days=5), t), 30,
              "Đã xây dựng kế hoạch triển khai, phân công cán bộ.")
    _progress(cast, task, _between(s, t - timedelta(days=2), t), 60, "Đã hoàn thành khảo sát, đang tổng hợp số liệu.")


def _overdue(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=2), t), "acknowledge")
    _progress(cast, task, _between(s, s + timedelta(days=7), t), 40, "Đang vận động nhân dân; kinh phí chưa bố trí đủ.")


def _submitted(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "acknowledge")
    _progress(cast, task, _between(s, t - timedelta(days=3), t), 80, "Đã hoàn thiện dự thảo, xin ý kiến các thôn.")
    _progress(cast, task, _between(s, t - timedelta(days=1), t), 100, "Đã hoàn thành, gửi kèm báo cáo.")
    _act(cast, task, _between(s, t - timedelta(days=1), t), "submit", "Đã hoàn thành, đề nghị Ban chỉ đạo xem xét.")


def _on_time(cast, task, t):
    """Submitted the day before the deadline and approved after it: still completed on time."""
    s = _start(task)
    submit_day = _between(s + timedelta(days=1), task.due_date - timedelta(days=1), t)
    _act(cast, task, _between(s, s + timedelta(days=1), submit_day), "acknowledge")
    _progress(cast, task, _between(s, submit_day - timedelta(days=5), submit_day), 50, "Đã triển khai tới các thôn.")
    _act(cast, task, submit_day, "submit", "Đã hoàn thành đúng thời hạn, gửi kèm biên bản.")
    _act(cast, task, _between(submit_day, submit_day + timedelta(days=3), t), "approve", "Đạt yêu cầu.")


def _late(cast, task, t):
    s = _start(task)
    submit_day = _between(s + timedelta(days=1), task.due_date + timedelta(days=4), t)
    _act(cast, task, _between(s, s + timedelta(days=1), submit_day), "acknowledge")
    _progress(cast, task, _between(s, task.due_date - timedelta(days=2), submit_day), 70,
              "Chậm do thời tiết mưa kéo dài, đang khẩn trương hoàn thiện.")
    _act(cast, task, submit_day, "submit", "Đã hoàn thành, chậm so với thời hạn.")
    _act(cast, task, _between(submit_day, submit_day + timedelta(days=1), t), "approve",
         "Đạt yêu cầu; rút kinh nghiệm về tiến độ.")


def _pending_extension(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "acknowledge")
    _progress(cast, task, _between(s, s + timedelta(days=4), t), 20, "Đang chờ hướng dẫn của cấp trên.")
    with acting_on(t):
        services.request_extension(cast.assignee(task), task, max(task.due_date or t, t) + timedelta(days=15),
                                   "Chờ Văn phòng Điều phối NTM tỉnh ban hành hướng dẫn mới.")


def _approved_extension(cast, task, t):
    """Overdue, then an extension approved after the original date: back within the deadline."""
    s = _start(task)
    asked = _between(s, task.due_date + timedelta(days=1), t)
    _act(cast, task, _between(s, s + timedelta(days=1), asked), "acknowledge")
    _progress(cast, task, _between(s, s + timedelta(days=5), asked), 50, "Đã thi công được một nửa khối lượng.")
    with acting_on(asked):
        request = services.request_extension(cast.assignee(task), task, t + timedelta(days=14),
                                             "Vướng giải phóng mặt bằng tại 3 hộ dân, cần thêm thời gian vận động.")
    with acting_on(_between(asked, asked + timedelta(days=1), t)):
        services.decide_extension(cast.chair, request, True, "Đồng ý gia hạn; hoàn thành dứt điểm trong thời hạn mới.")


def _refused_extension(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "acknowledge")
    _progress(cast, task, _between(s, s + timedelta(days=3), t), 45, "Đang triển khai theo kế hoạch.")
    with acting_on(_between(s, t - timedelta(days=1), t)):
        request = services.request_extension(cast.assignee(task), task, max(task.due_date or t, t) + timedelta(days=30),
                                             "Đề nghị lùi thời hạn để lồng ghép với kế hoạch năm sau.")
    with acting_on(t):
        services.decide_extension(cast.chair, request, False, "Không đồng ý; nhiệm vụ cần hoàn thành đúng hạn.")


def _returned(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "acknowledge")
    _progress(cast, task, _between(s, t - timedelta(days=4), t), 100, "Đã hoàn thành.")
    _act(cast, task, _between(s, t - timedelta(days=3), t), "submit", "Đã hoàn thành, gửi báo cáo.")
    _act(cast, task, _between(s, t - timedelta(days=2), t), "return", "Thiếu biên bản nghiệm thu; đề nghị bổ sung.")


def _declined(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "decline",
         "Nội dung này thuộc chức năng của Ban quản lý xây dựng NTM xã, đề nghị giao lại.")


def _cancelled(cast, task, t):
    s = _start(task)
    _act(cast, task, _between(s, s + timedelta(days=1), t), "acknowledge")
    _act(cast, task, _between(s, s + timedelta(days=3), t), "cancel",
         "Nội dung đã được lồng ghép vào nhiệm vụ khác của Ban chỉ đạo.")


@dataclass
class Scenario:
    name: str
    fits: Callable[[Task, date], bool]  # may an existing task play it (its due date against today)?
    run: Callable
    due_in: int | None  # due date, in days from today, of a task created to play it
    title: str
    assignee: str


def _due(test):
    return lambda task, t: task.due_date is not None and test(task.due_date, t, _start(task))


SCENARIOS = [
    Scenario("in_progress", lambda task, t: task.due_date is None or task.due_date >= t + timedelta(days=5),
             _in_progress, 25, "Xây dựng kế hoạch chỉnh trang cảnh quan các tuyến đường liên thôn", "diachinh"),
    Scenario("overdue", _due(lambda d, t, s: d < t - timedelta(days=2)), _overdue, -8,
             "Vận động nhân dân hiến đất mở rộng ngõ xóm thôn Đông Hải", "truongthon"),
    Scenario("submitted", lambda task, t: True, _submitted, 10,
             "Tổng hợp danh sách hộ đạt gia đình văn hóa năm nay", "phunu"),
    Scenario("completed_on_time", _due(lambda d, t, s: s + timedelta(days=3) <= d <= t - timedelta(days=3)), _on_time,
             -12, "Báo cáo kết quả thực hiện tiêu chí Môi trường và an toàn thực phẩm", "ubnd"),
    Scenario("completed_late", _due(lambda d, t, s: d <= t - timedelta(days=6)), _late, -30,
             "Lắp đặt hệ thống đèn chiếu sáng tuyến đường trục xã", "diachinh"),
    Scenario("pending_extension", lambda task, t: True, _pending_extension, 2,
             "Hoàn thiện hồ sơ đề nghị công nhận thôn Đông Hải đạt chuẩn thôn kiểu mẫu", "truongthon"),
    Scenario("approved_extension", _due(lambda d, t, s: s + timedelta(days=2) <= d < t), _approved_extension, -4,
             "Bê tông hóa tuyến đường nội đồng xứ Đồng Mới", "ubnd"),
    Scenario("refused_extension", _due(lambda d, t, s: d >= t), _refused_extension, 6,
             "Tổ chức tập huấn phân loại rác thải tại nguồn cho hội viên", "phunu"),
    Scenario("returned", lambda task, t: True, _returned, 12,
             "Cập nhật bản đồ quy hoạch sử dụng đất lên hệ thống thông tin của xã", "diachinh"),
    Scenario("declined", lambda task, t: True, _declined, 30,
             "Hướng dẫn các hộ xây dựng mô hình vườn mẫu", "phunu"),
    Scenario("cancelled", lambda task, t: True, _cancelled, 15,
             "Khảo sát nhu cầu lắp camera an ninh tại các thôn", "ubnd"),
]


# --- recurring tasks ------------------------------------------------------------------------------

def _run_occurrences(series: list[Task], t: date) -> None:
    """The scheduled job's runs, week after week since the oldest series began."""
    day = min(recurrence.series_start(s) for s in series)
    ids = [s.id for s in series]
    while day <= t:
        with acting_on(day):
            recurrence.create_occurrences(day, ids)
        day += timedelta(days=7)
    with acting_on(t):
        recurrence.create_occurrences(t, ids)


def _work_occurrences(cast: Cast, series: Task, t: date) -> None:
    """Past periods reported on time (one late); the last past one still open, hence overdue."""
    occurrences = db.session.scalars(sa.select(Task).where(Task.series_id == series.id, Task.due_date < t)
                                     .order_by(Task.due_date)).all()
    for i, occurrence in enumerate(occurrences):
        if occurrence.status != TaskStatus.ASSIGNED:
            continue
        if i == len(occurrences) - 1:
            _overdue(cast, occurrence, t)
        elif i == len(occurrences) - 2:
            _late(cast, occurrence, t)
        else:
            _on_time(cast, occurrence, t)


def _cancel_duplicates(cast: Cast, worked: list[Task], t: date) -> None:
    """A conclusion addressed to two bodies gave each a series; the chair keeps the one a demo assignee leads."""
    for kept in worked:
        twins = db.session.scalars(sa.select(Task).where(
            Task.conclusion_id == kept.conclusion_id, Task.conclusion_id.is_not(None), Task.id != kept.id,
            Task.series_id.is_(None), Task.recurrence.is_not(None), Task.status.in_(OPEN_STATUSES),
            Task.lead_body_id.not_in(list(cast.assignee_of)))).all()
        for twin in twins:
            note = f"Trùng nội dung với nhiệm vụ do {kept.lead_body.name} chủ trì; {twin.lead_body.name} phối hợp."
            _act(cast, twin, _between(_start(twin), _start(twin) + timedelta(days=2), t), "cancel", note)


def _monthly_report(cast: Cast, commune: Unit, t: date) -> Task:
    """The monthly progress report on the 25th, given directly by the committee a hundred days ago."""
    lead = next(b for b, user in cast.assignee_of.items() if user.username == "ubnd")
    with acting_on(t - timedelta(days=100)):
        return services.create_task(
            cast.secretary, unit=commune, lead_body=db.session.get(Body, lead),
            title="Báo cáo tiến độ xây dựng NTM nâng cao", recurrence={"freq": "monthly", "day": 25},
            description="Định kỳ báo cáo Ban chỉ đạo tiến độ thực hiện các tiêu chí trước ngày 25 hàng tháng.",
            expected_output="Báo cáo tiến độ bằng văn bản, kèm bảng theo dõi tiêu chí.")


# --- the whole -----------------------------------------------------------------------------------

def _cast(commune: Unit) -> Cast | None:
    from ntm_tasks.demo import demo_user

    secretary, chair = demo_user("thuky"), demo_user("chutich")
    assignees = [demo_user(name) for name in ASSIGNEES]
    if secretary is None or chair is None or None in assignees:
        return None
    return Cast(secretary, chair, {b.id: user for user in assignees for b in user.bodies})


def _create_for(cast: Cast, commune: Unit, scenario: Scenario, t: date) -> Task:
    from ntm_tasks.demo import demo_user

    body = demo_user(scenario.assignee).bodies[0]
    with acting_on(t - timedelta(days=60)):
        return services.create_task(cast.secretary, unit=commune, lead_body=body, title=scenario.title,
                                    due_date=t + timedelta(days=scenario.due_in),
                                    description="Nhiệm vụ giao trực tiếp theo Kế hoạch của UBND xã.",
                                    expected_output="Báo cáo kết quả kèm hồ sơ minh chứng.")


def load(province: Unit) -> bool:
    """Work Hoằng Trung's tasks through the workflow once; True when something was done."""
    commune = db.session.scalar(sa.select(Unit).where(Unit.parent_id == province.id, Unit.name == "Hoằng Trung"))
    if commune is None:
        return False
    done = db.session.scalar(sa.select(ProgressReport.id).join(Task, ProgressReport.task_id == Task.id)
                             .where(Task.unit_id == commune.id).limit(1))
    cast = _cast(commune)
    if done or cast is None:
        return False
    _play(cast, commune, today())
    db.session.flush()
    return True


def _play(cast: Cast, commune: Unit, t: date) -> None:
    candidates = db.session.scalars(
        sa.select(Task).where(Task.unit_id == commune.id, Task.status == TaskStatus.ASSIGNED,
                              Task.series_id.is_(None), Task.lead_body_id.in_(list(cast.assignee_of)))
        .order_by(Task.assigned_on, Task.id)).all()
    series = [task for task in candidates if task.recurrence]
    todo = list(SCENARIOS)
    for task in (task for task in candidates if not task.recurrence):
        scenario = next((s for s in todo if s.fits(task, t)), None)
        if scenario is not None:
            todo.remove(scenario)
            scenario.run(cast, task, t)
    for scenario in todo:
        scenario.run(cast, _create_for(cast, commune, scenario, t), t)
    if not any(s.recurrence.get("freq") == "monthly" for s in series):
        series.append(_monthly_report(cast, commune, t))
    for item in series:
        _act(cast, item, _between(_start(item), _start(item) + timedelta(days=1), t), "acknowledge")
    _cancel_duplicates(cast, series, t)
    all_series = db.session.scalars(recurrence.open_series_query().where(Task.unit_id == commune.id)).all()
    if all_series:
        _run_occurrences(all_series, t)
    for item in series:
        if item.status in OPEN_STATUSES:
            _work_occurrences(cast, item, t)
