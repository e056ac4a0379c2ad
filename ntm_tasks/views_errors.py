"""Error pages for the web interface."""
from flask import render_template
from flask_babel import lazy_gettext as _l

TITLES = {400: _l("Yêu cầu không hợp lệ"), 403: _l("Không có quyền"), 404: _l("Không tìm thấy"),
          405: _l("Thao tác không được hỗ trợ"), 409: _l("Xung đột dữ liệu"), 413: _l("Tệp quá lớn"),
          415: _l("Loại tệp không được nhận"), 422: _l("Dữ liệu không hợp lệ"), 429: _l("Quá nhiều yêu cầu"),
          500: _l("Lỗi hệ thống"), 503: _l("Hệ thống tạm ngừng")}

# What a page says when the error carries no message of the app's own: Werkzeug's descriptions are English only.
MESSAGES = {
    400: _l("Trang không nhận được yêu cầu này. Nếu bạn vừa gửi một biểu mẫu, hãy tải lại trang rồi gửi lại."),
    403: _l("Tài khoản của bạn không có quyền xem hoặc làm việc này."),
    404: _l("Không có trang hoặc dữ liệu này, hoặc bạn không có quyền xem."),
    405: _l("Trang này không nhận thao tác vừa gửi."),
    413: _l("Tệp tải lên vượt quá 20 MB."),
    429: _l("Bạn đã thử quá nhiều lần. Hãy đợi một phút rồi thử lại."),
    500: _l("Đã xảy ra lỗi. Hãy thử lại sau; nếu vẫn lỗi, báo cho quản trị viên."),
}

# A refused CSRF token (a form left open past its session, say) says so: reloading the form is the remedy.
CSRF_MESSAGE = _l("Biểu mẫu đã quá hạn hoặc thiếu mã chống giả mạo (CSRF). Hãy tải lại trang rồi gửi lại.")


def error_page(status: int, message: str | None):
    """The error page of `status`, with `message` or the status's own explanation."""
    return render_template("error.html", status=status, title=TITLES.get(status, _l("Lỗi")),
                           message=message or MESSAGES.get(status)), status
