"""Helpers shared by the WTForms of every package."""
from flask import flash, redirect
from flask_babel import Domain
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, TimeField
from wtforms import Form as PlainForm
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput

from ntm_tasks.errors import REFUSALS, DomainError
from ntm_tasks.extensions import db


# WTForms ships no Vietnamese for its own messages ("This field is required."): the app carries them in
# translations/vi/LC_MESSAGES/wtforms.po; in English the message ids are the messages.
_WTFORMS_DOMAIN = Domain(domain="wtforms")


class _WTFormsMessages:
    """WTForms' messages in the page's language. WTForms formats them itself, so nothing is formatted here."""

    def gettext(self, string):
        return _WTFORMS_DOMAIN.get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return _WTFORMS_DOMAIN.get_translations().ungettext(singular, plural, n)


_MESSAGES = _WTFormsMessages()


class _Meta:
    def get_translations(self, form):
        return _MESSAGES


class Form(FlaskForm):
    """The base of every page form: CSRF from Flask-WTF, WTForms' messages in the page's language."""

    class Meta(_Meta):
        pass


class SubForm(PlainForm):
    """A form repeated inside another (FormField, FieldList): no CSRF of its own, messages as above."""

    class Meta(_Meta):
        pass


class _Typed:
    """A date or time typed into a text box in one of `FORMATS` and shown in the first, whatever the browser's
    language: native date and time inputs show mm/dd/yyyy and AM/PM in a browser set to American English."""

    widget = TextInput()
    FORMATS: list[str]
    MESSAGE: str  # said beside the field when what was typed fits no format
    RENDER: dict

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"autocomplete": "off", **self.RENDER, **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, format=self.FORMATS, render_kw=render_kw, **kwargs)

    def _value(self):
        # What was read is shown the one way (an ISO date from a link too); what could not be, as typed.
        return self.data.strftime(self.FORMATS[0]) if self.data else super()._value()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.MESSAGE)) from None


class DayField(_Typed, DateField):
    """A date as dd/mm/yyyy; ISO dates (2024-09-30, in links to the lists) are read too."""

    FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
    MESSAGE = _l("Ngày viết dạng dd/mm/yyyy, ví dụ 30/09/2024.")
    RENDER = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


class ClockField(_Typed, TimeField):
    """A time of day on the 24-hour clock, as hh:mm or as written in Vietnamese (8h30, 14h)."""

    FORMATS = ["%H:%M", "%Hh%M", "%Hh", "%H:%M:%S"]
    MESSAGE = _l("Giờ viết dạng hh:mm (24 giờ), ví dụ 14:30.")
    RENDER = {"placeholder": "hh:mm"}


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
