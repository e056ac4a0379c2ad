"""Forms of the notifications package: the user's settings and an export request."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ntm_tasks.forms import Form


class SettingsForm(Form):
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Email(), Length(max=200)])
    email_notifications = BooleanField(_l("Nhận thông báo qua thư điện tử"))
    submit = SubmitField(_l("Lưu"))


class ExportForm(Form):
    kind = SelectField(_l("Loại báo cáo"), choices=lambda: [SelectChoice("monthly_xlsx", _l("Báo cáo tháng (Excel)")),
                                                            SelectChoice("monthly_csv", _l("Danh sách nhiệm vụ tháng (CSV)"))])
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    month = StringField(_l("Tháng (YYYY-MM)"), validators=[DataRequired(), Regexp(r"^\d{4}-\d{2}$",
                                                                                  message=_l("Dạng YYYY-MM."))])
    submit = SubmitField(_l("Xuất báo cáo"))
