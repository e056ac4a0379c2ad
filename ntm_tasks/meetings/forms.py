"""Forms of the meetings pages. They check fields; the services check the rules."""
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, FieldList, FormField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ntm_tasks.forms import ClockField, DayField, Form, SubForm, choices
from ntm_tasks.meetings.services import MAX_TEXT_LENGTH

KIND_LABELS = {"conference": _l("Hội nghị"), "working_session": _l("Buổi làm việc"),
               "inspection": _l("Kiểm tra thực tế"), "steering_meeting": _l("Họp Ban chỉ đạo")}
STATUS_LABELS = {"draft": _l("Dự thảo"), "published": _l("Đã ban hành")}
FREQ_LABELS = {"weekly": _l("Hằng tuần"), "monthly": _l("Hằng tháng"), "quarterly": _l("Hằng quý"),
               "semiannual": _l("6 tháng một lần"), "yearly": _l("Hằng năm")}


FIVE_CLEAR_LABELS = {"body": _l("Rõ cơ quan"), "work": _l("Rõ việc"), "deadline": _l("Rõ thời hạn"),
                     "output": _l("Rõ sản phẩm"), "responsibility": _l("Rõ trách nhiệm")}
KIND_CHOICES = list(KIND_LABELS.items())


class MeetingForm(Form):
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    title = StringField(_l("Tên cuộc họp"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Loại"), choices=choices(KIND_CHOICES))
    held_on = DayField(_l("Ngày họp"), validators=[InputRequired()])
    held_time = ClockField(_l("Giờ bắt đầu"), validators=[Optional()], default=time(8, 0))
    location = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=300)])
    chair = StringField(_l("Chủ trì"), validators=[Optional(), Length(max=200)],
                        description=_l("Ví dụ: Đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy, Trưởng ban Chỉ đạo"))
    participant_ids = SelectMultipleField(_l("Cơ quan tham dự"), coerce=int, validate_choice=False,
                                          description=_l("Giữ Ctrl để chọn nhiều cơ quan."))
    guests = TextAreaField(_l("Khách mời khác"), validators=[Optional(), Length(max=10000)],
                           description=_l("Mỗi dòng một người hoặc đơn vị."))
    legal_bases = TextAreaField(_l("Căn cứ (văn bản)"), validators=[Optional(), Length(max=20000)],
                                description=_l("Mỗi dòng một văn bản, ví dụ: Nghị quyết số 57/NQ-HĐND ngày 28/12/2020"))
    summary = TextAreaField(_l("Tình hình báo cáo"), validators=[Optional(), Length(max=MAX_TEXT_LENGTH)])
    difficulties = TextAreaField(_l("Khó khăn, vướng mắc"), validators=[Optional(), Length(max=MAX_TEXT_LENGTH)])
    version = HiddenField()
    submit = SubmitField(_l("Lưu"))


class ItemForm(SubForm):
    """One conclusion item in the preview, as the secretary corrects it."""

    include = BooleanField(_l("Lưu mục này"), default=True)
    number = StringField(_l("Số"), validators=[Optional(), Length(max=10)])
    addressee = HiddenField()
    unmatched = HiddenField()
    text = TextAreaField(_l("Nội dung"), validators=[DataRequired(), Length(max=MAX_TEXT_LENGTH)])
    title = StringField(_l("Tên nhiệm vụ"), validators=[Optional(), Length(max=300)],
                        description=_l("Để trống: lấy câu đầu của nội dung."))
    lead_body_ids = SelectMultipleField(_l("Chủ trì"), coerce=int)
    coordinating_body_ids = SelectMultipleField(_l("Phối hợp"), coerce=int)
    due_date = DayField(_l("Thời hạn"), validators=[Optional()])
    recurrence_freq = SelectField(_l("Định kỳ"), choices=choices([("", _l("Không")), *FREQ_LABELS.items()]))
    recurrence_day = IntegerField(_l("Ngày"), validators=[Optional(), NumberRange(1, 31)],
                                  description=_l("Hằng tuần: 1 = thứ Hai … 7 = Chủ nhật"))
    recurrence_month = IntegerField(_l("Tháng (hằng năm)"), validators=[Optional(), NumberRange(1, 12)])
    expected_output = StringField(_l("Sản phẩm"), validators=[Optional(), Length(max=2000)])


class ConclusionsForm(Form):
    text = TextAreaField(_l("Văn bản kết luận"), validators=[Optional(), Length(max=MAX_TEXT_LENGTH)])
    items = FieldList(FormField(ItemForm), max_entries=500)
    parse = SubmitField(_l("Phân tích"))
    save = SubmitField(_l("Lưu kết luận"))


class PublishForm(Form):
    notice_number = StringField(_l("Số thông báo"), validators=[Optional(), Length(max=60)],
                                description=_l("Ví dụ: 15/TB-UBND"))
    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Ban hành thông báo và giao nhiệm vụ"))


class VersionForm(Form):
    """A button that acts on the meeting as the user saw it (archive)."""

    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Lưu trữ cuộc họp"))


class AttachmentForm(Form):
    file = FileField(_l("Biên bản, hình ảnh"), validators=[FileRequired()])
    submit = SubmitField(_l("Tải lên"))


class CarryOverForm(Form):
    task_ids = SelectMultipleField(_l("Nhiệm vụ"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Chuyển tiếp vào cuộc họp này"))


class FilterForm(Form):
    class Meta:
        csrf = False

    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[Optional()], default=0)
    kind = SelectField(_l("Loại"), choices=choices([("", _l("Tất cả")), *KIND_CHOICES]), validators=[Optional()],
                       default="")
    date_from = DayField(_l("Từ ngày"), validators=[Optional()], name="from")  # the API's parameter names
    date_to = DayField(_l("Đến ngày"), validators=[Optional()], name="to")
    q = StringField(_l("Tìm"), validators=[Optional(), Length(max=200)])
