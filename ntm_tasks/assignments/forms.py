"""Forms of the task pages, and the Vietnamese labels of statuses, groups and actions they show."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ntm_tasks.assignments.models import StatusCategory, TaskStatus
from ntm_tasks.forms import DayField, Form, choices

STATUS_LABELS = {
    TaskStatus.DRAFT: _l("Dự thảo"), TaskStatus.ASSIGNED: _l("Đã giao"), TaskStatus.IN_PROGRESS: _l("Đang thực hiện"),
    TaskStatus.DECLINED: _l("Từ chối"), TaskStatus.SUBMITTED: _l("Chờ duyệt"), TaskStatus.COMPLETED: _l("Hoàn thành"),
    TaskStatus.CANCELLED: _l("Đã hủy"),
}
CATEGORY_LABELS = {
    StatusCategory.COMPLETED_ON_TIME: _l("Hoàn thành đúng hạn"),
    StatusCategory.COMPLETED_LATE: _l("Hoàn thành quá hạn"),
    StatusCategory.IN_PROGRESS_ON_TIME: _l("Đang thực hiện trong hạn"),
    StatusCategory.IN_PROGRESS_OVERDUE: _l("Đang thực hiện quá hạn"),
}
ACTION_LABELS = {
    "acknowledge": _l("Tiếp nhận"), "decline": _l("Từ chối"), "reassign": _l("Giao lại"),
    "submit": _l("Báo cáo hoàn thành"), "approve": _l("Duyệt hoàn thành"), "return": _l("Trả lại"),
    "cancel": _l("Hủy nhiệm vụ"), "reopen": _l("Mở lại"),
}
# What the history timeline calls each recorded action (workflow actions use ACTION_LABELS).
HISTORY_LABELS = {
    "created": _l("Tạo nhiệm vụ"), "assigned": _l("Giao nhiệm vụ"), "updated": _l("Sửa nội dung"),
    "progress": _l("Báo cáo tiến độ"), "attachment_added": _l("Đính kèm tệp"),
    "extension_requested": _l("Xin gia hạn"), "extension_approved": _l("Chấp thuận gia hạn"),
    "extension_refused": _l("Không chấp thuận gia hạn"), "carried_over": _l("Chuyển tiếp sang cuộc họp sau"),
}
FIELD_LABELS = {
    "status": _l("Trạng thái"), "title": _l("Tên"), "description": _l("Nội dung"), "expected_output": _l("Sản phẩm"),
    "lead_body_id": _l("Cơ quan chủ trì"), "coordinating_body_ids": _l("Cơ quan phối hợp"),
    "due_date": _l("Thời hạn"), "original_due_date": _l("Thời hạn ban đầu"), "recurrence": _l("Định kỳ"),
    "progress": _l("Tiến độ"), "progress_report": _l("Tiến độ (cơ quan phối hợp)"),
    "submitted_on": _l("Ngày báo cáo hoàn thành"), "completed_on": _l("Ngày hoàn thành"),
    "criterion_codes": _l("Tiêu chí"), "requested_due_date": _l("Ngày đề nghị"), "extension": _l("Gia hạn"),
    "attachment": _l("Tệp"), "responsible_user_id": _l("Người phụ trách"),
    "carried_to_meeting_id": _l("Xem xét tại cuộc họp"),
}
EXTENSION_LABELS = {"pending": _l("Chờ quyết định"), "approved": _l("Đã chấp thuận"), "refused": _l("Không chấp thuận")}
FREQ_CHOICES = [("", _l("Không định kỳ")), ("weekly", _l("Hàng tuần")), ("monthly", _l("Hàng tháng")),
                ("quarterly", _l("Hàng quý")), ("semiannual", _l("6 tháng một lần")), ("yearly", _l("Hàng năm"))]



WEEKDAYS = [_l("thứ Hai"), _l("thứ Ba"), _l("thứ Tư"), _l("thứ Năm"), _l("thứ Sáu"), _l("thứ Bảy"), _l("Chủ nhật")]


class TaskForm(Form):
    unit_id = SelectField(_l("Đơn vị giao việc"), coerce=int)
    title = StringField(_l("Tên nhiệm vụ"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Nội dung"), validators=[Optional(), Length(max=20000)])
    lead_body_id = SelectField(_l("Cơ quan chủ trì"), coerce=int, validators=[DataRequired()])
    coordinating_body_ids = SelectMultipleField(_l("Cơ quan phối hợp"), coerce=int)
    due_date = DayField(_l("Thời hạn"), validators=[Optional()],
                         description=_l("Để trống với nhiệm vụ thường xuyên."))
    recurrence_freq = SelectField(_l("Định kỳ"), choices=choices(FREQ_CHOICES), default="")
    recurrence_day = IntegerField(_l("Ngày trong kỳ"), validators=[Optional(), NumberRange(min=1, max=31)],
                                  description=_l("Hàng tuần: 1 là thứ Hai … 7 là Chủ nhật. Để trống: ngày cuối kỳ."))
    recurrence_month = IntegerField(_l("Tháng (định kỳ hàng năm)"), validators=[Optional(), NumberRange(min=1, max=12)])
    expected_output = TextAreaField(_l("Sản phẩm đầu ra"), validators=[Optional(), Length(max=5000)])
    criteria_text = StringField(_l("Mã tiêu chí liên quan"), validators=[Optional(), Length(max=1000)],
                                  description=_l("Cách nhau bởi dấu phẩy, ví dụ ntm-xa-2026.03."))
    version = HiddenField()
    submit = SubmitField(_l("Lưu"))

    def recurrence(self) -> dict | None:
        """The recurrence the fields describe, or None."""
        if not self.recurrence_freq.data:
            return None
        result = {"freq": self.recurrence_freq.data, "day": self.recurrence_day.data}
        if self.recurrence_freq.data == "yearly":
            result["month"] = self.recurrence_month.data
        return result

    def codes(self) -> list[str]:
        return [c.strip() for c in (self.criteria_text.data or "").split(",") if c.strip()]


class ActionForm(Form):
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])
    version = IntegerField(validators=[InputRequired()])
    lead_body_id = IntegerField(validators=[Optional()])


class ProgressForm(Form):
    progress = IntegerField(_l("Tiến độ (%)"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    note = TextAreaField(_l("Nội dung báo cáo"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Gửi báo cáo tiến độ"))


class UploadForm(Form):
    file = FileField(_l("Thêm tệp minh chứng"), validators=[FileRequired()],
                     description=_l("PDF, văn bản Office, ảnh hoặc văn bản thuần; tối đa 20 MB."))
    submit = SubmitField(_l("Tải lên"))


class ExtensionRequestForm(Form):
    requested_due_date = DayField(_l("Đề nghị gia hạn đến ngày"), validators=[InputRequired()])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Gửi đề nghị gia hạn"))


class ExtensionDecisionForm(Form):
    note = TextAreaField(_l("Ý kiến"), validators=[Optional(), Length(max=5000)])
    approve = SubmitField(_l("Chấp thuận"))
    refuse = SubmitField(_l("Không chấp thuận"))


class TaskFilterForm(Form):
    """The list's filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm kiếm"), validators=[Optional()])
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[Optional()])
    body_id = SelectField(_l("Cơ quan"), coerce=int, validators=[Optional()])
    status = SelectField(_l("Trạng thái"), validators=[Optional()],
                         choices=choices([("", _l("Tất cả"))]
                                         + [(s.value, label) for s, label in STATUS_LABELS.items()]))
    category = SelectField(_l("Nhóm"), validators=[Optional()],
                           choices=choices([("", _l("Tất cả"))]
                                           + [(c.value, label) for c, label in CATEGORY_LABELS.items()]))
    meeting_id = SelectField(_l("Cuộc họp"), coerce=int, validators=[Optional()])
    due_after = DayField(_l("Hạn từ ngày"), validators=[Optional()])
    due_before = DayField(_l("Hạn đến ngày"), validators=[Optional()])
    overdue = BooleanField(_l("Chỉ việc quá hạn"))
    submit = SubmitField(_l("Lọc"))
