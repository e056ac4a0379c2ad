"""Fixtures: an app on a throw-away database (SQLite, or PostgreSQL when TEST_DATABASE_URL names one),
a client, logins, API tokens and factories. Each test builds its own data; tables are emptied after it."""
import base64
import os
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from ntm_tasks import create_app
from ntm_tasks.extensions import db
from tests import factories


def _postgres_database(base_url: str):
    """Create a fresh database next to TEST_DATABASE_URL's, so parallel runs never meet."""
    url = sa.make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"ntm_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return admin, name, url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    admin, name, url = _postgres_database(base)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (fresh `g` and DB session), as in production; the test's
    own session then forgets what it loaded, so assertions read what the request committed."""

    def open(self, *args, **kwargs):
        db.session.commit()  # end the test's transaction so it holds no lock the request waits for
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "WTF_CSRF_ENABLED": True,
        "NTM_TODAY": None,
        "REDIS_URL": None,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app, inside an app context; every table is emptied after the test."""
    _app.config["NTM_TODAY"] = None
    with _app.app_context():
        yield _app
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories bound to the test's app: make.unit(...), make.user(...), ..."""
    return factories


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, client, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method, path, json=None, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.client, method)(f"/api/v1{path}", json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, json=None, **kw):
        return self._call("post", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self._call("patch", path, json=json, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


@pytest.fixture
def api(app):
    """api(user) -> an ApiClient authenticated as that user (password factories.PASSWORD)."""

    def for_user(user):
        client = app.test_client()
        credentials = base64.b64encode(f"{user.username}:{factories.PASSWORD}".encode()).decode()
        response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {credentials}"})
        assert response.status_code == 201, response.get_json()
        return ApiClient(client, response.get_json()["token"])

    return for_user


@pytest.fixture
def login(client):
    """login(user): log the web client in through the real form (with its CSRF token)."""

    def as_user(user):
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return as_user


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form served at `path`."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def smtp(app):
    """A real SMTP server; the app sends its mail there while the test runs."""
    from tests.notifications.smtp import start_smtp

    controller, inbox = start_smtp()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_URL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_URL="https://ntm.example.vn")
    yield inbox
    app.config.update(saved)
    controller.stop()
