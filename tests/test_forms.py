"""A page's forms and a service's refusals: messages beside the fields or flashed, one transaction a post."""
from datetime import date, time

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import InputRequired

from ntm_tasks.errors import Conflict, Forbidden, Invalid
from ntm_tasks.extensions import db
from ntm_tasks.forms import ClockField, DayField, Form, flash_error, place_errors, run_posted
from ntm_tasks.org.models import Unit


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()
    participant_ids = SelectMultipleField(choices=[])


def _placed(app, error, aliases=None, validate=True):
    with app.test_request_context("/", method="POST", data={"title": "x"}):
        form = _Form()
        if validate:
            form.validate()
        place_errors(form, error, aliases)
        return {name: list(field.errors) for name, field in form._fields.items()}, get_flashed_messages()


def test_a_named_field_gets_its_message_and_nothing_is_flashed(app):
    fields, flashed = _placed(app, Invalid("Refused.", {"title": "Required."}))
    assert fields["title"] == ["Required."]
    assert flashed == []


def test_aliases_and_indexed_names_reach_the_form_field(app):
    error = Invalid("Refused.", {"participants.2": "Not a member of this unit."})
    fields, flashed = _placed(app, error, {"participants": "participant_ids"})
    assert fields["participant_ids"] == ["Not a member of this unit."]
    assert flashed == []


def test_a_form_not_yet_validated_takes_messages_too(app):
    # WTForms keeps a field's errors in a tuple until the form is validated.
    fields, _flashed = _placed(app, Invalid("Refused.", {"title": "Required."}), validate=False)
    assert fields["title"] == ["Required."]


def test_what_has_no_field_is_flashed_with_the_refusal(app):
    fields, flashed = _placed(app, Invalid("Refused.", {"title": "Required.", "unit_id": "Outside your units."}))
    assert fields["title"] == ["Required."]
    assert flashed == ["Refused. Outside your units."]
    # Form attributes that are not fields ("data", "errors") are not mistaken for fields.
    _fields, flashed = _placed(app, Invalid("Refused.", {"data": "Bad."}))
    assert flashed == ["Refused. Bad."]


def test_a_refusal_without_fields_and_a_conflict_are_flashed(app):
    assert _placed(app, Forbidden("Only the secretary may do this."))[1] == ["Only the secretary may do this."]
    fields, flashed = _placed(app, Conflict("Changed by someone else; reload.", {"title": "Changed."}))
    assert fields["title"] == ["Changed."]
    assert flashed == ["Changed by someone else; reload."]


def test_flash_error_lists_every_field_problem(app):
    with app.test_request_context("/"):
        flash_error(Invalid("Refused.", {"a": "One.", "b": "Two."}))
        assert get_flashed_messages() == ["Refused. One.; Two."]


class _ButtonForm(FlaskForm):
    class Meta:
        csrf = False

    note = StringField("Ghi chú", validators=[InputRequired()])


def _post(app, data, run):
    """Post the button form; what was flashed, where it went, and the units then saved."""
    with app.test_request_context("/", method="POST", data=data):
        response = run_posted(_ButtonForm(), run, done="Done.", back="/tasks/7")
        flashed = get_flashed_messages(with_categories=True)
    db.session.remove()
    return response.status_code, response.location, flashed, db.session.scalars(sa.select(Unit.name)).all()


def _add_unit(name):
    db.session.add(Unit(name=name, level="commune", code=name))
    db.session.flush()


def test_a_posted_button_commits_and_says_so(app):
    assert _post(app, {"note": "x"}, lambda: _add_unit("Xã Một")) == (302, "/tasks/7", [("success", "Done.")],
                                                                       ["Xã Một"])


def test_a_refused_post_saves_nothing_of_what_it_began(app):
    def refused():
        _add_unit("Xã Hai")
        raise Invalid("Refused.", {"progress": "Between 0 and 100."})

    assert _post(app, {"note": "x"}, refused) == (302, "/tasks/7", [("error", "Refused. Between 0 and 100.")], [])


def test_an_invalid_form_runs_nothing_and_names_the_field(app):
    ran = []
    status, location, flashed, _units = _post(app, {}, lambda: ran.append(1))
    assert (status, location, ran) == (302, "/tasks/7", [])
    assert flashed == [("error", "Ghi chú: This field is required.")]


def test_forbidden_is_not_a_message_but_the_error_page(app):
    def forbidden():
        raise Forbidden("No.")

    with pytest.raises(Forbidden):
        _post(app, {"note": "x"}, forbidden)


class _DayForm(Form):
    class Meta:
        csrf = False

    day = DayField(validators=[InputRequired()])


@pytest.mark.parametrize("typed, read, shown", [
    ("30/9/2024", date(2024, 9, 30), "30/09/2024"),
    ("05/12/2026", date(2026, 12, 5), "05/12/2026"),
    ("2024-09-30", date(2024, 9, 30), "30/09/2024"),  # an ISO date, as links to the lists carry
])
def test_a_day_is_typed_and_shown_dd_mm_yyyy(app, typed, read, shown):
    with app.test_request_context("/", method="POST", data={"day": typed}):
        form = _DayForm()
        assert form.validate() and form.day.data == read
        assert f'value="{shown}"' in form.day() and 'placeholder="dd/mm/yyyy"' in form.day()
        assert 'type="date"' not in form.day()  # a browser in American English would show mm/dd/yyyy


@pytest.mark.parametrize("lang, message", [("vi", "Ngày viết dạng dd/mm/yyyy, ví dụ 30/09/2024."),
                                           ("en", "Write the date as dd/mm/yyyy, e.g. 30/09/2024.")])
def test_a_day_that_is_no_date_says_how_to_write_one(app, lang, message):
    for typed in ("09/30/2024", "31/2/2024", "hôm qua"):
        with app.test_request_context("/", method="POST", data={"day": typed}), force_locale(lang):
            form = _DayForm()
            assert not form.validate() and form.day.errors == [message]
            assert f'value="{typed}"' in form.day()  # kept as typed, to be corrected


class _ClockForm(Form):
    class Meta:
        csrf = False

    at = ClockField()


@pytest.mark.parametrize("typed, read, shown", [("14:30", time(14, 30), "14:30"), ("8h30", time(8, 30), "08:30"),
                                                ("14h", time(14, 0), "14:00"), ("7:05", time(7, 5), "07:05")])
def test_a_time_is_typed_and_shown_on_the_24_hour_clock(app, typed, read, shown):
    with app.test_request_context("/", method="POST", data={"at": typed}):
        form = _ClockForm()
        assert form.validate() and form.at.data == read
        assert f'value="{shown}"' in form.at() and 'type="time"' not in form.at()


def test_a_time_that_is_no_time_says_how_to_write_one(app):
    for typed in ("2:30 PM", "25:00", "sáng"):
        with app.test_request_context("/", method="POST", data={"at": typed}):
            form = _ClockForm()
            assert not form.validate() and form.at.errors == ["Giờ viết dạng hh:mm (24 giờ), ví dụ 14:30."]
