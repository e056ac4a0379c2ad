"""Admin pages render and save through their forms, with messages beside the fields."""
import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.org.models import Unit, User
from tests.conftest import csrf_token


def test_admin_pages_render(login, make):
    commune = make.unit("Hoằng Trung")
    body = commune.bodies[0]
    user = make.user("chair", commune)
    client = login(make.user("admin"))
    for path in ("/admin/units", f"/admin/units/{commune.id}", "/admin/units/new", f"/admin/units/{commune.id}/edit",
                 f"/admin/units/{commune.id}/merge", f"/admin/units/{commune.id}/bodies/new",
                 f"/admin/bodies/{body.id}/edit", "/admin/users", "/admin/users/new", f"/admin/users/{user.id}/edit"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Hoằng Trung" in client.get("/admin/units").get_data(as_text=True)


def test_create_unit_through_the_form(login, make):
    province = make.unit("Thanh Hóa", level="province")
    client = login(make.user("admin"))
    token = csrf_token(client, "/admin/units/new")
    response = client.post("/admin/units/new", data={"name": "Nga Sơn", "level": "commune", "parent_id": province.id,
                                                     "standard_bodies": "y", "csrf_token": token})
    assert response.status_code == 302
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == "Nga Sơn"))
    assert unit.parent_id == province.id and unit.bodies


def test_form_error_shown_beside_the_field(login, make):
    commune = make.unit()
    client = login(make.user("admin"))
    token = csrf_token(client, "/admin/users/new")
    html = client.post("/admin/users/new", data={"username": "x", "full_name": "X", "role": "chair", "unit_id": 0,
                                                 "password": "long-pass-1", "csrf_token": token}).get_data(as_text=True)
    assert "Bắt buộc với vai trò này." in html and "invalid-feedback" in html
    assert db.session.scalar(sa.select(User).where(User.username == "x")) is None
    assert commune.id


def test_admin_of_a_commune_cannot_open_another(login, make):
    mine, other = make.unit(), make.unit()
    client = login(make.user("admin", mine))
    assert client.get(f"/admin/units/{other.id}").status_code == 404
    assert client.get(f"/admin/units/{mine.id}").status_code == 200
