"""Error pages for the web interface."""
from flask import render_template
from flask_babel import lazy_gettext as _l

TITLES = {400: _l("Yêu cầu không hợp lệ"), 403: _l("Không có quyền"), 404: _l("Không tìm thấy"),
          409: _l("Xung đột dữ liệu"), 413: _l("Tệp quá lớn"), 415: _l("Loại tệp không được nhận"),
          422: _l("Dữ liệu không hợp lệ"), 429: _l("Quá nhiều yêu cầu"), 500: _l("Lỗi hệ thống"),
          503: _l("Hệ thống tạm ngừng")}


def error_page(status: int, message: str | None):
    return render_template("error.html", status=status, title=TITLES.get(status, _l("Lỗi")), message=message), status
