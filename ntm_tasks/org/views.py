"""Admin pages: the unit tree, bodies, merges and accounts."""
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ntm_tasks import permissions as perm
from ntm_tasks.errors import DomainError
from ntm_tasks.extensions import db
from ntm_tasks.forms import choices, place_errors
from ntm_tasks.org import services
from ntm_tasks.org.forms import BodyForm, MergeForm, UnitEditForm, UnitForm, UserForm
from ntm_tasks.org.models import Body, Unit, User

bp = Blueprint("org", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
@login_required
def _admins_only():
    if not perm.can_manage_org(current_user):
        abort(403)


def _unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    return perm.require_visible(unit, unit is not None and perm.unit_in_scope(current_user, unit))


def _unit_choices(blank: str | None = None, exclude_village: bool = False) -> list[tuple[int, str]]:
    from ntm_tasks.web import unit_label

    units = services.units_in_tree(current_user.unit)
    choices = [(0, blank)] if blank else []
    for unit in units:
        if exclude_village and unit.level == "village":
            continue
        depth = unit.path.count("/") - 2 - (current_user.unit.path.count("/") - 2 if current_user.unit else 0)
        choices.append((unit.id, "— " * depth + unit_label(unit)))
    return choices


@bp.route("/units")
def units():
    rows = services.units_in_tree(current_user.unit)
    counts = dict(db.session.execute(sa.select(Body.unit_id, sa.func.count()).group_by(Body.unit_id)).all())
    base_depth = current_user.unit.path.count("/") if current_user.unit else 2
    return render_template("org/units.html", units=rows, counts=counts, base_depth=base_depth)


@bp.route("/units/new", methods=["GET", "POST"])
def unit_create():
    form = UnitForm()
    form.parent_id.choices = choices(_unit_choices(_("(không có — cấp tỉnh)") if current_user.unit is None else None,
                                           exclude_village=True))
    if form.validate_on_submit():
        parent = _unit_or_404(form.parent_id.data) if form.parent_id.data else None
        try:
            unit = services.create_unit(current_user, name=form.name.data, level=form.level.data, parent=parent,
                                        code=form.code.data, standard_bodies=form.standard_bodies.data)
        except DomainError as error:
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã tạo đơn vị."), "success")
            return redirect(url_for("org.unit_detail", unit_id=unit.id))
    return render_template("org/form.html", form=form, title=_("Thêm đơn vị"), cancel=url_for("org.units"))


@bp.route("/units/<int:unit_id>")
def unit_detail(unit_id):
    unit = _unit_or_404(unit_id)
    children = db.session.scalars(sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name)).all()
    users = db.session.scalars(sa.select(User).where(User.unit_id == unit.id).order_by(User.username)).all()
    merges = unit_merges(unit)
    return render_template("org/unit_detail.html", unit=unit, children=children, users=users, merges=merges)


def unit_merges(unit: Unit):
    from ntm_tasks.org.models import UnitMerge

    return db.session.scalars(
        sa.select(UnitMerge).where(sa.or_(UnitMerge.source_unit_id == unit.id, UnitMerge.target_unit_id == unit.id))
        .order_by(UnitMerge.merged_at)
    ).all()


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def unit_edit(unit_id):
    unit = _unit_or_404(unit_id)
    form = UnitEditForm(obj=unit)
    if form.validate_on_submit():
        try:
            services.update_unit(current_user, unit, name=form.name.data, code=form.code.data)
        except DomainError as error:
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(url_for("org.unit_detail", unit_id=unit.id))
    return render_template("org/form.html", form=form, title=_("Sửa đơn vị"),
                           cancel=url_for("org.unit_detail", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/merge", methods=["GET", "POST"])
def unit_merge(unit_id):
    unit = _unit_or_404(unit_id)
    form = MergeForm()
    from ntm_tasks.web import unit_label

    form.target_id.choices = choices(
        (u.id, unit_label(u)) for u in services.units_in_tree(current_user.unit)
        if u.level == unit.level and u.id != unit.id
    )
    if form.validate_on_submit():
        target = _unit_or_404(form.target_id.data)
        try:
            services.merge_units(current_user, unit, target, form.note.data)
        except DomainError as error:
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã sáp nhập %(a)s vào %(b)s.", a=unit.name, b=target.name), "success")
            return redirect(url_for("org.unit_detail", unit_id=target.id))
    return render_template("org/form.html", form=form, title=_("Sáp nhập %(name)s", name=unit.name),
                           cancel=url_for("org.unit_detail", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/bodies/new", methods=["GET", "POST"])
def body_create(unit_id):
    unit = _unit_or_404(unit_id)
    form = BodyForm()
    if form.validate_on_submit():
        try:
            services.create_body(current_user, unit=unit, name=form.name.data, kind=form.kind.data,
                                 short_name=form.short_name.data)
        except DomainError as error:
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã thêm cơ quan."), "success")
            return redirect(url_for("org.unit_detail", unit_id=unit.id))
    return render_template("org/form.html", form=form, title=_("Thêm cơ quan"),
                           cancel=url_for("org.unit_detail", unit_id=unit.id))


@bp.route("/bodies/<int:body_id>/edit", methods=["GET", "POST"])
def body_edit(body_id):
    body = db.session.get(Body, body_id)
    perm.require_visible(body, body is not None and perm.unit_in_scope(current_user, body.unit))
    form = BodyForm(obj=body)
    if form.validate_on_submit():
        services.update_body(current_user, body, name=form.name.data, kind=form.kind.data,
                             short_name=form.short_name.data, is_archived=form.is_archived.data)
        db.session.commit()
        flash(_("Đã lưu."), "success")
        return redirect(url_for("org.unit_detail", unit_id=body.unit_id))
    return render_template("org/form.html", form=form, title=_("Sửa cơ quan"),
                           cancel=url_for("org.unit_detail", unit_id=body.unit_id))


@bp.route("/users")
def users():
    query = sa.select(User).order_by(User.username)
    if current_user.unit is not None:
        query = query.where(perm.unit_scope_clause(current_user, User.unit_id))
    return render_template("org/users.html", users=db.session.scalars(query).all())


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.unit_id.choices = choices(_unit_choices(_("(toàn hệ thống)") if current_user.unit is None else None))
    bodies = db.session.scalars(
        sa.select(Body).join(Unit).where(perm.unit_scope_clause(current_user, Body.unit_id),
                                         Body.is_archived.is_(False)).order_by(Unit.path, Body.id)
    ).all()
    form.body_ids.choices = choices((b.id, b.display_name) for b in bodies)
    if user is not None and not form.is_submitted():
        form.body_ids.data = user.body_ids
        form.unit_id.data = user.unit_id or 0
        form.is_active.data = user.is_active_account
        form.role.data = user.role.value
    return form


@bp.route("/users/new", methods=["GET", "POST"])
def user_create():
    form = _user_form(None)
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Bắt buộc."))
        else:
            unit = _unit_or_404(form.unit_id.data) if form.unit_id.data else None
            try:
                services.create_user(current_user, username=form.username.data, password=form.password.data,
                                     role=form.role.data, full_name=form.full_name.data, unit=unit,
                                     body_ids=form.body_ids.data, email=form.email.data)
            except DomainError as error:
                place_errors(form, error)
            else:
                db.session.commit()
                flash(_("Đã tạo tài khoản."), "success")
                return redirect(url_for("org.users"))
    return render_template("org/form.html", form=form, title=_("Thêm tài khoản"), cancel=url_for("org.users"))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id):
    user = db.session.get(User, user_id)
    visible = user is not None and (current_user.unit is None or perm.unit_in_scope(current_user, user.unit))
    perm.require_visible(user, visible)
    form = _user_form(user)
    del form.username
    if form.validate_on_submit():
        unit = _unit_or_404(form.unit_id.data) if form.unit_id.data else None
        try:
            services.update_user(current_user, user, full_name=form.full_name.data, role=form.role.data, unit=unit,
                                 body_ids=form.body_ids.data, email=form.email.data, is_active=form.is_active.data)
            if form.password.data:
                services.change_password(current_user, user, form.password.data)
        except DomainError as error:
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã lưu."), "success")
            return redirect(url_for("org.users"))
    return render_template("org/form.html", form=form, title=_("Sửa tài khoản %(name)s", name=user.username),
                           cancel=url_for("org.users"))


