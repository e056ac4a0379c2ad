"""When the database cannot be reached the app answers 503 plainly: JSON for the API, a page for people."""
import pytest

from ntm_tasks import create_app


@pytest.fixture
def down_app(tmp_path):
    # Port 1 on loopback: nothing listens, so every connection is refused at once.
    return create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_FOLDER": str(tmp_path),
                       "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"})


def test_api_answers_503_json(down_app):
    response = down_app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer whatever"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "30"


def test_web_answers_503_page_without_stack_trace(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"  # a logged-in browser: loading the user needs the database
    response = client.get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Hệ thống tạm ngừng" in html and "Traceback" not in html
