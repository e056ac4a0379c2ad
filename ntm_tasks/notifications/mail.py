"""E-mail of notifications, in Vietnamese, through SMTP (stdlib smtplib) when MAIL_SERVER is set.

Links are absolute, built on PUBLIC_URL (jobs run outside any request, so the address people open
cannot come from a request).
"""
import smtplib
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import current_app

from ntm_tasks.notifications.models import NotificationKind

SUBJECTS = {
    NotificationKind.ASSIGNED: "Nhiệm vụ mới được giao",
    NotificationKind.DUE_SOON: "Nhiệm vụ sắp đến hạn",
    NotificationKind.OVERDUE: "Nhiệm vụ quá hạn",
    NotificationKind.RETURNED: "Nhiệm vụ bị trả lại",
    NotificationKind.APPROVED: "Nhiệm vụ đã được duyệt",
    NotificationKind.EXTENSION_DECIDED: "Kết quả đề nghị gia hạn",
    NotificationKind.DIGEST: "Tổng hợp nhiệm vụ quá hạn trong tuần",
}


def public_url(endpoint: str, fallback_path: str, **values) -> str:
    """The absolute address of a page, on PUBLIC_URL (`fallback_path` while the endpoint does not exist)."""
    app = current_app
    base = app.config["PUBLIC_URL"].rstrip("/")
    if endpoint not in app.view_functions:
        return base + fallback_path
    parts = urlsplit(base)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def task_url(task_id: int) -> str:
    return public_url("assignments.detail", f"/tasks/{task_id}", task_id=task_id)


def build_message(note) -> MIMEText:
    """The e-mail of one notification to its user."""
    config = current_app.config
    user = note.user
    label = SUBJECTS.get(note.kind, "Thông báo")
    subject = f"[NTM] {label}: {note.task.title}" if note.task is not None else f"[NTM] {label}"
    if note.task is not None:
        link = f"Xem nhiệm vụ: {task_url(note.task_id)}"
    else:
        link = f"Xem thông báo: {public_url('notifications.index', '/notifications')}"
    body = "\n".join([
        f"Kính gửi {user.full_name or user.username},",
        "",
        note.message,
        "",
        link,
        "",
        "-- ",
        "Hệ thống theo dõi nhiệm vụ xây dựng nông thôn mới.",
        "Thư gửi tự động, xin đừng trả lời. Tắt nhận thông báo qua thư điện tử tại: "
        + public_url("notifications.settings", "/notifications/settings"),
    ])
    # MIMEText and Header (not EmailMessage): its folding of long Vietnamese subjects drops spaces
    # between encoded words ("Hoàn thiện" arrives as "Hoànthiện").
    message = MIMEText(body, "plain", "utf-8")
    message["Subject"] = Header(subject[:200], "utf-8")
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = user.email
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or None)
    return message


def connect() -> smtplib.SMTP:
    """An SMTP connection as configured (MAIL_SERVER, MAIL_PORT, MAIL_USE_SSL/TLS, MAIL_USERNAME/PASSWORD)."""
    config = current_app.config
    cls = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp
