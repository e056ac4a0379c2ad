"""Extensions, created once here and wired in create_app."""
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from ntm_tasks.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()


class NtmApi(Api):
    """flask-smorest with our error envelope; create_app registers the handlers itself."""

    @property
    def ERROR_SCHEMA(self):  # noqa: N802 (flask-smorest's name)
        """The error envelope, for the description of every error answer (read when the spec is made)."""
        from ntm_tasks.api.core import ErrorSchema

        return ErrorSchema

    def _register_error_handlers(self):
        """Nothing: create_app registers the error handlers (JSON under /api/v1, pages elsewhere)."""


api = NtmApi()


def _login_attempt_key() -> str:
    """Throttle per address and account name, so one office behind a NAT is not locked out as a whole."""
    from flask import request

    auth = request.authorization
    username = request.form.get("username") or (auth.username if auth and auth.username else "")
    return f"{request.remote_addr}:{username.strip().lower()}"


# Only login endpoints carry limits; storage is Redis when configured, else memory (RATELIMIT_STORAGE_URI).
limiter = Limiter(key_func=_login_attempt_key, in_memory_fallback_enabled=True, swallow_errors=True)
