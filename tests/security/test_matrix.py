"""The authorisation matrix: every route of the app (read from its URL map) × every method × every role, in
commune A's scope and outside it (commune B of the same province, commune C of another province).

- Anonymous: the web redirects to the login page, the API answers 401; only PUBLIC routes answer otherwise.
- Outside A's scope: every route that names an object of A answers 404 (as for an object that does not
  exist), never 200 and never a 403 that would tell it exists; a 403 is allowed only where the role is
  refused the whole route whatever the object (then a made-up id gets the same 403). No answer to them
  carries any text of A, even as a name in a list.
- Inside: EXPECTED gives the status of each route for each kind of user.
- Never a 5xx; an assignee never reads a draft; no history entry is changed or removed by any request.

A route missing from EXPECTED, or a URL variable missing from VARIABLES, fails the test with its name: a new
route must come with its rule here.
"""
import io
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import sqlalchemy as sa

from ntm_tasks.audit import HistoryEntry
from ntm_tasks.db import today
from ntm_tasks.extensions import db
from ntm_tasks.org.models import User
from tests.security.conftest import api_token, web_client
from tests.security.world import DRAFT_MARK, MARK

KINDS = ("admin", "chair", "secretary", "assignee", "viewer")
EDITORS = ("chair", "secretary")
READERS = ("admin", "chair", "secretary", "viewer")
STALE = 999_999  # a version nobody holds: an allowed change answers 409 and changes nothing
MISSING_ID = 987_654_321
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def only(ok: int, kinds, other: int = 403) -> dict:
    """`ok` for the kinds named, `other` for the rest."""
    return {k: ok if k in kinds else other for k in KINDS}


def every(status: int) -> dict:
    return {k: status for k in KINDS}


# --- URL variables: the object of A (or the value) each one names ---------------------------------

def _obj(name):
    return lambda w: w.objects[name].id


def _calendar_token(w):
    user = db.session.get(User, w.user("assignee_a").id)
    db.session.refresh(user)
    return user.calendar_token


# name -> (value from the world, does it name an object of A?)
VARIABLES = {
    "unit_id": (lambda w: w.units["a"].id, True),
    "body_id": (lambda w: w.bodies["ubnd_a"].id, True),
    "user_id": (lambda w: w.user("chair_a").id, True),
    "meeting_id": (_obj("meeting"), True),
    "task_id": (_obj("task"), True),
    "attachment_id": (_obj("attachment"), True),
    "request_id": (_obj("extension"), True),
    "dossier_id": (_obj("dossier"), True),
    "item_id": (_obj("dossier_item"), True),
    "notification_id": (_obj("notification"), True),
    "export_id": (_obj("export"), True),
    "assessment_id": (_obj("assessment"), True),
    "token": (_calendar_token, False),  # the calendar address is itself the secret (a public route)
    "job_id": (lambda w: "no-such-job", False),
    "code": (lambda w: "vi", False),
    "name": (lambda w: "groups", False),
    "fmt": (lambda w: "csv", False),
    "action": (lambda w: "approve", False),
}
# (endpoint, variable) -> value, where one endpoint needs another object than the variable's usual one.
ENDPOINT_VARIABLES = {
    ("meetings.attachment", "attachment_id"): (_obj("meeting_attachment"), True),
    ("meetings.conclusions", "meeting_id"): (_obj("meeting_draft"), True),
    ("meetings.publish", "meeting_id"): (_obj("meeting_draft"), True),
    ("meetings_api.add_conclusions", "meeting_id"): (_obj("meeting_draft"), True),
    ("meetings_api.publish_meeting", "meeting_id"): (_obj("meeting_draft"), True),
    ("static", "filename"): (lambda w: "app.css", False),
    ("bootstrap.static", "filename"): (lambda w: "css/bootstrap.min.css", False),
    ("meetings.static", "filename"): (lambda w: "meetings.css", False),
    ("assignments.static", "filename"): (lambda w: "assignments.css", False),
    ("oversight.static", "filename"): (lambda w: "oversight.css", False),
    ("notifications.static", "filename"): (lambda w: "exports.js", False),
}


# --- what each route answers -----------------------------------------------------------------------

@dataclass
class Rule:
    expect: dict  # kind -> status for users in A's scope
    gate: tuple = ()  # kinds refused the whole route (403) before any object is looked at
    out: int | None = None  # status for users outside A's scope when the route names A only in its body
    users: dict = field(default_factory=dict)  # user key -> status, where one user differs from their kind
    owner: tuple | None = None  # (user key, status): the object is that user's own; everyone else gets 404
    public: int | None = None  # the status for anyone, logged in or not: a route that needs no login
    query: object = None  # w -> query arguments; each names an object of A, so the route names A
    form: object = None  # w -> form fields (web POST; the CSRF token is added)
    json: object = None  # w -> JSON body (API)
    file: bool = False  # send a small text file as `file`


def _due_before(w):
    return (w.objects["task"].due_date - timedelta(days=1)).isoformat()


def _month(w):
    return today().strftime("%Y-%m")


_n = iter(range(1, 1_000_000))


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_n)}"


UNIT_A = lambda w: {"unit_id": w.units["a"].id}  # noqa: E731
REPORT_A = lambda w: {"unit_id": w.units["a"].id, "month": _month(w)}  # noqa: E731
ADMIN_GATED = {"expect": only(200, ("admin",)), "gate": ("chair", "secretary", "assignee", "viewer")}
OWN_NOTIFICATION = ("assignee_a", 302)

EXPECTED: dict[tuple[str, str], Rule] = {
    # --- public, and what every logged-in user has ---
    ("static", "GET"): Rule(every(200), public=200),
    ("bootstrap.static", "GET"): Rule(every(200), public=200),
    # These blueprints ask for a login on every route, their style sheets included (the login page needs none).
    ("meetings.static", "GET"): Rule(every(200)),
    ("assignments.static", "GET"): Rule(every(200)),
    ("oversight.static", "GET"): Rule(every(200)),
    ("notifications.static", "GET"): Rule(every(200), public=200),
    ("auth.login", "GET"): Rule(every(302), public=200),
    ("auth.login", "POST"): Rule(every(302), public=200, form=lambda w: {}),
    ("auth.language", "POST"): Rule(every(302), public=302, form=lambda w: {}),
    ("api-docs.openapi_json", "GET"): Rule(every(200), public=200),
    ("tokens_api.create_token", "POST"): Rule(every(401), public=401),  # no Basic credentials sent
    ("oversight_api.calendar_feed", "GET"): Rule(every(200), public=200),
    ("main.index", "GET"): Rule(every(302)),
    ("auth.logout", "POST"): Rule(every(302), form=lambda w: {}),
    ("auth.password", "GET"): Rule(every(200)),
    ("auth.password", "POST"): Rule(every(200), form=lambda w: {"current_password": "not-mine-123",
                                                                "new_password": "new-pass-456",
                                                                "confirm": "new-pass-456"}),
    ("tokens_api.me", "GET"): Rule(every(200)),
    ("tokens_api.delete_token", "DELETE"): Rule(every(204)),
    ("oversight.calendar_page", "GET"): Rule(every(200)),
    ("oversight.calendar_reset", "POST"): Rule(every(302), form=lambda w: {}),
    ("oversight_api.reset_calendar_token", "POST"): Rule(every(200)),
    ("notifications.index", "GET"): Rule(every(200)),
    ("notifications.read", "POST"): Rule(every(404), owner=OWN_NOTIFICATION, form=lambda w: {}),
    ("notifications.open_", "POST"): Rule(every(404), owner=OWN_NOTIFICATION, form=lambda w: {}),
    ("notifications.read_all", "POST"): Rule(every(302), form=lambda w: {}),
    ("notifications.settings", "GET"): Rule(every(200)),
    ("notifications.settings", "POST"): Rule(every(302), form=lambda w: {}),
    ("notifications_api.list_notifications", "GET"): Rule(every(200)),
    ("notifications_api.read_notification", "POST"): Rule(every(404), owner=("assignee_a", 200)),
    ("notifications_api.read_all_notifications", "POST"): Rule(every(200)),

    # --- the admins' pages: the whole area is refused to other roles ---
    ("org.units", "GET"): Rule(**ADMIN_GATED),
    ("org.unit_detail", "GET"): Rule(**ADMIN_GATED),
    ("org.unit_create", "GET"): Rule(**ADMIN_GATED),
    ("org.unit_create", "POST"): Rule(**ADMIN_GATED, form=lambda w: {}),
    ("org.unit_edit", "GET"): Rule(**ADMIN_GATED),
    ("org.unit_edit", "POST"): Rule(**ADMIN_GATED, form=lambda w: {"name": ""}),
    ("org.unit_merge", "GET"): Rule(**ADMIN_GATED),
    ("org.unit_merge", "POST"): Rule(**ADMIN_GATED, form=lambda w: {}),
    ("org.body_create", "GET"): Rule(**ADMIN_GATED),
    ("org.body_create", "POST"): Rule(**ADMIN_GATED, form=lambda w: {}),
    ("org.body_edit", "GET"): Rule(**ADMIN_GATED),
    ("org.body_edit", "POST"): Rule(**ADMIN_GATED, form=lambda w: {"name": ""}),
    ("org.users", "GET"): Rule(**ADMIN_GATED),
    ("org.user_create", "GET"): Rule(**ADMIN_GATED),
    ("org.user_create", "POST"): Rule(**ADMIN_GATED, form=lambda w: {}),
    ("org.user_edit", "GET"): Rule(**ADMIN_GATED),
    ("org.user_edit", "POST"): Rule(**ADMIN_GATED, form=lambda w: {"full_name": ""}),
    ("notifications.admin_jobs", "GET"): Rule(**ADMIN_GATED),
    # Without Redis there is no failed rq job to run again: 404 for admins.
    ("notifications.admin_requeue", "POST"): Rule(only(404, ("admin",)), gate=ADMIN_GATED["gate"], form=lambda w: {}),

    # --- units, bodies, users over the API ---
    ("org_api.list_units", "GET"): Rule(every(200)),
    ("org_api.get_unit", "GET"): Rule(every(200)),
    ("org_api.unit_bodies", "GET"): Rule(every(200)),
    ("org_api.get_body", "GET"): Rule(every(200)),
    ("org_api.create_unit", "POST"): Rule(only(201, ("admin",)), gate=ADMIN_GATED["gate"], out=422, json=lambda w: {
        "name": _unique("Thôn mới "), "level": "village", "parent_id": w.units["a"].id}),
    ("org_api.merge_unit", "POST"): Rule(only(422, ("admin",)), json=lambda w: {"target_id": w.units["a"].id}),
    ("org_api.create_body", "POST"): Rule(only(201, ("admin",)), gate=ADMIN_GATED["gate"], out=422, json=lambda w: {
        "unit_id": w.units["a"].id, "name": _unique("Tổ công tác "), "kind": "other"}),
    ("org_api.create_user", "POST"): Rule(only(201, ("admin",)), gate=ADMIN_GATED["gate"], out=422, json=lambda w: {
        "username": _unique("moi"), "password": "mat-khau-123", "full_name": "Người mới", "role": "viewer",
        "unit_id": w.units["a"].id}),
    ("org_api.list_users", "GET"): Rule(only(200, ("admin",)), gate=ADMIN_GATED["gate"]),
    # An account is readable by its owner and by the admins of its unit; to anyone else it does not exist.
    ("org_api.get_user", "GET"): Rule(only(200, ("admin",), 404), users={"chair_a": 200}),

    # --- meetings ---
    ("meetings.index", "GET"): Rule(every(200)),
    ("meetings.create", "GET"): Rule(only(200, EDITORS)),
    ("meetings.create", "POST"): Rule(only(200, EDITORS), form=lambda w: {}),
    ("meetings.detail", "GET"): Rule(every(200)),
    ("meetings.notice", "GET"): Rule(every(200)),
    ("meetings.attachment", "GET"): Rule(every(200)),
    ("meetings.edit", "GET"): Rule(only(200, EDITORS)),
    ("meetings.edit", "POST"): Rule(only(200, EDITORS), form=lambda w: {"title": ""}),
    ("meetings.archive", "POST"): Rule(only(302, EDITORS), form=lambda w: {"version": STALE}),
    ("meetings.upload", "POST"): Rule(only(302, EDITORS), file=True, form=lambda w: {}),
    ("meetings.carry_over", "POST"): Rule(only(302, EDITORS), form=lambda w: {}),
    # The draft meeting: assignees never see it (404), other readers may not edit it (403).
    ("meetings.conclusions", "GET"): Rule({**only(200, EDITORS), "assignee": 404}),
    ("meetings.conclusions", "POST"): Rule({**only(200, EDITORS), "assignee": 404}, form=lambda w: {}),
    ("meetings.publish", "GET"): Rule({**only(200, EDITORS), "assignee": 404}),
    ("meetings.publish", "POST"): Rule({**only(200, EDITORS), "assignee": 404}, form=lambda w: {"version": STALE}),
    ("meetings_api.list_meetings", "GET"): Rule(every(200), query=UNIT_A),
    ("meetings_api.get_meeting", "GET"): Rule(every(200)),
    ("meetings_api.create_meeting", "POST"): Rule(only(201, EDITORS), out=422, json=lambda w: {
        "unit_id": w.units["a"].id, "title": "Họp mới", "kind": "conference", "held_at": "2026-01-05T08:00:00"}),
    ("meetings_api.update_meeting", "PATCH"): Rule(only(409, EDITORS), json=lambda w: {"version": STALE}),
    ("meetings_api.parse_conclusions", "POST"): Rule(only(200, EDITORS), out=422, json=lambda w: {
        "unit_id": w.units["a"].id, "text": "1. Đối với UBND xã: báo cáo trước ngày 15/8/2026."}),
    ("meetings_api.add_conclusions", "POST"): Rule({**only(201, EDITORS), "assignee": 404}, json=lambda w: {
        "items": [{"text": "Rà soát hồ sơ.", "bodies": [{"id": w.bodies["ubnd_a"].id, "role": "lead"}]}]}),
    ("meetings_api.publish_meeting", "POST"): Rule({**only(409, EDITORS), "assignee": 404},
                                                   json=lambda w: {"version": STALE}),
    ("meetings_api.add_attachment", "POST"): Rule(only(201, EDITORS), file=True),

    # --- tasks ---
    ("assignments.mine", "GET"): Rule(every(200)),
    ("assignments.index", "GET"): Rule(every(200)),
    ("assignments.detail", "GET"): Rule(every(200)),
    ("assignments.download", "GET"): Rule(every(200)),
    ("assignments.create", "GET"): Rule(only(200, EDITORS), gate=("admin", "assignee", "viewer"),
                                        query=lambda w: {"meeting_id": w.objects["meeting"].id}),
    ("assignments.create", "POST"): Rule(only(200, EDITORS), gate=("admin", "assignee", "viewer"),
                                         query=lambda w: {"meeting_id": w.objects["meeting"].id}, form=lambda w: {}),
    ("assignments.edit", "GET"): Rule(only(200, EDITORS)),
    ("assignments.edit", "POST"): Rule(only(200, EDITORS), form=lambda w: {"title": ""}),
    ("assignments.act", "POST"): Rule(only(302, ("chair",)), form=lambda w: {"version": STALE, "note": "x"}),
    ("assignments.progress", "POST"): Rule(only(302, ("assignee",)), form=lambda w: {"progress": 40, "note": "x"}),
    ("assignments.upload", "POST"): Rule(only(302, ("assignee", *EDITORS)), file=True, form=lambda w: {}),
    # A date before the due date in force: refused (a message on the page) once the role may ask.
    ("assignments.request_extension", "POST"): Rule(only(302, ("assignee", *EDITORS)), form=lambda w: {
        "requested_due_date": _due_before(w), "reason": "x"}),
    # Approving a request of a completed task is refused (a message on the page): nothing changes.
    ("assignments.decide_extension", "POST"): Rule(only(302, ("chair",)), form=lambda w: {"approve": "1"}),
    ("assignments_api.list_tasks", "GET"): Rule(every(200)),
    ("assignments_api.get_task", "GET"): Rule(every(200)),
    ("assignments_api.create_task", "POST"): Rule(only(201, EDITORS), out=422, json=lambda w: {
        "unit_id": w.units["a"].id, "title": "Việc giao trực tiếp", "lead_body_id": w.bodies["ubnd_a"].id}),
    ("assignments_api.create_meeting_task", "POST"): Rule(only(201, EDITORS), json=lambda w: {
        "title": "Việc thêm", "lead_body_id": w.bodies["ubnd_a"].id}),
    ("assignments_api.update_task", "PATCH"): Rule(only(409, EDITORS), json=lambda w: {"version": STALE}),
    ("assignments_api.transition", "POST"): Rule(only(409, ("chair",)), json=lambda w: {
        "action": "approve", "version": STALE}),
    ("assignments_api.add_progress", "POST"): Rule(only(201, ("assignee",)), json=lambda w: {
        "progress": 40, "note": "x"}),
    ("assignments_api.list_progress", "GET"): Rule(every(200)),
    ("assignments_api.upload_attachment", "POST"): Rule(only(201, ("assignee", *EDITORS)), file=True),
    ("assignments_api.list_attachments", "GET"): Rule(every(200)),
    ("assignments_api.download_attachment", "GET"): Rule(every(200)),
    ("assignments_api.request_extension", "POST"): Rule(only(422, ("assignee", *EDITORS)), json=lambda w: {
        "requested_due_date": _due_before(w), "reason": "x"}),
    ("assignments_api.list_extensions", "GET"): Rule(every(200)),
    ("assignments_api.get_extension", "GET"): Rule(every(200)),
    ("assignments_api.decide_extension", "POST"): Rule(only(409, ("chair",)), json=lambda w: {
        "approve": True, "version": STALE}),

    # --- oversight: dashboards, reports, criteria, dossiers (readers; assignees are refused) ---
    ("oversight.dashboard", "GET"): Rule(only(200, READERS), query=UNIT_A),
    ("oversight.chart", "GET"): Rule(only(200, READERS), query=UNIT_A),
    ("oversight.criteria", "GET"): Rule(only(200, READERS), query=UNIT_A),
    ("oversight.criteria_unit", "GET"): Rule(only(200, READERS)),
    ("oversight.trend_chart", "GET"): Rule(only(200, READERS)),
    ("oversight.assess", "POST"): Rule(only(302, EDITORS), form=lambda w: {
        "criterion_code": "ntm-xa-2026.02", "met": "1", "as_of": today().isoformat()}),
    ("oversight.assessment_evidence", "GET"): Rule(only(200, READERS, 404)),
    ("oversight.criteria_sets", "GET"): Rule(only(200, READERS)),
    ("oversight.criteria_set_create", "GET"): Rule(**ADMIN_GATED),
    ("oversight.criteria_set_create", "POST"): Rule(**ADMIN_GATED, form=lambda w: {}),
    ("oversight.dossiers", "GET"): Rule(only(200, READERS), query=UNIT_A),
    ("oversight.dossier_create", "GET"): Rule(only(200, EDITORS), gate=("admin", "assignee", "viewer")),
    ("oversight.dossier_create", "POST"): Rule(only(200, EDITORS), gate=("admin", "assignee", "viewer"),
                                               form=lambda w: {}),
    ("oversight.dossier_detail", "GET"): Rule(only(200, READERS, 404)),
    ("oversight.dossier_file", "GET"): Rule(only(200, READERS, 404)),
    ("oversight.dossier_transition", "POST"): Rule({**only(302, EDITORS), "assignee": 404}, form=lambda w: {
        "action": "submit", "version": STALE}),
    ("oversight.dossier_upload", "POST"): Rule({**only(302, EDITORS), "assignee": 404}, file=True,
                                               form=lambda w: {}),
    ("oversight.reports", "GET"): Rule(only(200, READERS), query=UNIT_A),
    ("oversight.monthly_download", "GET"): Rule(only(200, READERS), query=REPORT_A),
    ("oversight_api.overdue_report", "GET"): Rule(only(200, READERS), query=UNIT_A),
    ("oversight_api.monthly_xlsx", "GET"): Rule(only(200, READERS), query=REPORT_A),
    ("oversight_api.monthly_csv", "GET"): Rule(only(200, READERS), query=REPORT_A),
    ("oversight_api.list_criteria_sets", "GET"): Rule(every(200)),
    # A provincial set of province P: only an admin whose scope holds P (the whole-tree admin) adds it.
    ("oversight_api.create_criteria_set", "POST"): Rule(
        only(422, ("admin",)), gate=ADMIN_GATED["gate"], out=422, users={"superadmin": 201}, json=lambda w: {
            "code": _unique("tinh-p-"), "name": "Bộ tiêu chí thôn kiểu mẫu", "kind": "model_village",
            "province_unit_id": w.units["p"].id, "criteria": [{"name": "Tiêu chí 1"}]}),
    ("oversight_api.create_assessment", "POST"): Rule(only(201, EDITORS), json=lambda w: {
        "criterion_code": "ntm-xa-2026.03", "met": True, "as_of": today().isoformat()}),
    ("oversight_api.list_assessments", "GET"): Rule(only(200, READERS)),
    ("oversight_api.criteria_summary", "GET"): Rule(only(200, READERS)),
    ("oversight_api.list_dossiers", "GET"): Rule(only(200, READERS), gate=("assignee",)),
    ("oversight_api.get_dossier", "GET"): Rule(only(200, READERS, 404)),
    ("oversight_api.create_dossier", "POST"): Rule(only(201, EDITORS), gate=("admin", "assignee", "viewer"),
                                                   out=422, json=lambda w: {
        "unit_id": w.units["a"].id, "kind": "recognition", "title": "Hồ sơ mới", "due_date": None}),
    ("oversight_api.dossier_transition", "POST"): Rule({**only(409, EDITORS), "assignee": 404}, json=lambda w: {
        "action": "submit", "version": STALE}),
    ("oversight_api.upload_dossier_file", "POST"): Rule({**only(201, EDITORS), "assignee": 404}, file=True),

    # --- exports: the requester's, and readable by the readers of the unit's scope ---
    ("notifications.export_index", "GET"): Rule(only(200, READERS), gate=("assignee",)),
    ("notifications.export_index", "POST"): Rule(only(200, READERS), gate=("assignee",), form=lambda w: {}),
    ("notifications.export_detail", "GET"): Rule(only(200, READERS, 404)),
    ("notifications.export_status", "GET"): Rule(only(200, READERS, 404)),
    ("notifications.export_download", "GET"): Rule(only(200, READERS, 404)),
    ("notifications_api.create_export", "POST"): Rule(only(202, READERS), gate=("assignee",), out=422,
                                                      json=lambda w: {"kind": "monthly_csv",
                                                                      "unit_id": w.units["a"].id,
                                                                      "month": _month(w)}),
    ("notifications_api.get_export", "GET"): Rule(only(200, READERS, 404)),
    ("notifications_api.export_file", "GET"): Rule(only(200, READERS, 404)),
}
# Run last: they end the session or the token the other requests use.
LAST = (("tokens_api.delete_token", "DELETE"), ("auth.logout", "POST"))


def routes(app) -> list[tuple]:
    """(rule, method) for every route of the app, the session-ending ones last."""
    found = [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods - IGNORED_METHODS)]
    return sorted(found, key=lambda rm: ((rm[0].endpoint, rm[1]) in LAST, rm[0].rule, rm[1]))


def resolve(world, rule, missing_ids: bool = False) -> tuple[dict, bool]:
    """URL values for the rule, and whether they name an object of A. KeyError names what has no mapping."""
    values, names_a = {}, False
    for name in sorted(rule.arguments):
        spec = ENDPOINT_VARIABLES.get((rule.endpoint, name)) or VARIABLES.get(name)
        if spec is None:
            raise KeyError(f"URL variable <{name}> of {rule.rule} ({rule.endpoint}) has no mapping: add it to "
                           f"VARIABLES (or ENDPOINT_VARIABLES) in {__name__}")
        value_of, is_object = spec
        values[name] = MISSING_ID if missing_ids and is_object else value_of(world)
        names_a = names_a or is_object
    return values, names_a


def is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


def expected_status(rule_spec: Rule, user, names_a: bool) -> int:
    if rule_spec.public is not None and user is None:
        return rule_spec.public
    if user is None:
        return -1  # decided by the caller: login redirect or 401
    if rule_spec.owner is not None and (names_a or user.in_scope):
        owner, status = rule_spec.owner
        return status if user.key == owner else 404
    if not user.in_scope and (names_a or rule_spec.out is not None):
        if user.kind in rule_spec.gate:
            return 403
        return 404 if names_a else rule_spec.out
    if user.key in rule_spec.users:
        return rule_spec.users[user.key]
    return rule_spec.expect[user.kind]


class Caller:
    """Sends one route's request as one user (None: anonymous), by the web session or a bearer token."""

    def __init__(self, app, world, user):
        self.app, self.world, self.user = app, world, user
        self.web = web_client(app, user.row if user else None)
        self.token = api_token(app, user.row) if user else None

    def send(self, rule, method, spec: Rule, values: dict, csrf: bool = True):
        path = self.app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
        query = spec.query(self.world) if spec.query else {}
        if query:
            path += "?" + urlencode(query)
        kwargs: dict = {}
        if is_api(rule):
            headers = {}
            if self.token:
                token = api_token(self.app, self.user.row) if rule.endpoint == "tokens_api.delete_token" else \
                    self.token
                headers["Authorization"] = f"Bearer {token}"
            kwargs["headers"] = headers
            if spec.file:
                kwargs["data"] = {"file": (io.BytesIO(b"noi dung"), "tep.txt")}
            elif spec.json is not None:
                kwargs["json"] = spec.json(self.world)
            elif method in ("POST", "PATCH"):
                kwargs["json"] = {}
        elif method == "POST":
            data = dict(spec.form(self.world)) if spec.form else {}
            if csrf:
                data["csrf_token"] = self.web.csrf
            if spec.file:
                data["file"] = (io.BytesIO(b"noi dung"), "tep.txt")
            kwargs["data"] = data
        response = self.web.open(path, method=method, **kwargs)
        response.get_data()
        response.close()  # files are streamed: close them, as a server would
        return response


def _history(world) -> dict:
    rows = db.session.execute(sa.select(HistoryEntry.id, HistoryEntry.object_type, HistoryEntry.object_id,
                                        HistoryEntry.action, HistoryEntry.changes, HistoryEntry.note)).all()
    return {row.id: tuple(row) for row in rows}


def test_every_route_has_a_rule_and_every_variable_a_mapping(app):
    problems = []
    for rule, method in routes(app):
        if (rule.endpoint, method) not in EXPECTED:
            problems.append(f"{method} {rule.rule} ({rule.endpoint}) has no rule: add it to EXPECTED in {__name__}")
        for name in rule.arguments:
            if (rule.endpoint, name) not in ENDPOINT_VARIABLES and name not in VARIABLES:
                problems.append(f"URL variable <{name}> of {rule.rule} has no mapping in VARIABLES")
    stale = set(EXPECTED) - {(rule.endpoint, method) for rule, method in routes(app)}
    problems += [f"EXPECTED names {endpoint} {method}, which the app no longer has" for endpoint, method in stale]
    assert not problems, "\n".join(problems)


def test_authorisation_matrix(app, world):
    history_before = _history(world)
    callers = [Caller(app, world, None)] + [Caller(app, world, user) for user in world.users.values()]
    problems = []
    for rule, method in routes(app):
        spec = EXPECTED.get((rule.endpoint, method))
        if spec is None:
            problems.append(f"{method} {rule.rule}: no rule in EXPECTED")
            continue
        try:
            values, names_a = resolve(world, rule)
        except KeyError as error:
            problems.append(str(error))
            continue
        names_a = names_a or spec.query is not None
        for caller in callers:
            user = caller.user
            who = user.key if user else "anonymous"
            response = caller.send(rule, method, spec, values)
            status, body = response.status_code, response.get_data()
            label = f"{method} {rule.rule} ({rule.endpoint}) as {who}"
            if status >= 500:
                problems.append(f"{label}: {status}")
                continue
            expected = expected_status(spec, user, names_a)
            if expected == -1:  # anonymous on a route that needs a login
                if is_api(rule):
                    ok = status == 401
                else:
                    ok = status == 302 and "/login" in response.headers.get("Location", "")
                if not ok:
                    problems.append(f"{label}: {status} {response.headers.get('Location', '')}, "
                                    f"expected {'401' if is_api(rule) else 'a redirect to the login page'}")
                continue
            if status != expected:
                problems.append(f"{label}: {status}, expected {expected}")
            if user is not None and not user.in_scope and spec.public is None and MARK.encode() in body:
                problems.append(f"{label}: the answer shows commune A's data to a user outside its scope")
            if user is not None and user.kind == "assignee" and DRAFT_MARK.encode() in body:
                problems.append(f"{label}: an assignee reads a draft")
            if user is not None and not user.in_scope and names_a and status == 403:
                missing, _names = resolve(world, rule, missing_ids=True)
                again = caller.send(rule, method, spec, missing).status_code
                if again != 403:
                    problems.append(f"{label}: 403 for A's object but {again} for a missing one: existence leaks")
    db.session.expire_all()
    history_after = _history(world)
    changed = [i for i, row in history_before.items() if history_after.get(i) != row]
    if changed:
        problems.append(f"history entries changed or removed by requests: {changed}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
