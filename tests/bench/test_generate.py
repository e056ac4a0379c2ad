"""The benchmark's data set at a tiny scale: every status and group, consistent rows, reproducible."""
import base64
from datetime import date

import pytest
import sqlalchemy as sa

from ntm_tasks.assignments import categories, tallies
from ntm_tasks.assignments.models import (BodyTally, ExtensionRequest, ExtensionStatus, ProgressReport,
                                          StatusCategory, Task, TaskStatus, task_coordinating_bodies)
from ntm_tasks.audit import HistoryEntry
from ntm_tasks.bench import fragments
from ntm_tasks.bench.generate import DEFAULT_PASSWORD, NotEmpty, generate
from ntm_tasks.extensions import db
from ntm_tasks.meetings.models import Meeting, MeetingStatus
from ntm_tasks.org.models import Body, Unit, UnitLevel, User
from ntm_tasks.org.standard_bodies import TEMPLATES
from ntm_tasks.text import fold

TODAY = date(2026, 3, 15)


def _generate(seed: int = 7, communes: int = 2):
    with db.engine.connect() as conn:
        return generate(conn, communes=communes, years=1, seed=seed, today=TODAY)


def _count(query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def _empty_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def test_every_status_and_status_group_is_present(app):
    _generate()
    statuses = dict(db.session.execute(sa.select(Task.status, sa.func.count()).group_by(Task.status)).all())
    assert all(statuses.get(status, 0) > 0 for status in TaskStatus), statuses
    category = categories.status_category(TODAY)
    groups = dict(db.session.execute(sa.select(category, sa.func.count()).group_by(category)).all())
    assert all(groups.get(group.value, 0) > 0 for group in StatusCategory), groups
    assert _count(sa.select(Task.id).where(Task.due_date != Task.original_due_date)) > 0
    assert _count(sa.select(ExtensionRequest.id).where(ExtensionRequest.status == ExtensionStatus.PENDING)) > 0
    assert _count(sa.select(Meeting.id).where(Meeting.status == MeetingStatus.DRAFT)) > 0
    # Written around the ORM, the completed tasks are tallied all the same.
    kept = {row.body_id: (row.completed_on_time, row.completed_late)
            for row in db.session.scalars(sa.select(BodyTally))}
    assert kept and kept == {body_id: (on_time, late) for body_id, on_time, late
                             in db.session.execute(tallies.counted_from_tasks())}


def test_recurring_series_coordinating_bodies_reports_and_history(app):
    _generate()
    series = _count(sa.select(Task.id).where(Task.recurrence.is_not(None), Task.series_id.is_(None)))
    occurrences = db.session.execute(sa.select(Task.series_id, Task.period_key).where(Task.series_id.is_not(None)))
    assert series > 0 and len(occurrences.all()) > series
    assert _count(sa.select(task_coordinating_bodies)) > 0
    tasks = _count(sa.select(Task.id))
    assert _count(sa.select(ProgressReport.id)) > 2 * tasks
    assert _count(sa.select(HistoryEntry.id).where(HistoryEntry.object_type == "tasks")) > 5 * tasks


def test_tree_has_both_depths_villages_and_standard_bodies(app):
    _generate(communes=3)
    communes = db.session.scalars(sa.select(Unit).where(Unit.level == UnitLevel.COMMUNE)).all()
    parents = {db.session.get(Unit, c.parent_id).level for c in communes}
    assert parents == {UnitLevel.PROVINCE, UnitLevel.DISTRICT}
    for commune in communes:
        assert commune.path.endswith(f"/{commune.id}/")
        villages = _count(sa.select(Unit.id).where(Unit.parent_id == commune.id))
        assert 3 <= villages <= 8
        assert [b.name for b in commune.bodies] == [name for _, name, _ in TEMPLATES["commune"]]
    assert set(fragments.COMMUNE_TASKS) == {name for _, name, _ in TEMPLATES["commune"]}


def test_lead_unit_is_the_lead_bodys_unit_and_search_text_is_folded(app):
    _generate()
    mismatched = sa.select(Task.id).join(Body, Body.id == Task.lead_body_id).where(Task.lead_unit_id != Body.unit_id)
    assert _count(mismatched) == 0
    given_from_above = sa.select(Task.id).where(Task.unit_id != Task.lead_unit_id)
    assert _count(given_from_above) > 0
    for title, description, expected, search_text in db.session.execute(
            sa.select(Task.title, Task.description, Task.expected_output, Task.search_text)):
        assert search_text == fold(" ".join(filter(None, [title, description, expected])))
    assert any(ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ" for ch in title.lower())


def test_history_replays_to_each_tasks_status(app):
    _generate()
    status_of = dict(db.session.execute(sa.select(Task.id, Task.status)).all())
    replayed, last_at = {}, {}
    for task_id, at, changes in db.session.execute(
            sa.select(HistoryEntry.object_id, HistoryEntry.at, HistoryEntry.changes)
            .where(HistoryEntry.object_type == "tasks").order_by(HistoryEntry.id)):
        assert at >= last_at.get(task_id, at)
        last_at[task_id] = at
        if "status" in changes:
            assert changes["status"][0] == replayed.get(task_id)
            replayed[task_id] = changes["status"][1]
    assert replayed == {task_id: status.value for task_id, status in status_of.items()}


def test_same_seed_same_data_other_seed_other_data(app):
    def snapshot():
        counts = {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        titles = list(db.session.scalars(sa.select(Task.title).order_by(Task.id).limit(30)))
        return counts, titles

    first = _generate(seed=11)
    taken = snapshot()
    _empty_tables()
    again = _generate(seed=11)
    assert snapshot() == taken and again.counts == first.counts
    _empty_tables()
    _generate(seed=12)
    assert snapshot()[1] != taken[1]


def test_one_password_hashed_once_opens_every_account(app, client):
    summary = _generate()
    assert summary.password == DEFAULT_PASSWORD
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(User.password_hash)))) == 1
    credentials = base64.b64encode(f"x001.chutich:{DEFAULT_PASSWORD}".encode()).decode()
    response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 201


def test_refuses_a_database_that_holds_data(app, make):
    make.unit(level="province")
    with pytest.raises(NotEmpty):
        _generate()


def test_command_line(app):
    result = app.test_cli_runner().invoke(args=["ntm", "bench-data", "--communes", "1", "--years", "1",
                                                "--tasks-per-commune-year", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert DEFAULT_PASSWORD in result.output
    assert _count(sa.select(Task.id)) > 20
    db.session.commit()  # on SQLite this session's transaction holds the write lock the command needs
    again = app.test_cli_runner().invoke(args=["ntm", "bench-data", "--communes", "1"])
    assert again.exit_code != 0 and "empty database" in again.output


def test_search_terms_and_the_benchmark_conclusion_fit_the_data(app, client):
    _generate()
    for term in fragments.SEARCH_TERMS:
        assert _count(sa.select(Task.id).where(Task.search_text.contains(term))) > 0, term
    secretary = db.session.scalar(sa.select(User).where(User.username == "x001.thuky"))
    villages = list(db.session.scalars(sa.select(Unit.name).where(Unit.parent_id == secretary.unit_id)))
    credentials = base64.b64encode(f"x001.thuky:{DEFAULT_PASSWORD}".encode()).decode()
    token = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {credentials}"}).get_json()["token"]
    response = client.post("/api/v1/conclusions/parse", headers={"Authorization": f"Bearer {token}"}, json={
        "unit_id": secretary.unit_id, "text": fragments.conclusion_text(villages, 2026),
        "reference_date": TODAY.isoformat()})
    items = response.get_json()["items"]
    assert len(items) == 5 and all(item["bodies"] for item in items)
