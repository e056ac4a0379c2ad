"""Entry point for gunicorn and `flask --app wsgi`."""
from ntm_tasks import create_app

app = create_app()
