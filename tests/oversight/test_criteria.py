"""Criteria sets shipped as data, provincial sets, assessments and the "x/10, y/47" summary as of a date."""
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.oversight import criteria
from ntm_tasks.oversight.models import CriteriaSet, Criterion

SET = "ntm-xa-2026"


def test_national_sets_as_api_md_shows_them(api, make):
    chair = api(make.user("chair", make.unit()))
    response = chair.get("/criteria-sets")
    assert response.status_code == 200
    sets = {s["code"]: s for s in response.get_json()["items"]}
    assert {"ntm-xa-2026", "ntm-xa-2021", "ntm-nc-2021", "ntm-km-2021"} <= set(sets)
    current = sets[SET]
    assert current["in_force_from"] == "2026-02-15" and "51/2025/QĐ-TTg" in current["decision"]
    assert len(current["criteria"]) == 10
    assert sum(len(c["indicators"]) for c in current["criteria"]) == 47
    third = current["criteria"][2]
    assert third["code"] == "ntm-xa-2026.03" and third["name"] == "Phát triển kinh tế nông thôn"
    assert third["indicators"][1]["code"] == "ntm-xa-2026.03.2"
    assert set(third["indicators"][0]) >= {"code", "name"}
    assert third["indicators"][0]["thresholds"] == {"1": "≥ 85", "2": "≥ 75", "3": "≥ 65"}
    old = sets["ntm-xa-2021"]
    assert len(old["criteria"]) == 19 and sum(len(c["indicators"]) for c in old["criteria"]) == 57
    assert [c["name"] for c in old["criteria"]][:3] == ["Quy hoạch", "Giao thông", "Thủy lợi và phòng, chống thiên tai"]
    assert len(sets["ntm-nc-2021"]["criteria"]) == 19
    assert sets["ntm-nc-2021"]["criteria"][14]["name"] == "Hành chính công"
    codes = [c["code"] for s in sets.values() for c in s["criteria"]]
    codes += [i["code"] for s in sets.values() for c in s["criteria"] for i in c["indicators"]]
    assert len(codes) == len(set(codes))


def test_loading_is_idempotent(app):
    assert criteria.load_national_sets() == 4
    db.session.commit()
    assert criteria.load_national_sets() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == 10 + 47 + 19 + 57 + 19 + 4
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ntm", "load-criteria"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_a_new_data_revision_updates_names_and_keeps_assessments(app, make, monkeypatch):
    criteria.load_national_sets()
    unit, chair = make.unit(), None
    chair = make.user("chair", unit)
    criteria.record_assessment(chair, unit, criterion_code=f"{SET}.01", met=True, as_of=date(2026, 3, 1))
    shipped = [dict(d) for d in criteria.shipped_sets()]
    changed = next(d for d in shipped if d["code"] == SET)
    changed["revision"] += 1
    changed["criteria"] = [dict(c) for c in changed["criteria"]]
    changed["criteria"][0]["name"] = "Quy hoạch (sửa đổi)"
    monkeypatch.setattr(criteria, "shipped_sets", lambda: tuple(shipped))
    assert criteria.load_national_sets() == 1
    assert db.session.scalar(sa.select(Criterion.name).where(Criterion.code == f"{SET}.01")) == "Quy hoạch (sửa đổi)"
    assert criteria.summary(unit, db.session.scalar(sa.select(CriteriaSet).where(CriteriaSet.code == SET)),
                            date(2026, 3, 1))["criteria_met"] == 1


def test_summary_follows_the_assessments_as_of_a_date(api, make):
    province = make.unit(level="province")
    commune = make.unit(parent=province)
    chair = api(make.user("chair", commune))
    viewer = api(make.user("viewer", province))

    def assess(code, met, on, note=None):
        response = chair.post(f"/units/{commune.id}/assessments",
                              {"criterion_code": code, "met": met, "as_of": on, "note": note})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    first = assess(f"{SET}.01", True, "2026-03-01", "Đã phê duyệt quy hoạch")
    assert first["criterion_code"] == f"{SET}.01" and first["met"] is True and first["as_of"] == "2026-03-01"
    assert first["unit_id"] == commune.id and first["note"] == "Đã phê duyệt quy hoạch"
    assess(f"{SET}.02", True, "2026-03-01")
    assess(f"{SET}.02", False, "2026-05-01")   # lost again in May
    assess(f"{SET}.03", True, "2026-04-15")
    assess(f"{SET}.02.1", True, "2026-03-01")
    assess(f"{SET}.02.2", True, "2026-03-01")
    assess(f"{SET}.03.1", False, "2026-03-01")
    assess(f"{SET}.03.1", True, "2026-06-01")

    def summary(as_of):
        response = viewer.get(f"/units/{commune.id}/criteria-summary?set={SET}&as_of={as_of}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    before = summary("2026-02-28")
    assert {k: before[k] for k in ("criteria_met", "criteria_total", "indicators_met", "indicators_total")} == {
        "criteria_met": 0, "criteria_total": 10, "indicators_met": 0, "indicators_total": 47}
    assert before["unmet"] == [f"{SET}.{n:02d}" for n in range(1, 11)]
    march = summary("2026-03-01")
    assert march["criteria_met"] == 2 and march["indicators_met"] == 2
    assert march["unmet"] == [f"{SET}.{n:02d}" for n in range(3, 11)]
    april = summary("2026-04-30")
    assert april["criteria_met"] == 3 and april["indicators_met"] == 2
    may = summary("2026-05-01")
    assert may["criteria_met"] == 2 and f"{SET}.02" in may["unmet"] and f"{SET}.03" not in may["unmet"]
    june = summary("2026-06-30")
    assert june["criteria_met"] == 2 and june["indicators_met"] == 3
    listed = viewer.get(f"/units/{commune.id}/assessments?criterion_code={SET}.02").get_json()
    assert listed["total"] == 2 and [a["as_of"] for a in listed["items"]] == ["2026-05-01", "2026-03-01"]
    assert viewer.get(f"/units/{commune.id}/assessments?set={SET}").get_json()["total"] == 8


def test_summary_defaults_and_errors(api, make, app):
    app.config["NTM_TODAY"] = "2026-06-15"
    commune = make.unit()
    chair = api(make.user("chair", commune))
    assert chair.post(f"/units/{commune.id}/assessments", {"criterion_code": "ntm-xa-2021.05", "met": True}
                      ).status_code == 201  # as_of defaults to today
    default = chair.get(f"/units/{commune.id}/criteria-summary").get_json()
    assert default["set"] == SET and default["as_of"] == "2026-06-15" and default["criteria_total"] == 10
    old = chair.get(f"/units/{commune.id}/criteria-summary?set=ntm-xa-2021").get_json()
    assert old["criteria_met"] == 1 and old["criteria_total"] == 19 and old["indicators_total"] == 57
    # before the 2026 set came into force, the 2021 set is the one in force
    assert chair.get(f"/units/{commune.id}/criteria-summary?as_of=2025-01-01").get_json()["set"] == "ntm-xa-2021"
    unknown = chair.get(f"/units/{commune.id}/criteria-summary?set=nope")
    assert unknown.status_code == 422 and "set" in unknown.get_json()["error"]["fields"]
    bad = chair.post(f"/units/{commune.id}/assessments", {"criterion_code": "nope", "met": True})
    assert bad.status_code == 422 and "criterion_code" in bad.get_json()["error"]["fields"]
    missing = chair.post(f"/units/{commune.id}/assessments", {"criterion_code": f"{SET}.01"})
    assert missing.status_code == 422 and "met" in missing.get_json()["error"]["fields"]
    bad_date = chair.post(f"/units/{commune.id}/assessments", {"criterion_code": f"{SET}.01", "met": True,
                                                              "as_of": "31/12/2026"})
    assert bad_date.status_code == 422 and "as_of" in bad_date.get_json()["error"]["fields"]


def test_who_may_assess(api, make):
    province = make.unit(level="province")
    commune = make.unit(parent=province)
    elsewhere = make.unit()
    body = make.body(commune)
    payload = {"criterion_code": f"{SET}.01", "met": True, "as_of": "2026-03-01"}
    assert api(make.user("secretary", commune)).post(f"/units/{commune.id}/assessments", payload).status_code == 201
    viewer = api(make.user("viewer", province))
    assert viewer.post(f"/units/{commune.id}/assessments", payload).status_code == 403
    assert viewer.get(f"/units/{commune.id}/criteria-summary").status_code == 200
    assert viewer.get(f"/units/{elsewhere.id}/criteria-summary").status_code == 404
    assert viewer.get(f"/units/{elsewhere.id}/assessments").status_code == 404
    assert viewer.post(f"/units/{elsewhere.id}/assessments", payload).status_code == 404
    assignee = api(make.user("assignee", commune, [body]))
    assert assignee.post(f"/units/{commune.id}/assessments", payload).status_code == 403
    assert assignee.get(f"/units/{commune.id}/criteria-summary").status_code == 403
    chair_elsewhere = api(make.user("chair", elsewhere))
    assert chair_elsewhere.post(f"/units/{commune.id}/assessments", payload).status_code == 404


def test_admins_add_provincial_sets(api, make):
    province = make.unit(level="province")
    commune = make.unit(parent=province)
    other = make.unit(level="province")
    payload = {"code": "thon-km-th-2026", "name": "Bộ tiêu chí thôn kiểu mẫu tỉnh Thanh Hóa", "kind": "model_village",
               "decision": "Quyết định số 12/2026/QĐ-UBND", "in_force_from": "2026-04-01",
               "province_unit_id": province.id,
               "criteria": [{"name": "Quy hoạch và hạ tầng", "indicators": [{"name": "Đường thôn"}, {"name": "Điện"}]},
                            {"name": "Kinh tế", "indicators": [{"name": "Thu nhập"}]},
                            {"code": "thon-km-th-2026.x", "name": "Môi trường"}]}
    assert api(make.user("chair", commune)).post("/criteria-sets", payload).status_code == 403
    admin = api(make.user("admin", province))
    response = admin.post("/criteria-sets", payload)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["code"] == "thon-km-th-2026" and created["province_unit_id"] == province.id
    assert [c["code"] for c in created["criteria"]] == ["thon-km-th-2026.01", "thon-km-th-2026.02",
                                                        "thon-km-th-2026.x"]
    assert [i["code"] for i in created["criteria"][0]["indicators"]] == ["thon-km-th-2026.01.1", "thon-km-th-2026.01.2"]
    again = admin.post("/criteria-sets", payload)
    assert again.status_code == 422 and "code" in again.get_json()["error"]["fields"]
    national = admin.post("/criteria-sets", {**payload, "code": "quoc-gia-x", "province_unit_id": None})
    assert national.status_code == 403  # a provincial admin adds no national set
    out_of_scope = admin.post("/criteria-sets", {**payload, "code": "khac", "province_unit_id": other.id})
    assert out_of_scope.status_code == 422 and "province_unit_id" in out_of_scope.get_json()["error"]["fields"]
    invalid = admin.post("/criteria-sets", {**payload, "code": "Có Dấu", "criteria": []})
    assert invalid.status_code == 422 and {"code", "criteria"} <= set(invalid.get_json()["error"]["fields"])
    # the province's people read it; another province's do not
    in_province = {s["code"] for s in api(make.user("chair", commune)).get("/criteria-sets").get_json()["items"]}
    assert "thon-km-th-2026" in in_province
    other_commune = make.unit(parent=other)
    other_chair = api(make.user("chair", other_commune))
    assert "thon-km-th-2026" not in {s["code"] for s in other_chair.get("/criteria-sets").get_json()["items"]}
    assessed = api(make.user("chair", commune)).post(f"/units/{commune.id}/assessments",
                                                     {"criterion_code": "thon-km-th-2026.x", "met": True})
    assert assessed.status_code == 201
    foreign = other_chair.post(f"/units/{other_commune.id}/assessments",
                               {"criterion_code": "thon-km-th-2026.x", "met": True})
    assert foreign.status_code == 422 and "criterion_code" in foreign.get_json()["error"]["fields"]


def test_criteria_pages(client, login, make, app):
    app.config["NTM_TODAY"] = "2026-06-15"
    from ntm_tasks.assignments.models import TaskCriterion
    from tests.conftest import csrf_token

    province = make.unit("Thanh Hóa", level="province")
    commune = make.unit("Hoằng Trung", parent=province)
    chair = make.user("chair", commune)
    body = make.body(commune)
    task = make.task(body, None, "in_progress", date(2026, 7, 1), title="Thu gom rác thải sinh hoạt")
    db.session.add(TaskCriterion(task_id=task.id, criterion_code=f"{SET}.08.2"))
    db.session.commit()
    criteria.load_national_sets()
    for n in (1, 2, 3):
        criteria.record_assessment(chair, commune, criterion_code=f"{SET}.{n:02d}", met=True, as_of=date(2025, 12, 1))
    db.session.commit()
    login(chair)
    page = client.get("/criteria").get_data(as_text=True)
    assert "3/10 tiêu chí" in page and "0/47 chỉ tiêu" in page
    detail = client.get(f"/criteria/units/{commune.id}?set={SET}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert "Thu gom rác thải sinh hoạt" in text  # the open task serving unmet criterion 8
    token = csrf_token(client, f"/criteria/units/{commune.id}")
    response = client.post(f"/criteria/units/{commune.id}/assessments?set={SET}", data={
        "csrf_token": token, "criterion_code": f"{SET}.08", "met": "1", "as_of": "2026-06-10",
        "note": "Đạt sau kiểm tra", "evidence": (io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert "4/10 tiêu chí" in client.get("/criteria").get_data(as_text=True)
    page = client.get(f"/criteria/units/{commune.id}").get_data(as_text=True)
    evidence = re.search(r'href="(/assessments/\d+/evidence)"', page).group(1)
    assert re.search(rf'/criteria/units/{commune.id}/trend\.svg\?[^"]*lang=vi"', page)  # a URL per language
    download = client.get(evidence)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    download.close()
    chart = client.get(f"/criteria/units/{commune.id}/trend.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert client.get("/criteria/sets").status_code == 200
    assert client.get("/criteria/sets/new").status_code == 403
    assert client.get(f"/criteria/units/{commune.id}?set=nope").status_code == 404


def test_admin_adds_a_set_from_the_page(client, login, make):
    from tests.conftest import csrf_token

    province = make.unit("Thanh Hóa", level="province")
    login(make.user("admin", province))
    token = csrf_token(client, "/criteria/sets/new")
    response = client.post("/criteria/sets/new", data={
        "csrf_token": token, "code": "thon-km-th", "name": "Thôn kiểu mẫu Thanh Hóa", "kind": "model_village",
        "province_unit_id": str(province.id), "criteria": "Hạ tầng\n- Đường thôn\n- Nhà văn hóa\nMôi trường\n"})
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.session.scalar(sa.select(CriteriaSet).where(CriteriaSet.code == "thon-km-th"))
    items, indicators = criteria.criteria_of(created)
    assert [c.name for c in items] == ["Hạ tầng", "Môi trường"]
    assert [i.name for i in indicators[items[0].id]] == ["Đường thôn", "Nhà văn hóa"]



def test_a_criterion_whose_indicators_are_all_met_is_met(api, make):
    """The newer word counts: every indicator assessed met makes the criterion met, until it is assessed unmet."""
    commune = make.unit()
    chair = api(make.user("chair", commune))
    codes = [i["code"] for c in chair.get("/criteria-sets").get_json()["items"] if c["code"] == SET
             for i in next(k for k in c["criteria"] if k["code"] == f"{SET}.04")["indicators"]]
    assert len(codes) >= 2

    def assess(code, met, on):
        assert chair.post(f"/units/{commune.id}/assessments",
                          {"criterion_code": code, "met": met, "as_of": on}).status_code == 201

    def unmet(as_of):
        return chair.get(f"/units/{commune.id}/criteria-summary?set={SET}&as_of={as_of}").get_json()["unmet"]

    for code in codes[:-1]:
        assess(code, True, "2026-03-01")
    assert f"{SET}.04" in unmet("2026-03-31")  # one indicator not yet assessed
    assess(codes[-1], True, "2026-04-01")
    assert f"{SET}.04" not in unmet("2026-04-01")
    assess(f"{SET}.04", False, "2026-05-01")  # the criterion's own, newer assessment
    assert f"{SET}.04" in unmet("2026-05-01")
    assess(codes[0], False, "2026-06-01")
    assess(codes[0], True, "2026-07-01")
    assert f"{SET}.04" not in unmet("2026-07-01")  # the indicators' word is newer again
