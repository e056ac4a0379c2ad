"""`flask --app wsgi ntm ...`: demo data and accounts."""
import click
from flask.cli import AppGroup

from ntm_tasks.extensions import db

ntm = AppGroup("ntm", help="ntm_tasks commands.")


def _require_schema() -> None:
    """A database without its tables gets a plain instruction, not a stack trace."""
    import sqlalchemy as sa

    if not sa.inspect(db.engine).has_table("users"):
        raise click.ClickException("The database has no schema yet: run `flask --app wsgi db upgrade` first.")


@ntm.command("demo")
def demo_command():
    """Load the demo data set (idempotent)."""
    from ntm_tasks.demo import load_demo

    _require_schema()
    created = load_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")


@ntm.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "chair", "secretary", "assignee", "viewer"]))
@click.option("--unit-id", type=int, default=None)
@click.option("--body-id", "body_ids", type=int, multiple=True)
@click.option("--full-name", default="")
def create_user_command(username, password, role, unit_id, body_ids, full_name):
    """Create an account and print its id."""
    from ntm_tasks.errors import DomainError
    from ntm_tasks.org.models import Unit
    from ntm_tasks.org.services import create_user

    _require_schema()
    unit = None
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise click.BadParameter(f"no unit {unit_id}", param_hint="--unit-id")
    try:
        user = create_user(None, username=username, password=password, role=role, full_name=full_name or username,
                           unit=unit, body_ids=list(body_ids), check_rules=False)
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    db.session.commit()
    click.echo(user.id)


@ntm.command("backup")
@click.argument("path")
def backup_command(path):
    """Write an online backup of the database to PATH."""
    from ntm_tasks.backup import BackupError, backup

    try:
        backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {path}")


@ntm.command("restore")
@click.argument("path")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path, yes):
    """Replace the database's content with the backup at PATH."""
    from ntm_tasks.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every record with the backup's. Continue?", abort=True)
    try:
        restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}")


@ntm.command("recount-tallies")
def recount_tallies_command():
    """Recount the completed tasks of every lead body from the tasks (after task rows were changed by hand in SQL;
    the app keeps the tallies itself)."""
    from ntm_tasks.assignments import tallies

    with db.engine.begin() as conn:
        tallies.rebuild(conn)
    click.echo("Tallies recounted.")


@ntm.command("run-scheduled")
@click.option("--date", "day", default=None, help="The day to run for (YYYY-MM-DD); default today (NTM_TODAY honoured).")
@click.option("--weekly/--no-weekly", default=None, help="Send the weekly digest (default: on Mondays).")
@click.option("--monthly/--no-monthly", default=None, help="Run the monthly clean-up (default: on the 1st).")
def run_scheduled_command(day, weekly, monthly):
    """Do the scheduled work once, for a system cron when there is no Redis (rq cron does it otherwise)."""
    from datetime import date

    from ntm_tasks.db import today
    from ntm_tasks.jobs import run_scheduled

    try:
        when = date.fromisoformat(day) if day else today()
    except ValueError:
        raise click.BadParameter("YYYY-MM-DD", param_hint="--date") from None
    try:
        results = run_scheduled(when, weekly=weekly, monthly=monthly)
    except Exception as error:
        raise click.ClickException(f"scheduled work for {when} failed: {error}") from None
    for part, steps in results.items():
        click.echo(f"{when} {part}: " + ", ".join(f"{name}={value}" for name, value in steps.items()))


@ntm.command("bench-data")
@click.option("--communes", type=click.IntRange(min=1), default=170, show_default=True)
@click.option("--years", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--tasks-per-commune-year", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--password", default=None, help="The password of every account (default: bench-pass-2025).")
def bench_data_command(communes, years, seed, tasks_per_commune_year, password):
    """Fill an empty database with a synthetic province for the benchmark (bench/run.py)."""
    import time

    from ntm_tasks.bench.generate import DEFAULT_PASSWORD, NotEmpty, generate
    from ntm_tasks.db import today

    started = time.perf_counter()
    with db.engine.connect() as conn, click.progressbar(length=communes + 1, label="Generating") as bar:
        try:
            summary = generate(conn, communes=communes, years=years, seed=seed, today=today(),
                               tasks_per_commune_year=tasks_per_commune_year, password=password or DEFAULT_PASSWORD,
                               progress=bar.update)
        except NotEmpty as error:
            raise click.ClickException(f"bench-data needs an empty database: {error}") from None
    for table, count in summary.counts.items():
        click.echo(f"{table:26} {count:>10,}")
    click.echo(f"Done in {time.perf_counter() - started:.0f} s. Province id {summary.province_id}; "
               f"every account's password is {summary.password!r} (e.g. tinh.chutich, x001.chutich, x001.cq03).")


@ntm.command("load-criteria")
def load_criteria_command():
    """Load or update the national criteria sets shipped with the app (idempotent)."""
    from ntm_tasks.oversight.criteria import load_national_sets

    written = load_national_sets()
    db.session.commit()
    click.echo(f"{written} criteria set(s) loaded or updated." if written else "Criteria sets already up to date.")
