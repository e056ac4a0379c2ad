"""Long exports: requested on a page or the API, made by a job (in-process here: no Redis), polled, downloaded."""
import io
from datetime import date

from openpyxl import load_workbook

from ntm_tasks.extensions import db
from ntm_tasks.notifications.models import ExportJob, JobRecord
from tests.conftest import csrf_token


def _commune(make):
    province = make.unit(level="province")
    commune = make.unit(parent=province)
    make.task(make.body(commune), status="in_progress", due_date=date(2024, 8, 20), title="Nạo vét kênh mương")
    return province, commune


def test_chair_exports_on_the_page_and_downloads(app, client, login, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_FOLDER", str(tmp_path))
    _province, commune = _commune(make)
    login(make.user("chair", commune))
    html = client.get("/exports").get_data(as_text=True)
    assert 'type="month"' in html
    token = csrf_token(client, "/exports")
    assert client.post("/exports", data={"kind": "monthly_csv", "unit_id": commune.id, "month": "2024-08"}).status_code == 400
    response = client.post("/exports", data={"csrf_token": token, "kind": "monthly_csv", "unit_id": commune.id,
                                             "month": "2024-08"})
    assert response.status_code == 302
    export = db.session.scalars(db.select(ExportJob)).one()
    assert response.headers["Location"].endswith(f"/exports/{export.id}")
    page = client.get(f"/exports/{export.id}").get_data(as_text=True)
    assert "exports.js" in page and "data-status-url" in page and "<script>" not in page
    status = client.get(f"/exports/{export.id}/status").get_json()
    assert status["status"] == "done" and status["progress"] == 100  # without Redis the job ran after the commit
    download = client.get(status["download_url"])
    content = download.get_data()
    download.close()
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].endswith(".csv") and content.startswith(b"\xef\xbb\xbf")
    assert "Nạo vét kênh mương" in content.decode("utf-8-sig")
    assert content.count(b"\xef\xbb\xbf") == 1
    assert db.session.scalars(db.select(JobRecord.status)).all() == ["finished"]


def test_export_api_validation_scope_and_xlsx(app, api, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_FOLDER", str(tmp_path))
    province, commune = _commune(make)
    other = make.unit()
    secretary = api(make.user("secretary", commune))
    response = secretary.post("/exports", {"kind": "monthly_xlsx", "unit_id": commune.id, "month": "2024-13"})
    assert response.status_code == 422 and "month" in response.get_json()["error"]["fields"]
    response = secretary.post("/exports", {"kind": "pdf", "unit_id": commune.id, "month": "2024-08"})
    assert response.status_code == 422 and "kind" in response.get_json()["error"]["fields"]
    response = secretary.post("/exports", {"kind": "monthly_xlsx", "unit_id": other.id, "month": "2024-08"})
    assert response.status_code == 422 and "unit_id" in response.get_json()["error"]["fields"]
    response = secretary.post("/exports", {"kind": "monthly_xlsx", "unit_id": commune.id, "month": "2024-08"})
    assert response.status_code == 202
    export = response.get_json()
    done = secretary.get(f"/exports/{export['id']}").get_json()
    assert done["status"] == "done" and done["download_url"].endswith(f"/exports/{export['id']}/file")
    file = secretary.get(f"/exports/{export['id']}/file")
    content = file.data
    file.close()
    cells = [str(c.value) for r in load_workbook(io.BytesIO(content)).active.iter_rows() for c in r]
    assert "Nạo vét kênh mương" in cells

    viewer = api(make.user("viewer", province))  # the province's coordination office: same scope, above
    assert viewer.get(f"/exports/{export['id']}").status_code == 200
    outsider = api(make.user("chair", other))
    assert outsider.get(f"/exports/{export['id']}").status_code == 404
    assert outsider.get(f"/exports/{export['id']}/file").status_code == 404
    assignee = api(make.user("assignee", commune, [make.body(commune)]))
    assert assignee.post("/exports", {"kind": "monthly_xlsx", "unit_id": commune.id, "month": "2024-08"}).status_code == 403
    assert assignee.get(f"/exports/{export['id']}").status_code == 404


def test_export_pages_refuse_assignees_and_outsiders(app, client, login, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_FOLDER", str(tmp_path))
    _province, commune = _commune(make)
    owner = make.user("chair", commune)
    export = ExportJob(kind="monthly_xlsx", unit_id=commune.id, month="2024-08", requested_by_id=owner.id)
    db.session.add(export)
    db.session.commit()
    login(make.user("assignee", commune, [make.body(commune)]))
    assert client.get("/exports").status_code == 403
    assert client.get(f"/exports/{export.id}/status").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/notifications")})
    login(make.user("chair", make.unit()))
    for path in (f"/exports/{export.id}", f"/exports/{export.id}/status", f"/exports/{export.id}/download"):
        assert client.get(path).status_code == 404, path
    script = client.get("/notifications-static/exports.js")
    script.close()
    assert script.status_code == 200
