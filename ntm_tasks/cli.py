"""`flask --app wsgi ntm ...`: demo data and accounts."""
import click
from flask.cli import AppGroup

from ntm_tasks.extensions import db

ntm = AppGroup("ntm", help="ntm_tasks commands.")


@ntm.command("demo")
def demo_command():
    """Load the demo data set (idempotent)."""
    from ntm_tasks.demo import load_demo

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
