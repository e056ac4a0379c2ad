"""The overdue report of the API and the monthly report (Excel read back with openpyxl, CSV) on the known set."""
import csv
import io

import openpyxl
import pytest

from tests.oversight.conftest import (AS_OF, COMMUNE_TOTALS, PARTY_COUNTS, PROVINCE_TOTALS, UBND_COUNTS,
                                      VILLAGE_COUNTS)


def _counts(row):
    return {k: row[k] for k in UBND_COUNTS}


def test_overdue_report_of_the_commune(api, make, world):
    chair = api(make.user("chair", world.commune))
    response = chair.get(f"/reports/overdue?unit_id={world.commune.id}")
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["as_of"] == AS_OF.isoformat()
    assert report["totals"] == COMMUNE_TOTALS
    by_body = {row["body"]["id"]: row for row in report["by_body"]}
    assert set(by_body) == {world.ubnd.id, world.party.id, world.village_head.id}
    assert by_body[world.ubnd.id]["body"] == {"id": world.ubnd.id, "name": world.ubnd.name}
    assert _counts(by_body[world.ubnd.id]) == UBND_COUNTS
    assert _counts(by_body[world.party.id]) == PARTY_COUNTS
    assert _counts(by_body[world.village_head.id]) == VILLAGE_COUNTS
    # most overdue first (one each here), then in the order of the tree: the commune's bodies before the village's
    assert [row["body"]["id"] for row in report["by_body"]] == sorted([world.party.id, world.ubnd.id]) + [
        world.village_head.id]
    t = world.tasks
    overdue = report["overdue"]
    assert [task["id"] for task in overdue] == [t["overdue_old"].id, t["overdue"].id, t["village"].id]
    assert [task["overdue_days"] for task in overdue] == [30, 10, 5]
    first = overdue[0]
    assert first["status_category"] == "in_progress_overdue" and first["lead_body"]["id"] == world.ubnd.id
    assert {"id", "meeting_id", "title", "lead_body", "due_date", "original_due_date", "status", "progress",
            "status_category", "overdue_days", "version"} <= set(first)
    assert first["due_date"] == "2026-05-16"


def test_overdue_report_as_of_another_date(api, make, world):
    chair = api(make.user("chair", world.commune))
    report = chair.get(f"/reports/overdue?unit_id={world.commune.id}&as_of=2026-06-06").get_json()
    # on 6 June the extended task (due 25/6 now) and the village task (due 10/6) were still in time
    assert report["as_of"] == "2026-06-06"
    assert report["totals"]["in_progress_overdue"] == 2
    assert [task["overdue_days"] for task in report["overdue"]] == [21, 1]


def test_province_report_covers_every_commune_but_not_other_provinces(api, make, world):
    viewer = api(make.user("viewer", world.province))
    report = viewer.get(f"/reports/overdue?unit_id={world.province.id}").get_json()
    assert report["totals"] == PROVINCE_TOTALS
    assert world.tasks["elsewhere"].id not in [t["id"] for t in report["overdue"]]
    default = viewer.get("/reports/overdue").get_json()  # without unit_id: the caller's unit
    assert default["totals"] == PROVINCE_TOTALS
    assert viewer.get(f"/reports/overdue?unit_id={world.commune2.id}").get_json()["totals"]["total"] == 1
    assert viewer.get(f"/reports/overdue?unit_id={world.other_province.id}").status_code == 404
    assert viewer.get(f"/reports/overdue?unit_id={world.other_commune.id}").status_code == 404
    empty = viewer.get(f"/reports/overdue?unit_id={make.unit(parent=world.province).id}").get_json()
    assert empty["by_body"] == [] and empty["overdue"] == [] and set(empty["totals"].values()) == {0}


def test_report_refusals(api, make, world):
    chair = api(make.user("chair", world.commune))
    assert chair.get(f"/reports/overdue?unit_id={world.province.id}").status_code == 404  # above the chair
    assert chair.get("/reports/overdue?unit_id=999999").status_code == 404
    bad = chair.get(f"/reports/overdue?unit_id={world.commune.id}&as_of=15/06/2026")
    assert bad.status_code == 422 and "as_of" in bad.get_json()["error"]["fields"]
    assignee = api(make.user("assignee", world.commune, [world.ubnd]))
    assert assignee.get(f"/reports/overdue?unit_id={world.commune.id}").status_code == 403


# --- the monthly report ---------------------------------------------------------------------------

JUNE_GROUPS = {"completed_on_time": ["Hoàn thành đúng hạn"], "completed_late": [],
               "in_progress_on_time": ["Chậm tiến độ", "Chờ duyệt", "Đã gia hạn", "Đang làm trong hạn",
                                       "Sắp đến hạn", "Thường xuyên"],
               "in_progress_overdue": ["Quá hạn ba mươi ngày", "Quá hạn mười ngày", "Việc của thôn"]}
JUNE_GROUPS = {key: sorted(titles) for key, titles in JUNE_GROUPS.items()}


def _workbook_rows(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_monthly_workbook_reads_back(api, make, world):
    viewer = api(make.user("viewer", world.province))
    response = viewer.get(f"/reports/monthly.xlsx?unit_id={world.commune.id}&month=2026-06")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _workbook_rows(response.data)
    flat = [str(v) for row in rows for v in row if v is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert "UBND XÃ HOẰNG TRUNG" in flat
    assert any(v.startswith("Số:") for v in flat)
    assert "Hoằng Trung, ngày 15 tháng 06 năm 2026" in flat
    assert "BÁO CÁO" in flat
    assert any("Tiến độ thực hiện nhiệm vụ" in v and "tháng 6/2026" in v for v in flat)
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header] == ["STT", "Đơn vị", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Nhóm trạng thái",
                            "Tiến độ (%)", "Ghi chú"]
    groups, current, numbers, total_row = {}, None, [], None
    labels = {"I": "completed_on_time", "II": "completed_late", "III": "in_progress_on_time",
              "IV": "in_progress_overdue"}
    for row in rows[header + 1:]:
        if row[0] in labels:
            current = labels[row[0]]
            groups[current] = {"heading": row[1], "titles": []}
        elif row[0] == "Tổng cộng":
            total_row = row
            break
        elif isinstance(row[0], int):
            numbers.append(row[0])
            groups[current]["titles"].append(row[2])
            if row[2] == "Quá hạn mười ngày":
                assert row[1] == "Xã Hoằng Trung" and row[3] == world.party.name
                assert row[4].date().isoformat() == "2026-06-05" and row[5] == "Đang thực hiện quá hạn"
                assert row[6] == 0 and row[7] == "Quá hạn 10 ngày"
            if row[2] == "Đã gia hạn":
                assert "Đã gia hạn từ 10/06/2026" in row[7] and row[6] == 60
            if row[2] == "Thường xuyên":
                assert row[4] == "Không thời hạn"
            if row[2] == "Việc của thôn":
                assert row[1] == "Thôn Đông Hải"
    assert {k: sorted(v["titles"]) for k, v in groups.items()} == JUNE_GROUPS
    assert groups["in_progress_overdue"]["heading"] == "Đang thực hiện quá hạn: 3 nhiệm vụ"
    assert groups["completed_late"]["heading"] == "Hoàn thành quá hạn: 0 nhiệm vụ"
    assert numbers == list(range(1, 11))
    assert total_row[6] == 10
    summary = {row[0]: row[6] for row in rows if row[0] and row[6] is not None and isinstance(row[6], int)}
    assert summary["Tổng số nhiệm vụ"] == 10
    assert summary["Hoàn thành đúng hạn"] == 1 and summary["Hoàn thành quá hạn"] == 0
    assert summary["Đang thực hiện trong hạn"] == 6 and summary["Đang thực hiện quá hạn"] == 3
    assert summary["Trong đó: sắp đến hạn (trong 3 ngày)"] == 1 and summary["Trong đó: không thời hạn"] == 1


def test_monthly_csv_has_the_same_rows(api, make, world):
    chair = api(make.user("chair", world.commune))
    response = chair.get(f"/reports/monthly.csv?unit_id={world.commune.id}&month=2026-06")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 10
    by_group = {}
    for row in rows:
        by_group.setdefault(row["Mã nhóm"], []).append(row["Nhiệm vụ"])
    assert {k: sorted(v) for k, v in by_group.items()} == {k: v for k, v in JUNE_GROUPS.items() if v}
    row = next(r for r in rows if r["Nhiệm vụ"] == "Quá hạn ba mươi ngày")
    assert row["Thời hạn"] == "16/05/2026" and row["Nhóm trạng thái"] == "Đang thực hiện quá hạn"
    assert row["Cơ quan chủ trì"] == world.ubnd.name and row["Tiến độ (%)"] == "30"
    assert row["Ghi chú"] == "Quá hạn 30 ngày" and row["Mã nhiệm vụ"] == str(world.tasks["overdue_old"].id)


def test_monthly_report_of_may_keeps_what_was_open_then(make, world):
    from ntm_tasks.oversight.reports import monthly_csv

    rows = list(csv.DictReader(io.StringIO(monthly_csv(world.commune.id, "2026-05").lstrip("\ufeff"))))
    titles = {r["Nhiệm vụ"]: r["Mã nhóm"] for r in rows}
    # "Đang làm trong hạn" was assigned on 1 June; everything else was open (or due) in May
    assert "Đang làm trong hạn" not in titles
    assert titles["Hoàn thành quá hạn"] == "completed_late"
    assert titles["Quá hạn ba mươi ngày"] == "in_progress_overdue"  # due 16/5, open on 31/5
    assert titles["Quá hạn mười ngày"] == "in_progress_on_time"  # due 5/6: still in time on 31/5
    assert len(rows) == 10


@pytest.mark.parametrize("month", ["2026-13", "2026-6", "june", "", "2026-00"])
def test_bad_month_is_422(api, make, world, month):
    chair = api(make.user("chair", world.commune))
    for fmt in ("xlsx", "csv"):
        response = chair.get(f"/reports/monthly.{fmt}?unit_id={world.commune.id}&month={month}")
        assert response.status_code == 422 and "month" in response.get_json()["error"]["fields"]


def test_monthly_report_refusals(api, make, world):
    chair = api(make.user("chair", world.commune))
    assert chair.get(f"/reports/monthly.xlsx?unit_id={world.other_commune.id}&month=2026-06").status_code == 404
    assert chair.get("/reports/monthly.csv?month=2026-06").status_code == 200  # the caller's own unit
    assert chair.get(f"/reports/monthly.csv?unit_id={world.commune.id}").status_code == 422  # month missing


def test_job_functions_take_ids(app, world):
    """The plain functions the export jobs call."""
    from ntm_tasks.oversight.reports import monthly_csv, monthly_workbook

    assert monthly_workbook(world.commune.id, "2026-06")[:2] == b"PK"
    assert monthly_csv(world.province.id, "2026-06").count("\r\n") == 12  # header + 11 rows (C2's task too)
