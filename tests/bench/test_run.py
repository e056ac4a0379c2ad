"""The benchmark runner: its statistics and result shape, and one end-to-end smoke run on a tiny data set."""
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import run

ROOT = Path(__file__).resolve().parents[2]


def test_percentile_interpolates_between_ranks():
    values = [5.0, 1.0, 3.0, 2.0, 4.0]
    assert run.percentile(values, 50) == 3.0
    assert run.percentile(values, 95) == pytest.approx(4.8)
    assert run.percentile(values, 0) == 1.0 and run.percentile(values, 100) == 5.0
    assert run.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        run.percentile([], 50)


def test_level_summary_keeps_the_figures_of_each_concurrency():
    latencies = [10.0, 20.0, 30.0, 40.0]
    assert run.level_summary(1, latencies, 0, 2.0) == {"median_ms": 25.0, "p95_ms": 38.5}
    assert run.level_summary(4, latencies, 1, 2.0) == {"rps": 2.5, "p95_ms": 38.5, "errors": 1}
    assert run.level_summary(8, latencies, 3, 2.0) == {"errors": 3}
    assert set(run.level_summary(2, latencies, 0, 2.0)) == {"median_ms", "p95_ms", "rps", "errors"}
    assert run.level_summary(1, [], 5, 1.0) == {"median_ms": None, "p95_ms": None}


def test_floor_entry_and_assembled_shape():
    assert run.floor_entry(20.0, 25.0) == {"sql_ms": 20.0, "app_ms": 25.0, "ratio": 1.25}
    assert run.floor_entry(20.0, None)["ratio"] is None
    paths = {"login": {"c1": {"median_ms": 80.0, "p95_ms": 90.0}}}
    floors = {name: run.floor_entry(1.0, None) for name in run.FLOOR_NAMES}
    result = run.assemble("sqlite 3.46.1", {"communes": 2, "tasks": 10, "history_rows": 50, "other": 1}, paths,
                          floors, {"web": 120.0, "worker": None})
    assert list(result) == ["database", "scale", "paths", "floor", "rss_mb"]
    assert result["scale"] == {"communes": 2, "tasks": 10, "history_rows": 50}
    assert list(result["paths"]) == run.PATH_NAMES
    assert result["paths"]["login"] == paths["login"] and result["paths"]["parse"] == "missing"
    assert set(result["floor"]) == {"dashboard_province", "overdue_report"}
    assert result["rss_mb"] == {"web": 120.0, "worker": None}
    json.dumps(result)


def test_drive_makes_the_requested_number_of_answers_on_many_threads():
    busy, peak, lock = [0], [0], threading.Lock()

    def call():
        with lock:
            busy[0] += 1
            peak[0] = max(peak[0], busy[0])
        time.sleep(0.01)
        with lock:
            busy[0] -= 1
            number = next(counter)
        return [run.Answer(200 if number % 5 else 500, b"", [], 1.0)]

    counter = iter(range(1000))
    outcome = run.drive(run.PathSpec(call), 20, 4, 30)
    assert len(outcome.latencies_ms) + outcome.errors == 20
    assert outcome.errors == 4 and outcome.first_error.startswith("HTTP 500")
    assert 1 < peak[0] <= 4


def test_drive_counts_both_answers_of_a_pair():
    def pair():
        return [run.Answer(200, b"", [], 1.0), run.Answer(200, b"", [], 2.0)]

    outcome = run.drive(run.PathSpec(pair, answers=2), 6, 1, 30)
    assert outcome.latencies_ms == [1.0, 2.0] * 3 and outcome.errors == 0


def test_floor_is_timed_between_the_one_client_requests():
    events, floors = [], iter([5.0, 9.0, 1.0, 7.0, 3.0])

    def call():
        events.append("request")
        return [run.Answer(200, b"", [], 2.0)]

    def floor():
        events.append("floor")
        return next(floors)

    name = run.FLOOR_NAMES[0]
    results, floor_ms = run.measure({name: run.PathSpec(call)}, [1, 4], 5, 30, [], {name: floor})
    assert floor_ms == {name: 5.0}  # the median of the five runs
    one_client = events[run.WARM_UP:run.WARM_UP + 10]
    assert one_client == ["request", "floor"] * 5 and events[run.WARM_UP + 10:] == ["request"] * 5
    assert results[name]["c1"] == {"median_ms": 2.0, "p95_ms": 2.0}


@pytest.fixture
def bench_database(tmp_path):
    """A throw-away database for the smoke run: PostgreSQL beside TEST_DATABASE_URL's, else a SQLite file."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'bench.sqlite'}"
        return
    url = sa.make_url(base).set(drivername="postgresql+psycopg")
    name = f"ntm_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_smoke_run_prints_every_path(bench_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": bench_database, "NTM_TODAY": "2026-03-15", "FLASK_APP": "wsgi"}
    env.pop("REDIS_URL", None)
    schema = "from ntm_tasks import create_app; from ntm_tasks.extensions import db\n" \
             "app = create_app()\nwith app.app_context(): db.create_all()"
    subprocess.run([sys.executable, "-c", schema], cwd=ROOT, env=env, check=True, timeout=60)
    flask = Path(sys.executable).with_name("flask")
    subprocess.run([str(flask), "ntm", "bench-data", "--communes", "2", "--years", "1", "--tasks-per-commune-year",
                    "100"], cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)
    done = subprocess.run([sys.executable, "bench/run.py", "--database-url", bench_database, "--clients", "1",
                           "--requests", "3"], cwd=ROOT, env=env, timeout=120, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert set(result["paths"]) == set(run.PATH_NAMES)
    for name, figures in result["paths"].items():
        assert figures == "missing" or set(figures["c1"]) == {"median_ms", "p95_ms"}, name
    assert result["scale"]["communes"] == 2 and result["scale"]["tasks"] > 200
    assert set(result["floor"]) == set(run.FLOOR_NAMES)
    assert result["floor"]["overdue_report"]["sql_ms"] > 0
    assert result["rss_mb"]["web"] > 0 and result["rss_mb"]["worker"] is None
    # the machine's speed at the start and at the end, to compare runs from different hours
    assert len(re.findall(r"machine speed (?:at the end )?\d+\.\d ms", done.stderr)) == 2
