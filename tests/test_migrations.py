"""The Alembic migrations build exactly the models' schema from empty, and tear it down again."""
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from ntm_tasks import create_app
from ntm_tasks.db import include_in_migrations
from ntm_tasks.extensions import db
from tests.conftest import _postgres_database


def _fresh_url(tmp_path):
    import os

    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}", None
    admin, name, url = _postgres_database(base)
    return url, (admin, name)


def test_upgrade_matches_models_and_downgrade_empties(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": str(tmp_path)})
    try:
        with app.app_context():
            upgrade()
            from alembic.autogenerate import compare_metadata
            from alembic.migration import MigrationContext

            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"include_object": include_in_migrations(conn.dialect.name)})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], diff
            downgrade(revision="base")
            tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert tables == set()
            runner = app.test_cli_runner()
            for args in (["ntm", "demo"], ["ntm", "create-user", "--username", "a", "--password", "b",
                                            "--role", "admin"]):
                result = runner.invoke(args=args)  # an empty database: an instruction, not a stack trace
                assert result.exit_code == 1 and "db upgrade" in result.output, result.output
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
