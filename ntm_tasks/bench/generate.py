"""A reproducible province-scale data set, written straight into the database with SQLAlchemy Core.

Rows are built in Python with their ids (so children point at parents without a round trip), buffered per
table and written with executemany in foreign-key order, a few communes per transaction. Everything random
comes from one seeded `random.Random`: the same seed and the same `today` give the same rows.

The province follows today's two-tier layout (communes directly under it) with a few legacy districts
still holding some communes, so the tree has both depths. Each commune has 3-8 villages, the standard
bodies, a chair, a secretary, a viewer and an assignee for each body and village head; the province and
the districts have theirs. Meetings carry conclusions and tasks whose life (acknowledged, reported on,
extended, submitted, returned, approved, declined, cancelled) is played out up to `today` and written as
the task's fields, its progress reports and its history, as the app itself would have written them.
"""
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ntm_tasks.assignments import tallies
from ntm_tasks.assignments.models import (ExtensionRequest, ExtensionStatus, ProgressReport, Task, TaskCriterion,
                                          TaskStatus, task_coordinating_bodies)
from ntm_tasks.assignments.recurrence import LOOKAHEAD_DAYS, Period, occurrence_title, periods
from ntm_tasks.audit import HistoryEntry
from ntm_tasks.bench import fragments as F
from ntm_tasks.meetings.documents import document_key, parse_document_citation
from ntm_tasks.meetings.models import (Conclusion, LegalDocument, Meeting, MeetingKind, MeetingStatus,
                                       meeting_documents, meeting_participants)
from ntm_tasks.org.models import Body, Role, Unit, UnitLevel, User, user_bodies
from ntm_tasks.org.standard_bodies import TEMPLATES
from ntm_tasks.text import fold

DEFAULT_PASSWORD = "bench-pass-2025"
PROVINCE_CODE = "BENCH"
BATCH_ROWS = 5000  # rows buffered in one table before every buffer is written
COMMUNES_PER_TRANSACTION = 10
TASKS_PER_MEETING = 7.3  # 300 tasks per commune-year then give ~41 meetings, ~35,000 for 170 communes x 5 years
REFORM_DAY = date(2025, 7, 1)  # districts were abolished: their committees stop meeting
NEW_CRITERIA_DAY = date(2026, 2, 15)  # the 2026-2030 commune set is in force from this day
# Parents before children: flushing every buffer in this order never breaks a foreign key.
TABLES: list[sa.Table] = [
    Unit.__table__, Body.__table__, User.__table__, user_bodies, LegalDocument.__table__, Meeting.__table__,
    meeting_documents, meeting_participants, Conclusion.__table__, Task.__table__, task_coordinating_bodies,
    TaskCriterion.__table__, ExtensionRequest.__table__, ProgressReport.__table__, HistoryEntry.__table__,
]


class NotEmpty(Exception):
    """The target database already holds units or accounts."""


@dataclass
class Summary:
    """What was written: rows per table, the accounts' password, the province's id."""

    counts: dict[str, int]
    password: str
    province_id: int


@dataclass
class _Body:
    id: int
    unit_id: int
    name: str
    short: str | None
    assignee_id: int | None = None

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass
class _Place:
    """A unit with what its meetings and tasks need."""

    id: int
    name: str
    path: str
    bodies: dict[str, _Body]
    chair_id: int = 0
    secretary_id: int = 0
    villages: list["_Place"] = field(default_factory=list)
    communes: list["_Place"] = field(default_factory=list)  # a province's or district's own communes


@dataclass
class _Life:
    """What happened to one task, in order: (moment, user id, action, changes, note), and who acted."""

    task_id: int
    assignee: int | None
    chair: int
    events: list[tuple[datetime, int | None, str, dict, str | None]] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        return self.events[-1][0]


@dataclass
class _Outcome:
    """Where a task stands today: the fields its life sets."""

    status: TaskStatus
    due: date | None  # in force, after an approved extension
    progress: int = 0
    submitted_on: date | None = None
    completed_on: date | None = None


class _Generator:
    def __init__(self, conn: sa.Connection, rng: random.Random, today: date, years: int, password_hash: str,
                 tasks_per_commune_year: int):
        self.conn = conn
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=365 * years)
        self.years = years
        self.password_hash = password_hash
        self.tasks_per_year = tasks_per_commune_year
        self.meetings_per_year = max(2, round(tasks_per_commune_year / TASKS_PER_MEETING))
        self.buffers: dict[str, list[dict]] = {table.name: [] for table in TABLES}
        self.counts: Counter[str] = Counter()
        self.last_ids: Counter[str] = Counter()
        self.documents: list[tuple[int, date]] = []
        self.districts: list[_Place] = []
        self.lead_names = list(F.COMMUNE_TASKS)
        self.lead_weights = [weight for weight, _ in F.COMMUNE_TASKS.values()]
        self.village_share = F.VILLAGE_HEAD_WEIGHT / (sum(self.lead_weights) + F.VILLAGE_HEAD_WEIGHT)

    # --- writing -------------------------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        self.last_ids[table] += 1
        return self.last_ids[table]

    def add(self, table: str, row: dict) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        for table in TABLES:
            rows = self.buffers[table.name]
            if rows:
                self.conn.execute(table.insert(), rows)
                self.counts[table.name] += len(rows)
                self.buffers[table.name] = []

    def commit(self) -> None:
        self.flush()
        self.conn.commit()

    # --- small helpers -------------------------------------------------------------------------------

    def at(self, day: date, after: datetime | None = None) -> datetime:
        """A moment of office hours in Vietnam (01:00-09:59 UTC) on `day`, later than `after`."""
        moment = datetime(day.year, day.month, day.day, self.rng.randint(1, 9), self.rng.randint(0, 59),
                          tzinfo=timezone.utc)
        if after is not None and moment <= after:
            moment = after + timedelta(minutes=self.rng.randint(1, 20))
        return moment

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def person(self) -> str:
        return f"{self.rng.choice(F.FAMILY)} {self.rng.choice(F.MIDDLE)} {self.rng.choice(F.GIVEN)}"

    def fill(self, template: str, place: _Place, day: date, village: _Place | None = None) -> str:
        """A title template of fragments.py with its placeholders filled for `place` and `day`."""
        village = village or (self.rng.choice(place.villages) if place.villages else None)
        length = f"{self.rng.randint(5, 40) / 10:.1f}".replace(".", ",")  # Vietnamese decimal comma
        return template.format(
            thon=village.name if village else place.name, xa=place.name, nam=day.year, m=day.month,
            quy=("I", "II", "III", "IV")[(day.month - 1) // 3], km=length, pct=self.rng.choice((90, 92, 95)),
            so=self.rng.randint(1, 19),
        )

    # --- the organisation ----------------------------------------------------------------------------

    def unit(self, name: str, level: UnitLevel, parent: _Place | None, code: str | None = None) -> _Place:
        """A unit with its materialised path and its level's standard bodies (as org.services.create_unit)."""
        unit_id = self.new_id("units")
        path = f"{parent.path if parent else '/'}{unit_id}/"
        created = self.at(self.start - timedelta(days=30))
        self.add("units", {
            "id": unit_id, "name": name, "name_folded": fold(name), "level": level, "code": code,
            "parent_id": parent.id if parent else None, "path": path, "merged_into_id": None, "is_archived": False,
            "version": 1, "created_at": created, "updated_at": created,
        })
        bodies = {}
        for kind, body_name, short in TEMPLATES[level.value]:
            body_id = self.new_id("bodies")
            self.add("bodies", {
                "id": body_id, "unit_id": unit_id, "name": body_name, "short_name": short, "kind": kind,
                "is_archived": False, "version": 1, "created_at": created, "updated_at": created,
            })
            bodies[body_name] = _Body(body_id, unit_id, body_name, short)
        return _Place(unit_id, name, path, bodies)

    def user(self, username: str, role: Role, unit_id: int | None, body_ids: tuple[int, ...] = ()) -> int:
        """An account with the shared password hash, member of `body_ids`; returns its id."""
        user_id = self.new_id("users")
        created = self.at(self.start - timedelta(days=20))
        self.add("users", {
            "id": user_id, "username": username, "password_hash": self.password_hash, "full_name": self.person(),
            "email": None, "role": role, "unit_id": unit_id, "is_active_account": True, "email_notifications": True,
            "locale": None, "session_epoch": 0, "failed_logins": 0, "locked_until": None,
            "calendar_token": f"{self.rng.getrandbits(128):032x}", "version": 1, "created_at": created,
            "updated_at": created,
        })
        for body_id in body_ids:
            self.add("user_bodies", {"user_id": user_id, "body_id": body_id})
        return user_id

    def accounts(self, place: _Place, prefix: str, office: str) -> None:
        """Chair, secretary (member of `office`), viewer, and an assignee for each body of `place`."""
        place.chair_id = self.user(f"{prefix}.chutich", Role.CHAIR, place.id)
        place.secretary_id = self.user(f"{prefix}.thuky", Role.SECRETARY, place.id, (place.bodies[office].id,))
        self.user(f"{prefix}.theodoi", Role.VIEWER, place.id)
        for number, body in enumerate(place.bodies.values(), start=1):
            body.assignee_id = self.user(f"{prefix}.cq{number:02d}", Role.ASSIGNEE, place.id, (body.id,))

    def organisation(self, communes: int) -> tuple[_Place, list[_Place]]:
        """The province, its legacy districts and communes, their villages, bodies and accounts."""
        self.user("bench.admin", Role.ADMIN, None)
        province = self.unit(F.PROVINCE_NAME, UnitLevel.PROVINCE, None, code=PROVINCE_CODE)
        self.accounts(province, "tinh", "Văn phòng Điều phối NTM tỉnh")
        districts = self.districts
        for number, name in enumerate(F.DISTRICT_NAMES[:max(1, communes // 25)], start=1):
            district = self.unit(name, UnitLevel.DISTRICT, province)
            self.accounts(district, f"h{number:02d}", "Văn phòng Điều phối NTM huyện")
            districts.append(district)
        names = [f"{a} {b}" for a in F.COMMUNE_FIRST for b in F.COMMUNE_SECOND]
        self.rng.shuffle(names)
        in_districts = max(1, communes // 10)
        places = []
        for index in range(communes):
            name = names[index % len(names)] + (f" {index // len(names) + 1}" if index >= len(names) else "")
            parent = districts[index % len(districts)] if index < in_districts else province
            commune = self.unit(name, UnitLevel.COMMUNE, parent)
            parent.communes.append(commune)
            prefix = f"x{index + 1:03d}"
            self.accounts(commune, prefix, "Văn phòng - Thống kê")
            for number, village_name in enumerate(self.rng.sample(F.VILLAGE_NAMES, self.rng.randint(3, 8)), 1):
                village = self.unit(village_name, UnitLevel.VILLAGE, commune)
                head = village.bodies["Trưởng thôn"]
                head.assignee_id = self.user(f"{prefix}.thon{number}", Role.ASSIGNEE, village.id, (head.id,))
                commune.villages.append(village)
            places.append(commune)
        province.communes.extend(c for d in districts for c in d.communes)
        for number, issuer, issued, title in F.DOCUMENTS:
            issued_on = date.fromisoformat(issued)
            parsed = parse_document_citation(f"{number} ngày {issued_on:%d/%m/%Y}")
            document_id = self.new_id("legal_documents")
            created = self.at(issued_on)
            self.add("legal_documents", {
                "id": document_id, "key": document_key(number, issued_on.year), "number": parsed["number"],
                "type_code": parsed["type_code"], "issuer": issuer, "issued_on": issued_on, "year": issued_on.year,
                "title": title, "created_at": created, "updated_at": created,
            })
            self.documents.append((document_id, issued_on))
        return province, places

    # --- meetings ------------------------------------------------------------------------------------

    def meeting(self, place: _Place, day: date, kind: str, title: str, location: str,
                draft: bool = False) -> tuple[int, datetime, date | None]:
        """A meeting of `place` held on `day` (recent ones often still drafts); returns its id, when it was
        held and when it was published."""
        meeting_id = self.new_id("meetings")
        held = self.at(day)
        published = day + timedelta(days=self.rng.randint(0, 3))
        recent = (self.today - day).days < 14
        if draft or published > self.today or (recent and self.rng.random() < 0.5):
            published = None
        summary = F.SUMMARY.format(a=self.rng.randint(12, 19), b=self.rng.randint(40, 57))
        published_at = self.at(published, held) if published else None
        self.add("meetings", {
            "id": meeting_id, "unit_id": place.id, "title": title, "kind": MeetingKind(kind), "held_at": held,
            "location": location, "chair": f"Đồng chí {self.person()}, Trưởng Ban chỉ đạo", "guests": [],
            "summary": summary, "difficulties": self.rng.choice(F.DIFFICULTIES),
            "status": MeetingStatus.PUBLISHED if published else MeetingStatus.DRAFT,
            "notice_number": f"{meeting_id}/TB-BCĐ" if published else None, "published_at": published_at,
            "is_archived": False, "search_text": fold(" ".join(filter(None, [title, location, summary]))),
            "created_by_id": place.secretary_id, "version": 2 if published else 1, "created_at": held,
            "updated_at": published_at or held,
        })
        self.history("meetings", meeting_id, held, place.secretary_id, "created", {"title": [None, title]})
        if published_at:
            self.history("meetings", meeting_id, published_at, place.secretary_id, "published",
                         {"status": ["draft", "published"]})
        for body in self.rng.sample(list(place.bodies.values()), min(4, len(place.bodies))):
            self.add("meeting_participants", {"meeting_id": meeting_id, "body_id": body.id})
        cited = [doc_id for doc_id, issued in self.documents if issued <= day]
        for doc_id in self.rng.sample(cited, min(len(cited), self.rng.randint(1, 2))):
            self.add("meeting_documents", {"meeting_id": meeting_id, "document_id": doc_id})
        return meeting_id, held, published

    def conclusion(self, meeting_id: int, position: int, addressee: str, text: str, at: datetime,
                   secretary_id: int) -> int:
        conclusion_id = self.new_id("conclusions")
        self.add("conclusions", {
            "id": conclusion_id, "meeting_id": meeting_id, "position": position, "number": str(position),
            "addressee": addressee, "text": text, "created_by_id": secretary_id, "created_at": at, "updated_at": at,
        })
        return conclusion_id

    def history(self, object_type: str, object_id: int, at: datetime, user_id: int | None, action: str,
                changes: dict, note: str | None = None) -> None:
        self.add("history", {
            "id": self.new_id("history"), "object_type": object_type, "object_id": object_id, "user_id": user_id,
            "at": at, "action": action, "changes": changes, "note": note,
        })

    def commune_meetings(self, commune: _Place) -> None:
        """The commune's meetings over the whole span, their conclusions and tasks, and its recurring series."""
        count = max(1, round(self.meetings_per_year * self.years * self.rng.uniform(0.9, 1.1)))
        days = sorted(self.day_between(self.start, self.today) for _ in range(count))
        per_meeting = self.tasks_per_year / self.meetings_per_year
        series_made = False
        bodies = list(commune.bodies.values())
        for number, day in enumerate(days, start=1):
            kind = self.rng.choices(list(F.MEETING_KIND_WEIGHTS), list(F.MEETING_KIND_WEIGHTS.values()))[0]
            village = self.rng.choice(commune.villages)
            title = self.fill(self.rng.choice(F.MEETING_TITLES[kind]), commune, day, village)
            location = (f"Nhà văn hóa thôn {village.name}" if kind == "inspection"
                        else f"Hội trường UBND xã {commune.name}")
            # The last meeting the secretary logged is still a draft, with draft tasks.
            meeting_id, held, published = self.meeting(commune, day, kind, title, location, number == len(days))
            tasks = max(1, round(self.rng.uniform(0.45, 1.55) * per_meeting))
            position = 0
            while tasks > 0:
                position += 1
                leads = [self.pick_lead(commune)]
                if tasks > 1 and self.rng.random() < 0.15:
                    second = self.pick_lead(commune)
                    if second.id != leads[0].id:
                        leads.append(second)
                template, village = self.pick_template(commune, leads[0])
                task_title = self.fill(template, commune, day, village)
                due = None if self.rng.random() < 0.05 else day + timedelta(days=self.rng.randint(7, 120))
                addressee = "Đối với " + " và ".join(lead.label for lead in leads)
                text = f"{addressee}: {task_title}" + (f" trước ngày {due:%d/%m/%Y}." if due else ", thường xuyên.")
                conclusion_id = self.conclusion(meeting_id, position, addressee, text, held, commune.secretary_id)
                for lead in leads:
                    others = [b for b in bodies if b.id != lead.id]
                    coordinating = self.rng.sample(others, self.rng.randint(1, 2)) if self.rng.random() < 0.35 else []
                    self.task(giver=commune, meeting_id=meeting_id, conclusion_id=conclusion_id, held=held,
                              published=published, lead=lead, coordinating=coordinating, title=task_title, due=due)
                tasks -= len(leads)
            if published and not series_made and (self.today - day).days > 60:
                self.series(commune, meeting_id, held, published, position)
                series_made = True

    def pick_lead(self, commune: _Place) -> _Body:
        """A lead body, weighted as conclusions address them: the People's Committee most, village heads too."""
        if self.rng.random() < self.village_share:
            return self.rng.choice(commune.villages).bodies["Trưởng thôn"]
        return commune.bodies[self.rng.choices(self.lead_names, self.lead_weights)[0]]

    def pick_template(self, commune: _Place, lead: _Body) -> tuple[str, _Place | None]:
        if lead.name == "Trưởng thôn":
            village = next(v for v in commune.villages if v.id == lead.unit_id)
            return self.rng.choice(F.VILLAGE_TASKS), village
        return self.rng.choice(F.COMMUNE_TASKS[lead.name][1]), None

    def series(self, commune: _Place, meeting_id: int, held: datetime, published: date, position: int) -> None:
        """The commune's recurring tasks (weekly clean-up in about a third of communes) and their occurrences."""
        for lead_name, title, recurrence in F.RECURRING:
            if recurrence["freq"] == "weekly" and self.rng.random() > 0.3:
                continue
            position += 1
            lead = commune.bodies[lead_name]
            text = f"Đối với {lead.label}: {title} định kỳ."
            conclusion_id = self.conclusion(meeting_id, position, f"Đối với {lead.label}", text, held,
                                            commune.secretary_id)
            series_id = self.task(giver=commune, meeting_id=meeting_id, conclusion_id=conclusion_id, held=held,
                                  published=published, lead=lead, coordinating=[], title=title, due=None,
                                  recurrence=recurrence)
            template = Task(title=title)
            for period in periods(recurrence, published, self.today + timedelta(days=LOOKAHEAD_DAYS)):
                created_on = max(published, period.due_date - timedelta(days=LOOKAHEAD_DAYS))
                self.task(giver=commune, meeting_id=meeting_id, conclusion_id=conclusion_id,
                          held=self.at(created_on), published=created_on, lead=lead, coordinating=[],
                          title=occurrence_title(template, period), due=period.due_date, series=(series_id, period))

    def upper_meetings(self, place: _Place, until: date) -> None:
        """A province's or district's steering meetings: a task to every commune's People's Committee, and
        some to its own bodies (their unit_id is the giver, their lead_unit_id the commune)."""
        last = min(until, self.today)
        for _ in range(max(0, round(6 * (last - self.start).days / 365))):
            day = self.day_between(self.start, last)
            title = f"Họp Ban chỉ đạo xây dựng NTM {place.name} quý {(day.month - 1) // 3 + 1}/{day.year}"
            meeting_id, held, published = self.meeting(place, day, "steering_meeting", title,
                                                       f"Hội trường UBND {place.name}")
            due = day + timedelta(days=self.rng.randint(20, 90))
            task_title = self.fill(self.rng.choice(F.UPPER_TASKS), place, day)
            text = f"Giao UBND các xã: {task_title} trước ngày {due:%d/%m/%Y}."
            conclusion_id = self.conclusion(meeting_id, 1, "UBND các xã", text, held, place.secretary_id)
            for commune in place.communes:
                self.task(giver=place, meeting_id=meeting_id, conclusion_id=conclusion_id, held=held,
                          published=published, lead=commune.bodies["Ủy ban nhân dân xã"], coordinating=[],
                          title=task_title, due=due)
            own = [b for b in place.bodies.values() if b.assignee_id]
            for position in (2, 3):
                lead = self.rng.choice(own)
                own_title = self.fill(self.rng.choice(F.UPPER_OWN_TASKS), place, day)
                conclusion_id = self.conclusion(meeting_id, position, f"Đối với {lead.label}",
                                                f"Đối với {lead.label}: {own_title}.", held, place.secretary_id)
                self.task(giver=place, meeting_id=meeting_id, conclusion_id=conclusion_id, held=held,
                          published=published, lead=lead, coordinating=[], title=own_title, due=due)

    # --- tasks ---------------------------------------------------------------------------------------

    def task(self, *, giver: _Place, meeting_id: int, conclusion_id: int, held: datetime, published: date | None,
             lead: _Body, coordinating: list[_Body], title: str, due: date | None, recurrence: dict | None = None,
             series: tuple[int, Period] | None = None) -> int:
        """One task and everything its life left behind; returns its id."""
        rng = self.rng
        task_id = self.new_id("tasks")
        description = " ".join(rng.sample(F.DESCRIPTIONS, 2))
        expected = rng.choice(F.EXPECTED_OUTPUTS)
        life = _Life(task_id, lead.assignee_id, giver.chair_id)
        due_text = due.isoformat() if due else None
        if series is None:
            created_at = held + timedelta(minutes=rng.randint(60, 180))
            life.events.append((created_at, giver.secretary_id, "created", {
                "status": [None, "draft"], "title": [None, title], "lead_body_id": [None, lead.id],
                "due_date": [None, due_text]}, None))
            if published is not None:
                life.events.append((self.at(published, created_at), giver.secretary_id, "assigned",
                                    {"status": ["draft", "assigned"]}, None))
        else:
            series_id, period = series
            life.events.append((held, None, "created", {
                "status": [None, "assigned"], "title": [None, title], "lead_body_id": [None, lead.id],
                "due_date": [None, due_text]}, f"Kỳ {period.label} của nhiệm vụ thường xuyên #{series_id}"))
        outcome = _Outcome(TaskStatus.DRAFT if published is None else TaskStatus.ASSIGNED, due)
        if published is not None:
            self.play(life, outcome, published, ongoing=recurrence is not None)
        self.add("tasks", {
            "id": task_id, "unit_id": giver.id, "lead_unit_id": lead.unit_id, "meeting_id": meeting_id,
            "conclusion_id": conclusion_id, "series_id": series[0] if series else None,
            "period_key": series[1].key if series else None, "carried_to_meeting_id": None, "title": title,
            "description": description, "expected_output": expected, "lead_body_id": lead.id,
            "responsible_user_id": None, "due_date": outcome.due, "original_due_date": due,
            "recurrence": recurrence, "status": outcome.status, "progress": outcome.progress,
            "assigned_on": published, "submitted_on": outcome.submitted_on, "completed_on": outcome.completed_on,
            "search_text": fold(" ".join(filter(None, [title, description, expected]))),
            "created_by_id": giver.secretary_id if series is None else None, "version": len(life.events),
            "created_at": life.events[0][0], "updated_at": life.last_at,
        })
        for body in coordinating:
            self.add("task_coordinating_bodies", {"task_id": task_id, "body_id": body.id})
        if rng.random() < 0.3:
            day = published or held.date()
            code = (f"ntm-xa-2026.{rng.randint(1, 10):02d}" if day >= NEW_CRITERIA_DAY
                    else f"ntm-xa-2021.{rng.randint(1, 19):02d}")
            self.add("task_criteria", {"task_id": task_id, "criterion_code": code})
        for at, user_id, action, changes, note in life.events:
            self.history("tasks", task_id, at, user_id, action, changes, note)
        return task_id

    def event(self, life: _Life, day: date, user_id: int | None, action: str, changes: dict,
              note: str | None = None) -> datetime:
        at = self.at(day, life.last_at)
        life.events.append((at, user_id, action, changes, note))
        return at

    def play(self, life: _Life, outcome: _Outcome, published: date, ongoing: bool) -> None:
        """Decide an issued task's fate as of today and append the events that lead there.

        About 1.5 % are declined, 2 % cancelled, 6 % extended; of the rest, tasks long past their date are
        nearly all completed (4 in 5 on time), recent ones less so, and most not yet due are still open.
        """
        rng, today = self.rng, self.today
        roll = rng.random()
        if not ongoing and roll < 0.015:
            day = self.day_between(published, min(today, published + timedelta(days=5)))
            self.event(life, day, life.assignee, "decline", {"status": ["assigned", "declined"]}, F.DECLINE_NOTE)
            outcome.status = TaskStatus.DECLINED
            return
        ack = self.day_between(published, min(today, published + timedelta(days=4)))
        if not ongoing and roll < 0.035:
            status = "assigned"
            if rng.random() < 0.5:
                self.event(life, ack, life.assignee, "acknowledge", {"status": ["assigned", "in_progress"]})
                status = "in_progress"
            day = self.day_between(ack, min(today, (outcome.due or today) + timedelta(days=30)))
            self.event(life, day, life.chair, "cancel", {"status": [status, "cancelled"]}, rng.choice(F.CANCEL_NOTES))
            outcome.status = TaskStatus.CANCELLED
            return
        if outcome.due is not None and rng.random() < 0.06:
            ack = max(ack, self.extend(life, outcome, published))
        due = outcome.due
        if ongoing or due is None:
            done = not ongoing and rng.random() < 0.5
        elif due < today:
            age = (today - due).days
            done = rng.random() < (0.97 if age > 365 else 0.9 if age > 90 else 0.75)
        else:
            done = rng.random() < 0.2
        if done:
            self.complete(life, outcome, ack)
            return
        overdue = due is not None and due < today
        state = "in_progress" if ongoing else rng.choices(
            ("assigned", "in_progress", "submitted"), (20, 65, 15) if overdue else (35, 50, 15))[0]
        # Some open tasks near or past their date wait for the chair's decision on an extension.
        asks = due is not None and due >= today - timedelta(days=7) and rng.random() < 0.06
        if state == "assigned":
            if asks:
                self.pending_extension(life, due)
            return
        self.event(life, ack, life.assignee, "acknowledge", {"status": ["assigned", "in_progress"]})
        outcome.status = TaskStatus.IN_PROGRESS
        if due is not None:
            elapsed = min(1.0, (today - published).days / max(1, (due - published).days))
            progress = 5 * round(min(95, max(5, 100 * elapsed * rng.uniform(0.4, 1.1))) / 5)
        else:
            progress = 5 * rng.randint(1, 19)
        if state == "submitted":
            submitted = self.day_between(ack, today)
            outcome.progress = self.reports(life, ack, submitted, max(progress, 90))
            self.event(life, submitted, life.assignee, "submit",
                       {"status": ["in_progress", "submitted"], "submitted_on": [None, submitted.isoformat()]},
                       rng.choice(F.SUBMIT_NOTES))
            outcome.status, outcome.submitted_on = TaskStatus.SUBMITTED, submitted
        else:
            outcome.progress = self.reports(life, ack, today, progress)
            if asks:
                self.pending_extension(life, due)

    def complete(self, life: _Life, outcome: _Outcome, ack: date) -> None:
        """Acknowledged, reported on, submitted (on time 4 times in 5), now and then returned once, approved."""
        rng, today, due = self.rng, self.today, outcome.due
        if due is None or rng.random() < 0.8:
            submitted = self.day_between(ack, min(due or today, today))
        else:
            submitted = min(today, due + timedelta(days=rng.randint(1, 40)))
        submitted = max(submitted, ack)
        self.event(life, ack, life.assignee, "acknowledge", {"status": ["assigned", "in_progress"]})
        first = None
        if (submitted - ack).days >= 4 and rng.random() < 0.06:
            first = self.day_between(ack + timedelta(days=1), submitted - timedelta(days=2))
        progress = self.reports(life, ack, first or submitted, rng.randint(16, 20) * 5)
        if first:
            self.event(life, first, life.assignee, "submit",
                       {"status": ["in_progress", "submitted"], "submitted_on": [None, first.isoformat()]},
                       rng.choice(F.SUBMIT_NOTES))
            self.event(life, first + timedelta(days=1), life.chair, "return",
                       {"status": ["submitted", "in_progress"]}, rng.choice(F.RETURN_NOTES))
        self.event(life, submitted, life.assignee, "submit", {
            "status": ["in_progress", "submitted"],
            "submitted_on": [first.isoformat() if first else None, submitted.isoformat()]},
            rng.choice(F.SUBMIT_NOTES))
        completed = min(today, submitted + timedelta(days=rng.randint(0, 5)))
        changes = {"status": ["submitted", "completed"], "completed_on": [None, completed.isoformat()]}
        if progress != 100:
            changes["progress"] = [progress, 100]
        self.event(life, completed, life.chair, "approve", changes)
        outcome.status, outcome.progress = TaskStatus.COMPLETED, 100
        outcome.submitted_on, outcome.completed_on = submitted, completed

    def reports(self, life: _Life, first: date, last: date, final: int) -> int:
        """One to seven progress reports from `first` to `last`, rising to `final` per cent; the last figure."""
        count = self.rng.randint(1, 7)
        days = sorted(self.day_between(first, last) for _ in range(count))
        previous = 0
        for number, day in enumerate(days, start=1):
            progress = max(previous, 5 * round(final * number / count / 5))
            note = self.rng.choice(F.PROGRESS_NOTES)
            at = self.event(life, day, life.assignee, "progress", {"progress": [previous, progress]}, note)
            self.add("progress_reports", {"id": self.new_id("progress_reports"), "task_id": life.task_id,
                                          "user_id": life.assignee, "progress": progress, "note": note,
                                          "created_at": at})
            previous = progress
        return previous

    def extend(self, life: _Life, outcome: _Outcome, published: date) -> date:
        """An approved extension of 10-45 days asked for before the original date; the day it was decided."""
        original = outcome.due
        asked = self.day_between(published + timedelta(days=1), original)
        decided = asked + timedelta(days=self.rng.randint(1, 3))
        if decided > self.today:
            return published
        new_due = original + timedelta(days=self.rng.randint(10, 45))
        reason = self.rng.choice(F.EXTENSION_REASONS)
        asked_at = self.event(life, asked, life.assignee, "extension_requested",
                              {"requested_due_date": [original.isoformat(), new_due.isoformat()]}, reason)
        decided_at = self.event(life, decided, life.chair, "extension_approved",
                                {"extension": [None, "approved"], "due_date": [original.isoformat(),
                                                                               new_due.isoformat()]})
        self.add("extension_requests", {
            "id": self.new_id("extension_requests"), "task_id": life.task_id, "requested_due_date": new_due,
            "previous_due_date": original, "reason": reason, "status": ExtensionStatus.APPROVED,
            "requested_by_id": life.assignee, "created_at": asked_at, "decided_by_id": life.chair,
            "decided_at": decided_at, "decision_note": None, "version": 2,
        })
        outcome.due = new_due
        return decided

    def pending_extension(self, life: _Life, due: date) -> None:
        """An extension request still waiting for the chair's decision."""
        requested = due + timedelta(days=30)
        reason = self.rng.choice(F.EXTENSION_REASONS)
        asked_at = self.event(life, self.today, life.assignee, "extension_requested",
                              {"requested_due_date": [due.isoformat(), requested.isoformat()]}, reason)
        self.add("extension_requests", {
            "id": self.new_id("extension_requests"), "task_id": life.task_id, "requested_due_date": requested,
            "previous_due_date": due, "reason": reason, "status": ExtensionStatus.PENDING,
            "requested_by_id": life.assignee, "created_at": asked_at, "decided_by_id": None, "decided_at": None,
            "decision_note": None, "version": 1,
        })


def generate(conn: sa.Connection, *, communes: int, years: int, seed: int, today: date,
             tasks_per_commune_year: int = 300, password: str = DEFAULT_PASSWORD,
             progress: Callable[[int], None] = lambda _: None) -> Summary:
    """Fill an empty database through `conn`; `progress(n)` is told of each step done (communes + 1)."""
    for model in (Unit, User):
        if conn.scalar(sa.select(sa.func.count()).select_from(model)):
            raise NotEmpty(f"the table {model.__tablename__} is not empty")
    conn.commit()
    rng = random.Random(seed)
    # One hash for every account: hashing is deliberately slow, and thousands of accounts share the password.
    generator = _Generator(conn, rng, today, years, generate_password_hash(password), tasks_per_commune_year)
    province, places = generator.organisation(communes)
    generator.upper_meetings(province, generator.today)
    for district in generator.districts:
        generator.upper_meetings(district, REFORM_DAY)
    generator.commit()
    progress(1)
    for number, commune in enumerate(places, start=1):
        generator.commune_meetings(commune)
        if number % COMMUNES_PER_TRANSACTION == 0:
            generator.commit()
        progress(1)
    generator.commit()
    tallies.rebuild(conn)  # the rows went in around the ORM, which keeps the tallies otherwise
    conn.commit()
    finish(conn)
    return Summary({table.name: generator.counts[table.name] for table in TABLES}, password, province.id)


def finish(conn: sa.Connection) -> None:
    """Move PostgreSQL's id sequences past the ids written here, then refresh the planner's statistics (and on
    PostgreSQL the visibility map, without which no index-only scan skips the table, as autovacuum would)."""
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            if "id" in table.c:
                conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))
        conn.commit()
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        return
    conn.execute(sa.text("ANALYZE"))
    conn.commit()
