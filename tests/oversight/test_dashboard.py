"""The chair's dashboard on the known set: every figure, every link, the lists, the charts."""
import html
import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from ntm_tasks.assignments.models import Task, TaskStatus
from ntm_tasks.extensions import db
from ntm_tasks.oversight.dashboard import (behind_schedule, build_dashboard, counts_by_body, is_behind_schedule,
                                          scope_ids)
from tests.oversight.conftest import (AS_OF, COMMUNE_TOTALS, PARTY_COUNTS, PROVINCE_TOTALS, UBND_COUNTS,
                                      VILLAGE_COUNTS)

FIGURE = re.compile(r'data-figure="(\w+)"><a href="([^"]*)">(\d+)</a>')


def _rows(page: str, attribute: str) -> dict[str, dict[str, int]]:
    """{row id: {column: figure}} of the table rows carrying `attribute`."""
    rows = {}
    for row_id, body in re.findall(rf'<tr {attribute}="(\d*)"[^>]*>(.*?)</tr>', page, re.S):
        rows[row_id] = {key: int(value) for key, _url, value in FIGURE.findall(body)}
    return rows


def _links(page: str, attribute: str, row_id) -> dict[str, dict]:
    body = re.search(rf'<tr {attribute}="{row_id}"[^>]*>(.*?)</tr>', page, re.S).group(1)
    return {key: parse_qs(urlparse(html.unescape(url)).query) for key, url, _v in FIGURE.findall(body)}


def _totals(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-total="(\w+)"><a href="[^"]*">(\d+)</a>', page)}


def _count(page: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', page).group(1))


def _task_ids(page: str, section: str) -> list[int]:
    block = re.search(rf'id="{section}"(.*?)</table>', page, re.S).group(1)
    return [int(i) for i in re.findall(r'data-task-id="(\d+)"', block)]


def test_the_chair_sees_every_figure(client, login, make, world):
    login(make.user("chair", world.commune))
    response = client.get("/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _totals(page) == COMMUNE_TOTALS
    bodies = _rows(page, "data-body-id")
    assert bodies == {str(world.ubnd.id): UBND_COUNTS, str(world.party.id): PARTY_COUNTS,
                      str(world.village_head.id): VILLAGE_COUNTS}
    units = _rows(page, "data-unit-id")
    assert units[str(world.village.id)] == VILLAGE_COUNTS
    own = {k: COMMUNE_TOTALS[k] - VILLAGE_COUNTS[k] for k in COMMUNE_TOTALS}
    assert units[str(world.commune.id)] == own  # the bodies of the commune itself

    t = world.tasks
    assert _count(page, "overdue") == 3
    assert _task_ids(page, "overdue") == [t["overdue_old"].id, t["overdue"].id, t["village"].id]
    assert re.findall(r'data-overdue-days="(\d+)"', page) == ["30", "10", "5"]
    assert world.meeting.title in page  # which meeting each overdue task came from
    row = re.search(rf'<tr data-task-id="{t["overdue_old"].id}">(.*?)</tr>', page, re.S).group(1)
    assert f'href="/tasks/{t["overdue_old"].id}"' in row and html.escape(t["overdue_old"].title) in row
    assert f"<td>{html.escape(world.ubnd.display_name)}</td>" in row  # the lead body, with its unit
    assert f'href="/meetings/{world.meeting.id}"' in row and "16/05/2026" in row and "30%" in row
    assert _count(page, "upcoming") == 2
    assert _task_ids(page, "upcoming") == [t["due_soon"].id, t["submitted"].id]
    assert _count(page, "behind") == 1 and _task_ids(page, "behind") == [t["behind"].id]
    assert _count(page, "submitted") == 1 and f'data-task-id="{t["submitted"].id}"' in page
    assert _count(page, "extensions") == 1 and "Chờ kinh phí" in page
    assert t["elsewhere"].title not in page and t["cancelled"].title not in page and t["draft"].title not in page
    for name in ("groups", "bodies", "units"):
        assert f"/dashboard/charts/{name}.svg?unit_id={world.commune.id}" in page


# The task list's filter form still passes tuple choices, which WTForms 3.3 deprecates (assignments' to fix).
def test_every_figure_links_to_its_tasks(client, login, make, world):
    login(make.user("chair", world.commune))
    page = client.get("/dashboard").get_data(as_text=True)
    links = _links(page, "data-body-id", world.ubnd.id)
    assert links["total"] == {"body_id": [str(world.ubnd.id)]}
    assert links["in_progress_overdue"] == {"body_id": [str(world.ubnd.id)], "overdue": ["true"]}
    assert links["completed_late"] == {"body_id": [str(world.ubnd.id)], "category": ["completed_late"]}
    assert links["due_soon"]["due_after"] == ["2026-06-15"] and links["due_soon"]["due_before"] == ["2026-06-18"]
    village = _links(page, "data-unit-id", world.village.id)
    assert village["in_progress_overdue"] == {"unit_id": [str(world.village.id)], "overdue": ["true"]}
    village_page = re.search(rf'data-unit-id="{world.village.id}"><td><a href="([^"]*)"', page).group(1)
    assert village_page == f"/dashboard?unit_id={world.village.id}"  # each unit row opens that unit's dashboard
    assert client.get(village_page).status_code == 200
    overdue_total = re.search(r'data-total="in_progress_overdue"><a href="([^"]*)"', page).group(1)
    assert parse_qs(urlparse(html.unescape(overdue_total)).query) == {"unit_id": [str(world.commune.id)],
                                                                      "overdue": ["true"]}
    # the task list behind the overdue figure shows the three overdue tasks
    listed = client.get(html.unescape(overdue_total)).get_data(as_text=True)
    for key in ("overdue_old", "overdue", "village"):
        assert world.tasks[key].title in listed
    assert world.tasks["open"].title not in listed


def test_a_province_viewer_sees_every_commune(client, login, make, world):
    login(make.user("viewer", world.province))
    page = client.get("/dashboard").get_data(as_text=True)
    assert _totals(page) == PROVINCE_TOTALS
    units = _rows(page, "data-unit-id")
    assert units[str(world.commune.id)] == COMMUNE_TOTALS
    assert units[str(world.commune2.id)]["total"] == 1 and units[str(world.commune2.id)]["completed_on_time"] == 1
    commune = client.get(f"/dashboard?unit_id={world.commune.id}").get_data(as_text=True)
    assert _totals(commune) == COMMUNE_TOTALS
    assert client.get(f"/dashboard?unit_id={world.commune2.id}").status_code == 200
    assert client.get(f"/dashboard?unit_id={world.other_commune.id}").status_code == 404
    assert client.get(f"/dashboard/charts/groups.svg?unit_id={world.other_province.id}").status_code == 404
    bodies = client.get("/dashboard/charts/bodies.svg").get_data(as_text=True)
    assert f"({world.commune.name})" in bodies  # the bodies of the units below are named with their unit
    assert f'<td>{html.escape(world.ubnd.display_name)}</td>' in page  # and so in the table


def test_refusals(client, login, make, world):
    assert client.get("/dashboard").status_code == 302  # login first
    login(make.user("assignee", world.commune, [world.ubnd]))
    assert client.get("/dashboard").status_code == 403


def test_charts_are_svg_with_their_own_policy(client, login, make, world):
    login(make.user("chair", world.commune))
    for name in ("groups", "bodies", "units"):
        response = client.get(f"/dashboard/charts/{name}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
        policy = response.headers["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy and "default-src 'none'" in policy
    body = client.get("/dashboard/charts/bodies.svg").get_data(as_text=True)
    assert world.ubnd.short_name in body or world.ubnd.name in body
    assert "#dc3545" in body  # overdue in red
    assert client.get("/dashboard/charts/nothing.svg").status_code == 404


def test_charts_speak_the_session_language_and_are_cached_per_session(client, login, make, world):
    from tests.conftest import csrf_token

    login(make.user("chair", world.commune))
    response = client.get("/dashboard/charts/bodies.svg")
    assert "Theo cơ quan chủ trì" in response.get_data(as_text=True)
    assert "Cookie" in response.headers["Vary"] and "private" in response.headers["Cache-Control"]
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/dashboard"), "next": "/dashboard"})
    assert re.search(r'/dashboard/charts/bodies\.svg\?[^"]*lang=en"', client.get("/dashboard").get_data(as_text=True))
    english = client.get("/dashboard/charts/bodies.svg").get_data(as_text=True)
    assert "By lead body" in english and "Theo cơ quan chủ trì" not in english


def test_whole_tree_for_an_admin_without_unit(client, login, make, world):
    login(make.user("admin"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert _totals(page)["total"] == 13  # both provinces
    assert str(world.other_province.id) in _rows(page, "data-unit-id")


# --- "behind schedule" ----------------------------------------------------------------------------

@pytest.mark.parametrize("progress,elapsed,total,expected", [
    (20, 80, 100, True),    # the example: 20 % done with 80 % of the time gone
    (60, 80, 100, False),
    (49, 80, 100, True),
    (50, 80, 100, False),   # exactly 30 points behind is tolerated
    (0, 49, 100, False),    # less than half the time gone: too early to say
    (0, 50, 100, True),
    (100, 100, 100, False),
])
def test_behind_schedule_rule(progress, elapsed, total, expected):
    assert bool(behind_schedule(progress, elapsed, total)) is expected


def test_behind_schedule_in_sql_and_python_agree(app, make, world):
    body = world.party
    cases = []
    for assigned, due, progress in [(date(2026, 5, 1), date(2026, 6, 25), 10),
                                    (date(2026, 5, 1), date(2026, 6, 25), 60),
                                    (date(2026, 6, 10), date(2026, 7, 10), 0),
                                    (date(2026, 6, 15), date(2026, 6, 15), 0),
                                    (date(2026, 4, 1), date(2026, 6, 15), 0), (date(2026, 4, 1), date(2026, 6, 14), 0)]:
        cases.append(make.task(body, None, "in_progress", due, progress=progress, assigned_on=assigned))
    board = build_dashboard(world.commune, AS_OF, limit=100)
    flagged = {t.id for t in board.behind}
    for task in cases + list(world.tasks.values()):
        assert (task.id in flagged) is is_behind_schedule(task, AS_OF), task.title
    assert board.behind_count == len(flagged) == 3  # the scenario's one, the first case, the due-today one


def test_counts_stay_in_sql(app, make, world):
    """The figures come from GROUP BY queries: a few statements whatever the number of tasks."""
    import sqlalchemy as sa

    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        build_dashboard(world.province, AS_OF)
        before = len(statements)
        for _ in range(30):
            make.task(world.ubnd, None, "in_progress", date(2026, 6, 1))
        statements.clear()
        build_dashboard(world.province, AS_OF)
        after = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert after <= before + 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(
        Task.status == TaskStatus.IN_PROGRESS)) > 30


def test_units_table_folds_each_branch_at_every_depth(app, make):
    """A village's tasks count in its commune's row on the district's page and in the district's on the
    province's; the province's own bodies make the own row; a branch merged away counts as the unit's own."""
    from ntm_tasks.oversight.dashboard import branch_counts, counts_by_child, scope_ids, totals

    province = make.unit(level="province")
    district = make.unit(level="district", parent=province)
    commune = make.unit(level="commune", parent=district)
    village = make.unit(level="village", parent=commune)
    direct = make.unit(level="commune", parent=province)
    gone = make.unit(level="commune", parent=province)
    for lead, status, due in ((make.body(village, "village_head"), "in_progress", date(2026, 5, 1)),
                              (make.body(commune), "completed", None), (make.body(direct), "assigned", None),
                              (make.body(province), "in_progress", date(2026, 12, 1)),
                              (make.body(gone), "assigned", date(2026, 5, 1))):
        make.task(lead, status=status, due_date=due, submitted_on=date(2026, 4, 1) if status == "completed" else None)
    gone.is_archived = True
    db.session.commit()

    def table(unit):
        own, children = counts_by_child(unit, branch_counts(unit, scope_ids(unit), AS_OF))
        return own, {row["unit"].id: (row["counts"]["total"], row["counts"]["in_progress_overdue"])
                     for row in children}

    own, children = table(province)
    assert children == {district.id: (2, 1), direct.id: (1, 0)}
    assert own["total"] == 2 and own["in_progress_overdue"] == 1  # the province's own task and the merged branch's
    assert totals(branch_counts(province, scope_ids(province), AS_OF))["total"] == 5
    own, children = table(district)
    assert own is None and children == {commune.id: (2, 1)}
    own, children = table(commune)
    assert own == {"total": 1, "completed_on_time": 1, "completed_late": 0, "in_progress_on_time": 0,
                   "in_progress_overdue": 0, "due_soon": 0, "no_deadline": 0}
    assert children == {village.id: (1, 1)}


def test_unit_picker_lists_villages_only_near_the_unit_shown(client, login, make, world):
    login(make.user("chair", world.province))
    village2 = make.unit(level="village", parent=world.commune2)

    def options(url):
        response = client.get(url)
        assert response.status_code == 200
        return {int(i) for i in re.findall(r'<option value="(\d+)"', response.get_data(as_text=True))}

    province = options("/dashboard")
    assert {world.province.id, world.commune.id, world.commune2.id} <= province
    assert not {world.village.id, village2.id} & province
    assert world.village.id in options(f"/dashboard?unit_id={world.commune.id}")
    page = client.get(f"/dashboard?unit_id={world.commune.id}").get_data(as_text=True)
    assert re.findall(r'<option value="(\d+)" selected>', page) == [str(world.commune.id)]  # the unit shown
    assert re.search(rf'<option value="{world.village.id}">[^<]*{re.escape(html.escape(world.village.name))}</option>',
                     page)
    assert village2.id not in options(f"/dashboard?unit_id={world.village.id}")
    assert {world.village.id, village2.id} <= options("/dossiers/new")  # a dossier may come from any village


def test_list_pieces_link_escape_and_cut(app):
    """The lists' task and meeting links and progress bars: titles escaped, a long meeting title cut at a word
    (whole in the tooltip), the meeting's date, the bar's width class in steps of five."""
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from ntm_tasks.oversight.views import meeting_link, progress_bar
    from ntm_tasks.web import task_link

    long_title = "Họp Ban chỉ đạo xây dựng nông thôn mới <mở rộng> đánh giá kết quả thực hiện các tiêu chí quý III"
    with app.test_request_context("/dashboard"):
        assert task_link(SimpleNamespace(id=7, title="Rà soát <tiêu chí> 17")) == \
            '<a href="/tasks/7">Rà soát &lt;tiêu chí&gt; 17</a>'
        link = meeting_link(SimpleNamespace(id=3, title=long_title,
                                            held_at=datetime(2026, 5, 16, 1, 0, tzinfo=timezone.utc)))
        cut = re.search(r'<a href="/meetings/3" title="([^"]*)">([^<]*)</a>', link)
        assert "&lt;mở rộng&gt;" in cut.group(1) and html.unescape(cut.group(1)) == long_title
        assert cut.group(2) == "Họp Ban chỉ đạo xây dựng nông thôn mới &lt;mở rộng&gt; đánh giá…"
        assert link.endswith('<span class="text-muted text-nowrap">(16/05/2026)</span>')
        assert meeting_link(SimpleNamespace(id=4, title="Họp ngắn", held_at=None)) == \
            '<a href="/meetings/4" title="Họp ngắn">Họp ngắn</a>'
        assert meeting_link(None) == ""
        bar = progress_bar(33)
        assert 'aria-valuenow="33"' in bar and "pw-30" in bar and "<small>33%</small>" in bar
        assert "pw-100" in progress_bar(100) and "pw-0" in progress_bar(4)


def test_lead_bodies_ranked_most_overdue_first(make, world):
    """The table of lead bodies: the most overdue first, then in the order of the tree, then as created; the
    first `limit` of them, each with its name and unit."""
    make.task(world.village_head, None, "assigned", date(2026, 6, 1))  # a second overdue task: the village first
    ranked = counts_by_body(scope_ids(world.commune), AS_OF, limit=2)
    assert [row["body"].id for row in ranked] == [world.village_head.id, world.party.id]
    assert ranked[0]["counts"] == {**VILLAGE_COUNTS, "total": 2, "in_progress_overdue": 2}
    assert ranked[1]["body"].display_name == world.party.display_name and ranked[1]["counts"] == PARTY_COUNTS
    assert world.party.id < world.ubnd.id  # both of the commune, one overdue task each: the first created first
    everyone = counts_by_body(scope_ids(world.commune), AS_OF)
    assert [row["body"].id for row in everyone] == [world.village_head.id, world.party.id, world.ubnd.id]


def test_each_list_shows_its_first_rows_and_counts_them_all(world):
    t = world.tasks
    board = build_dashboard(world.commune, AS_OF, limit=1)
    assert [task.id for task in board.overdue] == [t["overdue_old"].id] and board.overdue_count == 3
    assert [task.id for task in board.upcoming] == [t["due_soon"].id] and board.upcoming_count == 2
    assert [task.id for task in board.submitted] == [t["submitted"].id] and board.submitted_count == 1
    assert [task.id for task in board.behind] == [t["behind"].id] and board.behind_count == 1
    assert len(board.extensions) == 1 and board.extensions_count == 1 and board.extensions[0].reason == "Chờ kinh phí"
    assert board.extensions[0].task.id == t["open"].id and board.extensions[0].requested_due_date == date(2026, 8, 30)
    other = build_dashboard(world.village, AS_OF, limit=5)
    assert [task.id for task in other.overdue] == [t["village"].id] and other.upcoming == [] == other.extensions
    assert other.upcoming_count == other.submitted_count == other.extensions_count == 0
