"""Error pages for the web interface."""
from flask import render_template

TITLES = {400: "Yêu cầu không hợp lệ", 403: "Không có quyền", 404: "Không tìm thấy", 409: "Xung đột dữ liệu",
          413: "Tệp quá lớn", 415: "Loại tệp không được nhận", 422: "Dữ liệu không hợp lệ",
          429: "Quá nhiều yêu cầu", 500: "Lỗi hệ thống", 503: "Hệ thống tạm ngừng"}


def error_page(status: int, message: str | None):
    return render_template("error.html", status=status, title=TITLES.get(status, "Lỗi"), message=message), status
