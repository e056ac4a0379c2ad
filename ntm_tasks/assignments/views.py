"""Web pages of the assignments package."""
from flask import Blueprint

bp = Blueprint("assignments", __name__, template_folder="templates")
