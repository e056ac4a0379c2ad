"""Fixtures of the security tests: the world of world.py, and logged-in web and API clients for its users."""
import base64

import pytest

from tests import factories
from tests.conftest import csrf_token
from tests.security.world import build_world


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    """Full-strength hashing would cost most of these tests' time; the login tests keep their own."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr("ntm_tasks.org.models.generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"))


@pytest.fixture
def export_folder(app, tmp_path):
    saved = app.config.get("EXPORT_FOLDER")
    app.config["EXPORT_FOLDER"] = str(tmp_path / "exports")
    yield app.config["EXPORT_FOLDER"]
    app.config["EXPORT_FOLDER"] = saved


@pytest.fixture
def world(app, make, export_folder):
    from ntm_tasks.extensions import limiter

    limiter.reset()  # the login throttle counts per address and name across tests: start each world afresh
    return build_world(make)


def web_client(app, user=None):
    """A test client, logged in through the form as `user` when given; .csrf holds its CSRF token."""
    client = app.test_client()
    if user is not None:
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, f"login of {user.username} failed"
    client.csrf = csrf_token(client, "/login") if user is None else csrf_token(client, "/account/password")
    return client


def api_token(app, user) -> str:
    """A fresh bearer token for `user`."""
    credentials = base64.b64encode(f"{user.username}:{factories.PASSWORD}".encode()).decode()
    response = app.test_client().post("/api/v1/tokens", headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]
