"""The English catalogue: complete, compiled, and used when the session asks for English."""
import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import csrf_token

TRANSLATIONS = Path(__file__).resolve().parents[1] / "ntm_tasks" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%%")


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _messages(catalog):
    return [m for m in catalog if m.id]


def _plain(message_id):
    return message_id if isinstance(message_id, str) else message_id[0]


def test_catalogue_is_complete(catalog):
    messages = _messages(catalog)
    assert len(messages) > 300
    assert not catalog.fuzzy
    untranslated = [m.id for m in messages if not m.string or (not isinstance(m.string, str) and not all(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_catalogue_holds_every_marked_string(catalog):
    """Each string the code or a template marks for translation is in messages.po (`make translations`)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = TRANSLATIONS.parents[1]
    with (root / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_pgettext": ((1, "c"), 2)}  # as `make translations` has them
    marked = {_plain(message) for _file, _line, message, _comments, _context
              in extract_from_dir(root, method_map, options_map, keywords=keywords)}
    assert len(marked) > 300
    assert sorted(marked - {_plain(m.id) for m in _messages(catalog)}) == []


def test_placeholders_match(catalog):
    wrong = []
    for message in _messages(catalog):
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = sorted(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append((_plain(message.id), string))
    assert wrong == []


def test_compiled_catalogue_is_up_to_date(catalog):
    """messages.mo says what messages.po says (run `make translations` after editing the .po)."""
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    fresh.seek(0)
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    expected = gettext.GNUTranslations(fresh)

    def messages(translations):  # the header ("") names the Babel release that wrote the file: left out
        return {key: value for key, value in translations._catalog.items() if key != ""}  # noqa: SLF001

    assert messages(compiled) == messages(expected)


def _switch(client, code: str, page: str) -> None:
    response = client.post(f"/language/{code}", data={"csrf_token": csrf_token(client, page), "next": page})
    assert response.status_code == 302


def test_login_page_in_english_after_switch(client, make):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng nhập" in html and "Tên đăng nhập" in html

    _switch(client, "en", "/login")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html and "Username" in html and "Password" in html
    assert "Đăng nhập" not in html and "Mật khẩu" not in html
    assert "Tiếng Việt" in html  # the button now offers the way back

    user = make.user("chair", make.unit())
    token = csrf_token(client, "/login")
    html = client.post("/login", data={"username": user.username, "password": "wrong", "csrf_token": token}
                       ).get_data(as_text=True)
    assert "Incorrect username or password." in html

    _switch(client, "vi", "/login")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng nhập" in html


def test_unknown_language_is_ignored(client):
    _switch(client, "fr", "/login")
    assert '<html lang="vi">' in client.get("/login").get_data(as_text=True)


def _landing(client) -> str:
    response = client.get("/")
    assert response.status_code == 302
    return response.headers["Location"].replace("http://localhost", "")


def test_chair_landing_page_in_english_with_dd_mm_yyyy_dates(app, make, login):
    from datetime import date

    app.config["NTM_TODAY"] = "2026-03-05"
    unit = make.unit()
    chair = make.user("chair", unit)
    make.task(make.body(unit), due_date=date(2026, 2, 20), title="Rà soát tiêu chí giao thông")
    client = login(chair)
    landing = _landing(client)

    html = client.get(landing).get_data(as_text=True)
    assert "Tổng quan" in html and "Đăng xuất" in html and "Trưởng ban" in html
    assert "số liệu đến ngày 05/03/2026" in html and "20/02/2026" in html

    _switch(client, "en", landing)
    html = client.get(landing).get_data(as_text=True)
    assert '<html lang="en">' in html
    for english in ("Overview", "Meetings", "Tasks", "Log out", "Chair", "Overdue tasks", "Monthly report"):
        assert english in html, english
    for vietnamese in ("Tổng quan", "Đăng xuất", "Nhiệm vụ quá hạn", "Báo cáo tháng"):
        assert vietnamese not in html, vietnamese
    # Dates keep the Vietnamese day/month/year order in English.
    assert "figures as of 05/03/2026" in html
    assert "20/02/2026" in html and "02/20/2026" not in html and "2026-02-20" not in html


def test_page_gettext_follows_the_locale_of_the_render_escapes_and_formats(app):
    """The templates' `_()` is bound once per page to the translations in force when the page is rendered."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Tổng quan') }}|{{ _('%(n)s ngày', n=n) }}|{{ gettext('Quá hạn') }}|{{ _('100%% tiêu chí') }}"
    with app.test_request_context("/"):
        assert render_template_string(page, n="<b>") == "Tổng quan|&lt;b&gt; ngày|Quá hạn|100% tiêu chí"
        with force_locale("en"):
            assert render_template_string(page, n=3) == "Overview|3 day(s)|Overdue|100% tiêu chí"
        assert render_template_string("{{ _('Tổng quan') }}") == "Tổng quan"
        # "Cuộc họp" is one meeting or the list of them: English tells them apart by the message's context
        both = "{{ _('Cuộc họp') }}|{{ pgettext('list', 'Cuộc họp') }}"
        assert render_template_string(both) == "Cuộc họp|Cuộc họp"
        with force_locale("en"):
            assert render_template_string(both) == "Meeting|Meetings"
        assert render_template_string("{% autoescape false %}{{ _('%(n)s ngày', n=n) }}{% endautoescape %}",
                                      n="<b>") == "<b> ngày"


WTFORMS_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "wtforms.po"
WTFORMS_MO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "wtforms.mo"


def test_wtforms_vietnamese_covers_every_wtforms_message():
    """WTForms ships no Vietnamese: the app's wtforms.po translates each message of the installed WTForms."""
    import wtforms

    with (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").open("rb") as f:
        wanted = {_plain(m.id) for m in read_po(f) if m.id}
    with WTFORMS_PO.open("rb") as f:
        ours = read_po(f, locale="vi")
    translated = {_plain(m.id): m for m in ours if m.id and (m.string if isinstance(m.string, str) else all(m.string))}
    assert sorted(wanted - translated.keys()) == []
    wrong = []
    for message_id, message in translated.items():
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", message_id))
        wrong += [(message_id, s) for s in strings if sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", s)) != expected]
    assert wrong == []

    fresh = io.BytesIO()
    write_mo(fresh, ours)
    fresh.seek(0)
    with WTFORMS_MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog  # noqa: SLF001
    expected_catalog = gettext.GNUTranslations(fresh)._catalog  # noqa: SLF001
    assert {k: v for k, v in compiled.items() if k != ""} == {k: v for k, v in expected_catalog.items() if k != ""}


def test_form_field_messages_speak_the_page_language(client):
    """A field left empty is named in Vietnamese by default and in English after the switch."""
    def empty_login() -> str:
        data = {"username": "", "password": "", "csrf_token": csrf_token(client, "/login")}
        return client.post("/login", data=data).get_data(as_text=True)

    html = empty_login()
    assert "Bắt buộc." in html and "This field is required." not in html

    _switch(client, "en", "/login")
    html = empty_login()
    assert "This field is required." in html and "Bắt buộc." not in html
