import base64

from ntm_tasks.extensions import db
from ntm_tasks.org.models import Unit


def basic(username, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_token_lifecycle(client, make):
    user = make.user("chair", make.unit())
    response = client.post("/api/v1/tokens", headers=basic(user.username, make.PASSWORD))
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert response.get_json()["expires_at"]
    bearer = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=bearer).get_json()
    assert me["username"] == user.username and me["role"] == "chair" and me["unit_id"] == user.unit_id
    assert client.delete("/api/v1/tokens", headers=bearer).status_code == 204
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_bad_credentials_and_missing_token(client, make):
    user = make.user("chair", make.unit())
    response = client.post("/api/v1/tokens", headers=basic(user.username, "nope"))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/api/v1/tokens", headers=basic("nobody", "nope")).get_json() == response.get_json()
    assert client.get("/api/v1/units").status_code == 401
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_admin_creates_unit_with_standard_bodies(api, make):
    province = make.unit(level="province")
    admin = api(make.user("admin"))
    response = admin.post("/units", {"name": "Hoằng Trung", "level": "commune", "parent_id": province.id,
                                     "code": "HT"})
    assert response.status_code == 201, response.get_json()
    unit = response.get_json()
    assert {k: unit[k] for k in ("name", "level", "parent_id", "code")} == {
        "name": "Hoằng Trung", "level": "commune", "parent_id": province.id, "code": "HT"}
    bodies = admin.get(f"/units/{unit['id']}/bodies?per_page=200").get_json()
    assert bodies["total"] >= 10
    assert {"id", "unit_id", "name", "kind"} <= set(bodies["items"][0])
    assert any(b["kind"] == "party_committee" for b in bodies["items"])

    bare = admin.post("/units", {"name": "Trống", "level": "commune", "parent_id": province.id,
                                 "standard_bodies": False}).get_json()
    assert admin.get(f"/units/{bare['id']}/bodies").get_json()["total"] == 0


def test_invalid_unit_fields_name_the_field(api, make):
    admin = api(make.user("admin"))
    response = admin.post("/units", {"name": "", "level": "planet"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "level" in fields and "name" in fields
    response = admin.post("/units", {"name": "X", "level": "commune", "parent_id": 987654})
    assert response.status_code == 422 and "parent_id" in response.get_json()["error"]["fields"]


def test_malformed_json_is_400(api, make):
    admin = api(make.user("admin"))
    response = admin.client.post("/api/v1/units", data="{not json", content_type="application/json",
                                 headers=admin.headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_non_admin_cannot_create(api, make):
    commune = make.unit()
    chair = api(make.user("chair", commune))
    response = chair.post("/units", {"name": "X", "level": "village", "parent_id": commune.id})
    assert response.status_code == 403
    response = chair.post("/bodies", {"unit_id": commune.id, "name": "X", "kind": "other"})
    assert response.status_code == 403
    response = chair.post("/users", {"username": "u", "password": "long-enough-1", "role": "viewer",
                                     "unit_id": commune.id})
    assert response.status_code == 403
    assert db.session.query(Unit).count() == 2


def test_scope_hides_other_units(api, make):
    mine, other = make.unit("Mine"), make.unit("Other")
    admin = api(make.user("admin", mine))
    assert admin.get(f"/units/{other.id}").status_code == 404
    assert admin.get(f"/units/{other.id}/bodies").status_code == 404
    names = [u["name"] for u in admin.get("/units").get_json()["items"]]
    assert names == ["Mine"]
    response = admin.post("/bodies", {"unit_id": other.id, "name": "X", "kind": "other"})
    assert response.status_code == 422
    assert admin.post("/units", {"name": "V", "level": "village", "parent_id": mine.id}).status_code == 201


def test_create_body_and_user(api, make):
    commune = make.unit()
    admin = api(make.user("admin"))
    body = admin.post("/bodies", {"unit_id": commune.id, "name": "Trường THCS", "kind": "school"}).get_json()
    assert body["kind"] == "school" and body["unit_id"] == commune.id
    response = admin.post("/users", {"username": "hieu.truong", "password": "long-enough-1", "full_name": "Hiệu trưởng",
                                     "role": "assignee", "unit_id": commune.id, "body_ids": [body["id"]]})
    assert response.status_code == 201
    user = response.get_json()
    assert user["body_ids"] == [body["id"]] and user["role"] == "assignee"
    assert "password" not in user and "password_hash" not in user
    assert admin.post("/bodies", {"unit_id": commune.id, "name": "X", "kind": "castle"}).status_code == 422
    dup = admin.post("/users", {"username": "hieu.truong", "password": "long-enough-1", "role": "viewer",
                                "unit_id": commune.id})
    assert dup.status_code == 422 and "username" in dup.get_json()["error"]["fields"]


def test_a_users_bodies_lie_in_its_unit_or_below(api, make):
    commune = make.unit()
    village = make.unit(level="village", parent=commune)
    elsewhere = make.body(make.unit())
    admin = api(make.user("admin"))

    def create(username, body):
        return admin.post("/users", {"username": username, "password": "long-enough-1", "role": "assignee",
                                     "unit_id": commune.id, "body_ids": [body.id]})

    assert create("truong.thon", make.body(village, "village_head")).status_code == 201
    foreign = create("lac.cho", elsewhere)
    assert foreign.status_code == 422 and "body_ids" in foreign.get_json()["error"]["fields"]
    assert admin.get("/users?per_page=200").get_json()["total"] == 2  # the admin and the village head


def test_blank_names_are_refused(api, make):
    commune = make.unit()
    admin = api(make.user("admin"))
    unit = admin.post("/units", {"name": "   ", "level": "commune"})
    assert unit.status_code == 422 and "name" in unit.get_json()["error"]["fields"]
    body = admin.post("/bodies", {"unit_id": commune.id, "name": " \t ", "kind": "school"})
    assert body.status_code == 422 and "name" in body.get_json()["error"]["fields"]
    padded = admin.post("/bodies", {"unit_id": commune.id, "name": "  Trường THCS  ", "kind": "school"})
    assert padded.status_code == 201 and padded.get_json()["name"] == "Trường THCS"


def test_pagination_envelope_and_limits(api, make):
    admin = api(make.user("admin"))
    province = make.unit(level="province")
    for i in range(3):
        make.unit(f"Xã {i}", parent=province)
    page = admin.get("/units?per_page=2&page=2").get_json()
    assert page["total"] == 4 and page["page"] == 2 and page["per_page"] == 2 and len(page["items"]) == 2
    assert admin.get("/units?per_page=500").status_code == 422


def test_merge_over_api(api, make):
    province = make.unit(level="province")
    a, b = make.unit("A", parent=province), make.unit("B", parent=province)
    admin = api(make.user("admin"))
    response = admin.post(f"/units/{a.id}/merge", {"target_id": b.id})
    assert response.status_code == 200
    assert admin.get(f"/units/{a.id}").get_json()["merged_into_id"] == b.id
    assert admin.post(f"/units/{a.id}/merge", {"target_id": b.id}).status_code == 422


def test_openapi_describes_the_routes(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert path in documented, f"{rule.rule} is not in openapi.json"
    assert "bearerAuth" in spec["components"]["securitySchemes"]
