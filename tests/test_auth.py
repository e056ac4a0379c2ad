from tests.conftest import csrf_token


def test_pages_need_login(client, make):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/admin/units").status_code == 302


def test_login_form_requires_csrf(client, make):
    user = make.user("chair", make.unit())
    response = client.post("/login", data={"username": user.username, "password": make.PASSWORD})
    assert response.status_code == 400  # CSRFProtect refuses the post
    assert client.get("/").status_code == 302


def test_wrong_password_message_next_to_field(client, make):
    user = make.user("chair", make.unit())
    token = csrf_token(client, "/login")
    html = client.post("/login", data={"username": user.username, "password": "bad", "csrf_token": token}).get_data(
        as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html and "invalid-feedback" in html


def test_lockout_after_repeated_failures(client, make):
    user = make.user("chair", make.unit())
    for _ in range(5):
        token = csrf_token(client, "/login")
        html = client.post("/login", data={"username": user.username, "password": "bad", "csrf_token": token}
                           ).get_data(as_text=True)
    assert "tạm khóa" in html
    token = csrf_token(client, "/login")
    html = client.post("/login", data={"username": user.username, "password": make.PASSWORD, "csrf_token": token}
                       ).get_data(as_text=True)
    assert "tạm khóa" in html


def test_login_logout(login, make):
    user = make.user("admin")
    client = login(user)
    assert client.get("/admin/units").status_code == 200
    token = csrf_token(client, "/admin/units")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/units").status_code == 302


def test_open_redirect_refused(client, make):
    user = make.user("admin")
    token = csrf_token(client, "/login")
    response = client.post("/login?next=//evil.example/x", data={"username": user.username,
                                                                  "password": make.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_password_change_ends_other_sessions(app, make, login):
    user = make.user("admin")
    other = app.test_client()
    token = csrf_token(other, "/login")
    other.post("/login", data={"username": user.username, "password": make.PASSWORD, "csrf_token": token})
    assert other.get("/admin/units").status_code == 200

    client = login(user)
    token = csrf_token(client, "/account/password")
    response = client.post("/account/password", data={"current_password": make.PASSWORD,
                                                       "new_password": "new-pass-456", "confirm": "new-pass-456",
                                                       "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/admin/units").status_code == 200
    assert other.get("/admin/units").status_code == 302


def test_non_admin_cannot_open_admin_pages(login, make):
    client = login(make.user("chair", make.unit()))
    assert client.get("/admin/units").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_error_pages_explain_the_status_in_the_pages_language(login, make):
    """Werkzeug's descriptions are English: a page says in its own language what went wrong."""
    client = login(make.user("chair", make.unit()))
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "Không tìm thấy" in html and "Không có trang hoặc dữ liệu này" in html
    assert "requested URL" not in html
    refused = client.post("/account/password", data={})  # no CSRF token: a form left open past its session, say
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Biểu mẫu đã quá hạn hoặc thiếu mã chống giả mạo (CSRF)" in html and "token is missing" not in html

    client.post("/language/en", data={"csrf_token": csrf_token(client, "/account/password")})
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "This page or record does not exist, or you may not see it." in html and "requested URL" not in html


def test_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_throttled_per_address_and_account(app, client, make):
    user = make.user("chair", make.unit())
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        import base64

        bad = {"Authorization": "Basic " + base64.b64encode(f"{user.username}:bad".encode()).decode()}
        codes = [client.post("/api/v1/tokens", headers=bad).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        assert client.post("/api/v1/tokens", headers=bad).get_json()["error"]["code"] == "too_many_requests"
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "20 per minute"
        from ntm_tasks.extensions import limiter

        limiter.reset()


def test_the_password_is_checked_outside_the_database_transaction(app, client, make, monkeypatch):
    """Hashing takes tens of milliseconds: on SQLite a login must not hold the write lock meanwhile."""
    import sqlalchemy as sa

    from ntm_tasks.auth import login as login_module
    from ntm_tasks.extensions import db

    user = make.user("chair", make.unit())
    checked = []
    real_check = login_module.check_password_hash

    def check_while_another_writer_writes(stored_hash, password):
        assert not db.session().in_transaction()
        if db.engine.dialect.name == "sqlite":  # another connection can take the write lock at once
            other = sa.create_engine(db.engine.url, connect_args={"timeout": 0})
            with other.connect() as connection:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                connection.exec_driver_sql("ROLLBACK")
            other.dispose()
        checked.append(password)
        return real_check(stored_hash, password)

    monkeypatch.setattr(login_module, "check_password_hash", check_while_another_writer_writes)
    response = client.post("/api/v1/tokens", headers={"Authorization": _basic(user.username, "bad")})
    assert response.status_code == 401
    db.session.expire_all()
    assert db.session.get(type(user), user.id).failed_logins == 1  # the failure still counted
    response = client.post("/api/v1/tokens", headers={"Authorization": _basic(user.username, make.PASSWORD)})
    assert response.status_code == 201 and checked == ["bad", make.PASSWORD]
    db.session.expire_all()
    assert db.session.get(type(user), user.id).failed_logins == 0


def _basic(username: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
