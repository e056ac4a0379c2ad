"""Text search in the task list: the page and the total are those of the list's order whichever way they are
found (a text many tasks contain is counted alone and its page walked in list order)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ntm_tasks.assignments import queries
from ntm_tasks.extensions import db

AS_OF = date(2024, 8, 20)
OPEN = ("assigned", "in_progress", "submitted")


@pytest.fixture
def walks(monkeypatch):
    """The calls of the walk (queries._walked_keys) as (offset, limit), with the answer unchanged."""
    calls = []
    walk = queries._walked_keys

    def spy(filtered, as_of, rows, offset, limit):
        calls.append((offset, limit))
        return walk(filtered, as_of, rows, offset, limit)

    monkeypatch.setattr(queries, "_walked_keys", spy)
    return calls


@pytest.fixture
def tasks(app, make, world):
    """Thirty tasks of the commune in every status, due in the past, today, later or never, several on one day;
    all but every fifth say "hồ sơ"; and one in another commune that says it too."""
    app.config["NTM_TODAY"] = AS_OF.isoformat()
    statuses = (*OPEN, "completed", "cancelled", "draft")
    made = []
    for n in range(30):
        due = None if n % 7 == 3 else AS_OF + timedelta(days=(n * 5) % 23 - 12)
        title = f"Hoàn thiện hồ sơ công nhận {n}" if n % 5 else f"Sửa đường thôn {n}"
        made.append(make.task(world.ubnd, status=statuses[n % len(statuses)], due_date=due, title=title,
                              submitted_on=AS_OF if statuses[n % len(statuses)] == "completed" else None))
    elsewhere = make.task(world.other_ubnd, status="assigned", due_date=AS_OF - timedelta(days=3),
                          title="Hồ sơ đề nghị công nhận")
    return made, elsewhere


def list_order(rows):
    """The list's order, computed here: overdue first, then by due date (none last), then as given."""
    def key(task):
        overdue = task.status.value in OPEN and task.due_date is not None and task.due_date < AS_OF
        return (0 if overdue else 1, task.due_date is None, task.due_date or date.max, task.id)
    return [task.id for task in sorted(rows, key=key)]


def matching(user, text: str):
    """The tasks `user` sees whose text holds `text`, as task_page samples them."""
    return queries._matching(queries._filtered(user, {}, AS_OF), queries.search_term({"q": text}))


def pages(client, query: str, per_page: int) -> tuple[list[int], set[int]]:
    """Every id of the list, page after page, and the totals the pages gave."""
    ids, totals, page = [], set(), 1
    while True:
        body = client.get(f"/tasks?{query}&per_page={per_page}&page={page}").get_json()
        totals.add(body["total"])
        if not body["items"]:
            return ids, totals
        ids += [task["id"] for task in body["items"]]
        page += 1


@pytest.mark.parametrize("walk_rows", [queries.WALK_ROWS, 0])  # 0: every page is one sorted scan
def test_common_text_pages_follow_the_list_order(api, world, tasks, walks, monkeypatch, walk_rows):
    made, elsewhere = tasks
    monkeypatch.setattr(queries, "WALK_ROWS", walk_rows)
    expected = list_order([task for task in made if "ho so" in task.search_text])

    ids, totals = pages(api(world.chair), "q=ho so", per_page=4)
    assert ids == expected and totals == {len(expected)}
    assert elsewhere.id not in ids  # the other commune's task stays out of the chair's list

    viewer_ids, _totals = pages(api(world.viewer), "q=HỒ SƠ&overdue=true", per_page=3)
    assert viewer_ids == list_order([task for task in [*made, elsewhere] if "ho so" in task.search_text
                                     and task.status.value in OPEN and task.due_date and task.due_date < AS_OF])
    assert walks[0] == (0, 4) and len(walks) > len(expected) // 4  # every page, the viewer's too


def test_common_text_on_the_task_list_page(login, world, tasks, walks):
    made, _elsewhere = tasks
    html = login(world.chair).get("/tasks?q=ho+so").get_data(as_text=True)
    expected = [task for task in made if "ho so" in task.search_text]
    positions = [html.index(f'href="/tasks/{task_id}"') for task_id in list_order(expected)]
    assert positions == sorted(positions)
    assert "Sửa đường thôn" not in html
    assert walks == [(0, 50)]


def test_share_of_a_sample_decides(api, world, tasks, walks):
    """A text in few of the tasks sampled keeps the one statement that counts and sorts its matches."""
    made, _elsewhere = tasks
    body = api(world.chair).get("/tasks?q=sua duong thon 1").get_json()
    assert [task["id"] for task in body["items"]] == list_order(
        [task for task in made if "sua duong thon 1" in task.search_text]) and body["total"] == 2
    assert walks == []
    span, share = queries._sampled_share(matching(world.chair, "ho so"))
    assert span == len(made) + 1 and share == pytest.approx(24 / 31)  # the sample is every task; 24 the chair's
    assert queries._sampled_share(matching(world.chair, "khong co dau"))[1] == 0


def test_walk_ends_and_pages_beyond_the_total(api, world, tasks):
    made, _elsewhere = tasks
    expected = list_order([task for task in made if "ho so" in task.search_text])
    last = api(world.chair).get(f"/tasks?q=ho so&per_page=5&page={(len(expected) + 4) // 5}").get_json()
    assert [task["id"] for task in last["items"]] == expected[-(len(expected) % 5 or 5):]
    beyond = api(world.chair).get("/tasks?q=ho so&per_page=5&page=99").get_json()
    assert beyond["items"] == [] and beyond["total"] == len(expected)
    nothing = api(world.chair).get("/tasks?q=khong co dau&per_page=5").get_json()
    assert nothing == {"items": [], "total": 0, "page": 1, "per_page": 5}


def test_sample_spreads_over_the_ids(tasks, world, monkeypatch):
    """Fewer ids sampled than there are tasks: evenly spread, the share is the sample's."""
    made, _elsewhere = tasks
    monkeypatch.setattr(queries, "SAMPLE_SIZE", 10)  # ids first, first + 3.1, ...: the tasks 0, 3, 6, ... 27
    span, share = queries._sampled_share(matching(world.chair, "sua duong"))
    assert span == 31 and share == pytest.approx(2 / 10)  # tasks 0 and 15 of those ten say "sửa đường"


def test_a_search_reads_the_scope_once(api, world, tasks):
    """The sample, the count and the walk share one reading of the caller's scope, as a list without text."""
    viewer = api(world.viewer)  # a province: its scope is read from the units table

    def unit_reads(path):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert viewer.get(path).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return sum(" units" in statement for statement in statements)

    assert unit_reads("/tasks?q=ho so&per_page=4") == unit_reads("/tasks?per_page=4") >= 1
