"""CSRF: every form POST of the web interface (found from the URL map: POST, not under /api/) is refused with
400 without its token, though the same post with the token is accepted (the matrix's answer for that user)."""
import sqlalchemy as sa

from ntm_tasks.audit import HistoryEntry
from ntm_tasks.extensions import db
from tests.security.test_matrix import EXPECTED, Caller, expected_status, is_api, resolve, routes

# Who posts: the first of these whose post the matrix says is taken (not refused for role or scope).
POSTERS = ("chair_a", "superadmin", "assignee_a", None)


def _history_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEntry))


def test_every_form_post_needs_its_csrf_token(app, world):
    callers = {key: Caller(app, world, world.users[key] if key else None) for key in POSTERS}
    form_posts = [(rule, method) for rule, method in routes(app) if method == "POST" and not is_api(rule)]
    assert len(form_posts) > 30, "the URL map should hold the app's form posts"
    problems = []
    for rule, method in form_posts:
        spec = EXPECTED[(rule.endpoint, method)]
        values, names_a = resolve(world, rule)
        names_a = names_a or spec.query is not None
        takers = [k for k in POSTERS if expected_status(spec, callers[k].user, names_a) not in (403, 404, -1)]
        key = (takers or ["superadmin"])[0]  # a post nobody may make still meets the CSRF check first
        caller = callers[key]
        expected = expected_status(spec, caller.user, names_a)
        before = _history_count()
        refused = caller.send(rule, method, spec, values, csrf=False)
        label = f"POST {rule.rule} as {key or 'anonymous'}"
        if refused.status_code != 400 or "CSRF" not in refused.get_data(as_text=True):
            problems.append(f"{label} without a token: {refused.status_code}, expected 400 (CSRF)")
        if _history_count() != before:
            problems.append(f"{label} without a token changed the history")
        accepted = caller.send(rule, method, spec, values)
        if accepted.status_code != expected:
            problems.append(f"{label} with its token: {accepted.status_code}, expected {expected}")
    assert not problems, "\n".join(problems)


def test_api_needs_no_csrf_token_but_a_bearer_token(app, world):
    """The API is CSRF-exempt because a browser never sends a bearer token on its own: a cookie is no key."""
    web = Caller(app, world, world.users["chair_a"]).web
    response = web.post("/api/v1/meetings", json={"unit_id": world.units["a"].id, "title": "x",
                                                  "kind": "conference", "held_at": "2026-01-05T08:00:00"})
    assert response.status_code == 401
