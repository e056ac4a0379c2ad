"""Evidence files: size and type limits, safe storage, downloads as attachments, who may upload and see."""
import io
import os

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from ntm_tasks.attachments import Attachment, display_name
from ntm_tasks.extensions import db
from tests.assignments.support import snapshot

PDF = b"%PDF-1.4\n% minh chung\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 64
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16


def _upload(client, task_id, content: bytes, name: str):
    # Encoded here, in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename=name)})
    return client.client.post(f"/api/v1/tasks/{task_id}/attachments", headers=client.headers, data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")


def _download(client, attachment_id):
    """GET the file and close the response (it streams from disk)."""
    response = client.get(f"/attachments/{attachment_id}")
    response.get_data()
    response.close()
    return response


def _stored(app) -> set[str]:
    return set(os.listdir(app.config["UPLOAD_FOLDER"])) if os.path.isdir(app.config["UPLOAD_FOLDER"]) else set()


@pytest.mark.parametrize("name,content,content_type", [
    ("bien-ban.pdf", PDF, "application/pdf"), ("Ảnh hiện trường.PNG", PNG, "image/png"),
    ("bao-cao.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("anh.webp", WEBP, "image/webp"), ("ghi-chu.txt", "Đã họp thôn ngày 5/8.".encode(), "text/plain; charset=utf-8"),
])
def test_allowed_files_are_stored_and_downloaded_as_attachments(app, api, make, world, name, content, content_type):
    task = make.task(world.ubnd, status="in_progress")
    client = api(world.lead)
    response = _upload(client, task.id, content, name)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["filename"] == name and body["size"] == len(content) and body["content_type"] == content_type
    download = _download(client, body["id"])
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == content_type
    listed = client.get(f"/tasks/{task.id}/attachments").get_json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]
    assert client.get(f"/tasks/{task.id}").get_json()["history"][-1]["action"] == "attachment_added"


def test_a_traversing_name_is_stored_under_a_generated_name(app, api, make, world, tmp_path):
    task = make.task(world.ubnd, status="in_progress")
    client = api(world.lead)
    parent = os.path.dirname(app.config["UPLOAD_FOLDER"])
    before_parent = set(os.listdir(parent))
    response = _upload(client, task.id, PDF, "../../bao-cao.pdf")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["filename"] == "bao-cao.pdf"
    stored = db.session.get(Attachment, response.get_json()["id"])
    assert "/" not in stored.stored_name and "." not in stored.stored_name
    assert os.path.isfile(os.path.join(app.config["UPLOAD_FOLDER"], stored.stored_name))
    assert set(os.listdir(parent)) == before_parent | ({os.path.basename(app.config["UPLOAD_FOLDER"])})
    download = _download(client, stored.id)
    assert download.headers["Content-Disposition"] == "attachment; filename=bao-cao.pdf"
    assert display_name("..\\..\\x.pdf") == "x.pdf" and display_name("../..") == "file"
    assert display_name("a\x00b\n.pdf") == "ab.pdf"


@pytest.mark.parametrize("name,content", [
    ("anh.svg", b"<svg onload=alert(1)>"), ("cai-dat.exe", b"MZ\x90\x00"), ("gia.pdf", b"MZ\x90\x00 not a pdf"),
    ("khong-duoi", PDF), ("du-lieu.txt", b"\xff\xfe\x00\x00binary" * 10), ("nen.zip", DOCX),
    ("anh.webp", b"RIFF\x10\x00\x00\x00WAVEfmt "), ("trang.html", b"<html><script>alert(1)</script></html>"),
    ("trang.HTM", b"<html></html>"),
])
def test_refused_types_are_415_and_nothing_is_kept(app, api, make, world, name, content):
    task = make.task(world.ubnd, status="in_progress")
    before, files = snapshot(task), _stored(app)
    response = _upload(api(world.lead), task.id, content, name)
    assert response.status_code == 415, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_type" and "file" in error["fields"]
    assert _stored(app) == files and snapshot(task) == before
    assert db.session.query(Attachment).count() == 0


@pytest.mark.parametrize("name", ["../../x.txt", "ghi-chu.TXT"])
def test_markup_is_stored_safely_and_only_served_as_plain_text_attachment(app, api, make, world, name):
    task = make.task(world.ubnd, status="in_progress")
    client = api(world.lead)
    response = _upload(client, task.id, b"<html><script>alert(1)</script></html>", name)
    assert response.status_code == 201, response.get_json()
    stored = db.session.get(Attachment, response.get_json()["id"])
    assert "/" not in stored.stored_name and ".." not in stored.stored_name
    assert os.path.isfile(os.path.join(app.config["UPLOAD_FOLDER"], stored.stored_name))
    download = _download(client, stored.id)
    assert download.headers["Content-Type"].startswith("text/plain")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_too_large_is_413_and_nothing_is_kept(app, api, make, world):
    task = make.task(world.ubnd, status="in_progress")
    files = _stored(app)
    limit = app.config["UPLOAD_MAX_BYTES"]
    response = _upload(api(world.lead), task.id, PDF + b"0" * (limit - len(PDF) + 1), "lon.pdf")
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"
    assert _stored(app) == files
    beyond_the_request_limit = _upload(api(world.lead), task.id, PDF + b"0" * (22 * 1024 * 1024), "rat-lon.pdf")
    assert beyond_the_request_limit.status_code == 413
    assert beyond_the_request_limit.get_json()["error"]["code"] == "too_large"
    just_right = _upload(api(world.lead), task.id, PDF + b"0" * (limit - len(PDF)), "vua.pdf")
    assert just_right.status_code == 201 and just_right.get_json()["size"] == limit
    # too large is said first, whatever the file holds
    junk = _upload(api(world.lead), task.id, b"\x00" * (limit + 1), "rac.pdf")
    assert junk.status_code == 413 and junk.get_json()["error"]["code"] == "too_large"
    assert _stored(app) == {*files, db.session.get(Attachment, just_right.get_json()["id"]).stored_name}


def test_missing_or_empty_file_is_422(api, make, world):
    task = make.task(world.ubnd, status="in_progress")
    client = api(world.lead)
    response = client.client.post(f"/api/v1/tasks/{task.id}/attachments", headers=client.headers, data={},
                                  content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]
    empty = _upload(client, task.id, b"", "rong.pdf")
    assert empty.status_code in (415, 422)


def test_who_may_upload(api, make, world):
    task = make.task(world.ubnd, status="in_progress", coordinating=[world.party])
    for user in (world.lead, world.coord, world.secretary, world.chair):
        assert _upload(api(user), task.id, PDF, "a.pdf").status_code == 201, user
    assert _upload(api(world.viewer), task.id, PDF, "a.pdf").status_code == 403
    assert _upload(api(world.bystander), task.id, PDF, "a.pdf").status_code == 404
    assert _upload(api(world.other_chair), task.id, PDF, "a.pdf").status_code == 404
    closed = make.task(world.ubnd, status="completed")
    assert _upload(api(world.lead), closed.id, PDF, "a.pdf").status_code == 409
    assert _upload(api(world.chair), closed.id, PDF, "a.pdf").status_code == 201


def test_who_may_download(api, make, world):
    task = make.task(world.ubnd, status="in_progress")
    attachment_id = _upload(api(world.lead), task.id, PDF, "a.pdf").get_json()["id"]
    for user in (world.lead, world.secretary, world.chair, world.viewer):
        assert _download(api(user), attachment_id).status_code == 200
    for user in (world.bystander, world.coord, world.other_chair, world.other_assignee):
        assert api(user).get(f"/attachments/{attachment_id}").status_code == 404
        assert api(user).get(f"/tasks/{task.id}/attachments").status_code == 404
    assert api(world.chair).get("/attachments/987654").status_code == 404


def test_meeting_files_follow_the_meeting(api, make, world):
    meeting = make.meeting(world.commune, status="published")
    attachment = Attachment(meeting_id=meeting.id, filename="bien-ban.pdf", stored_name="0" * 32, size=3,
                            content_type="application/pdf")
    db.session.add(attachment)
    db.session.commit()
    assert api(world.other_chair).get(f"/attachments/{attachment.id}").status_code == 404
    assert api(world.lead).get(f"/attachments/{attachment.id}").status_code == 404  # no task of theirs there
    make.task(world.ubnd, meeting, status="assigned")
    # visible now; the file itself is missing from the folder, which is a plain 404 too
    assert api(world.lead).get(f"/attachments/{attachment.id}").status_code == 404
    attachment.is_archived = True
    db.session.commit()
    assert api(world.chair).get(f"/attachments/{attachment.id}").status_code == 404


def test_dossier_files_follow_the_dossier(api, make, world):
    from ntm_tasks.oversight.models import Dossier, DossierItem

    dossier = Dossier(unit_id=world.commune.id, kind="recognition", title="Hồ sơ")
    db.session.add(dossier)
    db.session.flush()
    item = DossierItem(dossier_id=dossier.id, code="to-trinh", name="Tờ trình")
    db.session.add(item)
    db.session.flush()
    attachment = Attachment(dossier_item_id=item.id, filename="to-trinh.pdf", stored_name="1" * 32, size=3,
                            content_type="application/pdf")
    db.session.add(attachment)
    db.session.commit()
    assert api(world.other_chair).get(f"/attachments/{attachment.id}").status_code == 404
    assert api(world.lead).get(f"/attachments/{attachment.id}").status_code == 404
    # visible to the commune's chair; the file itself is not on disk in this test
    response = api(world.chair).get(f"/attachments/{attachment.id}")
    assert response.status_code == 404 and response.get_json()["error"]["message"] == "Tệp không còn trên máy chủ."
