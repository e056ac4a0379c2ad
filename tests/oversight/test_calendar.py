"""The iCalendar feed of deadlines behind a secret token, and its reset."""
from datetime import date

from icalendar import Calendar

from tests.conftest import csrf_token


def _path(url: str) -> str:
    assert url.startswith("http://localhost/api/v1/calendar/") and url.endswith(".ics")
    return url.split("localhost", 1)[1]


def _events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_feed_shows_the_deadlines_the_owner_may_see(api, client, make):
    commune = make.unit()
    ubnd, party = make.body(commune, "peoples_committee"), make.body(commune, "party_committee")
    mine = make.task(ubnd, None, "in_progress", date(2026, 7, 1), title="Rà soát quy hoạch chung xã")
    coordinating = make.task(party, None, "assigned", date(2026, 7, 5), title="Nghị quyết chuyên đề",
                             coordinating=[ubnd])
    not_mine = make.task(party, None, "assigned", date(2026, 7, 9), title="Việc của Đảng ủy")
    make.task(ubnd, None, "completed", date(2026, 6, 1), title="Đã xong")
    make.task(ubnd, None, "in_progress", None, title="Thường xuyên")
    make.task(ubnd, None, "draft", date(2026, 7, 2), title="Dự thảo")
    elsewhere = make.task(make.body(make.unit()), None, "assigned", date(2026, 7, 3), title="Xã khác")
    assignee = api(make.user("assignee", commune, [ubnd]))
    me = assignee.get("/me").get_json()
    feed = client.get(_path(me["calendar_url"]))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = _events(feed.data)
    assert set(events) == {f"Hạn: {mine.title}", f"Hạn: {coordinating.title}"}
    event = events[f"Hạn: {mine.title}"]
    assert event.decoded("dtstart") == date(2026, 7, 1) and event.decoded("dtend") == date(2026, 7, 2)
    assert str(event["uid"]).startswith(f"task-{mine.id}@")
    assert ubnd.name in str(event["description"])
    chair = api(make.user("chair", commune))
    chair_events = _events(client.get(_path(chair.get("/me").get_json()["calendar_url"])).data)
    assert f"Hạn: {not_mine.title}" in chair_events and f"Hạn: {elsewhere.title}" not in chair_events


def test_token_reset_retires_the_old_address(api, client, make):
    user = make.user("chair", make.unit())
    caller = api(user)
    old = caller.get("/me").get_json()["calendar_url"]
    assert caller.get("/me").get_json()["calendar_url"] == old  # stable without a write
    assert client.get(_path(old)).status_code == 200
    response = caller.post("/me/calendar-token")
    assert response.status_code == 200
    new = response.get_json()["calendar_url"]
    assert new != old and caller.get("/me").get_json()["calendar_url"] == new
    assert client.get(_path(old)).status_code == 404
    assert client.get(_path(new)).status_code == 200
    newer = caller.post("/me/calendar-token").get_json()["calendar_url"]
    assert client.get(_path(new)).status_code == 404 and client.get(_path(newer)).status_code == 200


def test_unknown_and_forged_tokens_are_404(client, make):
    user = make.user("chair", make.unit())
    for token in ("nope", f"{user.id}-0000", "9999-abc", "x" * 80, f"{user.id}-"):
        response = client.get(f"/api/v1/calendar/{token}.ics")
        assert response.status_code == 404, token
        assert response.get_json()["error"]["code"] == "not_found"


def test_inactive_account_has_no_feed(api, client, make):
    from ntm_tasks.extensions import db

    user = make.user("chair", make.unit())
    url = api(user).get("/me").get_json()["calendar_url"]
    user.is_active_account = False
    db.session.commit()
    assert client.get(_path(url)).status_code == 404


def test_calendar_page_and_reset(client, login, make):
    user = make.user("assignee", make.unit())
    login(user)
    page = client.get("/calendar").get_data(as_text=True)
    import re
    old = re.search(r'id="calendar-url">([^<]+)<', page).group(1)
    token = csrf_token(client, "/calendar")
    assert client.post("/calendar/reset", data={"csrf_token": token}).status_code == 302
    new = re.search(r'id="calendar-url">([^<]+)<', client.get("/calendar").get_data(as_text=True)).group(1)
    assert new != old
    assert client.get(_path(old)).status_code == 404 and client.get(_path(new)).status_code == 200
