"""Web-interface wiring: login loading, template filters, navigation, security headers."""
from datetime import date, datetime

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_babel import get_locale, get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from ntm_tasks.db import local
from ntm_tasks.extensions import db, login_manager
from ntm_tasks.org.models import User


def init_web(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Hãy đăng nhập để tiếp tục.")
    login_manager.login_message_category = "warning"

    app.jinja_env.filters["d"] = format_date
    app.jinja_env.filters["dt"] = format_datetime
    app.after_request(_security_headers)

    @app.context_processor
    def _inject():
        from ntm_tasks.db import today

        return {"today": today(), "get_locale": get_locale, "nav_items": nav_items, "role_label": role_label,
                "unit_label": unit_label, "view_functions": app.view_functions, "task_url": task_url,
                "meeting_url": meeting_url, "task_link": task_link, **page_gettext(get_translations())}


def page_gettext(translations) -> dict:
    """The templates' `_()`, `gettext()` and `pgettext()` for one page, bound to the translations in force when
    the page is rendered (inside `force_locale` too): Flask-Babel's own looks them up anew for each string, a third
    of a dashboard's rendering. Jinja's newstyle gettext otherwise: autoescaped, and always a format string."""
    def finish(context, text: str, variables: dict):
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables if "%" in text else text  # formatting text without a % changes nothing

    @pass_context
    def page_gettext(context, message: str, **variables):
        return finish(context, translations.gettext(message), variables)

    @pass_context
    def page_pgettext(context, msgctxt: str, message: str, **variables):
        return finish(context, translations.pgettext(msgctxt, message), variables)

    return {"_": page_gettext, "gettext": page_gettext, "pgettext": page_pgettext}


def task_url(task_id: int | None) -> str | None:
    """A task's page (None without an id, or where the assignments pages are not installed)."""
    base = _url_before_id("assignments.detail", "task_id") if task_id is not None else None
    return None if base is None else f"{base}{task_id:d}"


def meeting_url(meeting_id: int | None) -> str | None:
    """A meeting's page (None without an id, or where the meetings pages are not installed)."""
    base = _url_before_id("meetings.detail", "meeting_id") if meeting_id is not None else None
    return None if base is None else f"{base}{meeting_id:d}"


def task_link(task) -> Markup:
    """The task's title, a link to its page where there is one. Python, not a template macro: a dashboard shows
    a hundred, and a macro call cost ten times the function's."""
    url, title = task_url(task.id), escape(task.title)
    return Markup(f'<a href="{url}">{title}</a>') if url else title


def _url_before_id(endpoint: str, argument: str) -> str | None:
    """The URL of `endpoint` (whose route ends with its id `argument`) up to that id, built once per request: the
    dashboard links forty tasks and their meetings, and building each link cost a tenth of a millisecond. None
    where the endpoint is not installed."""
    bases = g.setdefault("url_before_id", {})
    if endpoint not in bases:
        url = url_for(endpoint, **{argument: 0}) if endpoint in current_app.view_functions else None
        assert url is None or url.endswith("/0"), url
        bases[endpoint] = url and url[:-1]
    return bases[endpoint]


@login_manager.user_loader
def load_user(user_id: str):
    """Sessions carry "id:epoch"; a password change bumps the epoch and so ends the other sessions."""
    raw_id, _, epoch = user_id.partition(":")
    if not raw_id.isdigit() or not epoch.isdigit():
        return None
    # With its unit (every page's scope reads it) and its bodies (an assignee's permission checks): one round
    # trip, not three.
    user = db.session.get(User, int(raw_id), options=[joinedload(User.unit), joinedload(User.bodies)])
    if user is None or user.session_epoch != int(epoch) or not user.is_active:
        return None
    return user


def is_local_path(target: str | None) -> bool:
    """A same-site path ("/tasks/3"), safe to redirect to: not "//host", and no backslash, space or control
    character, which browsers drop or read as "/" (so "/\\evil.example" would leave the site)."""
    return bool(target) and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target and all(ord(ch) > 32 for ch in target)


def format_date(value) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = local(value)
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def format_datetime(value) -> str:
    if value is None:
        return ""
    return local(value).strftime("%H:%M %d/%m/%Y")


# The menu's and the list's name for meetings: "Cuộc họp" is one meeting or many, English says which.
MEETINGS = lazy_pgettext("list", "Cuộc họp")


def nav_items(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the menu for a role; only endpoints that exist are shown."""
    from flask import current_app

    from ntm_tasks.org.models import Role

    items = {
        Role.ADMIN: [("org.units", _l("Đơn vị")), ("org.users", _l("Tài khoản")),
                     ("oversight.dashboard", _l("Tổng quan")), ("notifications.admin_jobs", _l("Tác vụ nền"))],
        Role.CHAIR: [("oversight.dashboard", _l("Tổng quan")), ("meetings.index", MEETINGS),
                     ("assignments.index", _l("Nhiệm vụ")), ("oversight.dossiers", _l("Hồ sơ")),
                     ("oversight.criteria", _l("Tiêu chí")),
                     ("notifications.export_index", _l("Báo cáo"))],
        Role.SECRETARY: [("meetings.index", MEETINGS), ("assignments.index", _l("Nhiệm vụ")),
                         ("oversight.dashboard", _l("Tổng quan")), ("oversight.dossiers", _l("Hồ sơ")),
                         ("notifications.export_index", _l("Báo cáo"))],
        Role.ASSIGNEE: [("assignments.mine", _l("Việc của tôi")), ("assignments.index", _l("Nhiệm vụ")),
                        ("meetings.index", MEETINGS)],
        Role.VIEWER: [("oversight.dashboard", _l("Tổng quan")), ("meetings.index", MEETINGS),
                      ("assignments.index", _l("Nhiệm vụ")), ("oversight.criteria", _l("Tiêu chí")),
                      ("notifications.export_index", _l("Báo cáo"))],
    }[user.role]
    return [(endpoint, label) for endpoint, label in items if endpoint in current_app.view_functions]


ROLE_LABELS = {"admin": _l("Quản trị"), "chair": _l("Trưởng ban"), "secretary": _l("Thư ký"),
               "assignee": _l("Đầu mối"), "viewer": _l("Theo dõi")}
LEVEL_LABELS = {"province": _l("Tỉnh"), "district": _l("Huyện"), "commune": _l("Xã"), "village": _l("Thôn")}


def role_label(role) -> str:
    return str(ROLE_LABELS.get(str(role), role))


def unit_label(unit) -> str:
    """ "Xã Hoằng Trung": the level word before the name, as documents write it."""
    if not has_request_context():
        return unit_labeller()(unit)
    if "unit_labeller" not in g:  # a province's page labels two hundred units: the words are translated once
        g.unit_labeller = unit_labeller()
    return g.unit_labeller(unit)


def unit_labeller():
    """unit_label for a long list of units: the words are translated once, not for each unit."""
    # "%(level)s %(name)s": English puts the level after the name ("Hoằng Trung Commune").
    pattern = gettext("%(level)s %(name)s")
    levels: dict[str, str] = {}

    def label(unit) -> str:
        if unit is None:
            return ""
        level = str(unit.level)
        if level not in levels:
            levels[level] = str(LEVEL_LABELS.get(level, ""))
        return (pattern % {"level": levels[level], "name": unit.name}).strip()

    return label


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
