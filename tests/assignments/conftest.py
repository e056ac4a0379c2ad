"""A commune with its people, for the assignments tests: each test gets its own."""
from dataclasses import dataclass

import pytest


@dataclass
class World:
    province: object
    commune: object
    village: object
    other: object  # another commune of the same province
    ubnd: object  # the lead body of most tests
    party: object  # a coordinating body
    women: object  # a body nobody in the tests coordinates
    village_head: object
    other_ubnd: object
    secretary: object
    chair: object
    lead: object  # assignee of ubnd
    coord: object  # assignee of party
    bystander: object  # assignee of women: same commune, not involved
    viewer: object  # province level
    other_chair: object
    other_assignee: object

    def users(self) -> dict:
        names = ("secretary", "chair", "lead", "coord", "bystander", "viewer", "other_chair", "other_assignee")
        return {name: getattr(self, name) for name in names}


@pytest.fixture
def world(make) -> World:
    province = make.unit(level="province")
    commune = make.unit(parent=province)
    village = make.unit(level="village", parent=commune)
    other = make.unit(parent=province)
    ubnd, party = make.body(commune, "peoples_committee"), make.body(commune, "party_committee")
    women = make.body(commune, "mass_organization")
    village_head = make.body(village, "village_head")
    other_ubnd = make.body(other, "peoples_committee")
    return World(
        province=province, commune=commune, village=village, other=other, ubnd=ubnd, party=party, women=women,
        village_head=village_head, other_ubnd=other_ubnd,
        secretary=make.user("secretary", commune), chair=make.user("chair", commune),
        lead=make.user("assignee", commune, [ubnd]), coord=make.user("assignee", commune, [party]),
        bystander=make.user("assignee", commune, [women]), viewer=make.user("viewer", province),
        other_chair=make.user("chair", other), other_assignee=make.user("assignee", other, [other_ubnd]),
    )



@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    """Full-strength hashing would cost most of these tests' time, and they are not about passwords."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr("ntm_tasks.org.models.generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"))
