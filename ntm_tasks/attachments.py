"""Evidence and minutes files: checked for size and type, stored outside the web root under generated names."""
import io
import os
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, send_file
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.datastructures import FileStorage

from ntm_tasks.db import UTCDateTime, utcnow
from ntm_tasks.errors import Invalid, NotFound, TooLarge, UnsupportedType
from ntm_tasks.extensions import db

# extension -> (content type we serve it as, accepted leading bytes or None for text)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "png": ("image/png", (b"\x89PNG",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),  # and "WEBP" at byte 8, checked below
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    "txt": ("text/plain; charset=utf-8", None),
    "csv": ("text/csv; charset=utf-8", None),
}  # no .html or .svg: markup is not evidence the contract accepts, and a text file is served as plain text
ACCEPT_ATTRIBUTE = ",".join("." + ext for ext in ALLOWED)


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    dossier_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossier_items.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int] = mapped_column()
    content_type: Mapped[str] = mapped_column(sa.String(120))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_archived: Mapped[bool] = mapped_column(default=False)

    uploaded_by = relationship("User")


def _folder() -> str:
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    return folder


def display_name(raw: str) -> str:
    """The name shown and offered on download: no directories, no control characters, at most 255."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[-255:] or "file"


def _check_type(filename: str, head: bytes) -> str:
    """The content type to serve the file as, or UnsupportedType."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ALLOWED:
        raise UnsupportedType(
            _("Chỉ nhận PDF, văn bản Office, ảnh hoặc văn bản thuần."), {"file": _("Không nhận tệp .%(ext)s", ext=ext or "?")}
        )
    content_type, magics = ALLOWED[ext]
    if magics is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the end of the sample is fine
                raise UnsupportedType(_("Tệp văn bản phải là UTF-8."), {"file": _("Không đọc được nội dung.")})
        if b"\x00" in head:
            raise UnsupportedType(_("Tệp văn bản chứa dữ liệu nhị phân."), {"file": _("Không đọc được nội dung.")})
    elif not any(head.startswith(m) for m in magics) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise UnsupportedType(_("Nội dung tệp không khớp với phần mở rộng."), {"file": _("Nội dung không hợp lệ.")})
    return content_type


def store_upload(upload: FileStorage | None, actor, **owner) -> Attachment:
    """Save an uploaded file for a task or meeting (owner=task_id=… or meeting_id=…)."""
    if upload is None or not upload.filename:
        raise Invalid(_("Chưa chọn tệp."), {"file": _("Bắt buộc.")})
    # The client's name is only a label: the file is stored under a random name in the upload folder.
    original = display_name(upload.filename)
    head = upload.stream.read(2048)
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    stored_name = secrets.token_hex(16)
    path = os.path.join(_folder(), stored_name)
    size = 0
    try:
        with open(path, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(_("Tệp lớn hơn 20 MB."), {"file": _("Tối đa 20 MB.")})
                out.write(chunk)
                chunk = upload.stream.read(64 * 1024)
        content_type = _check_type(original, head)  # after the size: a file too large is 413 whatever it holds
    except BaseException:
        os.unlink(path)
        raise
    if size == 0:
        os.unlink(path)
        raise Invalid(_("Tệp rỗng."), {"file": _("Tệp rỗng.")})
    attachment = Attachment(
        filename=original, stored_name=stored_name, size=size, content_type=content_type,
        uploaded_by_id=actor.id, **owner,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def send_attachment(attachment: Attachment):
    """Download response: always as an attachment, with our content type, never sniffed as HTML."""
    path = os.path.join(_folder(), attachment.stored_name)
    if not os.path.isfile(path):
        raise NotFound(_("Tệp không còn trên máy chủ."))
    # Files are at most 20 MB: read whole, so no file handle outlives a response its client never closes.
    with open(path, "rb") as stored:
        content = io.BytesIO(stored.read())
    response = send_file(
        content,
        mimetype=attachment.content_type.partition(";")[0],  # Werkzeug adds the charset of text types itself
        as_attachment=True,
        download_name=attachment.filename,
        last_modified=attachment.created_at,
        etag=f"attachment-{attachment.id}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
