"""API routes of the oversight package (mounted under /api/v1)."""
from flask_smorest import Blueprint

bp = Blueprint("oversight_api", __name__, description="oversight")
