import pytest
import sqlalchemy as sa

from ntm_tasks.audit import history_of
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.org import services
from ntm_tasks.org.models import Body, BodyKind, Unit, UnitMerge, User
from ntm_tasks.org.standard_bodies import TEMPLATES


def test_new_commune_gets_standard_bodies_and_path(make):
    province = make.unit("Thanh Hóa", level="province")
    commune = make.unit("Hoằng Trung", parent=province)
    kinds = {b.kind for b in commune.bodies}
    assert BodyKind.PARTY_COMMITTEE in kinds and BodyKind.PEOPLES_COMMITTEE in kinds
    assert len(commune.bodies) == len(TEMPLATES["commune"])
    assert commune.path == f"/{province.id}/{commune.id}/"
    assert commune.name_folded == "hoang trung"


def test_district_and_province_get_a_coordination_office(make):
    province = make.unit(level="province")
    district = make.unit(level="district", parent=province)
    for unit in (province, district):
        assert any(b.kind == BodyKind.COORDINATION_OFFICE for b in unit.bodies)


def test_unit_without_standard_bodies(make):
    commune = make.unit(standard_bodies=False)
    assert commune.bodies == []


def test_tree_has_no_fixed_depth_old_and_new_layouts(make):
    province = make.unit(level="province")
    district = make.unit(level="district", parent=province)
    old_commune = make.unit(parent=district)
    new_commune = make.unit(parent=province)
    village = make.unit(level="village", parent=old_commune)
    assert village.path.startswith(district.path)
    assert new_commune.parent_id == province.id


@pytest.mark.parametrize("level,parent_level", [("commune", "village"), ("province", "province"), ("district", "commune")])
def test_parent_must_be_a_higher_level(make, level, parent_level):
    parent = make.unit(level=parent_level) if parent_level != "village" else make.unit(level="village", parent=make.unit())
    with pytest.raises(Invalid) as err:
        services.create_unit(None, name="X", level=level, parent=parent)
    assert "parent_id" in err.value.fields


def test_non_province_needs_a_parent(app):
    with pytest.raises(Invalid) as err:
        services.create_unit(None, name="X", level="commune", parent=None)
    assert "parent_id" in err.value.fields


def test_duplicate_code_refused(make):
    province = make.unit(level="province")
    services.create_unit(None, name="A", level="commune", parent=province, code="C1")
    with pytest.raises(Invalid) as err:
        services.create_unit(None, name="B", level="commune", parent=province, code="C1")
    assert "code" in err.value.fields


def test_merge_moves_everything_and_keeps_the_record(make):
    province = make.unit(level="province")
    old = make.unit("Hoằng Lộc", parent=province)
    new = make.unit("Hoằng Trung", parent=province)
    village = make.unit("Đông Hải", level="village", parent=old)
    old_ubnd = make.body(old, "peoples_committee")
    person = make.user("assignee", old, [old_ubnd])
    meeting = make.meeting(old)
    task = make.task(old_ubnd, meeting)
    admin = make.user("admin")

    services.merge_units(admin, old, new, "Nghị quyết 1686/NQ-UBTVQH15")
    db.session.commit()

    assert db.session.get(Unit, village.id).parent_id == new.id
    assert db.session.get(Unit, village.id).path == f"{new.path}{village.id}/"
    assert db.session.get(Body, old_ubnd.id).unit_id == new.id
    assert db.session.get(User, person.id).unit_id == new.id
    assert meeting.unit_id == new.id and task.unit_id == new.id and task.lead_unit_id == new.id
    source = db.session.get(Unit, old.id)
    assert source.is_archived and source.merged_into_id == new.id
    merge = db.session.scalar(sa.select(UnitMerge))
    assert (merge.source_unit_id, merge.target_unit_id) == (old.id, new.id)
    assert [e.action for e in history_of(source)][-1] == "merged"


def test_merge_refuses_different_levels_and_self(make):
    province = make.unit(level="province")
    commune = make.unit(parent=province)
    village = make.unit(level="village", parent=commune)
    with pytest.raises(Invalid):
        services.merge_units(None, commune, commune)
    with pytest.raises(Invalid):
        services.merge_units(None, village, commune)


def test_create_user_rules(make):
    commune = make.unit()
    make.user("chair", commune, username="chair1")
    with pytest.raises(Invalid) as err:
        services.create_user(None, username="CHAIR1", password="long-enough-1", role="chair", unit=commune)
    assert "username" in err.value.fields
    with pytest.raises(Invalid) as err:
        services.create_user(None, username="x", password="short", role="chair", unit=commune)
    assert "password" in err.value.fields
    with pytest.raises(Invalid) as err:
        services.create_user(None, username="y", password="long-enough-1", role="secretary", unit=None)
    assert "unit_id" in err.value.fields
    with pytest.raises(Invalid) as err:
        services.create_user(None, username="z", password="long-enough-1", role="assignee", unit=commune,
                             body_ids=[999999])
    assert "body_ids" in err.value.fields


def test_password_is_hashed(make):
    user = make.user("chair", make.unit())
    assert make.PASSWORD not in user.password_hash
    assert user.check_password(make.PASSWORD) and not user.check_password("wrong")
