"""API routes of the notifications package (mounted under /api/v1)."""
from flask_smorest import Blueprint

bp = Blueprint("notifications_api", __name__, description="notifications")
