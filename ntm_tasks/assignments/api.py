"""API routes of the assignments package (mounted under /api/v1)."""
from flask_smorest import Blueprint

bp = Blueprint("assignments_api", __name__, description="assignments")
