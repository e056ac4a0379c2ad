"""A short run of bench/soak.py (10 s, 2 clients, gunicorn on 127.0.0.1): no 5xx and no lost write. On the
PostgreSQL pass of the suite it soaks a throw-away PostgreSQL database. The full soak (120 s, 8 clients) and
its figures are in docs/SECURITY.md."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.soak import Tally, history_counts, verify
from ntm_tasks.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _throwaway_postgres():
    """A new database beside TEST_DATABASE_URL's, and how to drop it; None without TEST_DATABASE_URL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None, None
    url = sa.make_url(base).set(drivername="postgresql+psycopg")
    name = f"ntm_soak_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def test_a_short_soak_loses_nothing():
    database_url, drop = _throwaway_postgres()
    command = [sys.executable, "bench/soak.py", "--seconds", "10", "--clients", "2"]
    if database_url:
        command += ["--database-url", database_url]
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        if drop:
            drop()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["server_errors_5xx"] == 0 and summary["transport_errors"] == 0
    assert summary["lost_writes"] == 0
    assert summary["writes_total"] > 20 and summary["requests"] > 100


def test_the_check_finds_a_write_that_was_not_stored(app):
    """The soak's check itself: an acknowledged write missing from the database is reported lost."""
    tally = Tally()
    tally.reports[987654] = (1, 50, "never stored")
    tally.meetings[987655] = "never stored"
    tally.transitions[(987656, "approve")] = 1
    db.session.commit()
    before = history_counts(db.engine)
    check = verify(db.engine, tally, before)
    assert check["lost"] == {"progress_report": 1, "meeting": 1, "transition": 1}
