"""Criteria sets and assessments: the national sets shipped as data, provincial sets, the "x/10" summary.

The summary rule: as of a date D, each criterion and each indicator takes the latest assessment of its own
code made on or before D (the later-recorded one when two share a date). A criterion counts as met when
that assessment says met, an indicator likewise; one never stands in for the other (assess the criterion
itself when the commune meets it). Codes without an assessment are unmet.
"""
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from ntm_tasks import permissions as perm
from ntm_tasks.attachments import store_upload
from ntm_tasks.audit import record
from ntm_tasks.db import today
from ntm_tasks.errors import Invalid
from ntm_tasks.extensions import db
from ntm_tasks.oversight.models import Assessment, CriteriaSet, CriteriaSetKind, Criterion

DATA_DIR = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def shipped_sets() -> tuple[dict, ...]:
    """The national sets shipped in oversight/data/*.json, parsed once."""
    return tuple(json.loads(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.json")))


def load_national_sets() -> int:
    """Create or update the shipped national sets (idempotent); returns how many sets were written."""
    written = 0
    for data in shipped_sets():
        existing = db.session.scalar(sa.select(CriteriaSet).where(CriteriaSet.code == data["code"]))
        if existing is not None and existing.data_revision >= data["revision"]:
            continue
        criteria_set = existing or CriteriaSet(code=data["code"])
        criteria_set.name = data["name"]
        criteria_set.kind = CriteriaSetKind(data["kind"])
        criteria_set.decision = data.get("decision")
        criteria_set.in_force_from = date.fromisoformat(data["in_force_from"]) if data.get("in_force_from") else None
        criteria_set.groups = data.get("groups")
        criteria_set.data_revision = data["revision"]
        db.session.add(criteria_set)
        db.session.flush()
        _upsert_criteria(criteria_set, data["criteria"])
        record(criteria_set, None, "loaded" if existing is None else "reloaded",
               {"data_revision": [existing.data_revision if existing else None, data["revision"]]})
        written += 1
    db.session.flush()
    return written


def _upsert_criteria(criteria_set: CriteriaSet, criteria: list[dict]) -> None:
    """Criteria and indicators by code: new ones are added, known ones renamed; none is ever removed."""
    known = {c.code: c for c in db.session.scalars(sa.select(Criterion).where(Criterion.set_id == criteria_set.id))}
    for position, item in enumerate(criteria, 1):
        parent = _upsert_one(known, criteria_set, None, position, item)
        for sub_position, indicator in enumerate(item.get("indicators", []), 1):
            _upsert_one(known, criteria_set, parent, sub_position, indicator)


def _upsert_one(known: dict, criteria_set: CriteriaSet, parent: Criterion | None, position: int, item: dict):
    row = known.get(item["code"])
    if row is None:
        row = Criterion(code=item["code"], set_id=criteria_set.id)
        db.session.add(row)
    row.parent_id = parent.id if parent else None
    row.number = item.get("number") or (f"{parent.number}.{position}" if parent else str(position))
    row.name = item["name"]
    row.position = position
    row.thresholds = item.get("thresholds")
    db.session.flush()
    return row


def ensure_national_sets() -> bool:
    """Load the shipped sets when any is missing, so a fresh database answers with them; True if it wrote."""
    codes = [data["code"] for data in shipped_sets()]
    present = db.session.scalar(sa.select(sa.func.count()).where(CriteriaSet.code.in_(codes)))
    return present < len(codes) and load_national_sets() > 0


def visible_sets(user) -> list[CriteriaSet]:
    """The national sets and the provincial sets the user may read, newest in force first."""
    sets = db.session.scalars(
        sa.select(CriteriaSet).where(CriteriaSet.is_archived.is_(False))
        .order_by(CriteriaSet.province_unit_id.is_not(None), CriteriaSet.in_force_from.desc(), CriteriaSet.code)
    ).all()
    return [s for s in sets if perm.criteria_set_visible(user, s)]


def set_by_code(user, code: str | None, field: str = "set") -> CriteriaSet:
    """A set the user may read, by code; Invalid naming `field` otherwise."""
    criteria_set = db.session.scalar(sa.select(CriteriaSet).where(CriteriaSet.code == code)) if code else None
    if criteria_set is None or not perm.criteria_set_visible(user, criteria_set):
        raise Invalid(_("Không có bộ tiêu chí này."), {field: _("Không có bộ tiêu chí '%(code)s'.", code=code)})
    return criteria_set


def default_set(as_of: date | None = None, kind: CriteriaSetKind = CriteriaSetKind.COMMUNE) -> CriteriaSet | None:
    """The national set of `kind` in force on `as_of` (the latest that came into force by then)."""
    as_of = as_of or today()
    query = sa.select(CriteriaSet).where(CriteriaSet.kind == kind, CriteriaSet.province_unit_id.is_(None),
                                         CriteriaSet.is_archived.is_(False))
    in_force = db.session.scalar(query.where(CriteriaSet.in_force_from <= as_of)
                                 .order_by(CriteriaSet.in_force_from.desc()).limit(1))
    return in_force or db.session.scalar(query.order_by(CriteriaSet.in_force_from).limit(1))


def criteria_of(criteria_set: CriteriaSet) -> tuple[list[Criterion], dict[int, list[Criterion]]]:
    """The set's criteria in order, and the indicators of each by criterion id."""
    rows = db.session.scalars(
        sa.select(Criterion).where(Criterion.set_id == criteria_set.id).order_by(Criterion.position, Criterion.id)
    ).all()
    criteria = [c for c in rows if c.parent_id is None]
    indicators: dict[int, list[Criterion]] = {c.id: [] for c in criteria}
    for row in rows:
        if row.parent_id is not None:
            indicators.setdefault(row.parent_id, []).append(row)
    return criteria, indicators


def set_payload(criteria_set: CriteriaSet) -> dict:
    """The JSON of a set, its criteria and their indicators."""
    criteria, indicators = criteria_of(criteria_set)
    return {
        "code": criteria_set.code, "name": criteria_set.name,
        "in_force_from": criteria_set.in_force_from, "kind": criteria_set.kind.value,
        "decision": criteria_set.decision, "province_unit_id": criteria_set.province_unit_id,
        "version": criteria_set.version,
        "criteria": [{
            "code": c.code, "number": c.number, "name": c.name, "thresholds": c.thresholds,
            "indicators": [{"code": i.code, "number": i.number, "name": i.name, "thresholds": i.thresholds}
                           for i in indicators.get(c.id, [])],
        } for c in criteria],
    }


def create_criteria_set(actor, *, code: str, name: str, kind: str, criteria: list[dict], decision: str | None = None,
                        in_force_from: date | None = None, province=None) -> CriteriaSet:
    """An admin adds a set (a province's model-village set, say); codes are made from the set's when absent."""
    perm.require(perm.can_manage_criteria_sets(actor, province),
                 _("Chỉ quản trị viên cấp tỉnh trở lên được thêm bộ tiêu chí."))
    code = (code or "").strip()
    if not code:
        raise Invalid(_("Thiếu mã bộ tiêu chí."), {"code": _("Bắt buộc.")})
    if province is not None and province.level != "province":
        raise Invalid(_("Bộ tiêu chí cấp tỉnh phải gắn với một tỉnh."), {"province_unit_id": _("Phải là đơn vị cấp tỉnh.")})
    if not criteria:
        raise Invalid(_("Bộ tiêu chí cần ít nhất một tiêu chí."), {"criteria": _("Bắt buộc.")})
    items = []
    for n, item in enumerate(criteria, 1):
        c_code = (item.get("code") or f"{code}.{n:02d}").strip()
        indicators = [{"code": (ind.get("code") or f"{c_code}.{k}").strip(), "number": f"{n}.{k}",
                       "name": ind["name"].strip(), "thresholds": ind.get("thresholds")}
                      for k, ind in enumerate(item.get("indicators") or [], 1)]
        items.append({"code": c_code, "number": str(n), "name": item["name"].strip(),
                      "thresholds": item.get("thresholds"), "indicators": indicators})
    codes = [code] + [i["code"] for i in items] + [ind["code"] for i in items for ind in i["indicators"]]
    if len(set(codes)) != len(codes):
        raise Invalid(_("Mã tiêu chí bị trùng."), {"criteria": _("Các mã phải khác nhau.")})
    if db.session.scalar(sa.select(CriteriaSet.id).where(CriteriaSet.code == code)):
        raise Invalid(_("Mã bộ tiêu chí đã tồn tại."), {"code": _("Mã đã được dùng.")})
    taken = db.session.scalars(sa.select(Criterion.code).where(Criterion.code.in_(codes))).all()
    if taken:
        raise Invalid(_("Mã tiêu chí đã được dùng ở bộ khác."), {"criteria": _("Đã có: %(codes)s.", codes=", ".join(sorted(taken)))})
    criteria_set = CriteriaSet(code=code, name=name.strip(), kind=CriteriaSetKind(kind), decision=decision or None,
                               in_force_from=in_force_from, province_unit_id=province.id if province else None,
                               created_by_id=actor.id)
    db.session.add(criteria_set)
    db.session.flush()
    _upsert_criteria(criteria_set, items)
    record(criteria_set, actor, "created", {"code": [None, code], "name": [None, criteria_set.name],
                                            "criteria": [None, len(items)]})
    return criteria_set


def criterion_by_code(user, code: str | None) -> Criterion:
    """A criterion or indicator of a set the user may read; Invalid naming criterion_code otherwise."""
    criterion = db.session.scalar(sa.select(Criterion).where(Criterion.code == code)) if code else None
    if criterion is None or not perm.criteria_set_visible(user, criterion.criteria_set):
        raise Invalid(_("Không có tiêu chí hoặc chỉ tiêu này."), {"criterion_code": _("Không có mã '%(code)s'.", code=code)})
    return criterion


def check_codes(user, codes, field: str = "criterion_codes") -> list[str]:
    """The distinct codes, in the order given, when each is a criterion or indicator of a set the user may read
    (the shipped sets are loaded on first use); Invalid naming `field` and the unknown codes otherwise."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))

    def unknown() -> list[str]:
        rows = db.session.execute(sa.select(Criterion.code, CriteriaSet).join(Criterion.criteria_set)
                                  .where(Criterion.code.in_(codes))).all()
        known = {code for code, criteria_set in rows if perm.criteria_set_visible(user, criteria_set)}
        return [c for c in codes if c not in known]

    missing = unknown() if codes else []
    if missing and ensure_national_sets():
        missing = unknown()
    if missing:
        raise Invalid(_("Có mã tiêu chí không tồn tại."),
                      {field: _("Không có mã '%(code)s'.", code="', '".join(missing))})
    return codes


def record_assessment(actor, unit, *, criterion_code: str, met: bool, as_of: date | None = None,
                      note: str | None = None, evidence_upload=None) -> Assessment:
    """A chair or secretary records whether `unit` meets a criterion or indicator on a date (with evidence)."""
    perm.require(perm.can_assess(actor, unit), _("Chỉ thư ký hoặc trưởng ban được cập nhật kết quả tiêu chí."))
    criterion = criterion_by_code(actor, criterion_code)
    evidence = store_upload(evidence_upload, actor) if evidence_upload else None
    assessment = Assessment(unit_id=unit.id, criterion_id=criterion.id, is_met=bool(met),
                            assessed_on=as_of or today(), note=(note or "").strip() or None,
                            evidence_id=evidence.id if evidence is not None else None, assessed_by_id=actor.id)
    db.session.add(assessment)
    db.session.flush()
    record(assessment, actor, "assessed", {"criterion_code": [None, criterion.code], "met": [None, assessment.is_met],
                                           "as_of": [None, assessment.assessed_on]}, assessment.note)
    return assessment


def assessments_query(unit, criterion_code: str | None = None, criteria_set: CriteriaSet | None = None):
    """A unit's assessments, newest first, optionally of one code or one set."""
    query = (sa.select(Assessment).join(Criterion).where(Assessment.unit_id == unit.id)
             .order_by(Assessment.assessed_on.desc(), Assessment.id.desc()))
    if criterion_code:
        query = query.where(Criterion.code == criterion_code)
    if criteria_set is not None:
        query = query.where(Criterion.set_id == criteria_set.id)
    return query


def latest_results(unit_ids: list[int], criteria_set: CriteriaSet, as_of: date) -> dict[tuple[int, int], Assessment]:
    """{(unit_id, criterion_id): the latest assessment on or before `as_of`} in one query."""
    if not unit_ids:
        return {}
    ranked = (
        sa.select(Assessment.id, sa.func.row_number().over(
            partition_by=(Assessment.unit_id, Assessment.criterion_id),
            order_by=(Assessment.assessed_on.desc(), Assessment.id.desc())).label("rank"))
        .join(Criterion, Criterion.id == Assessment.criterion_id)
        .where(Criterion.set_id == criteria_set.id, Assessment.unit_id.in_(unit_ids), Assessment.assessed_on <= as_of)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(Assessment).join(ranked, ranked.c.id == Assessment.id).where(ranked.c.rank == 1)
    ).all()
    return {(a.unit_id, a.criterion_id): a for a in rows}


def summaries(unit_ids: list[int], criteria_set: CriteriaSet, as_of: date | None = None) -> dict[int, dict]:
    """The summary of each unit: criteria and indicators met and in total, and the unmet criteria's codes."""
    as_of = as_of or today()
    criteria, indicators = criteria_of(criteria_set)
    results = latest_results(unit_ids, criteria_set, as_of)
    all_indicators = [i for c in criteria for i in indicators.get(c.id, [])]

    def met(unit_id, criterion):
        found = results.get((unit_id, criterion.id))
        return found is not None and found.is_met

    def criterion_met(unit_id, criterion):
        """A criterion is met when all its indicators are; its own assessment counts when it is the newer word."""
        own = results.get((unit_id, criterion.id))
        parts = [results.get((unit_id, i.id)) for i in indicators.get(criterion.id, [])]
        if not parts or None in parts:
            return own is not None and own.is_met
        derived_on = max(a.assessed_on for a in parts)
        if own is not None and own.assessed_on >= derived_on:
            return own.is_met
        return all(a.is_met for a in parts)

    out = {}
    for unit_id in unit_ids:
        unmet = [c.code for c in criteria if not criterion_met(unit_id, c)]
        out[unit_id] = {
            "criteria_met": len(criteria) - len(unmet), "criteria_total": len(criteria),
            "indicators_met": sum(1 for i in all_indicators if met(unit_id, i)),
            "indicators_total": len(all_indicators), "unmet": unmet,
        }
    return out


def summary(unit, criteria_set: CriteriaSet, as_of: date | None = None) -> dict:
    """The "x/10 criteria, y/47 indicators" summary of one unit as of a date."""
    return summaries([unit.id], criteria_set, as_of)[unit.id]


def open_tasks_by_criterion(unit, codes: list[str]) -> dict[str, list]:
    """The open tasks of the unit's subtree that serve each criterion (directly or through its indicators)."""
    from ntm_tasks.assignments.models import OPEN_STATUSES, Task, TaskCriterion
    from ntm_tasks.oversight.dashboard import subtree_clause

    if not codes:
        return {}
    matches = sa.or_(*[sa.or_(TaskCriterion.criterion_code == code,
                              TaskCriterion.criterion_code.startswith(code + ".", autoescape=True))
                       for code in codes])
    rows = db.session.execute(
        sa.select(TaskCriterion.criterion_code, Task).join(Task, Task.id == TaskCriterion.task_id)
        .where(matches, Task.status.in_(OPEN_STATUSES), subtree_clause(unit))
        .order_by(Task.due_date.is_(None), Task.due_date, Task.id)
    ).all()
    out: dict[str, list] = {code: [] for code in codes}
    for criterion_code, task in rows:
        for code in codes:
            if (criterion_code == code or criterion_code.startswith(code + ".")) and task not in out[code]:
                out[code].append(task)
    return out
