"""Web pages of the oversight package: the chair's dashboard and its charts, criteria, dossiers, reports and
the calendar address."""
import functools
from datetime import date
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from jinja2.filters import do_truncate
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import paginate
from ntm_tasks.assignments import categories
from ntm_tasks.attachments import ACCEPT_ATTRIBUTE, send_attachment
from ntm_tasks.audit import history_of
from ntm_tasks.db import today
from ntm_tasks.errors import REFUSALS, Invalid
from ntm_tasks.extensions import db
from ntm_tasks.forms import choices as select_choices
from ntm_tasks.forms import flash_error, place_errors, run_posted
from ntm_tasks.org.models import Body, Role, Unit, UnitLevel
from ntm_tasks.org.services import unit_rows_in_tree, units_in_tree
from ntm_tasks.oversight import calendar, charts, criteria, dossiers, reports
from ntm_tasks.oversight.dashboard import (BODY_ROWS, branch_counts, build_dashboard, counts_by_body, counts_by_child,
                                           is_behind_schedule, scope_ids, totals)
from ntm_tasks.oversight.forms import (DOSSIER_KIND_LABELS, SET_KIND_LABELS, AssessmentForm, CriteriaSetForm,
                                       CsrfOnlyForm, DossierForm, DossierTransitionForm, UploadForm)
from ntm_tasks.oversight.models import Assessment, Dossier, DossierItem, DossierStatus
from ntm_tasks.web import format_date, meeting_url

bp = Blueprint("oversight", __name__, template_folder="templates", static_folder="static",
               static_url_path="/oversight-static")
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMN_LABELS = {
    "total": _l("Tổng số"),
    "completed_on_time": _l("Hoàn thành đúng hạn"),
    "completed_late": _l("Hoàn thành quá hạn"),
    "in_progress_on_time": _l("Đang thực hiện trong hạn"),
    "in_progress_overdue": _l("Đang thực hiện quá hạn"),
    "due_soon": _l("Sắp đến hạn (3 ngày)"),
    "no_deadline": _l("Không thời hạn"),
}
COLUMNS = tuple(COLUMN_LABELS)
DOSSIER_STATUS_LABELS = {
    DossierStatus.PREPARING.value: _l("Đang chuẩn bị"),
    DossierStatus.SUBMITTED.value: _l("Đã gửi"),
    DossierStatus.RETURNED.value: _l("Bị trả lại để bổ sung"),
    DossierStatus.ACCEPTED.value: _l("Đã tiếp nhận, thẩm định đạt"),
    DossierStatus.RECOGNIZED.value: _l("Đã có quyết định công nhận"),
}
DOSSIER_ACTION_LABELS = {"submit": _l("Gửi hồ sơ"), "return": _l("Ghi nhận trả lại để bổ sung"),
                         "accept": _l("Ghi nhận đã tiếp nhận, thẩm định đạt"),
                         "recognize": _l("Ghi nhận quyết định công nhận")}
DOSSIER_HISTORY_LABELS = {"created": _l("Lập hồ sơ"), "item_supplied": _l("Cung cấp tài liệu"),
                          "submit": _l("Gửi hồ sơ"), "return": _l("Trả lại để bổ sung"),
                          "accept": _l("Tiếp nhận, thẩm định đạt"), "recognize": _l("Có quyết định công nhận")}


@bp.before_request
@login_required
def _logged_in():
    """Every oversight page needs a login; who sees what is decided per page."""


@bp.context_processor
def _helpers():
    # The labels translated once a page: the dashboard shows each three times.
    return {"column_labels": {key: str(label) for key, label in COLUMN_LABELS.items()}, "columns": COLUMNS,
            "task_list_url": task_list_url,
            "dossier_status_labels": DOSSIER_STATUS_LABELS, "dossier_kind_labels": DOSSIER_KIND_LABELS,
            "dossier_action_labels": DOSSIER_ACTION_LABELS, "dossier_history_labels": DOSSIER_HISTORY_LABELS,
            "set_kind_labels": SET_KIND_LABELS,
            "meeting_link": meeting_link, "progress_bar": progress_bar, "chart_url": chart_url,
            "unit_options": unit_options}


def unit_options(choices: list[tuple[int, str]], selected_id: int | None) -> Markup:
    """The unit picker's options (_unit_choices), written in one pass: a province's picker lists two hundred
    units, and the template's loop over them cost as much as a query."""
    return Markup("".join(f'<option value="{unit_id:d}"{" selected" if unit_id == selected_id else ""}>'
                          f'{escape(label)}</option>' for unit_id, label in choices))


def chart_url(endpoint: str, **values) -> str:
    """A chart's address with the page's language (`lang`, which the chart does not read: it follows the session):
    browsers reuse an image by its address alone, and a switch of language showed the other one's charts."""
    return url_for(endpoint, **values, lang=str(get_locale()))


# The lists' pieces, written here rather than as template macros (as web.task_link): a dashboard shows a
# hundred of them, and a macro call cost ten times the function's.

def meeting_link(meeting) -> Markup:
    """The meeting's title (cut at 60 characters, whole in the tooltip), a link to its page, and its date."""
    if meeting is None:
        return Markup("")
    url, title = meeting_url(meeting.id), escape(meeting.title)
    text = escape(do_truncate(current_app.jinja_env, meeting.title, 60, end="…"))
    link = f'<a href="{url}" title="{title}">{text}</a>' if url else f'<span title="{title}">{text}</span>'
    held = f' <span class="text-muted text-nowrap">({format_date(meeting.held_at)})</span>' if meeting.held_at else ""
    return Markup(link + held)


def progress_bar(value: int) -> Markup:
    """A thin bar and the percentage (the width by a class in steps of 5: the page's policy allows no inline
    style)."""
    return Markup(f'<div class="d-flex align-items-center gap-1"><div class="progress progress-thin flex-grow-1" '
                  f'role="progressbar" aria-valuenow="{value:d}" aria-valuemin="0" aria-valuemax="100">'
                  f'<div class="progress-bar bg-success pw-{value // 5 * 5:d}"></div></div>'
                  f'<small>{value:d}%</small></div>')


def task_list_url(unit=None, body=None, column: str | None = None, as_of: date | None = None) -> str:
    """The task list filtered to the tasks behind one figure of the dashboard."""
    return _with_column(_row_url(_task_list_base(), unit, body), column, as_of)


def _task_list_base() -> str:
    return url_for("assignments.index") if "assignments.index" in current_app.view_functions else "/tasks"


def _row_url(base: str, unit=None, body=None) -> str:
    """The task list filtered to one unit's or body's tasks."""
    args = [f"unit_id={unit.id:d}"] if unit is not None else []
    if body is not None:
        args.append(f"body_id={body.id:d}")
    return base + ("?" + "&".join(args) if args else "")


def _with_column(url: str, column: str | None, as_of: date | None) -> str:
    query = _column_filter(column, as_of or today())
    return url + ("&" if "?" in url else "?") + query if query else url


class FigureRows:
    """The rows of the dashboard's figure tables, each figure a link to the tasks behind it. Written here rather
    than in the template: a province's page has two hundred such rows and a thousand links, and the template's
    loop, lookups and escaping per row cost more than the rows' queries. The routes are built and the columns'
    filters escaped once per page; only the ids (plain numbers) and the names change from row to row."""

    def __init__(self, as_of: date):
        from ntm_tasks.web import unit_labeller

        self.task_list = _task_list_base()
        self.dashboard = str(escape(url_for("oversight.dashboard")))
        self.filters = _escaped_filters(as_of)
        self.label = unit_labeller()

    def cells(self, counts: dict, unit=None, body=None) -> Markup:
        """One row's figures (the unit's or the body's tasks; neither: every task of the scope)."""
        row_url = str(escape(_row_url(self.task_list, unit, body)))
        joiner = "&amp;" if "?" in row_url else "?"
        cells = []
        for key, query in self.filters:
            url = row_url + joiner + query if query else row_url
            zero = "" if counts[key] else " zero"
            cells.append(f'<td class="text-end grp grp-{key}{zero}" data-figure="{key}">'
                         f'<a href="{url}">{counts[key]:d}</a></td>')
        return Markup("".join(cells))

    def body_rows(self, rows: list[dict]) -> Markup:
        """The lead bodies' rows: [{"body", "counts"}] (counts_by_body)."""
        return Markup("".join(f'<tr data-body-id="{row["body"].id:d}"><td>{escape(row["body"].display_name)}</td>'
                              f'{self.cells(row["counts"], body=row["body"])}</tr>' for row in rows))

    def unit_rows(self, rows: list[dict]) -> Markup:
        """The rows of the units right below, each named by a link to its own dashboard: [{"unit", "counts"}]
        (counts_by_child)."""
        return Markup("".join(
            f'<tr data-unit-id="{row["unit"].id:d}"><td><a href="{self.dashboard}?unit_id={row["unit"].id:d}">'
            f'{escape(self.label(row["unit"]))}</a></td>{self.cells(row["counts"], unit=row["unit"])}</tr>'
            for row in rows))


@functools.lru_cache(maxsize=8)
def _escaped_filters(as_of: date) -> tuple[tuple[str, str], ...]:
    """(column, its filter escaped for an attribute) for each column of the figures, on a day."""
    return tuple((key, str(escape(_column_filter(key, as_of)))) for key in COLUMNS)


@functools.lru_cache(maxsize=64)
def _column_filter(column: str | None, as_of: date) -> str:
    """The task list's filter for the figures of one column on a day (only due soon depends on it), as a query
    string."""
    if column == "in_progress_overdue":
        return urlencode({"overdue": "true"})
    if column in ("completed_on_time", "completed_late", "in_progress_on_time"):
        return urlencode({"category": column})
    if column == "due_soon":
        return urlencode({"category": "in_progress_on_time", "due_after": as_of.isoformat(),
                          "due_before": categories.due_soon_until(as_of).isoformat()})
    if column == "no_deadline":
        return urlencode({"category": "in_progress_on_time", "no_deadline": "true"})
    return ""


# --- loading and refusing ---------------------------------------------------------------------------

def _unit_or_404(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    return perm.require_visible(unit, unit is not None and perm.unit_in_scope(current_user, unit))


def _selected_unit() -> Unit | None:
    """The unit of ?unit_id= (404 when not visible), else the user's own (None: the whole tree)."""
    unit_id = request.args.get("unit_id", type=int)
    return _unit_or_404(unit_id) if unit_id else current_user.unit


def _require_reader() -> None:
    perm.require(perm.can_view_oversight(current_user),
                 _("Trang này dành cho trưởng ban, thư ký, người theo dõi và quản trị."))


def _unit_choices(include_villages: bool = False, villages_near: Unit | None = None) -> list[tuple[int, str]]:
    """The units of the user's scope for a picker, parents before children: villages all of them, or only those
    of the commune `villages_near` is or lies in (a province's pages would list a thousand; its viewer reaches a
    commune's villages from the commune), or none."""
    from ntm_tasks.web import unit_labeller

    base = current_user.unit.path.count("/") if current_user.unit else 2
    label = unit_labeller()
    villages = "/" if include_villages else None
    if villages is None and villages_near is not None and villages_near.level in (UnitLevel.COMMUNE, UnitLevel.VILLAGE):
        villages = (villages_near if villages_near.level == UnitLevel.COMMUNE else villages_near.parent).path
    return [(u.id, "— " * (u.path.count("/") - base) + label(u))
            for u in unit_rows_in_tree(current_user.unit, villages_within=villages)]


# --- the dashboard ----------------------------------------------------------------------------------

@bp.route("/dashboard")
def dashboard():
    """The chair's morning page: overdue first, then what falls due, what waits for the chair, the figures."""
    unit = _selected_unit()
    _require_reader()
    as_of = today()
    board = build_dashboard(unit, as_of)
    return render_template("oversight/dashboard.html", board=board, unit=unit, as_of=as_of,
                           figure_rows=FigureRows(as_of), unit_choices=_unit_choices(villages_near=unit),
                           is_behind=is_behind_schedule)


def _svg(data: bytes) -> Response:
    """An SVG with its own policy: pygal's inline styles apply, nothing else loads and no script runs."""
    response = Response(data, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=60"
    response.vary.add("Cookie")  # the chart depends on the session (the account's scope, its language)
    return response


@bp.route("/dashboard/charts/<name>.svg")
def chart(name):
    """The dashboard's charts: the four groups, per lead body, per unit below."""
    from ntm_tasks.web import unit_label

    unit = _selected_unit()
    _require_reader()
    as_of = today()
    labels = {key: str(label) for key, label in COLUMN_LABELS.items()}
    if name not in ("groups", "bodies", "units"):
        return Response(status=404)
    unit_ids = scope_ids(unit)
    if name == "groups":
        data = charts.groups_chart(totals(branch_counts(unit, unit_ids, as_of)), labels,
                                   _("Nhiệm vụ theo nhóm trạng thái"))
    elif name == "bodies":
        def label(body):
            name = body.short_name or body.name
            return name if unit is not None and body.unit_id == unit.id else f"{name} ({body.unit_name})"

        rows = [(label(r["body"]), r["counts"]) for r in counts_by_body(unit_ids, as_of, BODY_ROWS)]
        data = charts.stacked_chart(rows, labels, _("Theo cơ quan chủ trì"))
    elif name == "units":
        _own, children = counts_by_child(unit, branch_counts(unit, unit_ids, as_of))
        rows = [(unit_label(r["unit"]), r["counts"]) for r in children if r["counts"]["total"]]
        data = charts.stacked_chart(rows, labels, _("Theo đơn vị trực thuộc"))
    return _svg(data)


# --- criteria ---------------------------------------------------------------------------------------

def _criteria_set():
    """The set of ?set= (404 when unknown), else the national commune set in force."""
    ensure_sets()
    code = request.args.get("set")
    if code:
        try:
            return criteria.set_by_code(current_user, code)
        except Invalid:
            perm.require_visible(None, False)
    return criteria.default_set(today())


def ensure_sets() -> None:
    """Load the shipped sets on first use; a concurrent first request may have loaded them already."""
    try:
        if criteria.ensure_national_sets():
            db.session.commit()
    except IntegrityError:
        db.session.rollback()


def _trend_dates(as_of: date, quarters: int = 4) -> list[date]:
    """The ends of the last quarters before `as_of`, then `as_of` itself."""
    ends = []
    year, quarter = as_of.year, (as_of.month - 1) // 3  # the quarter before the current one
    for _i in range(quarters):
        if quarter == 0:
            year, quarter = year - 1, 4
        ends.append(date(year, quarter * 3, 31 if quarter in (1, 4) else 30))
        quarter -= 1
    return sorted(ends) + [as_of]


@bp.route("/criteria", endpoint="criteria")
def criteria_index():
    """Per commune: "x/10 tiêu chí, y/47 chỉ tiêu" now and over the last quarters."""
    unit = _selected_unit()
    _require_reader()
    criteria_set = _criteria_set()
    as_of = today()
    query = sa.select(Unit).where(Unit.is_archived.is_(False), Unit.level == UnitLevel.COMMUNE)
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path, autoescape=True))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    result = paginate(query.order_by(Unit.name), page, PER_PAGE)
    ids = [u.id for u in result["items"]]
    dates = _trend_dates(as_of)
    trend = {d: criteria.summaries(ids, criteria_set, d) for d in dates} if criteria_set else {}
    return render_template("oversight/criteria.html", unit=unit, criteria_set=criteria_set, result=result,
                           trend=trend, dates=dates, as_of=as_of, sets=criteria.visible_sets(current_user),
                           unit_choices=_unit_choices(), may_manage_sets=current_user.role == Role.ADMIN)



@bp.route("/criteria/units/<int:unit_id>")
def criteria_unit(unit_id):
    """One unit against a set: each criterion and indicator, the trend, the unmet criteria and their open tasks."""
    unit = _unit_or_404(unit_id)
    _require_reader()
    criteria_set = _criteria_set()
    as_of = today()
    items, indicators = criteria.criteria_of(criteria_set)
    results = criteria.latest_results([unit.id], criteria_set, as_of)
    summary = criteria.summary(unit, criteria_set, as_of)
    tasks = criteria.open_tasks_by_criterion(unit, summary["unmet"])
    recent = db.session.scalars(
        criteria.assessments_query(unit, criteria_set=criteria_set)
        .options(joinedload(Assessment.criterion), joinedload(Assessment.assessed_by)).limit(20)).all()
    form = None
    if perm.can_assess(current_user, unit):
        form = AssessmentForm(formdata=None)
        _assessment_choices(form, items, indicators)
        form.as_of.data = as_of
    return render_template("oversight/criteria_unit.html", unit=unit, criteria_set=criteria_set, items=items,
                           indicators=indicators, results=results, summary=summary, tasks=tasks, recent=recent,
                           form=form, as_of=as_of, sets=criteria.visible_sets(current_user),
                           accept=ACCEPT_ATTRIBUTE)


def _assessment_choices(form: AssessmentForm, items, indicators) -> None:
    choices = []
    for c in items:
        choices.append((c.code, _("Tiêu chí %(number)s. %(name)s", number=c.number, name=c.name)))
        choices += [(i.code, f"    {i.number}. {i.name}") for i in indicators.get(c.id, [])]
    form.criterion_code.choices = select_choices(choices)


@bp.route("/criteria/units/<int:unit_id>/assessments", methods=["POST"])
def assess(unit_id):
    """Record an assessment from the unit's criteria page."""
    unit = _unit_or_404(unit_id)
    perm.require(perm.can_assess(current_user, unit))
    criteria_set = _criteria_set()
    form = AssessmentForm()
    items, indicators = criteria.criteria_of(criteria_set)
    _assessment_choices(form, items, indicators)
    return run_posted(
        form, lambda: criteria.record_assessment(
            current_user, unit, criterion_code=form.criterion_code.data, met=form.met.data == "1",
            as_of=form.as_of.data, note=form.note.data, evidence_upload=form.evidence.data or None),
        done=_("Đã ghi nhận kết quả đánh giá."),
        back=url_for("oversight.criteria_unit", unit_id=unit.id, set=criteria_set.code))


@bp.route("/criteria/units/<int:unit_id>/trend.svg")
def trend_chart(unit_id):
    """Criteria met at the end of each of the last eight quarters and today."""
    unit = _unit_or_404(unit_id)
    _require_reader()
    criteria_set = _criteria_set()
    dates = _trend_dates(today(), quarters=8)
    points = []
    for d in dates:
        s = criteria.summary(unit, criteria_set, d)
        points.append((d.strftime("%d/%m/%Y"), s["criteria_met"], s["indicators_met"]))
    total = len(criteria.criteria_of(criteria_set)[0])
    return _svg(charts.trend_chart(points, _("Số tiêu chí đạt theo thời gian"), total, _("Tiêu chí đạt")))


@bp.route("/assessments/<int:assessment_id>/evidence")
def assessment_evidence(assessment_id):
    """Download an assessment's evidence file."""
    assessment = db.session.get(Assessment, assessment_id)
    visible = (assessment is not None and assessment.evidence is not None
               and perm.can_view_oversight(current_user, assessment.unit))
    perm.require_visible(assessment, visible)
    return send_attachment(assessment.evidence)


@bp.route("/criteria/sets")
def criteria_sets():
    """The criteria sets in use, with their criteria and indicators."""
    _require_reader()
    ensure_sets()
    sets = criteria.visible_sets(current_user)
    return render_template("oversight/criteria_sets.html", sets=[(s, *criteria.criteria_of(s)) for s in sets],
                           may_manage=current_user.role == Role.ADMIN)


def parse_criteria_lines(text: str) -> list[dict]:
    """Textarea lines -> criteria: one criterion per line, lines starting with "-" are its indicators."""
    items: list[dict] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[0] in "-+•":
            if not items:
                raise Invalid(_("Chỉ tiêu phải đứng sau một tiêu chí."), {"criteria": _("Dòng đầu phải là tiêu chí.")})
            items[-1]["indicators"].append({"name": line[1:].strip()})
        else:
            items.append({"name": line, "indicators": []})
    return items


@bp.route("/criteria/sets/new", methods=["GET", "POST"])
def criteria_set_create():
    """An admin adds a set, e.g. the province's model-village set."""
    perm.require(current_user.role == Role.ADMIN)
    form = CriteriaSetForm()
    provinces = [u for u in units_in_tree(current_user.unit) if u.level == UnitLevel.PROVINCE]
    if current_user.unit is not None and current_user.unit.path.count("/") > 2:
        provinces = []
    choices = [(0, _("(bộ tiêu chí quốc gia)"))] if current_user.unit is None else []
    form.province_unit_id.choices = select_choices(choices + [(u.id, u.name) for u in provinces])
    if form.validate_on_submit():
        province = _unit_or_404(form.province_unit_id.data) if form.province_unit_id.data else None
        try:
            items = parse_criteria_lines(form.criteria.data)
            created = criteria.create_criteria_set(
                current_user, code=form.code.data, name=form.name.data, kind=form.kind.data, criteria=items,
                decision=form.decision.data, in_force_from=form.in_force_from.data, province=province)
        except REFUSALS as error:
            db.session.rollback()
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã thêm bộ tiêu chí %(code)s.", code=created.code), "success")
            return redirect(url_for("oversight.criteria_sets"))
    return render_template("oversight/form.html", form=form, title=_("Thêm bộ tiêu chí"),
                           cancel=url_for("oversight.criteria_sets"))


# --- dossiers ---------------------------------------------------------------------------------------

def _dossier_or_404(dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, dossier_id)
    return perm.require_visible(dossier, dossier is not None and perm.can_view_dossier(current_user, dossier))


@bp.route("/dossiers", endpoint="dossiers")
def dossiers_index():
    """Recognition dossiers of the unit and the units below it, the nearest due first."""
    unit = _selected_unit()
    _require_reader()
    query = (sa.select(Dossier).join(Unit, Unit.id == Dossier.unit_id).options(joinedload(Dossier.unit))
             .where(Dossier.is_archived.is_(False)))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path, autoescape=True))
    status = request.args.get("status")
    if status in DOSSIER_STATUS_LABELS:
        query = query.where(Dossier.status == status)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    result = paginate(query.order_by(Dossier.due_date.is_(None), Dossier.due_date, Dossier.id), page, PER_PAGE)
    supplied = dict(db.session.execute(
        sa.select(DossierItem.dossier_id, sa.func.count()).where(
            DossierItem.dossier_id.in_([d.id for d in result["items"]]), DossierItem.supplied_at.is_not(None))
        .group_by(DossierItem.dossier_id)).all())
    return render_template("oversight/dossiers.html", unit=unit, result=result, supplied=supplied, as_of=today(),
                           unit_choices=_unit_choices(), status=status,
                           may_create=current_user.role in perm.EDITORS)



def _receiving_choices() -> list[tuple[int, str]]:
    """Bodies a dossier may go to: those of the user's unit and of the units above it."""
    anchor = current_user.unit
    if anchor is None:
        return [(0, _("(chưa chọn)"))]
    ids = [int(p) for p in anchor.path.strip("/").split("/")]
    bodies = db.session.scalars(
        sa.select(Body).join(Unit).where(Body.unit_id.in_(ids), Body.is_archived.is_(False))
        .order_by(Unit.path, Body.id)).all()
    return [(0, _("(chưa chọn)"))] + [(b.id, b.display_name) for b in bodies]


@bp.route("/dossiers/new", methods=["GET", "POST"])
def dossier_create():
    perm.require(current_user.role in perm.EDITORS, _("Chỉ thư ký hoặc trưởng ban được lập hồ sơ."))
    form = DossierForm()
    form.unit_id.choices = _unit_choices(include_villages=True)
    form.receiving_body_id.choices = _receiving_choices()
    if form.validate_on_submit():
        unit = _unit_or_404(form.unit_id.data)
        try:
            dossier = dossiers.create_dossier(current_user, unit, kind=form.kind.data, title=form.title.data,
                                              due_date=form.due_date.data,
                                              receiving_body_id=form.receiving_body_id.data or None)
        except REFUSALS as error:
            db.session.rollback()
            place_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã lập hồ sơ."), "success")
            return redirect(url_for("oversight.dossier_detail", dossier_id=dossier.id))
    elif not form.is_submitted() and current_user.unit is not None:
        form.unit_id.data = current_user.unit.id
    return render_template("oversight/form.html", form=form, title=_("Lập hồ sơ đề nghị xét, công nhận"),
                           cancel=url_for("oversight.dossiers"))


@bp.route("/dossiers/<int:dossier_id>")
def dossier_detail(dossier_id):
    dossier = _dossier_or_404(dossier_id)
    may_manage = perm.can_manage_dossier(current_user, dossier.unit)
    return render_template(
        "oversight/dossier_detail.html", dossier=dossier, history=history_of(dossier), may_manage=may_manage,
        actions=dossiers.allowed_actions(current_user, dossier), open_statuses=dossiers.OPEN_DOSSIER_STATUSES,
        upload_form=UploadForm(formdata=None), transition_form=DossierTransitionForm(formdata=None),
        accept=ACCEPT_ATTRIBUTE, as_of=today())


@bp.route("/dossiers/<int:dossier_id>/transition", methods=["POST"])
def dossier_transition(dossier_id):
    dossier = _dossier_or_404(dossier_id)
    form = DossierTransitionForm()
    return run_posted(
        form, lambda: dossiers.transition(
            current_user, dossier, form.action.data, version=form.version.data, note=form.note.data,
            decision_number=form.decision_number.data, decision_date=form.decision_date.data),
        done=_("Đã cập nhật hồ sơ."), back=url_for("oversight.dossier_detail", dossier_id=dossier.id))


def _item_or_404(dossier: Dossier, item_id: int) -> DossierItem:
    item = db.session.get(DossierItem, item_id)
    return perm.require_visible(item, item is not None and item.dossier_id == dossier.id)


@bp.route("/dossiers/<int:dossier_id>/items/<int:item_id>/file", methods=["POST"])
def dossier_upload(dossier_id, item_id):
    dossier = _dossier_or_404(dossier_id)
    item = _item_or_404(dossier, item_id)
    form = UploadForm()
    return run_posted(form, lambda: dossiers.supply_item(current_user, item, form.file.data, form.note.data),
                      done=_("Đã tải lên: %(name)s.", name=item.name),
                      back=url_for("oversight.dossier_detail", dossier_id=dossier.id))


@bp.route("/dossiers/<int:dossier_id>/items/<int:item_id>/file")
def dossier_file(dossier_id, item_id):
    dossier = _dossier_or_404(dossier_id)
    item = _item_or_404(dossier, item_id)
    attachment = item.file
    perm.require_visible(attachment, attachment is not None)
    return send_attachment(attachment)


# --- reports ----------------------------------------------------------------------------------------

def _month_arg() -> str:
    month = request.args.get("month") or today().strftime("%Y-%m")
    return month


@bp.route("/reports", endpoint="reports")
def reports_index():
    """Choose a unit and a month; see the report's figures and download it as Excel or CSV."""
    unit = _selected_unit()
    _require_reader()
    month = _month_arg()
    report, problem = None, None
    if unit is not None:
        try:
            report = reports.monthly_report(unit, month)
        except Invalid as error:
            problem = error.fields.get("month")
    return render_template("oversight/reports.html", unit=unit, month=month, report=report, problem=problem,
                           unit_choices=_unit_choices(villages_near=unit), group_labels=reports.GROUP_LABELS)



@bp.route("/reports/monthly.<fmt>")
def monthly_download(fmt):
    unit = _selected_unit()
    _require_reader()
    if unit is None or fmt not in ("xlsx", "csv"):
        return redirect(url_for("oversight.reports"))
    month = _month_arg()
    try:
        reports.parse_month(month)
    except Invalid as error:
        flash_error(error)
        return redirect(url_for("oversight.reports", unit_id=unit.id))
    name = f"bao-cao-thang-{month}-{unit.id}.{fmt}"
    if fmt == "xlsx":
        return Response(reports.monthly_workbook(unit.id, month), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(reports.monthly_csv(unit.id, month).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- the calendar address ---------------------------------------------------------------------------

@bp.route("/calendar")
def calendar_page():
    """The user's deadline feed address, to subscribe to from a phone or a mail client."""
    return render_template("oversight/calendar.html", url=calendar.calendar_url(current_user),
                           form=CsrfOnlyForm(formdata=None))


@bp.route("/calendar/reset", methods=["POST"])
def calendar_reset():
    form = CsrfOnlyForm()
    if form.validate_on_submit():
        calendar.reset_calendar_token(current_user)
        db.session.commit()
        flash(_("Đã tạo địa chỉ mới; địa chỉ cũ không còn dùng được."), "success")
    return redirect(url_for("oversight.calendar_page"))

