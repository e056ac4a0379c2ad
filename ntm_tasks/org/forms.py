from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from ntm_tasks.forms import Form, choices
from ntm_tasks.org.models import BodyKind, Role, UnitLevel

LEVEL_CHOICES = [(UnitLevel.PROVINCE.value, _l("Tỉnh")), (UnitLevel.DISTRICT.value, _l("Huyện (trước 2025)")),
                 (UnitLevel.COMMUNE.value, _l("Xã / phường")), (UnitLevel.VILLAGE.value, _l("Thôn / ấp / bản / xóm"))]
ROLE_CHOICES = [(Role.ADMIN.value, _l("Quản trị")), (Role.CHAIR.value, _l("Trưởng ban / Phó trưởng ban")),
                (Role.SECRETARY.value, _l("Thư ký")), (Role.ASSIGNEE.value, _l("Đầu mối cơ quan")),
                (Role.VIEWER.value, _l("Theo dõi"))]
KIND_CHOICES = [(k.value, k.value) for k in BodyKind]


class UnitForm(Form):
    name = StringField(_l("Tên"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Cấp"), choices=choices(LEVEL_CHOICES))
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int)
    code = StringField(_l("Mã"), validators=[Optional(), Length(max=20)])
    standard_bodies = BooleanField(_l("Tạo các cơ quan chuẩn của cấp này"), default=True)
    submit = SubmitField(_l("Lưu"))


class UnitEditForm(Form):
    name = StringField(_l("Tên"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Mã"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Lưu"))


class MergeForm(Form):
    target_id = SelectField(_l("Sáp nhập vào"), coerce=int)
    note = StringField(_l("Căn cứ / ghi chú"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Sáp nhập"))


class BodyForm(Form):
    name = StringField(_l("Tên cơ quan"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Tên viết tắt"), validators=[Optional(), Length(max=60)])
    kind = SelectField(_l("Loại"), choices=choices(KIND_CHOICES))
    is_archived = BooleanField(_l("Lưu trữ (ngừng sử dụng)"))
    submit = SubmitField(_l("Lưu"))


class UserForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Email()])
    role = SelectField(_l("Vai trò"), choices=choices(ROLE_CHOICES))
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    body_ids = SelectMultipleField(_l("Đầu mối của cơ quan"), coerce=int)
    password = PasswordField(_l("Mật khẩu"), validators=[Optional(), Length(min=8, max=128)],
                             description=_l("Để trống khi sửa nếu không đổi."))
    is_active = BooleanField(_l("Đang hoạt động"), default=True)
    submit = SubmitField(_l("Lưu"))
