"""Web pages of the oversight package."""
from flask import Blueprint

bp = Blueprint("oversight", __name__, template_folder="templates")
