"""A bounded soak: gunicorn (2 workers) on 127.0.0.1, the demo data, N client threads doing mixed reads and
writes through the JSON API for S seconds; then every write the server acknowledged is looked up in the
database. Prints one JSON object; exits 1 on any 5xx, transport error or lost write.

    .venv/bin/python bench/soak.py --seconds 120 --clients 8                        # a fresh SQLite file
    .venv/bin/python bench/soak.py --seconds 120 --clients 8 --database-url postgresql://postgres@127.0.0.1/ntm_soak

The database must be empty or new (the script runs `flask db upgrade` and `flask ntm demo` on it). The clients
play the demo's people: the secretary records meetings, adds a task and publishes; the assignees acknowledge,
report progress and submit; the chair approves and reopens (so the work goes round for as long as it runs);
the province viewer reads. Every client reads task lists, task pages and meetings between its writes. A 409
(two clients acting on the same task) is a correct refusal, counted but not an error. Only 127.0.0.1 is ever
contacted; ports 5600-5699. Progress goes to stderr.
"""
import argparse
import base64
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import quantiles

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host this script talks to
PORTS = range(5600, 5700)
PASSWORD = "demo1234"  # the demo's accounts (README)
TRANSITIONS = ("acknowledge", "submit", "approve", "reopen")


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5600-5699")


# --- HTTP -------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """What the clients saw, shared between their threads."""

    statuses: Counter = field(default_factory=Counter)
    latencies: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)
    transport_errors: list = field(default_factory=list)
    acknowledged: Counter = field(default_factory=Counter)
    meetings: dict = field(default_factory=dict)  # id -> title
    published: set = field(default_factory=set)
    tasks: dict = field(default_factory=dict)  # id -> title
    reports: dict = field(default_factory=dict)  # id -> (task id, progress, note)
    transitions: Counter = field(default_factory=Counter)  # (task id, action) -> count
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, status: int, seconds: float, body: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds * 1000)
            if status >= 500:
                self.server_errors.append(f"{method} {path}: {status} {body[:200]}")


class Api:
    """One user's bearer token; one connection per request (gunicorn's sync workers close them)."""

    def __init__(self, port: int, tally: Tally, token: str | None = None):
        self.port, self.tally, self.token = port, tally, token

    def call(self, method: str, path: str, payload=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(method, "/api/v1" + path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            with self.tally.lock:
                self.tally.transport_errors.append(f"{method} {path}: {error!r}")
            return 0, None
        finally:
            connection.close()
        self.tally.record(method, path, response.status, time.perf_counter() - started, text)
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = None
        return response.status, data


def login(port: int, tally: Tally, username: str) -> Api:
    basic = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    status, data = Api(port, tally).call("POST", "/tokens", headers={"Authorization": f"Basic {basic}"})
    if status != 201:
        raise RuntimeError(f"login of {username} failed: {status} {data}")
    return Api(port, tally, data["token"])


# --- the clients ------------------------------------------------------------------------------------

class Client(threading.Thread):
    """One simulated person: reads between writes until the deadline."""

    def __init__(self, name: str, role: str, api: Api, me: dict, context: dict, deadline: float, seed: int):
        super().__init__(name=name, daemon=True)
        self.role, self.api, self.me, self.context, self.deadline = role, api, me, context, deadline
        self.random = random.Random(seed)

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            self.read()
            if self.role != "viewer" and self.random.random() < (0.3 if self.role == "secretary" else 0.7):
                getattr(self, f"write_{self.role}")()

    # reads
    def read(self) -> None:
        choice = self.random.random()
        if choice < 0.4:
            status, data = self.api.call("GET", f"/tasks?per_page=20&page={self.random.randint(1, 3)}")
            if status == 200 and data["items"]:
                self.api.call("GET", f"/tasks/{self.random.choice(data['items'])['id']}")
        elif choice < 0.6:
            status, data = self.api.call("GET", "/meetings?per_page=10")
            if status == 200 and data["items"]:
                self.api.call("GET", f"/meetings/{self.random.choice(data['items'])['id']}")
        elif choice < 0.8 and self.role in ("chair", "viewer", "secretary"):
            self.api.call("GET", "/reports/overdue?limit=20")
        else:
            self.api.call("GET", "/notifications?unread=true")

    def _my_tasks(self, status: str) -> list:
        query = f"/tasks?status={status}&per_page=50"
        if self.role == "assignee" and self.me["body_ids"]:
            query += f"&body_id={self.random.choice(self.me['body_ids'])}"
        code, data = self.api.call("GET", query)
        return data["items"] if code == 200 else []

    def _transition(self, task: dict, action: str, note: str | None = None) -> None:
        status, data = self.api.call("POST", f"/tasks/{task['id']}/transitions",
                                     {"action": action, "note": note, "version": task["version"]})
        if status == 200:
            with self.api.tally.lock:
                self.api.tally.transitions[(task["id"], action)] += 1
                self.api.tally.acknowledged["transition"] += 1

    # writes
    def write_assignee(self) -> None:
        choice = self.random.random()
        if choice < 0.3:
            tasks = self._my_tasks("assigned")
            if tasks:
                self._transition(self.random.choice(tasks), "acknowledge")
        elif choice < 0.75:
            tasks = [t for t in self._my_tasks("in_progress") if t["lead_body"]["id"] in self.me["body_ids"]]
            if tasks:
                task = self.random.choice(tasks)
                note = f"soak {secrets.token_hex(6)}"
                progress = self.random.randint(0, 100)
                status, data = self.api.call("POST", f"/tasks/{task['id']}/updates",
                                             {"progress": progress, "note": note})
                if status == 201:
                    with self.api.tally.lock:
                        self.api.tally.reports[data["id"]] = (task["id"], progress, note)
                        self.api.tally.acknowledged["progress_report"] += 1
        else:
            tasks = [t for t in self._my_tasks("in_progress") if t["lead_body"]["id"] in self.me["body_ids"]]
            if tasks:
                self._transition(self.random.choice(tasks), "submit", "Đã hoàn thành, gửi minh chứng.")

    def write_chair(self) -> None:
        if self.random.random() < 0.7:
            tasks = self._my_tasks("submitted")
            if tasks:
                self._transition(self.random.choice(tasks), "approve")
        else:
            tasks = self._my_tasks("completed")
            if tasks:
                self._transition(self.random.choice(tasks), "reopen", "Cần bổ sung sau kiểm tra.")

    def write_secretary(self) -> None:
        tally = self.api.tally
        title = f"Họp soak {secrets.token_hex(5)}"
        status, meeting = self.api.call("POST", "/meetings", {
            "unit_id": self.me["unit_id"], "title": title, "kind": "steering_meeting",
            "held_at": time.strftime("%Y-%m-%dT08:00:00")})
        if status != 201:
            return
        with tally.lock:
            tally.meetings[meeting["id"]] = title
            tally.acknowledged["meeting"] += 1
        task_title = f"Việc soak {secrets.token_hex(5)}"
        status, task = self.api.call("POST", f"/meetings/{meeting['id']}/tasks", {
            "title": task_title, "lead_body_id": self.random.choice(self.context["lead_bodies"])})
        if status == 201:
            with tally.lock:
                tally.tasks[task["id"]] = task_title
                tally.acknowledged["task"] += 1
        status, published = self.api.call("POST", f"/meetings/{meeting['id']}/publish",
                                          {"version": meeting["version"]})
        if status == 200:
            with tally.lock:
                tally.published.add(meeting["id"])
                tally.acknowledged["publish"] += 1


# Clients take these parts in turn. Two play `ubnd` and two the chair, so that some act on the same task at
# the same moment: one wins, the other gets 409, and the check below still finds exactly what was acknowledged.
CAST = [("thuky", "secretary"), ("ubnd", "assignee"), ("chutich", "chair"), ("diachinh", "assignee"),
        ("ubnd", "assignee"), ("vpdp.tinh", "viewer"), ("chutich", "chair"), ("phunu", "assignee"),
        ("truongthon", "assignee"), ("thuky", "secretary")]


# --- checking what was stored -----------------------------------------------------------------------

def history_counts(engine) -> Counter:
    import sqlalchemy as sa

    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT object_id, action, COUNT(*) FROM history WHERE object_type = 'tasks' AND action IN "
            "('acknowledge', 'submit', 'approve', 'reopen') GROUP BY object_id, action")).all()
    return Counter({(task_id, action): count for task_id, action, count in rows})


def verify(engine, tally: Tally, before: Counter) -> dict:
    """Every acknowledged write, looked up; returns the writes missing or differing, by kind."""
    import sqlalchemy as sa

    lost: Counter = Counter()
    examples: list[str] = []

    def missing(kind: str, what: str) -> None:
        lost[kind] += 1
        if len(examples) < 20:
            examples.append(f"{kind}: {what}")

    with engine.connect() as conn:
        def rows(sql: str, ids) -> dict:
            result = {}
            ids = list(ids)
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                if chunk:
                    statement = sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))
                    result.update({row[0]: tuple(row[1:]) for row in conn.execute(statement, {"ids": chunk})})
            return result

        stored = rows("SELECT id, task_id, progress, note FROM progress_reports WHERE id IN :ids", tally.reports)
        for report_id, expected in tally.reports.items():
            if stored.get(report_id) != expected:
                missing("progress_report", f"{report_id} {expected} stored as {stored.get(report_id)}")
        stored = rows("SELECT id, title, status FROM meetings WHERE id IN :ids", tally.meetings)
        for meeting_id, title in tally.meetings.items():
            row = stored.get(meeting_id)
            if row is None or row[0] != title:
                missing("meeting", f"{meeting_id} {title!r} stored as {row}")
            elif meeting_id in tally.published and str(row[1]).lower() != "published":  # enum name or value
                missing("publish", f"{meeting_id} is {row[1]}")
        stored = rows("SELECT id, title FROM tasks WHERE id IN :ids", tally.tasks)
        for task_id, title in tally.tasks.items():
            if stored.get(task_id) != (title,):
                missing("task", f"{task_id} {title!r} stored as {stored.get(task_id)}")
    after = history_counts(engine)
    for key, count in tally.transitions.items():
        if after[key] - before[key] != count:
            missing("transition", f"task {key[0]} {key[1]}: {count} acknowledged, {after[key] - before[key]} stored")
    extra = sum(max(0, after[k] - before[k] - tally.transitions[k]) for k in after)
    return {"lost": dict(lost), "examples": examples, "unacknowledged_transitions_stored": extra}


# --- running ----------------------------------------------------------------------------------------

def flask(args: list[str], env: dict) -> None:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


def wait_ready(port: int, process: subprocess.Popen, log_path: Path, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            break
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer on port {port}:\n{log_path.read_text()[-3000:]}")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Soak ntm_tasks under gunicorn on 127.0.0.1; no lost writes, no 5xx.")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file, removed after)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database and logs)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ntm-soak-"))
    database_url = args.database_url or f"sqlite:///{folder / 'soak.sqlite'}"
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "MAIL_SERVER", "NTM_TODAY", "SERVER_NAME", "TEST_DATABASE_URL")}
    env.update(DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(16), EXPORT_FOLDER=str(folder / "exports"),
               FLASK_APP="wsgi", PYTHONUNBUFFERED="1")
    server = None
    tally = Tally()
    try:
        log(f"preparing {database_url.split('@')[-1]}")
        flask(["db", "upgrade"], env)
        flask(["ntm", "demo"], env)
        port = free_port()
        log_path = folder / "gunicorn.log"
        with open(log_path, "wb") as out:
            server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
                                       "--bind", f"{HOST}:{port}", "--timeout", "60", "wsgi:app"],
                                      cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        wait_ready(port, server, log_path)
        log(f"gunicorn ({args.workers} workers) on {HOST}:{port}")

        import sqlalchemy as sa

        sys.path.insert(0, str(ROOT))
        from ntm_tasks.config import _normalise_db_url

        engine = sa.create_engine(_normalise_db_url(database_url))
        before = history_counts(engine)
        apis, profiles = {}, {}
        for username, _role in CAST:
            if username not in apis:
                apis[username] = login(port, tally, username)
                profiles[username] = apis[username].call("GET", "/me")[1]
        lead_bodies = sorted({b for u, r in CAST if r == "assignee" for b in profiles[u]["body_ids"]})
        context = {"lead_bodies": lead_bodies}
        deadline = time.monotonic() + args.seconds
        clients = [Client(f"{username}-{i}", role, apis[username], profiles[username], context, deadline,
                          args.seed * 100 + i)
                   for i, (username, role) in enumerate(CAST * (args.clients // len(CAST) + 1))][:args.clients]
        log(f"{len(clients)} clients for {args.seconds:.0f} s")
        started = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join(args.seconds + 120)
        elapsed = time.monotonic() - started
        log("verifying the acknowledged writes against the database")
        check = verify(engine, tally, before)
        engine.dispose()
        requests = sum(tally.statuses.values())
        cuts = quantiles(tally.latencies, n=100) if len(tally.latencies) >= 2 else [0] * 99
        summary = {
            "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
            "seconds": round(elapsed, 1), "clients": len(clients), "workers": args.workers,
            "requests": requests, "requests_per_second": round(requests / elapsed, 1),
            "latency_ms": {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "max": round(max(tally.latencies), 1)},
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
            "writes_acknowledged": dict(tally.acknowledged), "writes_total": sum(tally.acknowledged.values()),
            "conflicts_409": tally.statuses.get(409, 0),
            "server_errors_5xx": len(tally.server_errors), "transport_errors": len(tally.transport_errors),
            "lost_writes": sum(check["lost"].values()), "lost_by_kind": check["lost"],
            "unacknowledged_transitions_stored": check["unacknowledged_transitions_stored"],
            "examples": (tally.server_errors + tally.transport_errors + check["examples"])[:20],
        }
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        ok = not tally.server_errors and not tally.transport_errors and not summary["lost_writes"] \
            and summary["writes_total"] > 0
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
