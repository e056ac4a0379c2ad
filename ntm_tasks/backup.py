"""Online backup and restore: SQLite through its backup API, PostgreSQL through pg_dump/pg_restore."""
import os
import shutil
import sqlite3
import subprocess

import sqlalchemy as sa

from ntm_tasks.extensions import db


class BackupError(Exception):
    pass


def _sqlite_path(url: sa.URL) -> str:
    return url.database


def _libpq_url(url: sa.URL) -> str:
    """The URL as pg_dump understands it (no "+psycopg" driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed).")
    return path


def backup(path: str) -> str:
    """Write a consistent copy of the live database to `path` while the app keeps running."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        try:
            target = sqlite3.connect(path)
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    elif url.get_backend_name() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", path, _libpq_url(url)])
    else:
        raise BackupError(f"unsupported database {url.get_backend_name()}")
    return path


def restore(path: str) -> None:
    """Replace the live database's content with the backup at `path`."""
    if not os.path.exists(path):
        raise BackupError(f"no backup at {path}")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(path)
        try:
            target = sqlite3.connect(_sqlite_path(url))
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    elif url.get_backend_name() == "postgresql":
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _libpq_url(url), path])
    else:
        raise BackupError(f"unsupported database {url.get_backend_name()}")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")
