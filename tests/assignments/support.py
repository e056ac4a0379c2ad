"""Helpers shared by the assignments tests."""
from ntm_tasks.audit import history_of
from ntm_tasks.extensions import db


def reload(obj):
    """The row as the database now holds it."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def snapshot(task) -> tuple:
    """What a refused request must leave as it was: status, version, history length, due date, lead body."""
    task = reload(task)
    return task.status, task.version, len(history_of(task)), task.due_date, task.lead_body_id, task.progress
