"""Recurring tasks: the periods of a recurrence, their due dates, and the occurrences a series produces.

A recurrence is {"freq": F, "day": D, "month": M?} (API.md): weekly on ISO weekday D, monthly on day D,
quarterly / semiannual / yearly on day D of the period's last month (month M for yearly); a missing
day means the period's last day, and a day past the month's end falls on its last day.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ntm_tasks.assignments.models import OPEN_STATUSES, Task, TaskCriterion, TaskStatus
from ntm_tasks.audit import record
from ntm_tasks.db import local, today
from ntm_tasks.extensions import db

# Occurrences are created this many days before they fall due, so assignees see them coming.
LOOKAHEAD_DAYS = 7
ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    key: str  # unique within a series: 2024-03, 2024-W12, 2024-Q1, 2024-H1, 2024
    label: str  # as Vietnamese documents name it: "tháng 3/2024"
    due_date: date


def _on_day(year: int, month: int, day: int | None) -> date:
    """Day `day` of the month, clamped to its last day; the last day when `day` is None."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day or last, last))


def _period_of(freq: str, day: int | None, month: int | None, year: int, index: int) -> Period:
    """The index-th period of `year` (a week, month, quarter, half or the year itself)."""
    if freq == "weekly":
        due = date.fromisocalendar(year, index, day or 7)
        return Period(f"{year}-W{index:02d}", f"tuần {index}/{year}", due)
    if freq == "monthly":
        return Period(f"{year}-{index:02d}", f"tháng {index}/{year}", _on_day(year, index, day))
    if freq == "quarterly":
        return Period(f"{year}-Q{index}", f"quý {ROMAN[index - 1]}/{year}", _on_day(year, index * 3, day))
    if freq == "semiannual":
        label = f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
        return Period(f"{year}-H{index}", label, _on_day(year, index * 6, day))
    return Period(str(year), f"năm {year}", _on_day(year, month or 12, day))


def _periods_in_year(freq: str, year: int) -> int:
    if freq == "weekly":
        return date(year, 12, 28).isocalendar().week  # 28 December always lies in the year's last ISO week
    return {"monthly": 12, "quarterly": 4, "semiannual": 2, "yearly": 1}[freq]


def periods(recurrence: dict, start: date, end: date) -> list[Period]:
    """The periods of `recurrence` whose due date falls from `start` to `end`, both included, in order."""
    freq, day, month = recurrence["freq"], recurrence.get("day"), recurrence.get("month")
    result = []
    # ISO years begin up to 3 days before 1 January: start a year early so no week is missed.
    for year in range(start.year - 1, end.year + 2):
        for index in range(1, _periods_in_year(freq, year) + 1):
            period = _period_of(freq, day, month, year, index)
            if start <= period.due_date <= end:
                result.append(period)
    return sorted(result, key=lambda p: p.due_date)


def series_start(series: Task) -> date:
    """The first day a series counts from: when it was assigned, else when it was created."""
    return series.assigned_on or local(series.created_at).date()


def occurrence_title(series: Task, period: Period) -> str:
    """ "Báo cáo tiến độ — tháng 3/2024": the series' title and the period."""
    suffix = f" — {period.label}"
    return series.title[:300 - len(suffix)] + suffix


def open_series_query(series_ids=None) -> sa.Select:
    """Recurring series that still produce occurrences: open, with a recurrence, not themselves occurrences."""
    query = (sa.select(Task)
             .where(Task.recurrence.is_not(None), Task.series_id.is_(None), Task.status.in_(OPEN_STATUSES))
             .options(selectinload(Task.coordinating_bodies), selectinload(Task.criteria))
             .order_by(Task.id))
    if series_ids is not None:
        query = query.where(Task.id.in_(list(series_ids)))
    return query


def create_occurrences(until: date, series_ids=None) -> list[Task]:
    """Create the missing occurrences due up to `until` plus the look-ahead; idempotent, safe with two workers.

    Each occurrence is inserted in its own savepoint: when another worker created the same period first,
    the unique (series_id, period_key) constraint refuses ours and only that row is skipped.
    """
    from ntm_tasks.assignments.services import notify_assigned

    created = []
    for series in db.session.scalars(open_series_query(series_ids)).all():
        existing = set(db.session.scalars(sa.select(Task.period_key).where(Task.series_id == series.id)))
        for period in periods(series.recurrence, series_start(series), until + timedelta(days=LOOKAHEAD_DAYS)):
            if period.key in existing:
                continue
            try:
                with db.session.begin_nested():
                    occurrence = _new_occurrence(series, period)
                    db.session.add(occurrence)
                    db.session.flush()
                    record(occurrence, None, "created", {
                        "status": [None, occurrence.status], "title": [None, occurrence.title],
                        "lead_body_id": [None, occurrence.lead_body_id], "due_date": [None, occurrence.due_date]},
                        f"Kỳ {period.label} của nhiệm vụ thường xuyên #{series.id}")
                    db.session.flush()
            except IntegrityError:
                continue
            notify_assigned(occurrence)
            created.append(occurrence)
    return created


def _new_occurrence(series: Task, period: Period) -> Task:
    from ntm_tasks.assignments.services import refresh_search_text

    occurrence = Task(
        unit_id=series.unit_id, lead_unit_id=series.lead_unit_id, meeting_id=series.meeting_id,
        conclusion_id=series.conclusion_id, series_id=series.id, period_key=period.key,
        title=occurrence_title(series, period), description=series.description,
        expected_output=series.expected_output, lead_body_id=series.lead_body_id,
        responsible_user_id=series.responsible_user_id, due_date=period.due_date,
        original_due_date=period.due_date, status=TaskStatus.ASSIGNED, assigned_on=today(),
    )
    occurrence.coordinating_bodies = list(series.coordinating_bodies)
    occurrence.criteria = [TaskCriterion(criterion_code=c.criterion_code) for c in series.criteria]
    refresh_search_text(occurrence)
    return occurrence
