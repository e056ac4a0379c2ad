"""Background jobs: enqueued on rq after the transaction commits when REDIS_URL is set, run in-process
(after the commit too) when it is not.

- `enqueue(func, *args, **kwargs)` keeps the call in the DB session's pending list (`session.info`). A
  listener on the session's `after_commit` hands the list over once the outermost transaction has
  committed, so a worker never races the rows it is about to read, and a rollback drops it. With no
  transaction open there is nothing to wait for, and the call is handed over at once.
- With Redis the call goes to rq (queue RQ_QUEUE) with `Retry(max=3, interval=JOB_RETRY_INTERVALS)`.
  Without Redis the same function runs in this process, in a fresh context (its own app context and DB
  session, no request), once; a failure is logged and recorded on a JobRecord, never raised into the
  request that committed. The daily run sweeps what such a failure left behind (unsent e-mails).
  When REDIS_URL is set but Redis cannot be reached, the calls fall back to running in-process the same way,
  with a warning in the log ("Redis unavailable ...").
- Job functions carry `@job`: they take ids (JSON-friendly arguments), build the app with
  `create_app()` themselves when a worker runs them (nothing builds an app at import), leave a
  JobRecord (attempts, status, last error) for the admins' page, and are idempotent.
- The scheduled work (run_daily, run_weekly, run_monthly) is below; `ntm_tasks/cron.py` registers it
  with `rq cron`, and `flask ntm run-scheduled` runs it once without Redis.
"""
import contextvars
import functools
import json
import logging
import sys
import traceback
import uuid
from datetime import date

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale

from ntm_tasks.extensions import db

log = logging.getLogger(__name__)

_PENDING = "ntm_pending_jobs"
# Set while a job runs: a job calling another job's function runs it inline, under one record.
_in_job: contextvars.ContextVar[bool] = contextvars.ContextVar("ntm_in_job", default=False)
_worker_app = None


# --- enqueueing -----------------------------------------------------------------------------------

def enqueue(func, *args, **kwargs) -> None:
    """Run `func(*args, **kwargs)` as a job once the current transaction commits (at once if none is open)."""
    _listen()
    session = db.session()
    if not session.in_transaction():
        _dispatch(current_app._get_current_object(), [(func, args, kwargs)])
        return
    session.info.setdefault(_PENDING, []).append((func, args, kwargs))


def _listen() -> None:
    """Attach the commit/rollback listeners to the app's session (once per process)."""
    if not sa.event.contains(db.session, "after_commit", _after_commit):
        sa.event.listen(db.session, "after_commit", _after_commit)
        sa.event.listen(db.session, "after_soft_rollback", _after_soft_rollback)


def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released; the real commit comes later
    pending = session.info.pop(_PENDING, None)
    if pending:
        _dispatch(current_app._get_current_object(), pending)


def _after_soft_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its jobs will never be due
        session.info.pop(_PENDING, None)


def _dispatch(app, calls) -> None:
    if app.config.get("REDIS_URL"):
        from rq import Retry

        sent = 0
        try:
            queue = get_queue(app)
            retry = Retry(max=3, interval=list(app.config["JOB_RETRY_INTERVALS"]))
            for func, args, kwargs in calls:
                queue.enqueue(func, args=args, kwargs=kwargs, retry=retry)
                sent += 1
            return
        except Exception as error:
            # Redis is down: the data is committed, so do the work here rather than lose it (as without Redis).
            calls = calls[sent:]
            log.warning("Redis unavailable (%s: %s): running %d job(s) in this process instead: %s",
                        type(error).__name__, error, len(calls), ", ".join(_name(f) for f, _a, _k in calls))
    for func, args, kwargs in calls:
        contextvars.Context().run(_run_in_process, app, func, args, kwargs)


def _run_in_process(app, func, args, kwargs) -> None:
    with app.app_context():
        try:
            func(*args, **kwargs)
        except Exception:
            log.exception("in-process job %s failed", _name(func))


def redis_connection(app=None):
    """A Redis client for REDIS_URL."""
    from redis import Redis

    # A short connect timeout: an unreachable Redis must not hold a web request for minutes.
    return Redis.from_url((app or current_app).config["REDIS_URL"], socket_connect_timeout=3)


def get_queue(app=None):
    """The app's rq queue."""
    from rq import Queue

    app = app or current_app
    return Queue(app.config["RQ_QUEUE"], connection=redis_connection(app))


# --- running --------------------------------------------------------------------------------------

def job(func):
    """Make `func` a job: an app context (built when a worker runs it), a JobRecord, one commit at the end."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        if _in_job.get():
            return func(*args, **kwargs)
        if has_app_context():
            return _run_recorded(func, args, kwargs)
        with _app_for_worker().app_context():
            return _run_recorded(func, args, kwargs)

    return run


def _app_for_worker():
    global _worker_app
    if _worker_app is None:
        from ntm_tasks import create_app

        _worker_app = create_app()
    return _worker_app


def _name(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _current_rq_job():
    """The rq job being run, when an rq worker runs us (rq is imported only then, or with REDIS_URL)."""
    if "rq" not in sys.modules:
        return None
    from rq import get_current_job

    return get_current_job()


def _run_recorded(func, args, kwargs):
    rq_job = _current_rq_job()
    job_id = rq_job.id if rq_job is not None else f"local-{uuid.uuid4().hex}"
    _start_record(job_id, _name(func), args, kwargs)
    token = _in_job.set(True)
    try:
        # No request, so no user's language: jobs speak Vietnamese (and never ask the session for a locale).
        with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE") or "vi"):
            result = func(*args, **kwargs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        final = rq_job is None or not rq_job.retries_left
        _end_record(job_id, "failed" if final else "retrying", traceback.format_exc())
        raise
    finally:
        _in_job.reset(token)
    _end_record(job_id, "finished", None)
    return result


def _start_record(job_id: str, name: str, args, kwargs) -> None:
    from ntm_tasks.db import utcnow
    from ntm_tasks.notifications.models import JobRecord, JobStatus

    try:
        record = db.session.scalar(sa.select(JobRecord).where(JobRecord.job_id == job_id))
        if record is None:
            record = JobRecord(job_id=job_id, func=name[:200], args=json.dumps([list(args), kwargs], default=str)[:2000])
            db.session.add(record)
        record.status, record.attempts = JobStatus.STARTED, (record.attempts or 0) + 1
        record.started_at, record.ended_at = utcnow(), None
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record the start of job %s", job_id)


def _end_record(job_id: str, status: str, error: str | None) -> None:
    from ntm_tasks.db import utcnow
    from ntm_tasks.notifications.models import JobRecord, JobStatus

    try:
        record = db.session.scalar(sa.select(JobRecord).where(JobRecord.job_id == job_id))
        if record is not None:
            record.status, record.ended_at = JobStatus(status), utcnow()
            if error is not None:
                record.error = error[-8000:]
            db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record the end of job %s", job_id)


# --- scheduled work -------------------------------------------------------------------------------

def _today_iso() -> str:
    from ntm_tasks.db import today

    return today().isoformat()


@job
def scheduled_daily() -> None:
    """`rq cron` entry: enqueue today's daily run (cron-made jobs carry no retry; this one does)."""
    enqueue(run_daily, _today_iso())


@job
def scheduled_weekly() -> None:
    """`rq cron` entry: enqueue this week's digest."""
    enqueue(run_weekly, _today_iso())


@job
def scheduled_monthly() -> None:
    """`rq cron` entry: enqueue the monthly clean-up."""
    enqueue(run_monthly, _today_iso())


def _run_steps(steps, day: date) -> dict:
    """Run each step in its own transaction; one failing does not stop the others, but fails the run."""
    results, failed = {}, []
    for name, step in steps:
        try:
            results[name] = step(day)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("scheduled step %s failed for %s", name, day)
            failed.append(name)
    if failed:
        raise RuntimeError(f"scheduled steps failed for {day}: {', '.join(failed)}")
    return results


def create_occurrences_step(day: date) -> int:
    """The next occurrences of recurring tasks (the assignments package adds its own look-ahead to `day`)."""
    from ntm_tasks.assignments.recurrence import create_occurrences

    return len(create_occurrences(day))


def dossiers_step(day: date) -> int:
    """Tell chairs and secretaries about dossiers whose deadline is near (oversight marks them)."""
    from ntm_tasks.notifications.services import notify_dossiers_due
    from ntm_tasks.oversight.dossiers import dossiers_due_soon

    return len(notify_dossiers_due(dossiers_due_soon(day, days=7), day))


def reminders_step(day: date) -> int:
    from ntm_tasks.notifications.jobs import send_reminders

    return send_reminders(day.isoformat())


def pending_emails_step(day: date) -> int:
    from ntm_tasks.notifications.services import queue_pending_emails

    return queue_pending_emails(day)


DAILY_STEPS = (
    ("occurrences", create_occurrences_step),
    ("reminders", reminders_step),
    ("dossiers", dossiers_step),
    ("pending_emails", pending_emails_step),
)


@job
def run_daily(as_of: str) -> dict:
    """The daily work for day `as_of`: occurrences, due-soon and overdue reminders, dossiers, e-mail sweep."""
    return _run_steps(DAILY_STEPS, date.fromisoformat(as_of))


@job
def run_weekly(as_of: str) -> dict:
    """The weekly digest of overdue tasks for each chair."""
    from ntm_tasks.notifications.services import weekly_digest

    return _run_steps((("digest", lambda day: len(weekly_digest(day))),), date.fromisoformat(as_of))


@job
def run_monthly(as_of: str) -> dict:
    """Clean-up: export files and job records past their keeping time."""
    from ntm_tasks.notifications.exports import expire_old_exports
    from ntm_tasks.notifications.services import prune_job_records

    return _run_steps((("exports", expire_old_exports), ("job_records", prune_job_records)),
                      date.fromisoformat(as_of))


def run_scheduled(day: date, weekly: bool | None = None, monthly: bool | None = None) -> dict:
    """What a system cron runs once a day without Redis: the daily work, the digest on Mondays, the
    clean-up on the 1st (or when asked)."""
    results = {"daily": run_daily(day.isoformat())}
    if weekly or (weekly is None and day.isoweekday() == 1):
        results["weekly"] = run_weekly(day.isoformat())
    if monthly or (monthly is None and day.day == 1):
        results["monthly"] = run_monthly(day.isoformat())
    return results
