"""API routes of the meetings package (mounted under /api/v1)."""
from flask_smorest import Blueprint

bp = Blueprint("meetings_api", __name__, description="meetings")
