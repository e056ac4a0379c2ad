import pytest
import redis  # noqa: F401  (imported before any app: pygal's import hook turns late optional imports into warnings)
import rq  # noqa: F401

from tests.notifications.smtp import start_smtp


@pytest.fixture
def smtp(app):
    """A real SMTP server; the app sends its mail there while the test runs."""
    controller, inbox = start_smtp()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_URL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_URL="https://ntm.example.vn")
    yield inbox
    app.config.update(saved)
    controller.stop()
