"""Property tests of the workflow: whatever anyone tries, in any order, the task only moves as the table says,
a refused attempt changes nothing, and the history replays to the task as it stands."""
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from ntm_tasks.assignments import services
from ntm_tasks.assignments.models import ExtensionRequest, ExtensionStatus, Task, TaskStatus
from ntm_tasks.assignments.workflow import ACTIONS
from ntm_tasks.audit import history_of
from ntm_tasks.errors import Conflict, DomainError, Forbidden, Invalid
from ntm_tasks.extensions import db

USERS = ("secretary", "chair", "lead", "coord", "bystander", "viewer", "other_chair")
# Fields the history tracks as [old, new], and their value before the first entry.
REPLAYED = {"status": None, "lead_body_id": None, "due_date": None, "progress": 0, "submitted_on": None,
            "completed_on": None}
S = TaskStatus
# DOMAIN.md's table, written out again here so that the test also checks workflow.py against it.
TABLE = {
    (S.ASSIGNED, "acknowledge"): S.IN_PROGRESS, (S.ASSIGNED, "decline"): S.DECLINED,
    (S.DECLINED, "reassign"): S.ASSIGNED, (S.ASSIGNED, "submit"): S.SUBMITTED,
    (S.IN_PROGRESS, "submit"): S.SUBMITTED, (S.SUBMITTED, "approve"): S.COMPLETED,
    (S.SUBMITTED, "return"): S.IN_PROGRESS, (S.ASSIGNED, "cancel"): S.CANCELLED,
    (S.IN_PROGRESS, "cancel"): S.CANCELLED, (S.SUBMITTED, "cancel"): S.CANCELLED,
    (S.COMPLETED, "reopen"): S.IN_PROGRESS, (S.CANCELLED, "reopen"): S.IN_PROGRESS,
}
WHO = {"acknowledge": "lead_assignee", "decline": "lead_assignee", "submit": "lead_assignee", "reassign": "editor",
       "approve": "chair", "return": "chair", "cancel": "chair", "reopen": "chair"}
NOTE_REQUIRED = {"decline", "submit", "return", "cancel", "reopen"}


def test_the_workflow_data_is_domain_md_table():
    assert {(s, name): spec.target for name, spec in ACTIONS.items() for s in spec.sources} == TABLE
    assert {name: spec.actor for name, spec in ACTIONS.items()} == WHO
    assert {name for name, spec in ACTIONS.items() if spec.note_required} == NOTE_REQUIRED


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, TaskStatus) else value


def test_no_sequence_of_actions_leaves_the_table(app, world):
    start = date(2030, 1, 1)
    body_of = {"lead": world.ubnd.id, "coord": world.party.id, "bystander": world.women.id}

    class Workflow(RuleBasedStateMachine):
        @initialize(draft=st.booleans(), due=st.one_of(st.none(), st.integers(0, 60)))
        def create(self, draft, due):
            from tests import factories

            self.today = start
            app.config["NTM_TODAY"] = start.isoformat()
            meeting = factories.meeting(world.commune, status="draft" if draft else "published")
            task = services.create_task(world.secretary, unit=world.commune, lead_body=world.ubnd, title="Việc",
                                        coordinating_bodies=[world.party], meeting=meeting,
                                        due_date=start + timedelta(days=due) if due is not None else None)
            db.session.commit()
            self.task_id = task.id

        def task(self) -> Task:
            db.session.expire_all()
            return db.session.get(Task, self.task_id)

        def state(self) -> tuple:
            task = self.task()
            return task.status, task.version, len(history_of(task)), task.due_date, task.lead_body_id, task.progress

        def may(self, username: str, who: str, task: Task) -> bool:
            """The table's `who`, told from the people of the world, independently of permissions.py."""
            if who == "lead_assignee":
                return body_of.get(username) == task.lead_body_id
            if who == "editor":
                return username in ("secretary", "chair")
            return username == "chair"

        def attempt(self, call, expected):
            """Run one service call like a request: commit on success, roll back on refusal."""
            before = self.state()
            try:
                call()
            except DomainError as error:
                db.session.rollback()
                assert expected is not None and isinstance(error, expected), (error, expected)
                assert self.state() == before
                return False
            db.session.commit()
            assert expected is None, f"expected {expected}"
            return True

        @rule(days=st.integers(0, 20))
        def time_passes(self, days):
            self.today += timedelta(days=days)
            app.config["NTM_TODAY"] = self.today.isoformat()

        @rule()
        def publish(self):
            task = self.task()
            before = task.status
            services.issue_drafts(world.secretary, [task])
            db.session.commit()
            after = self.task().status
            assert after == (TaskStatus.ASSIGNED if before == TaskStatus.DRAFT else before)

        @rule(choice=st.integers(0, 5), new_lead=st.sampled_from(["lead", "bystander"]))
        def move_on(self, choice, new_lead):
            """A move the table allows, by the right person: drives the task through every status."""
            task = self.task()
            options = sorted(action for status, action in TABLE if status == task.status)
            if not options:
                return
            action = options[choice % len(options)]
            lead = {v: k for k, v in body_of.items()}[task.lead_body_id]
            username = {"lead_assignee": lead, "editor": "secretary", "chair": "chair"}[WHO[action]]
            if action == "reassign" and body_of[new_lead] == task.lead_body_id:
                new_lead = "bystander" if new_lead == "lead" else "lead"
            self.act(action, username, "Lý do", False, new_lead)

        @rule(action=st.sampled_from(list(ACTIONS)), username=st.sampled_from(USERS),
              note=st.sampled_from([None, "", "Lý do"]), stale=st.integers(0, 4).map(lambda i: i == 0),
              new_lead=st.sampled_from(["lead", "bystander", "coord"]))
        def try_anything(self, action, username, note, stale, new_lead):
            self.act(action, username, note, stale, new_lead)

        def act(self, action, username, note, stale, new_lead):
            task = self.task()
            source = task.status
            user = getattr(world, username)
            lead_body = db.session.get(type(world.ubnd), body_of[new_lead])
            version = task.version - 1 if stale else task.version
            if not self.may(username, WHO[action], task):
                expected = Forbidden
            elif stale or (source, action) not in TABLE:
                expected = Conflict
            elif action in NOTE_REQUIRED and not note:
                expected = Invalid
            elif action == "reassign" and lead_body.id == task.lead_body_id:
                expected = Invalid  # the same body again (a coordinating body may take the lead)
            else:
                expected = None
            done = self.attempt(lambda: services.transition(user, task, action, note=note, version=version,
                                                            lead_body=lead_body), expected)
            if done:
                assert self.task().status == TABLE[(source, action)]
                if action == "reassign":
                    assert lead_body not in self.task().coordinating_bodies

        @rule(username=st.sampled_from(USERS), value=st.integers(-5, 105))
        def report(self, username, value):
            task = self.task()
            is_open = task.status in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
            involved = body_of.get(username) in (task.lead_body_id, world.party.id)
            expected = (Forbidden if not involved else Conflict if not is_open
                        else Invalid if not 0 <= value <= 100 else None)
            self.attempt(lambda: services.add_progress(getattr(world, username), task, value, "tiến độ"), expected)

        @rule(username=st.sampled_from(USERS), days=st.integers(-3, 30))
        def ask_for_time(self, username, days):
            task = self.task()
            requested = (task.due_date or self.today) + timedelta(days=days)
            allowed = username in ("secretary", "chair") or body_of.get(username) == task.lead_body_id
            pending = db.session.query(ExtensionRequest).filter_by(task_id=task.id,
                                                                   status=ExtensionStatus.PENDING).count()
            is_open = task.status in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
            if not allowed:
                expected = Forbidden
            elif not is_open:
                expected = Conflict
            elif (task.due_date and requested <= task.due_date) or requested < self.today:
                expected = Invalid
            elif pending:
                expected = Conflict
            else:
                expected = None
            self.attempt(lambda: services.request_extension(getattr(world, username), task, requested, "lý do"),
                         expected)

        @rule(username=st.sampled_from(USERS), approve=st.booleans())
        def decide(self, username, approve):
            task = self.task()
            request = db.session.query(ExtensionRequest).filter_by(task_id=task.id).order_by(
                ExtensionRequest.id.desc()).first()
            if request is None:
                return
            is_open = task.status in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
            if username != "chair":
                expected = Forbidden
            elif request.status != ExtensionStatus.PENDING or (approve and not is_open):
                expected = Conflict
            else:
                expected = None
            self.attempt(lambda: services.decide_extension(getattr(world, username), request, approve), expected)

        @invariant()
        def history_replays_to_the_current_task(self):
            if not hasattr(self, "task_id"):
                return
            task = self.task()
            replay = dict(REPLAYED)
            for entry in history_of(task):
                for field, (old, new) in entry.changes.items():
                    if field in replay:
                        assert replay[field] == old, (entry.action, field, replay[field], old)
                        replay[field] = new
            assert replay == {field: _plain(getattr(task, field)) for field in REPLAYED}

        @invariant()
        def status_is_reachable(self):
            if hasattr(self, "task_id"):
                entries = [e for e in history_of(self.task()) if "status" in e.changes]
                for earlier, later in zip(entries, entries[1:]):
                    assert earlier.changes["status"][1] == later.changes["status"][0]
                for entry in entries[1:]:
                    old, new = entry.changes["status"]
                    if entry.action == "assigned":
                        assert (old, new) == ("draft", "assigned")
                    else:
                        assert TABLE[(TaskStatus(old), entry.action)] == TaskStatus(new)

    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=80, stateful_step_count=40, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
