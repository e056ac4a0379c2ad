"""The schedule, for rq's own cron scheduler: `rq cron --url "$REDIS_URL" ntm_tasks.cron`.

Times are the cron process's local time: run it with TZ=Asia/Ho_Chi_Minh. Each entry enqueues a small
job that enqueues the real run with retries (cron-made jobs carry none); every run is idempotent, so a
second scheduler or a re-run does no harm. Without Redis, `flask ntm run-scheduled` does the same work.
"""
import os

from rq import cron

from ntm_tasks import jobs
from ntm_tasks.config import Config

QUEUE = os.environ.get("RQ_QUEUE") or Config.RQ_QUEUE

# Daily at 05:30: occurrences of recurring tasks, due-soon and overdue reminders, dossiers, e-mail sweep.
cron.register(jobs.scheduled_daily, QUEUE, cron="30 5 * * *", name="ntm-daily")
# Mondays at 07:00: each chair's digest of overdue tasks.
cron.register(jobs.scheduled_weekly, QUEUE, cron="0 7 * * 1", name="ntm-weekly")
# The 1st of each month at 04:00: expired export files and old job records.
cron.register(jobs.scheduled_monthly, QUEUE, cron="0 4 1 * *", name="ntm-monthly")
