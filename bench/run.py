"""Benchmark ntm_tasks on a database filled by `flask --app wsgi ntm bench-data`; prints one JSON object.

    .venv/bin/python bench/run.py --database-url sqlite:////tmp/bench.sqlite [--clients 1,4,8] [--requests 200]

It starts gunicorn (2 workers, `wsgi:app`) on a free port of 127.0.0.1 against that database, logs in
(API tokens with HTTP Basic; the login form for the HTML dashboards) as the province chair, the chair,
secretary and assignees of the busiest commune, sends a fixed number of requests per user path at each
concurrency (threads, one connection per request: gunicorn's sync workers close them), times the bare SQL
behind the dashboard and the overdue report (the statements the app runs for them, replayed on a DB-API
cursor right before and after the path's one-client level), and stops everything it started. Paths the app does not serve
(404/405) are reported as "missing". Progress goes to stderr, the JSON to stdout. The write paths change
the data set a little (new tasks, reports, acknowledged and submitted tasks), as real use would.
"""
import argparse
import base64
import functools
import http.client
import itertools
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from statistics import median

import sqlalchemy as sa

from ntm_tasks import create_app
from ntm_tasks.assignments.models import Task, TaskStatus
from ntm_tasks.audit import HistoryEntry
from ntm_tasks.bench.fragments import SEARCH_TERMS, conclusion_text
from ntm_tasks.bench.generate import DEFAULT_PASSWORD
from ntm_tasks.db import today
from ntm_tasks.extensions import db
from ntm_tasks.meetings.models import Meeting, MeetingStatus
from ntm_tasks.org.models import Body, Role, Unit, UnitLevel, User, user_bodies

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host this script ever sends requests to
PORTS = range(5500, 5600)
LOGINS_PER_USER = 10  # the login form and token endpoint allow 20 a minute per account and address
FLOOR_RUNS = 7
WARM_UP = 4  # unmeasured answers per path, from two threads so that both workers have served it
SAMPLE_SECONDS = 0.25  # how often the memory of the server processes is read

PATH_NAMES = ["login", "overdue_list_commune", "overdue_list_province", "dashboard_province", "dashboard_commune",
              "overdue_report", "task_list", "task_search", "task_detail", "progress_report", "transition",
              "create_task", "meeting_detail", "parse"]
FLOOR_NAMES = ["dashboard_province", "overdue_report"]


# --- pure functions: statistics and the shape of the result --------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def level_summary(clients: int, latencies_ms: list[float], errors: int, seconds: float) -> dict:
    """The figures kept for one concurrency: c1 latency, c4 throughput and latency, c8 errors, others all."""
    answered = len(latencies_ms)
    figures = {
        "median_ms": round(median(latencies_ms), 1) if answered else None,
        "p95_ms": round(percentile(latencies_ms, 95), 1) if answered else None,
        "rps": round((answered + errors) / seconds, 1) if seconds > 0 else None,
        "errors": errors,
    }
    keep = {1: ("median_ms", "p95_ms"), 4: ("rps", "p95_ms", "errors"), 8: ("errors",)}.get(clients, tuple(figures))
    return {key: figures[key] for key in keep}


def floor_entry(sql_ms: float, app_ms: float | None) -> dict:
    """The app's median against the bare SQL's; ratio is null when the path is missing."""
    return {"sql_ms": round(sql_ms, 1), "app_ms": app_ms,
            "ratio": round(app_ms / sql_ms, 2) if app_ms is not None and sql_ms > 0 else None}


def assemble(database: str, scale: dict, paths: dict, floors: dict, rss_mb: dict) -> dict:
    """The one JSON object the benchmark prints; every path of PATH_NAMES appears, "missing" if not served."""
    return {
        "database": database,
        "scale": {key: scale[key] for key in ("communes", "tasks", "history_rows")},
        "paths": {name: paths.get(name, "missing") for name in PATH_NAMES},
        "floor": {name: floors[name] for name in FLOOR_NAMES if name in floors},
        "rss_mb": {"web": rss_mb.get("web"), "worker": rss_mb.get("worker")},
    }


# --- HTTP ----------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    body: bytes
    headers: list[tuple[str, str]]
    ms: float

    def json(self):
        return json.loads(self.body)


class Client:
    """Requests to the server under test, one connection each; keeps cookies when `cookies` is a dict."""

    def __init__(self, port: int, timeout: float, token: str | None = None):
        self.port, self.timeout = port, timeout
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, payload=None, headers: dict | None = None,
             form: dict | None = None) -> Answer:
        sent = {**self.headers, **(headers or {})}
        body = None
        if payload is not None:
            body, sent["Content-Type"] = json.dumps(payload).encode(), "application/json"
        elif form is not None:
            body, sent["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            ms = (time.perf_counter() - started) * 1000
            headers = response.getheaders()
        finally:
            connection.close()
        for name, value in headers:
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, data, headers, ms)


def basic(username: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def api_login(port: int, timeout: float, username: str, password: str) -> Client:
    """A client carrying a bearer token obtained with HTTP Basic."""
    answer = Client(port, timeout).call("POST", "/api/v1/tokens", headers=basic(username, password))
    if answer.status != 201:
        raise RuntimeError(f"token for {username}: HTTP {answer.status} {answer.body[:200]!r}")
    return Client(port, timeout, answer.json()["token"])


def form_login(port: int, timeout: float, username: str, password: str) -> Client:
    """A cookie-keeping client logged in through the login form with its CSRF token."""
    client = Client(port, timeout)
    page = client.call("GET", "/login").body.decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no CSRF token on /login")
    answer = client.call("POST", "/login", form={"username": username, "password": password,
                                                 "csrf_token": match.group(1)})
    if answer.status != 302:
        raise RuntimeError(f"form login for {username}: HTTP {answer.status}")
    return client


# --- the server and its memory -------------------------------------------------------------------

def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5500-5599")


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) in MB, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemoryWatch(threading.Thread):
    """Samples the peak RSS of the gunicorn workers and of the rq worker with its work-horses."""

    def __init__(self, gunicorn_pid: int, rq_pid: int | None):
        super().__init__(daemon=True)
        self.gunicorn_pid, self.rq_pid = gunicorn_pid, rq_pid
        self.peaks = {"web": 0.0, "worker": 0.0}
        self.done = threading.Event()

    def sample(self) -> None:
        groups = {"web": children(self.gunicorn_pid)}
        if self.rq_pid:
            groups["worker"] = [self.rq_pid, *children(self.rq_pid)]
        for group, pids in groups.items():
            for pid in pids:
                self.peaks[group] = max(self.peaks[group], peak_rss_mb(pid) or 0.0)

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.sample()

    def result(self) -> dict:
        self.sample()
        self.done.set()
        return {"web": round(self.peaks["web"], 1),
                "worker": round(self.peaks["worker"], 1) if self.rq_pid else None}


@dataclass
class Processes:
    """What this script started; stop() ends exactly these."""

    started: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start(self, command: list[str], env: dict, name: str) -> subprocess.Popen:
        log = Path(tempfile.mkstemp(prefix=f"ntm-bench-{name}-", suffix=".log")[1])
        self.logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.started.append(process)
        return process

    def stop(self, keep_logs: bool) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for path in self.logs:
            if keep_logs:
                log(f"server log kept: {path}")
            else:
                path.unlink(missing_ok=True)


def wait_ready(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if Client(port, 5).call("GET", "/api/v1/openapi.json").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}:\n{log.read_text()[-3000:]}")


# --- what to ask for ------------------------------------------------------------------------------

@dataclass
class Plan:
    """The accounts and rows the paths use, chosen from the database before the server starts."""

    today: date
    province_id: int
    commune_id: int
    villages: list[str]
    province_chair: str
    commune_chair: str
    secretary: str
    reporter: str  # the assignee whose open tasks receive progress reports
    report_tasks: list[int]
    transition_tasks: list[tuple[str, int]]  # (assignee, task) pairs of tasks in status "assigned"
    detail_tasks: list[int]
    meetings: list[int]
    meeting_for_new_tasks: int
    new_task_bodies: list[int]
    login_users: list[str]
    dashboard_url: Callable[[int], str] | None


def choose(app, logins: int, pairs: int) -> Plan:
    """Pick the province, its busiest commune and the accounts and rows each path needs."""
    session = db.session
    province = session.scalar(sa.select(Unit).where(Unit.level == UnitLevel.PROVINCE, Unit.parent_id.is_(None))
                              .order_by(Unit.id))
    if province is None:
        raise RuntimeError("no province: fill the database with `flask --app wsgi ntm bench-data` first")
    commune_id = session.scalar(
        sa.select(Task.unit_id).join(Unit, Unit.id == Task.unit_id).where(Unit.level == UnitLevel.COMMUNE)
        .group_by(Task.unit_id).order_by(sa.func.count().desc(), Task.unit_id).limit(1))
    commune = session.get(Unit, commune_id)
    in_commune = sa.select(Unit.id).where(Unit.path.startswith(commune.path))

    def username(role: Role, unit_id: int) -> str:
        return session.scalar(sa.select(User.username).where(User.role == role, User.unit_id == unit_id,
                                                             User.is_active_account.is_(True)).order_by(User.id))

    lead_assignee = (sa.select(User.username, Task.id)
                     .join(user_bodies, user_bodies.c.body_id == Task.lead_body_id)
                     .join(User, User.id == user_bodies.c.user_id)
                     .where(User.role == Role.ASSIGNEE, User.is_active_account.is_(True)))
    reporting = session.execute(lead_assignee.where(Task.status == TaskStatus.IN_PROGRESS,
                                                    Task.lead_unit_id.in_(in_commune))
                                .order_by(User.id, Task.id)).all()
    if not reporting:
        raise RuntimeError(f"no task in progress led from commune {commune.name}: is the data set bench-data's?")
    reporter = Counter(name for name, _ in reporting).most_common(1)[0][0]
    # Acknowledge/submit pairs need tasks in status "assigned": the fewest assignees that hold enough of them.
    assigned = session.execute(lead_assignee.where(Task.status == TaskStatus.ASSIGNED, Task.due_date.is_not(None))
                               .order_by(User.id, Task.id)).all()
    by_user: dict[str, list[int]] = {}
    for name, task_id in assigned:
        by_user.setdefault(name, []).append(task_id)
    transition_tasks: list[tuple[str, int]] = []
    for name in sorted(by_user, key=lambda n: (-len(by_user[n]), n)):
        if len(transition_tasks) >= pairs:
            break
        transition_tasks.extend((name, task_id) for task_id in by_user[name][:pairs - len(transition_tasks)])
    meetings = list(session.scalars(sa.select(Meeting.id).where(Meeting.unit_id == commune.id)
                                    .order_by(Meeting.held_at.desc()).limit(50)))
    latest_published = session.scalar(sa.select(Meeting.id).where(
        Meeting.unit_id == commune.id, Meeting.status == MeetingStatus.PUBLISHED).order_by(Meeting.held_at.desc()))
    detail_tasks = list(session.scalars(sa.select(Task.id).where(Task.unit_id == commune.id)
                                        .order_by(Task.id).limit(2000)))[::20]
    users_needed = logins // LOGINS_PER_USER + 1
    login_users = list(session.scalars(sa.select(User.username).where(
        User.role != Role.ADMIN, User.is_active_account.is_(True)).order_by(User.id).limit(users_needed)))
    dashboard = None
    if "oversight.dashboard" in app.view_functions:
        # The page's own address, whatever its rule: unit_id lands in the path or the query string.
        adapter = app.url_map.bind("localhost")
        dashboard = lambda unit_id: adapter.build("oversight.dashboard", {"unit_id": unit_id})  # noqa: E731
    return Plan(
        today=today(), province_id=province.id, commune_id=commune.id,
        villages=list(session.scalars(sa.select(Unit.name).where(Unit.parent_id == commune.id).order_by(Unit.id))),
        province_chair=username(Role.CHAIR, province.id), commune_chair=username(Role.CHAIR, commune.id),
        secretary=username(Role.SECRETARY, commune.id), reporter=reporter,
        report_tasks=[task_id for name, task_id in reporting if name == reporter][:200],
        transition_tasks=transition_tasks, detail_tasks=detail_tasks, meetings=meetings,
        meeting_for_new_tasks=latest_published,
        new_task_bodies=list(session.scalars(sa.select(Body.id).where(Body.unit_id == commune.id).order_by(Body.id))),
        login_users=login_users, dashboard_url=dashboard,
    )


class Rotation:
    """Thread-safe round robin over a list."""

    def __init__(self, items: list):
        if not items:
            raise RuntimeError("nothing to rotate over")
        self.items, self.counter, self.lock = items, itertools.count(), threading.Lock()

    def next(self):
        with self.lock:
            return self.items[next(self.counter) % len(self.items)]


@dataclass
class PathSpec:
    """A user path: `call()` makes one unit of work and returns its timed answers; `expect` is success."""

    call: Callable[[], list[Answer]]
    expect: int = 200
    answers: int = 1  # answers one call usually gives


def build_paths(plan: Plan, port: int, timeout: float, password: str) -> dict[str, PathSpec]:
    """The user paths of PATH_NAMES, their accounts logged in beforehand (untimed); no dashboard, no entry."""
    def api(username: str) -> Client:
        return api_login(port, timeout, username, password)

    province, commune, secretary = api(plan.province_chair), api(plan.commune_chair), api(plan.secretary)
    reporter = api(plan.reporter)
    assignees = {name: api(name) for name in dict.fromkeys(name for name, _ in plan.transition_tasks)}
    logins, terms = Rotation(plan.login_users), Rotation(SEARCH_TERMS)
    details, meetings = Rotation(plan.detail_tasks), Rotation(plan.meetings)
    reports, bodies = Rotation(plan.report_tasks), Rotation(plan.new_task_bodies)
    pairs, pairs_lock = iter(plan.transition_tasks), threading.Lock()
    numbers = itertools.count(1)
    due = (plan.today + timedelta(days=30)).isoformat()
    conclusion = conclusion_text(plan.villages, plan.today.year)

    def login() -> list[Answer]:
        return [Client(port, timeout).call("POST", "/api/v1/tokens", headers=basic(logins.next(), password))]

    def overdue(client: Client, unit_id: int) -> Callable[[], list[Answer]]:
        return lambda: [client.call("GET", f"/api/v1/tasks?overdue=true&unit_id={unit_id}&per_page=100")]

    def transition() -> list[Answer]:
        with pairs_lock:
            name, task_id = next(pairs, (None, None))
        if name is None:
            return [Answer(0, b"no task left in status assigned", [], 0.0)]
        client = assignees[name]
        read = client.call("GET", f"/api/v1/tasks/{task_id}")
        if read.status != 200:
            return [read]
        first = client.call("POST", f"/api/v1/tasks/{task_id}/transitions",
                            {"action": "acknowledge", "version": read.json()["version"]})
        if first.status != 200:
            return [first]
        second = client.call("POST", f"/api/v1/tasks/{task_id}/transitions",
                             {"action": "submit", "note": "Đã hoàn thành (benchmark).",
                              "version": first.json()["version"]})
        return [first, second]

    def create_task() -> list[Answer]:
        lead = bodies.next()
        return [secretary.call("POST", f"/api/v1/meetings/{plan.meeting_for_new_tasks}/tasks", {
            "title": f"Rà soát tiến độ xây dựng nhà văn hóa thôn (benchmark {next(numbers)})",
            "lead_body_id": lead, "due_date": due, "coordinating_body_ids": [bodies.next()],
        })]

    paths = {
        "login": PathSpec(login, 201),
        "overdue_list_commune": PathSpec(overdue(commune, plan.commune_id)),
        "overdue_list_province": PathSpec(overdue(province, plan.province_id)),
        "overdue_report": PathSpec(lambda: [province.call(
            "GET", f"/api/v1/reports/overdue?unit_id={plan.province_id}")]),
        "task_list": PathSpec(lambda: [province.call(
            "GET", f"/api/v1/tasks?unit_id={plan.province_id}&status=in_progress&per_page=50")]),
        "task_search": PathSpec(lambda: [province.call(
            "GET", f"/api/v1/tasks?unit_id={plan.province_id}&q={urllib.parse.quote(terms.next())}&per_page=50")]),
        "task_detail": PathSpec(lambda: [commune.call("GET", f"/api/v1/tasks/{details.next()}")]),
        "progress_report": PathSpec(lambda: [reporter.call("POST", f"/api/v1/tasks/{reports.next()}/updates", {
            "note": "Đang triển khai theo kế hoạch (benchmark).", "progress": 5 * (next(numbers) % 20)})], 201),
        "transition": PathSpec(transition, answers=2),
        "create_task": PathSpec(create_task, 201),
        "meeting_detail": PathSpec(lambda: [commune.call("GET", f"/api/v1/meetings/{meetings.next()}")]),
        "parse": PathSpec(lambda: [secretary.call("POST", "/api/v1/conclusions/parse", {
            "unit_id": plan.commune_id, "text": conclusion, "reference_date": plan.today.isoformat()})]),
    }
    if plan.dashboard_url is not None:
        province_web = form_login(port, timeout, plan.province_chair, password)
        commune_web = form_login(port, timeout, plan.commune_chair, password)
        province_page, commune_page = plan.dashboard_url(plan.province_id), plan.dashboard_url(plan.commune_id)
        paths["dashboard_province"] = PathSpec(lambda: [province_web.call("GET", province_page)])
        paths["dashboard_commune"] = PathSpec(lambda: [commune_web.call("GET", commune_page)])
    return paths


# --- driving the load -----------------------------------------------------------------------------

@dataclass
class Outcome:
    latencies_ms: list[float]
    errors: int
    seconds: float
    first_error: str | None = None


def drive(spec: PathSpec, requests: int, clients: int, max_seconds: float) -> Outcome:
    """`requests` answers from `clients` threads (bounded by `max_seconds`), timed one by one."""
    latencies: list[float] = []
    state = {"answers": 0, "errors": 0, "first_error": None}
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        while True:
            with lock:
                if state["answers"] >= requests or time.monotonic() > deadline:
                    return
                state["answers"] += spec.answers  # reserved before the call so threads never overshoot much
            try:
                answers = spec.call()
            except (OSError, http.client.HTTPException) as error:
                answers = [Answer(0, repr(error).encode(), [], 0.0)]
            with lock:
                state["answers"] += len(answers) - spec.answers
                for answer in answers:
                    if answer.status == spec.expect:
                        latencies.append(answer.ms)
                    else:
                        state["errors"] += 1
                        state["first_error"] = state["first_error"] or f"HTTP {answer.status} {answer.body[:300]!r}"

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(latencies, state["errors"], time.perf_counter() - started, state["first_error"])


def measure(paths: dict[str, PathSpec], levels: list[int], requests: int, max_seconds: float,
            problems: list[str], beside_c1: dict[str, Callable[[], float]] | None = None) -> tuple[dict, dict]:
    """Each path at each concurrency, after a warm-up on two threads; 404/405 on warm-up means missing.
    The first error of each path and level is appended to `problems`. At the path's one-client level,
    `beside_c1[name]()` (one timed run of the bare SQL floor) runs after each request, and the floor is the median
    of those runs: the machine's speed drifts over minutes, and a ratio of two timings must come from the same
    moments."""
    results: dict = {}
    beside: dict = {}
    for name in PATH_NAMES:
        spec = paths.get(name)
        if spec is None:
            log(f"{name}: missing")
            continue
        warm = drive(spec, WARM_UP, 2, max_seconds)
        if warm.first_error and re.match(r"HTTP (404|405) ", warm.first_error) and not warm.latencies_ms:
            log(f"{name}: missing ({warm.first_error[:80]})")
            continue
        results[name] = {}
        for clients in levels:
            floor_ms: list[float] = []
            driven = spec
            if clients == 1 and name in (beside_c1 or {}):
                driven = replace(spec, call=_then(spec.call, lambda: floor_ms.append(beside_c1[name]())))
            outcome = drive(driven, requests, clients, max_seconds)
            if floor_ms:
                beside[name] = median(floor_ms)
            results[name][f"c{clients}"] = level_summary(clients, outcome.latencies_ms, outcome.errors,
                                                         outcome.seconds)
            log(f"{name} c{clients}: {len(outcome.latencies_ms)} ok, {outcome.errors} errors, "
                f"median {median(outcome.latencies_ms) if outcome.latencies_ms else float('nan'):.1f} ms")
            if outcome.first_error:
                problems.append(f"{name} c{clients}: {outcome.first_error}")
    return results, beside


def _then(call: Callable[[], list[Answer]], after: Callable[[], None]) -> Callable[[], list[Answer]]:
    """`call`, then `after` (outside the call's timing)."""
    def both() -> list[Answer]:
        answers = call()
        after()
        return answers
    return both


# --- the bare SQL floor ---------------------------------------------------------------------------

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


def floor_calls(app, plan: Plan, password: str) -> dict[str, Callable]:
    """An in-process request of each path of FLOOR_NAMES, its account logged in beforehand."""
    web = app.test_client()
    page = web.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    web.post("/login", data={"username": plan.province_chair, "password": password, "csrf_token": csrf})
    api = app.test_client()
    token = api.post("/api/v1/tokens", headers=basic(plan.province_chair, password)).get_json()["token"]
    calls = {"overdue_report": lambda: api.get(f"/api/v1/reports/overdue?unit_id={plan.province_id}",
                                               headers={"Authorization": f"Bearer {token}"})}
    if plan.dashboard_url is not None:
        calls["dashboard_province"] = lambda: web.get(plan.dashboard_url(plan.province_id))
    return calls


def captured_sql(engine, call: Callable) -> list[tuple[str, object]]:
    """The statements, with their parameters, that one `call` of the app runs (transaction control left out)."""
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return statements


def time_floor(engine, statements: list[tuple[str, object]], runs: int = FLOOR_RUNS, warm_up: bool = True) -> float:
    """Median milliseconds to run the statements and fetch all their rows on a bare DB-API cursor (after a
    warm-up run unless the database is already warm): what the path costs the database, without the app around
    it."""
    raw = engine.raw_connection()
    timings = []
    try:
        for _ in range(runs + warm_up):
            cursor = raw.cursor()
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            cursor.close()
            raw.rollback()
    finally:
        raw.close()
    return median(timings[warm_up:])


# --- the whole run --------------------------------------------------------------------------------

def machine_speed_ms(runs: int = 5) -> float:
    """Median milliseconds of a fixed pure-Python workload: how fast this machine runs at the moment, logged at
    the start and the end of a run so that figures from different hours can be compared (on a shared machine the
    same code's timings drift by half or more)."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        json.dumps([{"id": i, "name": f"Cơ quan {i}", "figures": [i % 7] * 7} for i in range(20_000)])
        timings.append((time.perf_counter() - started) * 1000)
    return median(timings)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark ntm_tasks under gunicorn on 127.0.0.1.")
    parser.add_argument("--database-url", required=True, help="a database filled by `flask ntm bench-data`")
    parser.add_argument("--clients", default="1,4,8", help="concurrency levels, comma-separated (default 1,4,8)")
    parser.add_argument("--requests", type=int, default=200, help="answers per path and level (default 200)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="the accounts' password (bench-data's)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="run the app with this Redis and an rq worker, to measure it (default $REDIS_URL)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds one request may take")
    parser.add_argument("--max-seconds", type=float, default=300, help="bound on one path at one level")
    args = parser.parse_args(argv)
    args.levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if not args.levels or min(args.levels) < 1 or args.requests < 1:
        parser.error("--clients takes positive integers and --requests a positive count")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    if not args.redis_url:
        os.environ.pop("REDIS_URL", None)
    app = create_app({"REDIS_URL": args.redis_url})
    requests, levels = args.requests, args.levels
    with app.app_context():
        engine = db.engine
        scale = {
            "communes": db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(
                Unit.level == UnitLevel.COMMUNE, Unit.is_archived.is_(False))),
            "tasks": db.session.scalar(sa.select(sa.func.count()).select_from(Task)),
            "history_rows": db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEntry)),
        }
        version = ".".join(str(part) for part in (engine.dialect.server_version_info or ())[:3])
        database = f"{engine.dialect.name} {version}".strip()
        rounds = WARM_UP + requests * len(levels)
        plan = choose(app, logins=rounds, pairs=math.ceil(rounds / 2) + len(levels) + 2)
        if len(plan.transition_tasks) * 2 < rounds:
            log(f"only {len(plan.transition_tasks)} tasks in status assigned: transition will report errors")
        db.session.remove()
        queue = app.config.get("RQ_QUEUE", "default")
    # The floor is the SQL the app itself runs for the path (captured from a warm request), replayed bare beside
    # the path's one-client level. The requests are captured outside any app context, each in one of its own as
    # gunicorn serves them: inside one, the session's identity map would answer the account's and the unit's
    # lookups, and their statements would be missing from the floor.
    floor_sql = {}
    for name, call in floor_calls(app, plan, args.password).items():
        call()
        floor_sql[name] = captured_sql(engine, call)
    engine.dispose()

    processes, problems = Processes(), []
    env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": secrets.token_hex(32)}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    port = free_port()
    # A plain `kill` of this script still stops what it started (SystemExit runs the clean-up below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        server = processes.start([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"{HOST}:{port}",
                                  "--timeout", "120", "wsgi:app"], env, "gunicorn")
        rq = None
        if args.redis_url:
            rq_command = [str(Path(sys.executable).with_name("rq")), "worker", "--url", args.redis_url, queue]
            rq = processes.start(rq_command, env, "rq")
        wait_ready(port, server, processes.logs[0])
        memory = MemoryWatch(server.pid, rq.pid if rq else None)
        memory.start()
        log(f"gunicorn on {HOST}:{port}; {database}; {scale}; machine speed {machine_speed_ms():.1f} ms")
        paths = build_paths(plan, port, args.timeout, args.password)
        replays = {name: functools.partial(time_floor, engine, statements, runs=1, warm_up=False)
                   for name, statements in floor_sql.items()}
        results, sql_ms = measure(paths, levels, requests, args.max_seconds, problems, replays)
        for name in replays.keys() - sql_ms.keys():  # no one-client level was asked for
            sql_ms[name] = time_floor(engine, floor_sql[name])
        rss = memory.result()
    except BaseException:
        processes.stop(keep_logs=True)
        raise
    log(f"machine speed at the end {machine_speed_ms():.1f} ms")
    for problem in problems:
        log(f"first error of {problem}")
    processes.stop(keep_logs=bool(problems))
    floors = {}
    for name in FLOOR_NAMES:
        c1 = results.get(name, {}).get("c1", {})
        floors[name] = floor_entry(sql_ms.get(name, 0.0), c1.get("median_ms"))
    print(json.dumps(assemble(database, scale, results, floors, rss), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
