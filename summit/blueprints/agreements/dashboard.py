"""The officials' dashboard, for one summit or across the summits the reader may see."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.agreements.blueprint import bp
from summit.blueprints.agreements.views import date_arg, money_helpers, stale_days_arg
from summit.i18n import language
from summit.models import AgreementKind, Summit
from summit.permissions import Permission, authorize
from summit.services.agreements import (
    charts as agreement_charts,
    reports as agreement_reports,
    signing as agreements,
    stats as agreement_stats,
)
from summit.services.core import money
from summit.services.summits import settings as summits


def across_summits() -> tuple[list[Summit], list[Summit]]:
    """(every summit the reader may see, the ones chosen with ?summit=slug; all by default)."""
    readable = agreements.readable_summits(current_user)
    if not readable:
        abort(403)
    wanted = set(request.args.getlist("summit"))
    chosen = [s for s in readable if s.slug in wanted] or readable
    return readable, chosen


def build(chosen: list[Summit]) -> dict:
    """The summary, its charts and the labels a dashboard page or report needs."""
    scope = agreement_stats.scope_for(
        chosen, date_arg("signed_from"), date_arg("signed_to"),
        stale_days_arg(agreement_stats.DEFAULT_STALE_DAYS))
    summary = agreement_stats.summarise(scope)
    lang = language()

    def amount(value):
        return money.format_amount(value, lang)

    status_labels = agreements.STATUS_LABELS
    charts = {
        "county": agreement_charts.bars(
            [(g.key, g.amount, amount(g.amount)) for g in summary.by_county[:15]],
            _("Amount by county"), _("No agreements yet.")),
        "funnel": agreement_charts.funnel(
            [(str(status_labels[stage]), count,
              money.format_rate(agreement_stats.percent(count, summary.total.count)))
             for stage, count in summary.funnel],
            _("Agreements by stage reached")),
        "funds": agreement_charts.line(
            [(month, total, amount(total)) for month, _change, total in summary.funds_by_month],
            _("Funds in place over time (cumulative)"), _("No funds recorded yet.")),
    }
    kind_labels = {kind: agreements.KIND_LABELS[kind] for kind in AgreementKind}
    return {"summary": summary, "charts": charts, "definitions": agreement_stats.RATE_DEFINITIONS,
            "counted_note": agreement_stats.COUNTED_NOTE, "kind_labels": kind_labels,
            "summits_in_scope": chosen, **money_helpers()}


@bp.get("/summits/<slug:slug>/agreements/dashboard")
@login_required
def dashboard(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.AGREEMENTS_READ, summit)
    return render_template("agreements/dashboard.html", summit=summit, readable=None,
                           report_month=agreement_reports.last_month([summit]),
                           **build([summit]))


@bp.get("/agreements/dashboard")
@login_required
def dashboard_all():
    readable, chosen = across_summits()
    return render_template("agreements/dashboard.html", summit=None, readable=readable,
                           chosen_slugs={s.slug for s in chosen},
                           report_month=agreement_reports.last_month(chosen), **build(chosen))

