"""Downloads of registrations: the filtered list (XLSX, CSV) and the logistics report."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from summit.blueprints.common import download
from summit.blueprints.registrations.blueprint import bp
from summit.blueprints.registrations.moderation import list_filters
from summit.permissions import Permission, can
from summit.services.core.errors import DomainError
from summit.services.registration import export as registration_export
from summit.services.summits import settings as summits


@bp.get("/summits/<slug:slug>/registrations/export.<fmt>")
@login_required
def export(slug: str, fmt: str):
    summit = summits.get_by_slug(slug)
    if fmt not in ("xlsx", "csv"):
        abort(404)
    if not can(current_user, Permission.REGISTRATIONS_MANAGE, summit):
        abort(403)
    filters = list_filters()
    try:
        data = registration_export.export_list(
            current_user, summit, fmt=fmt, include_private=request.args.get("private") == "1",
            **filters)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("registrations.moderate", slug=slug))
    return download(data, f"{summit.slug}-registrations.{fmt}")


@bp.get("/summits/<slug:slug>/registrations/logistics.xlsx")
@login_required
def logistics(slug: str):
    summit = summits.get_by_slug(slug)
    if not can(current_user, Permission.REGISTRATIONS_MANAGE, summit):
        abort(403)
    return download(registration_export.logistics_xlsx(current_user, summit),
                    f"{summit.slug}-logistics.xlsx")
