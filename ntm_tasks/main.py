"""The start page: each role lands where its daily work is."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ntm_tasks.org.models import Role

bp = Blueprint("main", __name__)

LANDING = {
    Role.ASSIGNEE: "assignments.mine",
    Role.CHAIR: "oversight.dashboard",
    Role.VIEWER: "oversight.dashboard",
    Role.SECRETARY: "meetings.index",
    Role.ADMIN: "org.units",
}


@bp.route("/")
@login_required
def index():
    from flask import current_app

    endpoint = LANDING.get(current_user.role)
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    return render_template("home.html")
