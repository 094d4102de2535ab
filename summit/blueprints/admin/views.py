from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from summit.blueprints.admin.blueprint import bp
from summit.blueprints.common import back_or, page_arg
from summit.extensions import db
from summit.models import User
from summit.permissions import admin_required
from summit.services.accounts import roles
from summit.services.core import audit, audit_words, fonts
from summit.services.core.errors import DomainError


@bp.get("/")
@admin_required
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
@admin_required
def users():
    q = request.args.get("q", "")[:100]
    page = page_arg()
    return render_template("admin/users.html", users=roles.list_users(current_user, q, page), q=q)


def _toggle(user_id: int, change, flag: str):
    user = db.get_or_404(User, user_id)
    value = request.form.get(flag) == "1"
    try:
        change(current_user, user, value)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("%(email)s has been updated.", email=user.email), "success")
    return redirect(back_or(url_for("admin.users")))


@bp.post("/users/<int:user_id>/admin")
@admin_required
def set_admin(user_id: int):
    return _toggle(user_id, roles.set_admin, "is_admin")


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int):
    return _toggle(user_id, roles.set_active, "active")


@bp.get("/audit")
@admin_required
def audit_log():
    object_type = request.args.get("object_type", "")[:64] or None
    object_id = request.args.get("object_id", "")[:64] or None
    page = page_arg()
    entries = audit.list_entries(current_user, object_type=object_type, object_id=object_id,
                                 page=page)
    return render_template("admin/audit.html", entries=entries,
                           rows=audit_words.describe(entries.items), object_type=object_type,
                           object_id=object_id,
                           object_types=audit_words.object_type_choices(audit.object_types()))


@bp.get("/fonts")
@admin_required
def fonts_status():
    """Which scripts badges and printed documents can print, and which would be empty boxes."""
    dirs = tuple(current_app.config.get("FONT_DIRS") or fonts.SYSTEM_FONT_DIRS)
    return render_template("admin/fonts.html", scripts=fonts.status(dirs))
