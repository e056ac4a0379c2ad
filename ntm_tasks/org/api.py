"""Units, bodies and users over the API (admins change them; everyone reads their scope)."""
import sqlalchemy as sa

from ntm_tasks import permissions as perm
from ntm_tasks.api.core import Blueprint, PageArgsSchema, actor, page_schema, paginate
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.org import services
from ntm_tasks.org.models import Body, Role, Unit, User
from ntm_tasks.org.schemas import (BodySchema, MergeResultSchema, MergeSchema, UnitQuerySchema, UnitSchema,
                                   UserSchema)
from ntm_tasks.text import fold

bp = Blueprint("org_api", __name__, description="Units, bodies and users")


def visible_unit(unit_id: int) -> Unit:
    """The unit if the caller may see it, else 404."""
    unit = db.session.get(Unit, unit_id)
    return perm.require_visible(unit, unit is not None and perm.unit_in_scope(actor(), unit))


def _unit_for_field(unit_id: int | None, field: str) -> Unit | None:
    """A referenced unit in a request body: 422 when it does not exist or is out of scope."""
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or not perm.unit_in_scope(actor(), unit):
        raise Invalid("Đơn vị không tồn tại.", {field: f"Không có đơn vị {unit_id}."})
    return unit


@bp.route("/units", methods=["POST"])
@bp.arguments(UnitSchema)
@bp.response(201, UnitSchema)
def create_unit(data):
    """Create a unit (admin)."""
    user = actor()
    perm.require(user.role == Role.ADMIN)
    parent = _unit_for_field(data["parent_id"], "parent_id")
    perm.require(parent is not None or user.unit is None, "Chỉ quản trị toàn hệ thống tạo được đơn vị cấp tỉnh.")
    unit = services.create_unit(user, name=data["name"], level=data["level"], parent=parent, code=data["code"],
                                standard_bodies=data["standard_bodies"])
    db.session.commit()
    return unit


@bp.route("/units")
@bp.arguments(UnitQuerySchema, location="query")
@bp.response(200, page_schema(UnitSchema, "UnitPage"))
def list_units(args):
    """Units in the caller's scope."""
    query = sa.select(Unit).where(perm.unit_scope_clause(actor(), Unit.id)).order_by(Unit.path)
    if not args["include_archived"]:
        query = query.where(Unit.is_archived.is_(False))
    if "parent_id" in args:
        query = query.where(Unit.parent_id == args["parent_id"])
    if "level" in args:
        query = query.where(Unit.level == args["level"])
    if args.get("q"):
        query = query.where(Unit.name_folded.contains(fold(args["q"]), autoescape=True))
    return paginate(query, args["page"], args["per_page"])


@bp.route("/units/<int:unit_id>")
@bp.response(200, UnitSchema)
def get_unit(unit_id):
    return visible_unit(unit_id)


@bp.route("/units/<int:unit_id>/bodies")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(BodySchema, "BodyPage"))
def unit_bodies(args, unit_id):
    """The bodies of one unit."""
    unit = visible_unit(unit_id)
    query = sa.select(Body).where(Body.unit_id == unit.id, Body.is_archived.is_(False)).order_by(Body.id)
    return paginate(query, args["page"], args["per_page"])


@bp.route("/units/<int:unit_id>/merge", methods=["POST"])
@bp.arguments(MergeSchema)
@bp.response(200, MergeResultSchema)
def merge_unit(data, unit_id):
    """Merge this unit into `target_id` (admin): everything on it moves, the mapping is kept."""
    user = actor()
    source = visible_unit(unit_id)
    perm.require(perm.can_manage_org(user, source))
    target = _unit_for_field(data["target_id"], "target_id")
    merge = services.merge_units(user, source, target, data["note"])
    db.session.commit()
    return merge


@bp.route("/bodies", methods=["POST"])
@bp.arguments(BodySchema)
@bp.response(201, BodySchema)
def create_body(data):
    """Add a body to a unit (admin)."""
    user = actor()
    perm.require(user.role == Role.ADMIN)
    unit = _unit_for_field(data["unit_id"], "unit_id")
    body = services.create_body(user, unit=unit, name=data["name"], kind=data["kind"], short_name=data["short_name"])
    db.session.commit()
    return body


@bp.route("/bodies/<int:body_id>")
@bp.response(200, BodySchema)
def get_body(body_id):
    body = db.session.get(Body, body_id)
    return perm.require_visible(body, body is not None and perm.unit_in_scope(actor(), body.unit))


def _user_payload(user: User) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name, "email": user.email,
            "role": user.role.value, "unit_id": user.unit_id, "body_ids": user.body_ids,
            "is_active": user.is_active, "version": user.version}


@bp.route("/users", methods=["POST"])
@bp.arguments(UserSchema)
@bp.response(201, UserSchema)
def create_user(data):
    """Create an account (admin, within their scope)."""
    admin = actor()
    perm.require(admin.role == Role.ADMIN)
    unit = _unit_for_field(data["unit_id"], "unit_id")
    perm.require(unit is not None or admin.unit is None, "Chỉ quản trị toàn hệ thống tạo được tài khoản không đơn vị.")
    user = services.create_user(admin, username=data["username"], password=data["password"], role=data["role"],
                                full_name=data["full_name"], unit=unit, body_ids=data["body_ids"],
                                email=data["email"])
    for body in user.bodies:
        if not perm.unit_in_scope(admin, body.unit):
            raise Invalid("Cơ quan ngoài phạm vi.", {"body_ids": f"Không có cơ quan {body.id}."})
    db.session.commit()
    return _user_payload(user)


@bp.route("/users")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(UserSchema, "UserPage"))
def list_users(args):
    """Accounts of the admin's scope (admin)."""
    admin = actor()
    perm.require(admin.role == Role.ADMIN)
    query = sa.select(User).order_by(User.id)
    if admin.unit is not None:
        query = query.where(perm.unit_scope_clause(admin, User.unit_id))
    return paginate(query, args["page"], args["per_page"], loader=lambda rows: [_user_payload(u) for u in rows])


@bp.route("/users/<int:user_id>")
@bp.response(200, UserSchema)
def get_user(user_id):
    admin = actor()
    user = db.session.get(User, user_id)
    visible = user is not None and (user.id == admin.id or (
        admin.role == Role.ADMIN and (admin.unit is None or perm.unit_in_scope(admin, user.unit))))
    return _user_payload(perm.require_visible(user, visible))
