"""Log in, log out, change one's password, choose the language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ntm_tasks.auth.forms import ChangePasswordForm, LoginForm
from ntm_tasks.auth.login import LOCK_MINUTES, LOCKED, attempt_login
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db, limiter
from ntm_tasks.org.services import change_password
from ntm_tasks.web import is_local_path

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative targets, so the login form cannot redirect elsewhere."""
    if is_local_path(target) and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


def _login_problem(problem: str) -> str:
    """attempt_login's message (Vietnamese, as the API returns it) in the reader's language."""
    if problem == LOCKED:
        return _("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Hãy thử lại sau %(minutes)s phút.",
                 minutes=LOCK_MINUTES)
    return _("Tên đăng nhập hoặc mật khẩu không đúng.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user, problem = attempt_login(form.username.data, form.password.data)
        db.session.commit()
        if user is None:
            form.password.errors.append(_login_problem(problem))
        else:
            session.clear()
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            try:
                change_password(current_user, current_user, form.new_password.data)
            except Invalid as error:
                form.new_password.errors.append(error.fields.get("new_password", error.message))
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # this session stays; the others end with the new epoch
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất."), "success")
                return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/language/<code>", methods=["POST"])
def language(code: str):
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
