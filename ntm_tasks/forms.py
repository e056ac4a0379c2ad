"""Helpers shared by the WTForms of every package."""
from flask import flash, redirect
from wtforms import Field
from wtforms.fields.choices import SelectChoice

from ntm_tasks.errors import REFUSALS, DomainError
from ntm_tasks.extensions import db


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 no longer takes bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def flash_error(error: DomainError, details=None) -> None:
    """A refusal as one flash message: what was refused and, by default, each field's problem."""
    details = "; ".join(error.fields.values() if details is None else details)
    flash(f"{error.message} {details}".strip(), "error")


def flash_form_errors(form) -> None:
    """A form's validation messages as flash messages, for the small forms that post from a page's buttons."""
    for name, messages in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if isinstance(field, Field) else name
        flash(f"{label}: {' '.join(str(m) for m in messages)}", "error")


def place_errors(form, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's field messages beside the form's fields.

    A service names its own fields ("participants.2"); `aliases` maps a name, or the part before its dot, to the
    form's field. What has no field on the form is flashed with the refusal, and so is a conflict (a stale
    version), whose message says what to do.
    """
    aliases = aliases or {}
    unplaced = []
    for name, message in error.fields.items():
        name = aliases.get(name) or aliases.get(name.split(".")[0]) or name.split(".")[0]
        field = getattr(form, name, None)
        if isinstance(field, Field):
            field.errors = [*field.errors, message]  # a tuple until the form has been validated
        else:
            unplaced.append(message)
    if unplaced or not error.fields or error.status == 409:
        flash_error(error, unplaced)


def run_posted(form, run, *, done: str, back: str):
    """A small form posted from a page's button: validate it, run the service, commit, and go back to the page
    with a message saying what was done or why not. A refusal rolls the request back: nothing half-written."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    try:
        run()
    except REFUSALS as error:
        db.session.rollback()
        flash_error(error)
        return redirect(back)
    db.session.commit()
    flash(done, "success")
    return redirect(back)
