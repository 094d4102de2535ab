"""Excel/CSV import of registrations, for organisers (whole list) and registrars (delegation)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField

from summit.blueprints.common import download, id_arg
from summit.blueprints.registrations.blueprint import bp
from summit.extensions import db
from summit.forms import BaseForm
from summit.i18n import select_locale
from summit.models import Delegation, Summit
from summit.permissions import Permission, can
from summit.services.core import spreadsheets, uploads
from summit.services.core.errors import DomainError
from summit.services.registration import (
    export as registration_export,
    imports as registration_import,
)
from summit.services.summits import settings as summits


class UploadForm(BaseForm):
    file = FileField(_l("Excel or CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(BaseForm):
    token = HiddenField()
    submit = SubmitField(_l("Import"))


def _scope(slug: str, delegation_id: int | None) -> tuple[Summit, Delegation | None]:
    summit = summits.get_by_slug(slug)
    delegation = None
    if delegation_id is not None:
        delegation = db.get_or_404(Delegation, delegation_id)
        if delegation.summit_id != summit.id:
            abort(404)
    staff = can(current_user, Permission.REGISTRATIONS_MANAGE, summit)
    if not staff and (delegation is None or delegation.registrar_id != current_user.id):
        abort(403)
    return summit, delegation


@bp.get("/summits/<slug:slug>/import/template.xlsx")
@login_required
def import_template(slug: str):
    summit, _delegation = _scope(slug, id_arg("delegation_id"))
    return download(registration_export.template_xlsx(summit), f"{summit.slug}-registrations.xlsx")


@bp.route("/summits/<slug:slug>/import", methods=["GET", "POST"])
@login_required
def import_upload(slug: str):
    delegation_id = id_arg("delegation_id")
    summit, delegation = _scope(slug, delegation_id)
    form = UploadForm()
    report = token = None
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read(spreadsheets.MAX_BYTES + 1)
        try:
            rows = registration_import.read_upload(form.file.data.filename or "", data)
            report = registration_import.check_rows(summit, rows, select_locale())
        except DomainError as error:
            form.file.errors = list(form.file.errors) + [str(error)]
            status = 422
        else:
            token = uploads.store("imports", data, {
                "user_id": current_user.id, "summit_id": summit.id,
                "delegation_id": delegation.id if delegation else None})
    return render_template("registrations/import.html", summit=summit, delegation=delegation,
                           form=form, report=report, token=token,
                           confirm_form=ConfirmForm(token=token)), status


def _load_report(summit: Summit, delegation: Delegation | None, token: str):
    data, meta = uploads.load("imports", token)
    if meta.get("user_id") != current_user.id or meta.get("summit_id") != summit.id or \
            meta.get("delegation_id") != (delegation.id if delegation else None):
        abort(404)
    rows = registration_import.read_upload("", data)
    return registration_import.check_rows(summit, rows, select_locale())


@bp.get("/summits/<slug:slug>/import/<token>/errors.xlsx")
@login_required
def import_errors(slug: str, token: str):
    summit, delegation = _scope(slug, id_arg("delegation_id"))
    report = _load_report(summit, delegation, token)
    return download(registration_export.report_xlsx(report), "import-errors.xlsx")


@bp.post("/summits/<slug:slug>/import/confirm")
@login_required
def import_confirm(slug: str):
    summit, delegation = _scope(slug, id_arg("delegation_id"))
    form = ConfirmForm()
    valid_only = request.form.get("valid_only") == "1"
    back = url_for("registrations.import_upload", slug=slug,
                   **({"delegation_id": delegation.id} if delegation else {}))
    if not form.validate_on_submit():
        flash(_("Upload the file again."), "error")
        return redirect(back)
    try:
        report = _load_report(summit, delegation, form.token.data)
        created = registration_import.import_rows(current_user, summit, report,
                                                  delegation=delegation, valid_only=valid_only)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(back)
    uploads.discard("imports", form.token.data)
    flash(_("%(n)d registrations imported.", n=len(created)), "success")
    if delegation is not None:
        return redirect(url_for("registrations.delegation", delegation_id=delegation.id))
    return redirect(url_for("registrations.moderate", slug=slug, sort="-created"))
