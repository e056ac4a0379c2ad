"""The task workflow, written once as data (DOMAIN.md, "Tasks and their workflow").

Each action names the statuses it starts from, the status it leads to, who may take it and whether a
note is required. `transition()` in services.py is the only code that applies it.
"""
from dataclasses import dataclass

from ntm_tasks.assignments.models import OPEN_STATUSES, TaskStatus as S


@dataclass(frozen=True)
class Action:
    name: str
    sources: tuple[S, ...]
    target: S
    actor: str  # "lead_assignee" | "editor" (secretary or chair) | "chair"
    note_required: bool = False


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("acknowledge", (S.ASSIGNED,), S.IN_PROGRESS, "lead_assignee"),
    Action("decline", (S.ASSIGNED,), S.DECLINED, "lead_assignee", note_required=True),
    Action("reassign", (S.DECLINED,), S.ASSIGNED, "editor"),
    Action("submit", (S.ASSIGNED, S.IN_PROGRESS), S.SUBMITTED, "lead_assignee", note_required=True),
    Action("approve", (S.SUBMITTED,), S.COMPLETED, "chair"),
    Action("return", (S.SUBMITTED,), S.IN_PROGRESS, "chair", note_required=True),
    Action("cancel", OPEN_STATUSES, S.CANCELLED, "chair", note_required=True),
    Action("reopen", (S.COMPLETED, S.CANCELLED), S.IN_PROGRESS, "chair", note_required=True),
)}

# Publishing the meeting moves its drafts to assigned; it is not a user action on a single task.
PUBLISH_SOURCE, PUBLISH_TARGET = S.DRAFT, S.ASSIGNED
