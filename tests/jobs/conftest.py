"""Redis-backed fixtures: a queue of the test's own on Redis DB 15, and real `rq worker` processes that see
the test's database. Skipped, with the reason, only when no Redis answers."""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import rq  # noqa: F401  (imported before any app: pygal's import hook turns late optional imports into warnings)
import rq.cron  # noqa: F401

from ntm_tasks.extensions import db

REDIS_URL = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_conn():
    conn = redis.Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis answers at 127.0.0.1:6379 (.ci/run starts one): the rq worker tests need it")
    return conn


def _forget_queue(conn, name: str) -> None:
    """Delete this test's queue, its registries and its jobs, and nothing else of the Redis DB."""
    from rq import Queue

    queue = Queue(name, connection=conn)
    ids = set(queue.get_job_ids())
    for registry in (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry,
                     queue.scheduled_job_registry, queue.deferred_job_registry, queue.canceled_job_registry):
        ids |= set(registry.get_job_ids())
    for job_id in ids:
        for key in conn.scan_iter(f"rq:*{job_id}*"):
            conn.delete(key)
    for key in conn.scan_iter(f"rq:*{name}*"):
        conn.delete(key)
    conn.srem("rq:queues", f"rq:queue:{name}")
    for worker_key in conn.smembers("rq:workers"):  # workers of ours that were killed and never said goodbye
        queues = conn.hget(worker_key, "queues")
        if queues is None or name in queues.decode():
            conn.srem("rq:workers", worker_key)
            conn.delete(worker_key)


@pytest.fixture
def rq_app(app, redis_conn, tmp_path):
    """The app with REDIS_URL set: jobs go to a queue of this test's own, retried at once (intervals 0)."""
    name = f"ntm-test-{uuid.uuid4().hex[:12]}"
    keys = ("REDIS_URL", "RQ_QUEUE", "JOB_RETRY_INTERVALS", "EXPORT_FOLDER")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(REDIS_URL=REDIS_URL, RQ_QUEUE=name, JOB_RETRY_INTERVALS=(0, 0, 0),
                      EXPORT_FOLDER=str(tmp_path / "exports"))
    yield app
    app.config.update(saved)
    _forget_queue(redis_conn, name)


class Workers:
    """Start real `rq worker` processes on the test's queue; they see the test's database."""

    def __init__(self, app, database_url: str):
        self.app, self.database_url, self.running = app, database_url, []

    def env(self) -> dict:
        config = self.app.config
        env = {k: v for k, v in os.environ.items() if k not in ("NTM_TODAY", "MAIL_SERVER", "MAIL_PORT")}
        env.update(DATABASE_URL=self.database_url, REDIS_URL=config["REDIS_URL"], RQ_QUEUE=config["RQ_QUEUE"],
                   SECRET_KEY="test-secret", EXPORT_FOLDER=config["EXPORT_FOLDER"], PUBLIC_URL=config["PUBLIC_URL"],
                   JOB_RETRY_INTERVALS=",".join(str(i) for i in config["JOB_RETRY_INTERVALS"]))
        if config.get("MAIL_SERVER"):
            env.update(MAIL_SERVER=config["MAIL_SERVER"], MAIL_PORT=str(config["MAIL_PORT"]))
        if config.get("NTM_TODAY"):
            env["NTM_TODAY"] = config["NTM_TODAY"]
        return env

    def start(self, burst: bool = True) -> subprocess.Popen:
        """One worker process (in its own process group, so that killing it kills its work horse too)."""
        db.session.commit()  # the worker reads what the test committed, and waits on no lock of ours
        args = [sys.executable, "-m", "rq.cli", "worker", "--url", self.app.config["REDIS_URL"], "--path", str(ROOT),
                "--logging_level", "WARNING"]
        if burst:
            args.append("--burst")
        process = subprocess.Popen(args + [self.app.config["RQ_QUEUE"]], cwd=ROOT, env=self.env(),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(process)
        return process

    def wait(self, process: subprocess.Popen, timeout: float = 120) -> str:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(process)
            raise
        text = output.decode(errors="replace")
        assert process.returncode == 0, text
        db.session.expire_all()
        return text

    def burst(self, timeout: float = 120) -> str:
        """Run one burst worker until the queue is empty."""
        return self.wait(self.start(), timeout)

    def kill(self, process: subprocess.Popen, also=()) -> None:
        """SIGKILL the worker, then the work horses named in `also` (rq forks each into its own process group;
        the worker goes first, so that it cannot see its horse die and requeue the job)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)
        for pid in also:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in also:
            wait_for(lambda: not _alive(pid), timeout=30)
        if process.stdout:
            process.stdout.close()

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process)
            elif process.stdout and not process.stdout.closed:
                process.stdout.close()


@pytest.fixture
def workers(rq_app, database_url):
    runner = Workers(rq_app, database_url)
    yield runner
    runner.stop_all()
    db.session.expire_all()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a killed child of ours is a zombie until reaped; the horse is the worker's child, reaped by init
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def wait_for(condition, timeout: float = 60, interval: float = 0.1):
    """Poll until `condition()` is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting")
