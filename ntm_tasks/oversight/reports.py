"""Reports for the level above: the overdue report of the API and the monthly progress report (Excel, CSV).

`monthly_workbook` and `monthly_csv` are plain functions of ids and strings, so background jobs can run them.
"""
import calendar
import csv
import functools
import io
import re
from dataclasses import dataclass
from datetime import date

import orjson
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ntm_tasks.assignments import categories
from ntm_tasks.assignments.models import StatusCategory, Task
from ntm_tasks.assignments.schemas import task_payloads
from ntm_tasks.db import json_array_agg, json_object, today
from ntm_tasks.errors import Invalid, NotFound
from ntm_tasks.extensions import db
from ntm_tasks.org.models import Body, BodyKind, Unit, UnitLevel
from ntm_tasks.oversight.dashboard import (COUNT_KEYS, body_figures, figure_params, rank_order, scope_ids,
                                          subtree_clause, within_scope)

GROUP_LABELS = {
    StatusCategory.COMPLETED_ON_TIME.value: "Hoàn thành đúng hạn",
    StatusCategory.COMPLETED_LATE.value: "Hoàn thành quá hạn",
    StatusCategory.IN_PROGRESS_ON_TIME.value: "Đang thực hiện trong hạn",
    StatusCategory.IN_PROGRESS_OVERDUE.value: "Đang thực hiện quá hạn",
}
GROUP_ORDER = list(GROUP_LABELS)
ROMAN = ("I", "II", "III", "IV")
LEVEL_WORDS = {UnitLevel.PROVINCE: "tỉnh", UnitLevel.DISTRICT: "huyện", UnitLevel.COMMUNE: "xã",
               UnitLevel.VILLAGE: "thôn"}


# --- the overdue report -----------------------------------------------------------------------------

# The most overdue tasks a report lists unless asked for more (`limit`, up to 5000; `overdue_total` counts them
# all): a province has some 13,000, and a thousand full tasks made the answer twice as slow as its queries.
OVERDUE_LIMIT = 200


def overdue_report(unit: Unit | None, as_of: date | None = None, limit: int = OVERDUE_LIMIT) -> dict:
    """Totals, figures per lead body and the open overdue tasks (most overdue first, at most `limit`) of the
    unit's subtree; `overdue_total` tells how many there are in all."""
    as_of = as_of or today()
    unit_ids = scope_ids(unit)
    report_totals, by_body = ranked_figures(unit_ids, as_of)
    overdue = db.session.scalars(
        sa.select(Task.id).where(within_scope(Task.lead_unit_id, unit_ids), categories.is_overdue(as_of))
        .order_by(Task.due_date, Task.id).limit(limit)).all()
    return {
        "as_of": as_of,
        "totals": report_totals,
        "by_body": by_body,
        "overdue": task_payloads(overdue, as_of),
        "overdue_total": report_totals["in_progress_overdue"],
    }


def ranked_figures(unit_ids: list[int] | None, as_of: date) -> tuple[dict[str, int], orjson.Fragment]:
    """The scope's seven totals, and its lead bodies' figures in dashboard.rank_order as the JSON array
    `by_body` ({"body": {"id", "name"}, ...the seven}). Both come from one statement and the database writes the
    array: at province scale it has thousands of rows, which cost Python more to build and encode than the
    database takes to count them."""
    by_body, *sums = db.session.execute(_ranked_statement(unit_ids is not None), figure_params(unit_ids, as_of)).one()
    return {key: int(total or 0) for key, total in zip(COUNT_KEYS, sums)}, orjson.Fragment(by_body)


@functools.cache
def _ranked_statement(scoped: bool) -> sa.Select:
    figures = body_figures(scoped)
    ranked = sa.select(figures).order_by(*rank_order(figures)).subquery("ranked")
    return sa.select(
        json_array_agg(json_object({"body": json_object({"id": ranked.c.body_id, "name": ranked.c.name}),
                                    **{key: ranked.c[key] for key in COUNT_KEYS}}), *rank_order(ranked)),
        *(sa.func.sum(ranked.c[key]) for key in COUNT_KEYS))


# --- the monthly report -----------------------------------------------------------------------------

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(month: str | None) -> tuple[date, date]:
    """"YYYY-MM" -> (first day, last day); Invalid naming `month` otherwise."""
    match = MONTH_RE.match(month or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:
        raise Invalid(_("Tháng không hợp lệ."), {"month": _("Phải có dạng YYYY-MM, ví dụ 2026-03.")})
    year, number = int(match.group(1)), int(match.group(2))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


@dataclass
class MonthlyRow:
    task: Task
    category: str
    note: str


@dataclass
class MonthlyReport:
    unit: Unit
    first: date
    last: date
    as_of: date
    groups: dict[str, list[MonthlyRow]]
    totals: dict[str, int]

    @property
    def month_label(self) -> str:
        return f"{self.first.month}/{self.first.year}"


def _note(task: Task, category: str, as_of: date) -> str:
    """The remark officials write beside a task."""
    notes = []
    if category == StatusCategory.IN_PROGRESS_OVERDUE.value:
        notes.append(f"Quá hạn {categories.overdue_days(task, as_of)} ngày")
    elif category == StatusCategory.IN_PROGRESS_ON_TIME.value:
        if task.due_date is None:
            notes.append("Không thời hạn")
        elif (task.due_date - as_of).days <= categories.DUE_SOON_DAYS:
            notes.append("Sắp đến hạn")
    elif category == StatusCategory.COMPLETED_LATE.value and task.submitted_on and task.due_date:
        notes.append(f"Chậm {(task.submitted_on - task.due_date).days} ngày")
    if task.original_due_date and task.due_date and task.due_date != task.original_due_date:
        notes.append(f"Đã gia hạn từ {task.original_due_date.strftime('%d/%m/%Y')}")
    if task.status.value == "submitted":
        notes.append("Chờ duyệt kết quả")
    return "; ".join(notes)


def monthly_report(unit: Unit, month: str, as_of: date | None = None) -> MonthlyReport:
    """The tasks of the unit's subtree that were open at some time in the month or due in it, by status group.

    A task was open in the month when it had been assigned by the month's end (or carries no assignment date)
    and was not completed before the month began. `as_of` is the day the report is drawn (default today); the
    groups are taken as of the month's last day, or as of that day for a month still running (the status is
    the task's current one: a report drawn later reads later results).
    """
    first, last = parse_month(month)
    as_of = min(last, as_of or today())
    category = categories.status_category(as_of)
    open_in_month = sa.and_(sa.or_(Task.assigned_on.is_(None), Task.assigned_on <= last),
                            sa.or_(Task.completed_on.is_(None), Task.completed_on >= first))
    due_in_month = Task.due_date.between(first, last)
    rows = db.session.execute(
        sa.select(Task, category.label("category"))
        .where(subtree_clause(unit), categories.counted(), sa.or_(open_in_month, due_in_month))
        .join(Unit, Unit.id == Task.lead_unit_id)
        .options(joinedload(Task.lead_body).joinedload(Body.unit))
        .order_by(Unit.path, Task.due_date.is_(None), Task.due_date, Task.id)
    ).unique().all()
    groups: dict[str, list[MonthlyRow]] = {key: [] for key in GROUP_ORDER}
    for task, group in rows:
        groups[group].append(MonthlyRow(task, group, _note(task, group, as_of)))
    report_totals = dict.fromkeys(COUNT_KEYS, 0)
    report_totals["total"] = sum(len(v) for v in groups.values())
    for key in GROUP_ORDER:
        report_totals[key] = len(groups[key])
    for row in groups[StatusCategory.IN_PROGRESS_ON_TIME.value]:
        if row.task.due_date is None:
            report_totals["no_deadline"] += 1
        elif (row.task.due_date - as_of).days <= categories.DUE_SOON_DAYS:
            report_totals["due_soon"] += 1
    return MonthlyReport(unit=unit, first=first, last=last, as_of=as_of, groups=groups, totals=report_totals)


def _load_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị."))
    return unit


def _issuer_lines(unit: Unit) -> tuple[str, str]:
    """The issuing body as the header of a document writes it, e.g. "UBND XÃ HOẰNG TRUNG" / "BAN CHỈ ĐẠO NTM"."""
    word = LEVEL_WORDS.get(unit.level, "")
    steering = db.session.scalar(sa.select(Body.name).where(Body.unit_id == unit.id,
                                                            Body.kind == BodyKind.STEERING_COMMITTEE).limit(1))
    upper = f"UBND {word} {unit.name}".upper().replace("  ", " ")
    return upper, (steering or "Ban chỉ đạo xây dựng nông thôn mới").upper()


CSV_HEADER = ["STT", "Đơn vị", "Mã nhiệm vụ", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Nhóm trạng thái",
              "Mã nhóm", "Tiến độ (%)", "Ghi chú"]


def unit_title(unit: Unit) -> str:
    """ "Xã Hoằng Trung": the report is Vietnamese whatever the reader's locale (jobs have no request)."""
    return f"{LEVEL_WORDS.get(unit.level, '').capitalize()} {unit.name}".strip()


def _row_cells(n: int, row: MonthlyRow) -> list:
    task = row.task
    return [n, unit_title(task.lead_body.unit), task.id, task.title, task.lead_body.name,
            task.due_date.strftime("%d/%m/%Y") if task.due_date else "Không thời hạn", GROUP_LABELS[row.category],
            row.category, task.progress, row.note]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value):
    """A cell a spreadsheet will not run: text starting like a formula ("=HYPERLINK(...)") gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def monthly_csv(unit_id: int, month: str, as_of: date | None = None) -> str:
    """The monthly report as CSV (UTF-8 with a byte-order mark so that Excel reads the diacritics)."""
    report = monthly_report(_load_unit(unit_id), month, as_of)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    n = 0
    for key in GROUP_ORDER:
        for row in report.groups[key]:
            n += 1
            writer.writerow([_csv_text(value) for value in _row_cells(n, row)])
    return out.getvalue()


def monthly_workbook(unit_id: int, month: str, as_of: date | None = None) -> bytes:
    """The monthly report as an Excel workbook laid out as a Vietnamese administrative report."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    unit = _load_unit(unit_id)
    report = monthly_report(unit, month, as_of)
    issued = as_of or today()
    wb = Workbook()
    ws = wb.active
    ws.title = f"Tháng {report.first.month}-{report.first.year}"
    widths = (6, 22, 48, 28, 13, 24, 10, 30)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold, italic = Font(name="Times New Roman", bold=True, size=12), Font(name="Times New Roman", italic=True, size=12)
    plain = Font(name="Times New Roman", size=12)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def put(cell_range: str, value, font=plain, align=center):
        first_cell = cell_range.split(":")[0]
        if ":" in cell_range:
            ws.merge_cells(cell_range)
        ws[first_cell] = value
        ws[first_cell].font = font
        ws[first_cell].alignment = align

    issuer_top, issuer = _issuer_lines(unit)
    put("A1:C1", issuer_top, plain)
    put("D1:H1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    put("A2:C2", issuer, bold)
    put("D2:H2", "Độc lập - Tự do - Hạnh phúc", bold)
    put("A3:C3", "Số:       /BC-BCĐ", plain)
    put("D3:H3", f"{unit.name}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}", italic)
    put("A5:H5", "BÁO CÁO", Font(name="Times New Roman", bold=True, size=14))
    put("A6:H6", f"Tiến độ thực hiện nhiệm vụ theo kết luận của Ban chỉ đạo tháng {report.month_label}", bold)
    put("A7:H7", f"({unit_title(unit)} và các đơn vị trực thuộc; số liệu tính đến ngày "
                 f"{report.as_of.strftime('%d/%m/%Y')})", italic)

    header = ["STT", "Đơn vị", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Nhóm trạng thái", "Tiến độ (%)",
              "Ghi chú"]
    row_no = 9
    for col, title in enumerate(header, 1):
        cell = ws.cell(row=row_no, column=col, value=title)
        cell.font, cell.alignment, cell.border = bold, center, box
        cell.fill = PatternFill("solid", fgColor="E2EFDA")
    n = 0
    for index, key in enumerate(GROUP_ORDER):
        rows = report.groups[key]
        row_no += 1
        ws.merge_cells(start_row=row_no, start_column=2, end_row=row_no, end_column=8)
        ws.cell(row=row_no, column=1, value=ROMAN[index])
        ws.cell(row=row_no, column=2, value=f"{GROUP_LABELS[key]}: {len(rows)} nhiệm vụ")
        for col in range(1, 9):
            cell = ws.cell(row=row_no, column=col)
            cell.font, cell.border = bold, box
            cell.alignment = center if col == 1 else wrap
        for row in rows:
            n += 1
            row_no += 1
            cells = _row_cells(n, row)
            values = [cells[0], cells[1], cells[3], cells[4], row.task.due_date or "Không thời hạn", cells[6],
                      cells[8], cells[9]]
            for col, value in enumerate(values, 1):
                cell = ws.cell(row=row_no, column=col, value=value)
                cell.font, cell.border = plain, box
                cell.alignment = center if col in (1, 5, 7) else wrap
                if col == 5 and isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
    row_no += 1
    ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=6)
    ws.cell(row=row_no, column=1, value="Tổng cộng")
    ws.cell(row=row_no, column=7, value=report.totals["total"])
    for col in range(1, 9):
        cell = ws.cell(row=row_no, column=col)
        cell.font, cell.border, cell.alignment = bold, box, center

    row_no += 2
    put(f"A{row_no}:H{row_no}", "Tổng hợp theo nhóm trạng thái", bold, Alignment(horizontal="left"))
    summary = [("Tổng số nhiệm vụ", report.totals["total"])]
    summary += [(GROUP_LABELS[key], report.totals[key]) for key in GROUP_ORDER]
    summary += [("Trong đó: sắp đến hạn (trong 3 ngày)", report.totals["due_soon"]),
                ("Trong đó: không thời hạn", report.totals["no_deadline"])]
    for label, value in summary:
        row_no += 1
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=6)
        ws.cell(row=row_no, column=1, value=label).font = plain
        ws.cell(row=row_no, column=7, value=value).font = bold
        for col in (1, 7):
            ws.cell(row=row_no, column=col).border = box

    row_no += 2
    put(f"A{row_no}:C{row_no}", "Nơi nhận:", Font(name="Times New Roman", bold=True, italic=True, size=11),
        Alignment(horizontal="left"))
    put(f"F{row_no}:H{row_no}", "TM. BAN CHỈ ĐẠO", bold)
    put(f"A{row_no + 1}:C{row_no + 1}", "- Như trên;\n- Lưu: VT.", Font(name="Times New Roman", size=11),
        Alignment(horizontal="left", wrap_text=True))
    put(f"F{row_no + 1}:H{row_no + 1}", "TRƯỞNG BAN", bold)
    for sheet_row in ws.iter_rows():
        for cell in sheet_row:
            if cell.data_type == "f":  # the report has no formulas: text people typed that looks like one stays text
                cell.data_type = "s"
    ws.print_title_rows = "9:9"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
