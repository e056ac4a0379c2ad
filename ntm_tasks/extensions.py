"""Extensions, created once here and wired in create_app."""
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
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

    def _register_error_handlers(self):
        from ntm_tasks.api.core import ErrorSchema

        self.ERROR_SCHEMA = ErrorSchema


api = NtmApi()
