"""Recurring tasks: periods and due dates, and occurrences created once each, ahead of their due date."""
from datetime import date

import pytest
import sqlalchemy as sa

from ntm_tasks.assignments import recurrence, services
from ntm_tasks.assignments.models import Task, TaskStatus
from ntm_tasks.audit import history_of
from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import Notification
from tests.assignments.support import reload


def _periods(rec, start, end):
    return [(p.key, p.label, p.due_date) for p in recurrence.periods(rec, start, end)]


def test_monthly_on_the_25th():
    assert _periods({"freq": "monthly", "day": 25}, date(2024, 1, 1), date(2024, 3, 31)) == [
        ("2024-01", "tháng 1/2024", date(2024, 1, 25)), ("2024-02", "tháng 2/2024", date(2024, 2, 25)),
        ("2024-03", "tháng 3/2024", date(2024, 3, 25))]


def test_days_past_the_month_end_fall_on_its_last_day():
    dues = [p.due_date for p in recurrence.periods({"freq": "monthly", "day": 31}, date(2024, 1, 1), date(2024, 4, 30))]
    assert dues == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    last_day = {"freq": "monthly", "day": None}
    dues = [p.due_date for p in recurrence.periods(last_day, date(2023, 2, 1), date(2023, 2, 28))]
    assert dues == [date(2023, 2, 28)]


def test_start_and_end_are_inclusive():
    rec = {"freq": "monthly", "day": 20}
    assert [p.key for p in recurrence.periods(rec, date(2024, 3, 20), date(2024, 4, 20))] == ["2024-03", "2024-04"]
    assert [p.key for p in recurrence.periods(rec, date(2024, 3, 21), date(2024, 4, 19))] == []


def test_weekly_on_an_iso_weekday_across_the_new_year():
    found = _periods({"freq": "weekly", "day": 1}, date(2024, 12, 20), date(2025, 1, 10))
    assert found == [("2024-W52", "tuần 52/2024", date(2024, 12, 23)), ("2025-W01", "tuần 1/2025", date(2024, 12, 30)),
                     ("2025-W02", "tuần 2/2025", date(2025, 1, 6))]
    sundays = [p.due_date for p in recurrence.periods({"freq": "weekly", "day": None}, date(2024, 3, 18),
                                                      date(2024, 3, 31))]
    assert sundays == [date(2024, 3, 24), date(2024, 3, 31)]
    assert recurrence.periods({"freq": "weekly", "day": 5}, date(2020, 12, 28), date(2021, 1, 3))[0].key == "2020-W53"


def test_quarterly_semiannual_and_yearly():
    assert _periods({"freq": "quarterly", "day": None}, date(2024, 1, 1), date(2024, 12, 31)) == [
        ("2024-Q1", "quý I/2024", date(2024, 3, 31)), ("2024-Q2", "quý II/2024", date(2024, 6, 30)),
        ("2024-Q3", "quý III/2024", date(2024, 9, 30)), ("2024-Q4", "quý IV/2024", date(2024, 12, 31))]
    assert [p.due_date for p in recurrence.periods({"freq": "quarterly", "day": 20}, date(2024, 1, 1),
                                                   date(2024, 6, 30))] == [date(2024, 3, 20), date(2024, 6, 20)]
    assert _periods({"freq": "semiannual", "day": None}, date(2024, 1, 1), date(2024, 12, 31)) == [
        ("2024-H1", "6 tháng đầu năm 2024", date(2024, 6, 30)),
        ("2024-H2", "6 tháng cuối năm 2024", date(2024, 12, 31))]
    assert _periods({"freq": "yearly", "day": None}, date(2024, 1, 1), date(2025, 12, 31)) == [
        ("2024", "năm 2024", date(2024, 12, 31)), ("2025", "năm 2025", date(2025, 12, 31))]
    assert [p.due_date for p in recurrence.periods({"freq": "yearly", "day": 31, "month": 6}, date(2024, 1, 1),
                                                   date(2024, 12, 31))] == [date(2024, 6, 30)]


def _series(world, app, rec, on="2024-03-01", **extra):
    app.config["NTM_TODAY"] = on
    task = services.create_task(world.secretary, unit=world.commune, lead_body=world.ubnd,
                                coordinating_bodies=[world.party], title="Báo cáo tiến độ", recurrence=rec,
                                expected_output="Báo cáo", criterion_codes=["ntm-xa-2026.03"], **extra)
    db.session.commit()
    return task


def test_occurrences_up_to_a_date_plus_the_look_ahead(app, world):
    series = _series(world, app, {"freq": "monthly", "day": 25})
    app.config["NTM_TODAY"] = "2024-05-10"
    created = recurrence.create_occurrences(date(2024, 5, 10))
    db.session.commit()
    assert [(t.title, t.due_date, t.period_key) for t in created] == [
        ("Báo cáo tiến độ — tháng 3/2024", date(2024, 3, 25), "2024-03"),
        ("Báo cáo tiến độ — tháng 4/2024", date(2024, 4, 25), "2024-04")]
    for occurrence in created:
        assert occurrence.status == TaskStatus.ASSIGNED and occurrence.assigned_on == date(2024, 5, 10)
        assert occurrence.series_id == series.id and occurrence.recurrence is None
        assert occurrence.lead_body_id == world.ubnd.id and occurrence.unit_id == world.commune.id
        assert [b.id for b in occurrence.coordinating_bodies] == [world.party.id]
        assert occurrence.criterion_codes == ["ntm-xa-2026.03"] and occurrence.original_due_date == occurrence.due_date
        assert [h.action for h in history_of(occurrence)] == ["created"]
    # a week ahead of its due date, May's report appears
    more = recurrence.create_occurrences(date(2024, 5, 18))
    assert [t.period_key for t in more] == ["2024-05"]
    assert reload(series).status == TaskStatus.ASSIGNED and reload(series).series_id is None


def test_running_twice_creates_nothing_new(app, world):
    _series(world, app, {"freq": "weekly", "day": 5})
    first = recurrence.create_occurrences(date(2024, 4, 30))
    db.session.commit()
    assert len(first) == 10  # the Fridays from 1 March to 7 May
    notes = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    assert recurrence.create_occurrences(date(2024, 4, 30)) == []
    assert recurrence.create_occurrences(date(2024, 4, 20)) == []
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.series_id.is_not(None))) == 10
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == notes


def test_a_period_another_worker_created_meanwhile_is_skipped(app, world, monkeypatch):
    """The unique (series, period) constraint settles a race: only the clashing row is dropped."""
    series = _series(world, app, {"freq": "monthly", "day": 25})
    real_periods = recurrence.periods

    def racing(rec, start, end):
        found = real_periods(rec, start, end)
        # the other worker inserts April between our look at the existing keys and our inserts
        db.session.add(Task(unit_id=series.unit_id, lead_unit_id=series.lead_unit_id, lead_body_id=series.lead_body_id,
                            title="Báo cáo tiến độ — tháng 4/2024", series_id=series.id, period_key="2024-04",
                            status=TaskStatus.ASSIGNED, due_date=date(2024, 4, 25)))
        db.session.flush()
        return found

    monkeypatch.setattr(recurrence, "periods", racing)
    created = recurrence.create_occurrences(date(2024, 5, 31))
    db.session.commit()
    assert [t.period_key for t in created] == ["2024-03", "2024-05"]
    keys = db.session.scalars(sa.select(Task.period_key).where(Task.series_id == series.id).order_by(Task.period_key))
    assert list(keys) == ["2024-03", "2024-04", "2024-05"]


@pytest.mark.parametrize("status", ["draft", "declined", "completed", "cancelled"])
def test_closed_or_draft_series_produce_nothing(make, world, status):
    make.task(world.ubnd, status=status, recurrence={"freq": "monthly", "day": 25}, assigned_on=date(2024, 1, 1))
    assert recurrence.create_occurrences(date(2024, 6, 1)) == []


def test_only_the_named_series_and_never_from_an_occurrence(app, make, world):
    first = _series(world, app, {"freq": "monthly", "day": 25})
    second = _series(world, app, {"freq": "quarterly", "day": None})
    assert {t.series_id for t in recurrence.create_occurrences(date(2024, 4, 1), [second.id])} == {second.id}
    created = recurrence.create_occurrences(date(2024, 4, 1))
    assert {t.series_id for t in created} == {first.id}
    # an occurrence never starts a series of its own, even with a recurrence
    make.task(world.ubnd, series_id=first.id, period_key="2099-01", recurrence={"freq": "monthly", "day": 1},
              assigned_on=date(2024, 1, 1))
    assert recurrence.create_occurrences(date(2024, 4, 1)) == []


def test_a_series_counts_from_when_it_was_assigned(app, make, world):
    meeting = make.meeting(world.commune, status="draft")
    app.config["NTM_TODAY"] = "2024-07-16"
    series = services.create_task(world.secretary, unit=world.commune, lead_body=world.ubnd, title="Báo cáo",
                                  recurrence={"freq": "monthly", "day": 20}, meeting=meeting)
    assert recurrence.create_occurrences(date(2024, 9, 1)) == []  # still a draft
    app.config["NTM_TODAY"] = "2024-08-05"
    services.issue_drafts(world.secretary, [series])
    assert [t.period_key for t in recurrence.create_occurrences(date(2024, 9, 1))] == ["2024-08"]


def test_the_occurrences_of_a_series_in_the_api(app, api, world):
    series = _series(world, app, {"freq": "monthly", "day": 25})
    recurrence.create_occurrences(date(2024, 4, 30))
    db.session.commit()
    listed = api(world.lead).get(f"/tasks?series_id={series.id}").get_json()
    assert [t["period_key"] for t in listed["items"]] == ["2024-03", "2024-04"]
    assert all(t["series_id"] == series.id for t in listed["items"])
    detail = api(world.lead).get(f"/tasks/{series.id}").get_json()
    assert detail["recurrence"] == {"freq": "monthly", "day": 25} and detail["due_date"] is None
    assert detail["status_category"] == "in_progress_on_time"
