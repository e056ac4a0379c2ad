"""Recognition dossiers: checklist, files, the course preparing → submitted → returned → … → recognized."""
import io
from datetime import date

import pytest

from ntm_tasks.oversight.dossiers import CHECKLIST, dossiers_due_soon
from tests.conftest import csrf_token


@pytest.fixture
def place(make):
    province = make.unit("Thanh Hóa", level="province")
    commune = make.unit("Hoằng Trung", parent=province)
    return province, commune


def _create(client, commune, **extra):
    payload = {"unit_id": commune.id, "kind": "recognition_advanced", "title": "Hồ sơ đề nghị công nhận NTM nâng cao",
               "due_date": "2026-10-30", **extra}
    return client.post("/dossiers", payload)


def test_dossier_course(api, make, place, app):
    app.config["NTM_TODAY"] = "2026-09-01"
    province, commune = place
    office = make.body(province, "coordination_office")
    chair = api(make.user("chair", commune))
    response = _create(chair, commune, receiving_body_id=office.id)
    assert response.status_code == 201, response.get_json()
    dossier = response.get_json()
    assert dossier["status"] == "preparing" and dossier["unit_id"] == commune.id and dossier["due_date"] == "2026-10-30"
    assert dossier["receiving_body"] == {"id": office.id, "name": office.name}
    assert [item["code"] for item in dossier["checklist"]] == [code for code, _ in CHECKLIST]
    assert all(item["supplied"] is False and item["file"] is None for item in dossier["checklist"])

    item = dossier["checklist"][0]
    upload = chair.post(f"/dossiers/{dossier['id']}/items/{item['id']}/file",
                        data={"file": (io.BytesIO(b"%PDF-1.4 to trinh"), "to-trinh.pdf")},
                        content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    assert upload.get_json()["filename"] == "to-trinh.pdf"
    refused = chair.post(f"/dossiers/{dossier['id']}/items/{item['id']}/file",
                         data={"file": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")},
                         content_type="multipart/form-data")
    assert refused.status_code == 415
    current = chair.get(f"/dossiers/{dossier['id']}").get_json()
    first = current["checklist"][0]
    assert first["supplied"] is True and first["file"]["filename"] == "to-trinh.pdf"
    assert first["supplied_by"]["full_name"] and first["supplied_at"]
    replaced = chair.post(f"/dossiers/{dossier['id']}/items/{item['id']}/file",
                          data={"file": (io.BytesIO(b"%PDF-1.4 ban sua"), "to-trinh-v2.pdf")},
                          content_type="multipart/form-data")
    assert replaced.status_code == 201
    assert chair.get(f"/dossiers/{dossier['id']}").get_json()["checklist"][0]["file"]["filename"] == "to-trinh-v2.pdf"

    def act(action, version=None, **extra):
        version = version or chair.get(f"/dossiers/{dossier['id']}").get_json()["version"]
        return chair.post(f"/dossiers/{dossier['id']}/transitions", {"action": action, "version": version, **extra})

    assert act("accept").status_code == 409  # not submitted yet
    stale = chair.post(f"/dossiers/{dossier['id']}/transitions", {"action": "submit", "version": 0})
    assert stale.status_code == 409
    submitted = act("submit")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert submitted.get_json()["submitted_on"] == "2026-09-01"
    no_note = act("return")
    assert no_note.status_code == 422 and "note" in no_note.get_json()["error"]["fields"]
    assert act("return", note="Bổ sung biên bản lấy ý kiến nhân dân").get_json()["status"] == "returned"
    assert chair.post(f"/dossiers/{dossier['id']}/items/{dossier['checklist'][4]['id']}/file",
                      data={"file": (io.BytesIO(b"%PDF-1.4 y kien"), "y-kien.pdf")},
                      content_type="multipart/form-data").status_code == 201  # supplements while returned
    assert act("submit").get_json()["status"] == "submitted"
    assert chair.post(f"/dossiers/{dossier['id']}/items/{item['id']}/file",
                      data={"file": (io.BytesIO(b"%PDF-1.4 x"), "x.pdf")},
                      content_type="multipart/form-data").status_code == 409  # not while with the level above
    assert act("accept").get_json()["status"] == "accepted"
    done = act("recognize", decision_number=" 1234/QĐ-UBND ", decision_date="2026-12-20")
    assert done.status_code == 200
    final = done.get_json()
    assert final["status"] == "recognized" and final["decision_number"] == "1234/QĐ-UBND"
    assert final["decision_date"] == "2026-12-20"
    actions = [h["action"] for h in final["history"]]
    assert actions[0] == "created" and actions[-5:] == ["return", "item_supplied", "submit", "accept", "recognize"]
    assert [a for a in actions if a in ("submit", "return", "accept", "recognize")] == [
        "submit", "return", "submit", "accept", "recognize"]
    assert act("submit").status_code == 409
    bad = act("approve")
    assert bad.status_code == 422 and "action" in bad.get_json()["error"]["fields"]


def test_recognize_takes_the_contracts_body_alone(api, make, place):
    """API.md's transition body is {action, note?, version}: the decision's number and date are kept when given."""
    province, commune = place
    chair = api(make.user("chair", commune))
    dossier = _create(chair, commune).get_json()
    for action in ("submit", "accept", "recognize"):
        version = chair.get(f"/dossiers/{dossier['id']}").get_json()["version"]
        response = chair.post(f"/dossiers/{dossier['id']}/transitions", {"action": action, "version": version})
        assert response.status_code == 200, response.get_json()
    final = response.get_json()
    assert final["status"] == "recognized" and final["decision_number"] is None and final["decision_date"] is None


def test_dossier_validation(api, make, place):
    province, commune = place
    chair = api(make.user("chair", commune))
    other = make.unit()
    assert _create(chair, commune, kind="award").status_code == 422
    assert _create(chair, commune, kind="recognition").status_code == 201
    short = _create(chair, commune, kind="advanced")  # the standard alone names the kind too
    assert short.status_code == 201 and short.get_json()["kind"] == "recognition_advanced"
    assert _create(chair, commune, kind="recognition_award").status_code == 422
    missing = chair.post("/dossiers", {"unit_id": commune.id, "kind": "recognition"})
    assert missing.status_code == 422 and {"title", "due_date"} <= set(missing.get_json()["error"]["fields"])
    foreign = _create(chair, other)
    assert foreign.status_code == 422 and "unit_id" in foreign.get_json()["error"]["fields"]
    sideways = _create(chair, commune, receiving_body_id=make.body(other).id)
    assert sideways.status_code == 422 and "receiving_body_id" in sideways.get_json()["error"]["fields"]


def test_viewer_reads_dossiers_and_changes_nothing(api, make, place):
    province, commune = place
    chair = api(make.user("chair", commune))
    dossier = _create(chair, commune).get_json()
    item = dossier["checklist"][0]
    viewer = api(make.user("viewer", province))
    assert viewer.get(f"/dossiers/{dossier['id']}").status_code == 200
    listed = viewer.get(f"/dossiers?unit_id={province.id}").get_json()
    assert [d["id"] for d in listed["items"]] == [dossier["id"]] and listed["total"] == 1
    assert _create(viewer, commune).status_code == 403
    assert viewer.post(f"/dossiers/{dossier['id']}/transitions",
                       {"action": "submit", "version": dossier["version"]}).status_code == 403
    assert viewer.post(f"/dossiers/{dossier['id']}/items/{item['id']}/file",
                       data={"file": (io.BytesIO(b"%PDF-1.4 x"), "x.pdf")},
                       content_type="multipart/form-data").status_code == 403
    assert chair.get(f"/dossiers/{dossier['id']}").get_json()["status"] == "preparing"
    outsider = api(make.user("chair", make.unit()))
    assert outsider.get(f"/dossiers/{dossier['id']}").status_code == 404
    assert outsider.get("/dossiers").get_json()["total"] == 0
    assert outsider.post(f"/dossiers/{dossier['id']}/transitions",
                         {"action": "submit", "version": dossier["version"]}).status_code == 404


def test_dossiers_due_soon(app, make, place, api):
    province, commune = place
    chair = api(make.user("chair", commune))
    soon = _create(chair, commune, due_date="2026-06-20").get_json()
    _create(chair, commune, due_date="2026-07-20")
    sent = _create(chair, commune, due_date="2026-06-18").get_json()
    chair.post(f"/dossiers/{sent['id']}/transitions", {"action": "submit", "version": sent["version"]})
    assert [d.id for d in dossiers_due_soon(date(2026, 6, 15))] == [soon["id"]]
    assert len(dossiers_due_soon(date(2026, 6, 15), days=40)) == 2


def test_dossier_pages(client, login, make, place):
    province, commune = place
    office = make.body(province, "coordination_office")
    login(make.user("secretary", commune))
    token = csrf_token(client, "/dossiers/new")
    response = client.post("/dossiers/new", data={
        "csrf_token": token, "unit_id": str(commune.id), "kind": "recognition_ntm",
        "title": "Hồ sơ xã đạt chuẩn NTM", "due_date": "2026-10-30", "receiving_body_id": str(office.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    detail_url = response.headers["Location"]
    page = client.get(detail_url).get_data(as_text=True)
    assert "Hồ sơ xã đạt chuẩn NTM" in page and office.name in page
    import re
    item_id = re.search(r'data-item-id="(\d+)"', page).group(1)
    upload = client.post(f"{detail_url}/items/{item_id}/file", data={
        "csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4 to trinh"), "to-trinh.pdf")},
        content_type="multipart/form-data")
    assert upload.status_code == 302
    page = client.get(detail_url).get_data(as_text=True)
    assert "to-trinh.pdf" in page
    download = client.get(f"{detail_url}/items/{item_id}/file")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 to trinh"
    download.close()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    moved = client.post(f"{detail_url}/transition", data={"csrf_token": token, "action": "submit",
                                                          "version": version})
    assert moved.status_code == 302
    assert 'data-status="submitted"' in client.get(detail_url).get_data(as_text=True)
    listing = client.get("/dossiers").get_data(as_text=True)
    assert "Hồ sơ xã đạt chuẩn NTM" in listing and "1/7" in listing
    no_csrf = client.post(f"{detail_url}/transition", data={"action": "accept", "version": version})
    assert no_csrf.status_code in (302, 400)
    assert 'data-status="submitted"' in client.get(detail_url).get_data(as_text=True)


def test_viewer_pages_show_no_write_controls(client, login, make, place, api):
    province, commune = place
    dossier = _create(api(make.user("chair", commune)), commune).get_json()
    login(make.user("viewer", province))
    page = client.get(f"/dossiers/{dossier['id']}").get_data(as_text=True)
    assert "/transition" not in page and 'type="file"' not in page
    assert client.get("/dossiers/new").status_code == 403
    assert client.get(f"/criteria/units/{commune.id}").status_code == 200
    assert 'enctype="multipart/form-data"' not in client.get(f"/criteria/units/{commune.id}").get_data(as_text=True)
