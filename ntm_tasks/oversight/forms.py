"""Forms of the oversight pages (fields only; the services check the rules)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ntm_tasks.forms import DayField, Form
from ntm_tasks.oversight.models import CriteriaSetKind, DossierKind

DOSSIER_KIND_LABELS = {
    DossierKind.RECOGNITION.value: _l("Hồ sơ đề nghị xét, công nhận"),
    DossierKind.RECOGNITION_NTM.value: _l("Công nhận xã đạt chuẩn NTM"),
    DossierKind.RECOGNITION_ADVANCED.value: _l("Công nhận xã đạt chuẩn NTM nâng cao"),
    DossierKind.RECOGNITION_MODEL.value: _l("Công nhận xã NTM kiểu mẫu"),
    DossierKind.RECOGNITION_MODEL_VILLAGE.value: _l("Công nhận thôn kiểu mẫu"),
}
SET_KIND_LABELS = {
    CriteriaSetKind.COMMUNE.value: _l("Xã nông thôn mới"),
    CriteriaSetKind.ADVANCED.value: _l("Xã nông thôn mới nâng cao"),
    CriteriaSetKind.MODEL.value: _l("Xã nông thôn mới kiểu mẫu"),
    CriteriaSetKind.MODEL_VILLAGE.value: _l("Thôn kiểu mẫu"),
    CriteriaSetKind.OTHER.value: _l("Khác"),
}


class AssessmentForm(Form):
    criterion_code = SelectField(_l("Tiêu chí / chỉ tiêu"), validators=[DataRequired()])
    met = SelectField(_l("Kết quả"), choices=[SelectChoice("1", _l("Đạt")), SelectChoice("0", _l("Chưa đạt"))],
                      default="1")
    as_of = DayField(_l("Ngày đánh giá"), validators=[InputRequired()])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])
    evidence = FileField(_l("Minh chứng (tùy chọn)"))
    submit = SubmitField(_l("Ghi nhận"))


class CriteriaSetForm(Form):
    code = StringField(_l("Mã bộ tiêu chí"), validators=[
        DataRequired(), Regexp(r"^[a-z0-9][a-z0-9.\-]{1,39}$", message=_l("Chữ thường, số, dấu chấm, gạch ngang."))],
        description=_l("Ví dụ: thon-km-th-2026"))
    name = StringField(_l("Tên"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Loại"), choices=[SelectChoice(k, v) for k, v in SET_KIND_LABELS.items()],
                       default=CriteriaSetKind.MODEL_VILLAGE.value)
    decision = StringField(_l("Văn bản ban hành"), validators=[Optional(), Length(max=200)],
                           description=_l("Ví dụ: Quyết định số 12/2026/QĐ-UBND"))
    in_force_from = DayField(_l("Có hiệu lực từ"), validators=[Optional()])
    province_unit_id = SelectField(_l("Tỉnh ban hành"), coerce=int)
    criteria = TextAreaField(_l("Tiêu chí và chỉ tiêu"), validators=[DataRequired()], render_kw={"rows": 12},
                             description=_l("Mỗi dòng một tiêu chí; dòng bắt đầu bằng dấu - là chỉ tiêu của tiêu chí "
                                            "ngay trên nó."))
    submit = SubmitField(_l("Lưu"))


class DossierForm(Form):
    unit_id = SelectField(_l("Đơn vị đề nghị"), coerce=int)
    kind = SelectField(_l("Loại hồ sơ"), choices=[SelectChoice(k, v) for k, v in DOSSIER_KIND_LABELS.items()],
                       default=DossierKind.RECOGNITION_NTM.value)
    title = StringField(_l("Tên hồ sơ"), validators=[DataRequired(), Length(max=300)])
    due_date = DayField(_l("Hạn gửi"), validators=[Optional()])
    receiving_body_id = SelectField(_l("Gửi đến"), coerce=int)
    submit = SubmitField(_l("Lập hồ sơ"))


class DossierTransitionForm(Form):
    action = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[DataRequired()])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=5000)])
    decision_number = StringField(_l("Số quyết định công nhận"), validators=[Optional(), Length(max=80)])
    decision_date = DayField(_l("Ngày quyết định"), validators=[Optional()])


class UploadForm(Form):
    file = FileField(_l("Tệp"))
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Tải lên"))


class CsrfOnlyForm(Form):
    """A button that changes something: only the CSRF token."""
