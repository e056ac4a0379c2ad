"""Token endpoints, bearer authentication of every other call, and the caller's own record."""
import marshmallow as ma
from flask import current_app, g, request

from ntm_tasks.api.core import PREFIX, PUBLIC_PATHS, BaseSchema, Blueprint, Int, actor, error_response, is_api_request
from ntm_tasks.auth.login import attempt_login
from ntm_tasks.auth.tokens import issue_token, revoke_token, token_for
from ntm_tasks.db import local
from ntm_tasks.extensions import db, limiter

bp = Blueprint("tokens_api", __name__, description="Authentication")


class TokenSchema(BaseSchema):
    token = ma.fields.String()
    expires_at = ma.fields.DateTime()


class MeSchema(BaseSchema):
    id = Int()
    username = ma.fields.String()
    full_name = ma.fields.String()
    role = ma.fields.String()
    unit_id = Int(allow_none=True)
    body_ids = ma.fields.List(Int())
    calendar_url = ma.fields.String(allow_none=True)


def _unauthorized(message="Cần đăng nhập bằng token hợp lệ."):
    return error_response(401, "unauthorized", message)


def authenticate_api_request():
    """before_request: every API call but token creation and the OpenAPI file needs a live bearer token."""
    if not is_api_request() or request.path in PUBLIC_PATHS or request.method == "OPTIONS":
        return None
    if request.path == f"{PREFIX}/tokens" and request.method == "POST":
        return None
    if request.path.startswith(f"{PREFIX}/calendar/"):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return _unauthorized()
    token = token_for(raw.strip())
    if token is None:
        return _unauthorized("Token không hợp lệ hoặc đã hết hạn.")
    g.api_user = token.user
    g.api_token = token
    return None


@bp.route("/tokens", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.response(201, TokenSchema)
@bp.doc(security=[{"basicAuth": []}])
def create_token():
    """Exchange HTTP Basic credentials for a bearer token."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username:
        return _unauthorized("Cần HTTP Basic với tên đăng nhập và mật khẩu.")
    user, problem = attempt_login(auth.username, auth.password or "")
    if user is None:
        db.session.commit()  # the failed-attempt counter must persist
        return _unauthorized(problem)
    raw, token = issue_token(user)
    db.session.commit()
    return {"token": raw, "expires_at": local(token.expires_at)}


@bp.route("/tokens", methods=["DELETE"])
@bp.response(204)
def delete_token():
    """Revoke the token this call carries."""
    revoke_token(g.api_token)
    db.session.commit()


def me_payload(user) -> dict:
    from ntm_tasks.oversight.calendar import calendar_url

    return {
        "id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role.value,
        "unit_id": user.unit_id, "body_ids": user.body_ids, "calendar_url": calendar_url(user),
    }


@bp.route("/me")
@bp.response(200, MeSchema)
def me():
    """The caller's account."""
    return me_payload(actor())
