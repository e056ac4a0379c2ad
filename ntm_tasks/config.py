"""Configuration: defaults here, environment variables override, tests pass a mapping."""
import os
import secrets
from pathlib import Path


class Config:
    SQLALCHEMY_DATABASE_URI = "sqlite:///ntm_tasks.sqlite"  # relative: lands in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL: str | None = None
    NTM_TODAY: str | None = None
    TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # SESSION_COOKIE_SECURE=1 behind HTTPS: the cookie never travels in clear
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # a working day; the server refuses an older session cookie
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024  # uploads are checked at 20 MB; a little room for the form
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    API_TOKEN_DAYS = 30
    # flask-smorest: the OpenAPI description lives under the API's own prefix
    API_TITLE = "ntm_tasks API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    LOGIN_RATE_LIMIT = "20 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "ntm-tasks@localhost"
    # Background jobs and e-mail (notifications package, jobs.py)
    RQ_QUEUE = "ntm"
    JOB_RETRY_INTERVALS: tuple = (10, 60, 300)  # seconds before the 1st, 2nd and 3rd retry
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False  # STARTTLS on a plain connection
    MAIL_USE_SSL = False  # SMTP over TLS from the start (port 465)
    MAIL_TIMEOUT = 30
    PUBLIC_URL = "http://127.0.0.1:5000"  # the address people open; e-mails link to it
    EXPORT_FOLDER: str | None = None  # default: instance/exports
    EXPORT_KEEP_DAYS = 30
    JOB_RECORD_KEEP_DAYS = 90


def load_config(app, overrides: dict | None) -> None:
    """Fill app.config from defaults, then the environment, then the test mapping."""
    app.config.from_object(Config)
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(env["DATABASE_URL"])
    for key in ("REDIS_URL", "SECRET_KEY", "NTM_TODAY", "MAIL_SERVER", "MAIL_DEFAULT_SENDER", "SERVER_NAME"):
        if env.get(key):
            app.config[key] = env[key]
    if env.get("MAIL_PORT"):
        app.config["MAIL_PORT"] = int(env["MAIL_PORT"])
    for key in ("RQ_QUEUE", "MAIL_USERNAME", "MAIL_PASSWORD", "PUBLIC_URL", "EXPORT_FOLDER"):
        if env.get(key):
            app.config[key] = env[key]
    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE"):
        if env.get(key):
            app.config[key] = env[key].strip().lower() in ("1", "true", "yes", "on")
    if env.get("JOB_RETRY_INTERVALS"):
        app.config["JOB_RETRY_INTERVALS"] = tuple(int(x) for x in env["JOB_RETRY_INTERVALS"].split(","))
    if app.config.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["UPLOAD_FOLDER"] = app.config.get("UPLOAD_FOLDER") or os.path.join(app.instance_path, "uploads")
    app.config["EXPORT_FOLDER"] = app.config.get("EXPORT_FOLDER") or os.path.join(app.instance_path, "exports")


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    """A random secret generated once into the instance folder, so no guessable default exists."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
