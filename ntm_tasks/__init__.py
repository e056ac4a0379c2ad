"""ntm_tasks: follow-up of the steering committees' conclusions for the New Rural Development programme."""
from flask import Flask
from werkzeug.routing import IntegerConverter


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, errors, command line."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter

    from ntm_tasks.config import load_config

    load_config(app, config)
    # orjson writes JSON (UTF-8, keys in the order the schemas give them) several times faster than the standard
    # library: a province's overdue report is a megabyte.
    from flask_orjson import OrjsonProvider

    app.json = OrjsonProvider(app)

    from ntm_tasks import extensions as ext

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=_migrations_dir(app))
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=_select_locale)
    ext.bootstrap.init_app(app)
    ext.limiter.init_app(app)
    ext.api.init_app(app, spec_kwargs={"components": {"securitySchemes": SECURITY_SCHEMES}, "security": [{"bearerAuth": []}]})

    with app.app_context():
        if ext.db.engine.dialect.name == "sqlite":
            from ntm_tasks.db import configure_sqlite

            configure_sqlite(ext.db.engine)

    _import_models()
    from ntm_tasks.assignments import tallies

    tallies.listen()  # completed tasks counted per lead body as each flush changes them
    _register_blueprints(app)

    from ntm_tasks.api.core import register_error_handlers

    register_error_handlers(app)

    from ntm_tasks.web import init_web

    init_web(app)

    from ntm_tasks.cli import ntm

    app.cli.add_command(ntm)
    return app


class IdConverter(IntegerConverter):
    """<int:...> in URLs: at most what an id column holds (32 bits on PostgreSQL), so a longer number names
    nothing (404) instead of failing in the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "basicAuth": {"type": "http", "scheme": "basic"},
}


def _migrations_dir(app: Flask) -> str:
    import os

    return os.path.join(os.path.dirname(app.root_path), "migrations")


def _select_locale():
    from flask import has_request_context, session
    from flask_login import current_user

    if not has_request_context():  # jobs and commands render in the default language
        return None
    if session.get("lang"):
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    return "vi"


def _import_models() -> None:
    """Every model module, so that metadata (and Alembic) sees all tables."""
    from ntm_tasks import attachments, audit  # noqa: F401
    from ntm_tasks.assignments import models as _a  # noqa: F401
    from ntm_tasks.meetings import models as _m  # noqa: F401
    from ntm_tasks.notifications import models as _n  # noqa: F401
    from ntm_tasks.org import models as _o  # noqa: F401
    from ntm_tasks.oversight import models as _v  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from ntm_tasks import main
    from ntm_tasks.api import auth as auth_api
    from ntm_tasks.api.core import register_api_blueprint
    from ntm_tasks.assignments import api as assignments_api
    from ntm_tasks.assignments import views as assignments_views
    from ntm_tasks.auth import views as auth_views
    from ntm_tasks.meetings import api as meetings_api
    from ntm_tasks.meetings import views as meetings_views
    from ntm_tasks.notifications import api as notifications_api
    from ntm_tasks.notifications import views as notifications_views
    from ntm_tasks.org import api as org_api
    from ntm_tasks.org import views as org_views
    from ntm_tasks.oversight import api as oversight_api
    from ntm_tasks.oversight import views as oversight_views

    for module in (main, auth_views, org_views, meetings_views, assignments_views, oversight_views,
                   notifications_views):
        app.register_blueprint(module.bp)
    for module in (auth_api, org_api, meetings_api, assignments_api, oversight_api, notifications_api):
        register_api_blueprint(app, module.bp)
    app.before_request(auth_api.authenticate_api_request)
