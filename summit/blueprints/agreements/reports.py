"""Downloads (ledger and dashboard as Excel, the monthly PDF report) and the ledger import."""
from __future__ import annotations

import io
from datetime import date

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.agreements.blueprint import bp
from summit.blueprints.agreements.dashboard import across_summits, build
from summit.blueprints.agreements.forms import ImportForm
from summit.blueprints.agreements.views import ledger_filters
from summit.blueprints.common import download
from summit.database import utcnow
from summit.i18n import language
from summit.models import Summit
from summit.permissions import Permission, authorize
from summit.services.agreements import (
    imports as agreement_import,
    lists as agreement_lists,
    reports as agreement_reports,
)
from summit.services.core.errors import DomainError
from summit.services.summits import settings as summits


def _readable(slug: str) -> Summit:
    summit = summits.get_by_slug(slug)
    authorize(Permission.AGREEMENTS_READ, summit)
    return summit


@bp.get("/summits/<slug:slug>/agreements/ledger.xlsx")
@login_required
def ledger_xlsx(slug: str):
    summit = _readable(slug)
    rows = agreement_lists.all_for_export([summit], ledger_filters())
    return download(agreement_reports.ledger_xlsx(rows, language(), summit.timezone),
                 f"{summit.slug}-agreements.xlsx")


@bp.get("/summits/<slug:slug>/agreements/dashboard.xlsx")
@login_required
def dashboard_xlsx(slug: str):
    summit = _readable(slug)
    return download(agreement_reports.dashboard_xlsx(build([summit])["summary"]),
                 f"{summit.slug}-agreements-dashboard.xlsx")


@bp.get("/agreements/dashboard.xlsx")
@login_required
def dashboard_all_xlsx():
    _readable_summits, chosen = across_summits()
    return download(agreement_reports.dashboard_xlsx(build(chosen)["summary"]),
                 "agreements-dashboard.xlsx")


def _month(chosen: list[Summit]) -> date:
    value = request.args.get("month", "")[:7]
    try:
        return date.fromisoformat(value + "-01")
    except ValueError:
        return agreement_reports.last_month(chosen) or utcnow().date().replace(day=1)


def _report(chosen: list[Summit], title: str, filename: str):
    month = _month(chosen)
    context = build(chosen)
    key = month.strftime("%Y-%m")
    arrived = next((change for m, change, _total in context["summary"].funds_by_month
                    if m == key), None)
    html = render_template("agreements/report_pdf.html", title=title, month=month,
                           entries=agreement_reports.month_entries(chosen, month),
                           month_arrived=arrived, printing=True,
                           ledger=agreement_lists.for_report(chosen, context["summary"].scope),
                           **context)
    response = send_file(io.BytesIO(agreement_reports.pdf_from_html(html)),
                         mimetype="application/pdf", as_attachment=True,
                         download_name=f"{filename}-{key}.pdf")
    return response


@bp.get("/summits/<slug:slug>/agreements/report.pdf")
@login_required
def report_pdf(slug: str):
    summit = _readable(slug)
    return _report([summit], summit.title(language()), f"{summit.slug}-agreements")


@bp.get("/agreements/report.pdf")
@login_required
def report_all_pdf():
    _readable_summits, chosen = across_summits()
    return _report(chosen, "、".join(s.title(language()) for s in chosen), "agreements")


@bp.get("/summits/<slug:slug>/agreements/import/template.xlsx")
@login_required
def import_template(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.AGREEMENTS_WRITE, summit)
    return download(agreement_import.template_xlsx(summit),
                    f"{summit.slug}-agreements-template.xlsx")


@bp.route("/summits/<slug:slug>/agreements/import", methods=["GET", "POST"])
@login_required
def import_ledger(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.AGREEMENTS_WRITE, summit)
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read(agreement_import.MAX_BYTES + 1) if storage else b""
        try:
            rows = agreement_import.read_ledger(data)
            report = agreement_import.check_ledger(current_user, summit, rows,
                                                   confirm=request.form.get("confirm") == "y")
            count = agreement_import.import_ledger(current_user, summit, report)
        except DomainError as error:
            if report is None:
                form.file.errors = list(form.file.errors) + [str(error)]
            else:
                flash(str(error), "error")
            status = 422
        else:
            flash(_("%(n)d agreements imported.", n=count), "success")
            return redirect(url_for("agreements.ledger", slug=slug, sort="-signed"))
    elif request.method == "POST":
        status = 422
    return render_template("agreements/import.html", summit=summit, form=form,
                           report=report), status

