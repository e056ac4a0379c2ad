"""Backup and restore round-trip through the real commands, on whichever database the suite runs."""
import sqlalchemy as sa

from ntm_tasks.extensions import db
from ntm_tasks.org.models import Unit


def _names():
    return sorted(db.session.scalars(sa.select(Unit.name)))


def test_backup_then_restore_round_trip(app, make, tmp_path):
    make.unit("Hoằng Trung")
    before = _names()
    runner = app.test_cli_runner()
    path = str(tmp_path / "ntm.backup")

    result = runner.invoke(args=["ntm", "backup", path])
    assert result.exit_code == 0, result.output

    make.unit("Created after the backup")
    db.session.execute(sa.update(Unit).values(name="changed"))
    db.session.commit()
    assert _names() != before

    result = runner.invoke(args=["ntm", "restore", path, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _names() == before


def test_restore_of_a_missing_file_fails_cleanly(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["ntm", "restore", str(tmp_path / "nope"), "--yes"])
    assert result.exit_code != 0 and "no backup" in result.output
