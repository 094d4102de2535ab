from flask import render_template
from flask_login import current_user, login_required

from summit.blueprints.console.blueprint import bp
from summit.blueprints.console.menu import menu_for
from summit.i18n import language
from summit.permissions import Permission, authorize
from summit.services.console import figures
from summit.services.registration import submission as registrations
from summit.services.summits import settings as summits


@bp.app_context_processor
def console_menu() -> dict:
    return {"console_menu": lambda summit: menu_for(current_user, summit)}


@bp.get("/summits/<slug:slug>/console")
@login_required
def index(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.CONSOLE_VIEW, summit)
    data = figures.console(current_user, summit, language())
    return render_template("console/index.html", summit=summit, console=data,
                           status_labels={status.value: label for status, label
                                          in registrations.STATUS_LABELS.items()})
