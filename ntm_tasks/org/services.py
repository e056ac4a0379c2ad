"""Rules for units, bodies and accounts. Services flush; the request commits."""
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from ntm_tasks.audit import apply_changes, record
from ntm_tasks.db import plain_rows
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, BodyKind, Role, Unit, UnitLevel, UnitMerge, User
from ntm_tasks.org.standard_bodies import TEMPLATES

MIN_PASSWORD_LENGTH = 8


def _check_parent(level: UnitLevel, parent: Unit | None) -> None:
    if parent is None:
        if level != UnitLevel.PROVINCE:
            raise Invalid(_("Đơn vị cấp dưới phải có đơn vị cấp trên."), {"parent_id": _("Bắt buộc với cấp này.")})
        return
    order = list(UnitLevel)
    if order.index(parent.level) >= order.index(level):
        raise Invalid(
            _("Đơn vị cấp trên phải ở cấp cao hơn."), {"parent_id": _("Không thể đặt %(level)s dưới %(parent)s.", level=level, parent=parent.level)}
        )
    if parent.is_archived:
        raise Invalid(_("Đơn vị cấp trên đã được lưu trữ."), {"parent_id": _("Đơn vị đã lưu trữ hoặc sáp nhập.")})


def _check_code_free(code: str | None, unit_id: int | None = None) -> None:
    if code and db.session.scalar(sa.select(Unit.id).where(Unit.code == code, Unit.id != unit_id)):
        raise Invalid(_("Mã đơn vị đã tồn tại."), {"code": _("Mã đã được dùng.")})


def create_unit(actor, *, name: str, level: str, parent: Unit | None, code: str | None = None,
                standard_bodies: bool = True) -> Unit:
    """Create a unit under `parent`, with its level's standard bodies unless told not to."""
    level = UnitLevel(level)
    _check_parent(level, parent)
    _check_code_free(code)
    unit = Unit(level=level, parent=parent, code=code or None)
    unit.set_name(name.strip())
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    record(unit, actor, "created", {"name": [None, unit.name], "level": [None, level]})
    if standard_bodies:
        for kind, body_name, short in TEMPLATES[level.value]:
            db.session.add(Body(unit=unit, kind=kind, name=body_name, short_name=short))
        db.session.flush()
    return unit


def update_unit(actor, unit: Unit, *, name: str, code: str | None) -> Unit:
    _check_code_free(code, unit.id)
    changes = apply_changes(unit, {"name": name.strip(), "code": code or None})
    unit.set_name(unit.name)
    if changes:
        record(unit, actor, "updated", changes)
    return unit


def _repath(unit: Unit, new_prefix: str) -> None:
    """Rewrite the materialised paths of `unit`'s subtree after it moved."""
    old = unit.path
    db.session.execute(
        sa.update(Unit)
        .where(Unit.path.startswith(old, autoescape=True))
        .values(path=sa.func.replace(Unit.path, old, new_prefix))
        .execution_options(synchronize_session="fetch")
    )


def merge_units(actor, source: Unit, target: Unit, note: str | None = None) -> UnitMerge:
    """Merge `source` into `target`: its villages, bodies, people, meetings and tasks move to `target`.

    The source stays, archived and pointing at the target, so old records still read its name.
    """
    from ntm_tasks.assignments.models import Task
    from ntm_tasks.meetings.models import Meeting

    if source.id == target.id:
        raise Invalid(_("Không thể sáp nhập một đơn vị vào chính nó."), {"target_id": _("Phải khác đơn vị nguồn.")})
    if source.is_archived or target.is_archived:
        raise Invalid(_("Đơn vị đã được lưu trữ."), {"target_id": _("Đơn vị đã lưu trữ hoặc sáp nhập.")})
    if source.level != target.level:
        raise Invalid(_("Chỉ sáp nhập hai đơn vị cùng cấp."), {"target_id": _("Phải cùng cấp với đơn vị nguồn.")})
    if target.path.startswith(source.path):
        raise Invalid(_("Không thể sáp nhập vào đơn vị cấp dưới."), {"target_id": _("Nằm trong đơn vị nguồn.")})
    for child in db.session.scalars(sa.select(Unit).where(Unit.parent_id == source.id)).all():
        child.parent_id = target.id
        _repath(child, f"{target.path}{child.id}/")
    moved = {}
    for model in (Body, User, Meeting):
        result = db.session.execute(sa.update(model).where(model.unit_id == source.id).values(unit_id=target.id))
        moved[model.__tablename__] = result.rowcount
    db.session.execute(sa.update(Task).where(Task.unit_id == source.id).values(unit_id=target.id))
    db.session.execute(sa.update(Task).where(Task.lead_unit_id == source.id).values(lead_unit_id=target.id))
    source.is_archived = True
    source.merged_into_id = target.id
    merge = UnitMerge(source_unit=source, target_unit=target, merged_by_id=actor.id if actor else None, note=note)
    db.session.add(merge)
    record(source, actor, "merged", {"merged_into_id": [None, target.id]}, note)
    record(target, actor, "absorbed", {"absorbed_unit_id": [None, source.id], **{k: [0, v] for k, v in moved.items()}},
           note)
    db.session.flush()
    db.session.expire_all()
    return merge


def create_body(actor, *, unit: Unit, name: str, kind: str, short_name: str | None = None) -> Body:
    if unit.is_archived:
        raise Invalid(_("Đơn vị đã được lưu trữ."), {"unit_id": _("Đơn vị đã lưu trữ hoặc sáp nhập.")})
    body = Body(unit=unit, name=name.strip(), kind=BodyKind(kind), short_name=(short_name or None))
    db.session.add(body)
    db.session.flush()
    record(body, actor, "created", {"name": [None, body.name], "kind": [None, body.kind]})
    return body


def update_body(actor, body: Body, *, name: str, kind: str, short_name: str | None, is_archived: bool) -> Body:
    changes = apply_changes(
        body, {"name": name.strip(), "kind": BodyKind(kind), "short_name": short_name or None, "is_archived": is_archived}
    )
    if changes:
        record(body, actor, "updated", changes)
    return body


def check_password_rules(password: str, field: str = "password", username: str | None = None) -> None:
    """At least 8 characters, at least 3 different ones, and not the account's name."""
    if len(password or "") < MIN_PASSWORD_LENGTH or len(set(password)) < 3:
        raise Invalid(_("Mật khẩu quá yếu."), {field: _("Ít nhất 8 ký tự, không lặp một ký tự.")})
    if username and username.strip().lower() in password.lower():
        raise Invalid(_("Mật khẩu quá yếu."), {field: _("Không được chứa tên đăng nhập.")})


def _resolve_bodies(body_ids: list[int], unit: Unit | None) -> list[Body]:
    """The bodies a user of `unit` speaks for: its own or those of the units below it (a commune's focal person for
    a village), never a body elsewhere, whose tasks the account would then see and act on outside its scope."""
    bodies = list(db.session.scalars(sa.select(Body).where(Body.id.in_(body_ids)))) if body_ids else []
    missing = set(body_ids) - {b.id for b in bodies}
    if missing:
        raise Invalid(_("Cơ quan không tồn tại."), {"body_ids": _("Không có cơ quan %(ids)s.", ids=sorted(missing))})
    outside = sorted(b.id for b in bodies if unit is not None and not b.unit.path.startswith(unit.path))
    if outside:
        raise Invalid(_("Cơ quan không thuộc đơn vị của tài khoản."),
                      {"body_ids": _("Cơ quan %(ids)s không thuộc đơn vị này hay đơn vị cấp dưới.", ids=outside)})
    return bodies


def create_user(actor, *, username: str, password: str, role: str, full_name: str = "", unit: Unit | None = None,
                body_ids: list[int] | None = None, email: str | None = None, check_rules: bool = True) -> User:
    """Create an account; the unit must be set for every role but admin."""
    username = (username or "").strip()
    if not username:
        raise Invalid(_("Thiếu tên đăng nhập."), {"username": _("Bắt buộc.")})
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        raise Invalid(_("Tên đăng nhập đã tồn tại."), {"username": _("Đã được dùng.")})
    role = Role(role)
    if unit is None and role not in (Role.ADMIN, Role.VIEWER):
        raise Invalid(_("Tài khoản này cần một đơn vị."), {"unit_id": _("Bắt buộc với vai trò này.")})
    if check_rules:
        check_password_rules(password, username=username)
    bodies = _resolve_bodies(body_ids or [], unit)
    user = User(username=username, full_name=(full_name or "").strip(), role=role, unit=unit, email=email or None,
                calendar_token=secrets.token_urlsafe(24))
    user.set_password(password)
    user.bodies = bodies
    db.session.add(user)
    db.session.flush()
    record(user, actor, "created", {"username": [None, username], "role": [None, role]})
    return user


def update_user(actor, user: User, *, full_name: str, role: str, unit: Unit | None, body_ids: list[int],
                email: str | None, is_active: bool) -> User:
    role = Role(role)
    if unit is None and role not in (Role.ADMIN, Role.VIEWER):
        raise Invalid(_("Tài khoản này cần một đơn vị."), {"unit_id": _("Bắt buộc với vai trò này.")})
    changes = apply_changes(user, {
        "full_name": full_name.strip(), "role": role, "unit_id": unit.id if unit else None,
        "email": email or None, "is_active_account": is_active,
    })
    bodies = _resolve_bodies(body_ids, unit)
    if {b.id for b in bodies} != set(user.body_ids):
        changes["body_ids"] = [user.body_ids, [b.id for b in bodies]]
        user.bodies = bodies
    if changes:
        record(user, actor, "updated", changes)
    return user


def change_password(actor, user: User, new_password: str) -> None:
    """Set a new password; every other session and API token of the user ends."""
    from ntm_tasks.auth.tokens import revoke_all_tokens

    check_password_rules(new_password, "new_password", user.username)
    user.set_password(new_password)
    user.session_epoch += 1
    revoke_all_tokens(user)
    record(user, actor, "password_changed")


def units_in_tree(root: Unit | None) -> list[Unit]:
    """Active units of a subtree (or the whole tree), parents before children."""
    return list(db.session.scalars(_tree_query(root, Unit)))


def unit_rows_in_tree(root: Unit | None, villages_within: str | None = "/") -> list:
    """The same units as (id, name, level, path) rows, villages only those whose path starts with
    `villages_within` (None: no village): a province's pickers would list a thousand, and loading each as an
    object costs more than the rest of the page's queries."""
    query = _tree_query(root, Unit.id, Unit.name, Unit.level, Unit.path)
    not_village = Unit.level != UnitLevel.VILLAGE
    if villages_within is None:
        query = query.where(not_village)
    elif villages_within != "/":
        query = query.where(sa.or_(not_village, Unit.path.startswith(villages_within, autoescape=True)))
    return plain_rows(query)


def _tree_query(root: Unit | None, *columns) -> sa.Select:
    query = sa.select(*columns).where(Unit.is_archived.is_(False))
    if root is not None:
        query = query.where(Unit.path.startswith(root.path, autoescape=True))
    return query.order_by(Unit.path)
