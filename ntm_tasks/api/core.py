"""Pieces every API module uses: schemas base, the caller, pagination, errors."""
import json
import logging

import flask_smorest
import marshmallow as ma
import sqlalchemy as sa
from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from ntm_tasks.errors import DomainError
from ntm_tasks.extensions import csrf, db

log = logging.getLogger(__name__)
PREFIX = "/api/v1"
# Paths that authenticate otherwise: Basic auth for tokens, the secret in the calendar address.
PUBLIC_PATHS = (f"{PREFIX}/openapi.json",)
MAX_PER_PAGE = 200
INT_RANGE = range(-2**31, 2**31)  # what every integer column holds (PostgreSQL's integer)


class JsonParser(FlaskParser):
    """webargs' parser, for which JSON nested deeper than Python's recursion limit is malformed (400), as any other
    JSON it cannot read, not a server error."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "[", 0) from None


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()


class Int(ma.fields.Integer):
    """An integer the database can hold, and never a fraction cut short (3.5 is not unit 3): a value out of range
    is the field's error, not the database's."""

    default_error_messages = {"range": "Số nằm ngoài giới hạn cho phép."}

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        number = super()._validated(value)
        if number is not None and number not in INT_RANGE:
            raise self.make_error("range")
        return number


class JsonBool(ma.fields.Boolean):
    """A JSON true or false: "yes", "no", 1 or 0 are no answer to "approve?" (query strings keep the plain
    Boolean, whose values are text)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Text(ma.fields.String):
    """Text without the spaces around it, so that a blank name is empty and its length check refuses it."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class BaseSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE
        ordered = True


class ErrorBodySchema(BaseSchema):
    code = ma.fields.String()
    message = ma.fields.String()
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class ErrorSchema(BaseSchema):
    error = ma.fields.Nested(ErrorBodySchema)


class PageArgsSchema(BaseSchema):
    page = Int(load_default=1, validate=ma.validate.Range(min=1))
    per_page = Int(load_default=50, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))


class Dumped(ma.fields.Nested):
    """Nested objects their payload function has already made JSON-ready (task_payload), a list of them with
    `many=True`: documented by their schema and passed through as they are, since dumping a thousand tasks a
    second time cost more than their queries."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        return nested_obj


def page_schema(item_schema: type[ma.Schema], name: str, dumped: bool = False) -> type[ma.Schema]:
    """The list envelope {items, total, page, per_page} around `item_schema` (items already JSON-ready when
    `dumped`)."""
    return type(name, (BaseSchema,), {
        "items": Dumped(item_schema, many=True) if dumped else ma.fields.List(ma.fields.Nested(item_schema)),
        "total": Int(),
        "page": Int(),
        "per_page": Int(),
    })


def paginate(query: sa.Select, page: int, per_page: int, loader=None, key=None, load_keys=None,
             find_keys=None) -> dict:
    """Run `query` for one page and count the whole; `loader` may post-process the page's rows.

    With `key` (the primary key column of the query's one entity) the page's keys and the total come from one
    pass that carries the key and the sort columns alone (a window count), and then only the page's rows are
    loaded: for lists whose order no index gives (the task list's overdue-first), the database then neither
    reads the matching rows twice nor sorts whole rows it will not return. `load_keys(keys)`, with `key`, builds
    the page's items from its keys in their order, in place of loading the rows. `find_keys(offset, limit)`, with
    `key`, finds the page's keys and the total in place of the window count.
    """
    offset = (page - 1) * per_page
    if key is None:
        total = _count(query)
        rows = list(db.session.scalars(query.limit(per_page).offset(offset)).unique())
    else:
        if find_keys is not None:
            page_keys, total = find_keys(offset, per_page)
        else:
            keys = db.session.execute(query.with_only_columns(key, sa.func.count().over())
                                      .limit(per_page).offset(offset)).all()
            total = keys[0][1] if keys else _count(query)
            page_keys = [k for k, _total in keys]
        if load_keys is not None:
            rows = load_keys(page_keys)
        else:
            rows = list(db.session.scalars(query.where(key.in_(page_keys))).unique()) if page_keys else []
    if loader:
        rows = loader(rows)
    return {"items": rows, "total": total, "page": page, "per_page": per_page}


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def actor():
    """The user behind the bearer token of this request."""
    return g.api_user


def committed(payload):
    """Commit the request's transaction and answer `payload`, built before the commit: the commit expires every
    loaded row, and a payload built after it would read the task, its bodies and its history again."""
    db.session.commit()
    return payload


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def _flatten(messages, prefix="") -> dict[str, str]:
    """webargs/marshmallow messages -> {"field": "problem"} with dotted paths for nested ones."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = " ".join(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            flat.update(_flatten(value, f"{prefix}.{i}"))
    else:
        flat[prefix or "_schema"] = str(messages)
    return flat


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_type", 422: "invalid", 429: "too_many_requests",
}


def http_error_json(error: HTTPException):
    data = getattr(error, "data", None) or {}
    fields = {}
    if "messages" in data:
        messages = data["messages"]
        # webargs keys messages by location ("json", "query", "form"); the field names are what matter.
        for location_messages in (messages.values() if isinstance(messages, dict) else [messages]):
            fields.update(_flatten(location_messages))
    message = data.get("message") or error.description or error.name
    if error.code == 422:
        message = "Dữ liệu không hợp lệ."
    if error.code == 400 and fields:
        message = "Yêu cầu không đúng định dạng JSON."
    response = error_response(error.code or 500, HTTP_CODES.get(error.code, "error"), message, fields)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ntm_tasks"'
    return response


def is_api_request() -> bool:
    return request.path.startswith(PREFIX + "/") or request.path == PREFIX


def register_error_handlers(app) -> None:
    """Errors as JSON under /api/v1, as pages elsewhere; the session always rolls back."""
    from ntm_tasks.views_errors import CSRF_MESSAGE, error_page

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if is_api_request():
            return error_response(error.status, error.code, error.message, error.fields)
        return error_page(error.status, error.message)

    @app.errorhandler(StaleDataError)
    def stale(error):
        db.session.rollback()
        message = _("Dữ liệu đã được người khác thay đổi; hãy tải lại.")
        if is_api_request():
            return error_response(409, "conflict", message, {"version": _("Phiên bản đã cũ.")})
        return error_page(409, message)

    @app.errorhandler(IntegrityError)
    def integrity(error):
        db.session.rollback()
        log.warning("integrity error: %s", error.orig)
        message = _("Dữ liệu xung đột với bản ghi đã có.")
        if is_api_request():
            return error_response(409, "conflict", message)
        return error_page(409, message)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error):
        # A number or text the database cannot hold (an id beyond 32 bits, say): bad input, not a server error.
        _safe_rollback()
        log.warning("value out of range for the database: %s", getattr(error, "orig", error))
        message = _("Giá trị vượt quá giới hạn cho phép.")
        if is_api_request():
            return error_response(422, "invalid", message)
        return error_page(400, message)

    @app.errorhandler(OperationalError)
    def database_down(error):
        # The database is unreachable (or busy past the timeout): say so plainly, never a stack trace.
        _safe_rollback()
        log.error("database unavailable: %s", error.orig)
        message = "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."
        if is_api_request():
            response = error_response(503, "unavailable", message)
        else:
            # Templates load the current user from the database; render this one as anonymous.
            from ntm_tasks.extensions import login_manager

            g._login_user = login_manager.anonymous_user()
            response = app.make_response((render_template("unavailable.html", message=message), 503))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if is_api_request():
            return http_error_json(error)
        # Werkzeug's own descriptions are English: the page explains the status in the page's language.
        return error_page(error.code or 500, CSRF_MESSAGE if isinstance(error, CSRFError) else None)

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        log.exception("unhandled error")
        if is_api_request():
            return error_response(500, "server_error", "Lỗi hệ thống.")
        return error_page(500, None)


def _safe_rollback() -> None:
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.invalidate()


def register_api_blueprint(app, bp) -> None:
    """Mount a smorest blueprint under /api/v1, free of CSRF (the API authenticates by token)."""
    from ntm_tasks.extensions import api

    csrf.exempt(bp)
    api.register_blueprint(bp, url_prefix=PREFIX)
