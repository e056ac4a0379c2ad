"""trigram search on SQLite: an FTS5 table over the tasks' text

SQLite scanned every task's text for a search (a covering index made the scan cheaper, not shorter); an FTS5
table with the trigram tokenizer finds the candidates, as pg_trgm's index does on PostgreSQL. Triggers keep it.
Nothing changes on PostgreSQL.

Revision ID: 7c1d2e9b4f10
Revises: 44a4ff342cf3
Create Date: 2026-12-03 07:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c1d2e9b4f10'
down_revision = '44a4ff342cf3'
branch_labels = None
depends_on = None

SEARCH_DDL = (
    "CREATE VIRTUAL TABLE tasks_search USING fts5(search_text, content='tasks', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN "
    "INSERT INTO tasks_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN "
    "INSERT INTO tasks_search (tasks_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER tasks_search_update AFTER UPDATE OF search_text ON tasks BEGIN "
    "INSERT INTO tasks_search (tasks_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO tasks_search (rowid, search_text) VALUES (new.id, new.search_text); END",
)


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for statement in SEARCH_DDL:
        op.execute(statement)
    op.execute("INSERT INTO tasks_search (tasks_search) VALUES ('rebuild')")  # index the tasks already there
    op.drop_index('ix_tasks_search_scan', table_name='tasks')


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.create_index('ix_tasks_search_scan', 'tasks', ['search_text', 'unit_id', 'lead_unit_id', 'status', 'due_date'],
                    unique=False)
    for trigger in ('tasks_search_insert', 'tasks_search_delete', 'tasks_search_update'):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE tasks_search")
