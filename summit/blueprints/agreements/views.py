"""Agreements: the ledger, signing records, an agreement's page with its history, and files."""
from __future__ import annotations

import io
from datetime import date
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.agreements.blueprint import bp
from summit.blueprints.agreements.forms import AgreementForm, UpdateForm
from summit.blueprints.common import page_arg, per_page_arg
from summit.database import utcnow
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import language
from summit.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    AmountKind,
    MilestoneState,
    OrganisationRole,
    PartySide,
    UpdateKind,
)
from summit.permissions import Permission, authorize
from summit.services.agreements import (
    ceremony as agreement_ceremony,
    edits as agreement_edits,
    files as agreement_files,
    followup as agreement_followup,
    lists as agreement_lists,
    signing as agreements,
)
from summit.services.core import money
from summit.services.core.errors import DomainError
from summit.services.summits import settings as summits


def date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


def stale_days_arg(default: int | None) -> int | None:
    value = request.args.get("stale_days", "")
    if value.isdigit() and len(value) < 5:
        return max(1, min(int(value), 3650))
    return default


def ledger_filters() -> agreement_lists.LedgerFilters:
    return agreement_lists.LedgerFilters(
        q=request.args.get("q", "")[:100].strip(), status=request.args.get("status", "")[:32],
        county=request.args.get("county", "")[:100], sector=request.args.get("sector", "")[:100],
        kind=request.args.get("kind", "")[:32], stale_days=stale_days_arg(None),
        signed_from=date_arg("signed_from"), signed_to=date_arg("signed_to"),
        sort=request.args.get("sort", "signed")[:10])


def labels() -> dict:
    return {"status": agreements.STATUS_LABELS, "kind": agreements.KIND_LABELS,
            "amount_kind": agreements.AMOUNT_KIND_LABELS,
            "update_kind": agreements.UPDATE_KIND_LABELS,
            "milestone": agreements.MILESTONE_LABELS}


def money_helpers() -> dict:
    lang = language()
    return {"amount": lambda value: money.format_amount(value, lang),
            "yuan": money.yuan_text, "rate": money.format_rate, "labels": labels()}


@bp.get("/summits/<slug:slug>/agreements")
@login_required
def ledger(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.AGREEMENTS_READ, summit)
    filters = ledger_filters()
    result = agreement_lists.list_agreements(current_user, summit, filters, page=page_arg(),
                                             per_page=per_page_arg())
    return render_template("agreements/list.html", summit=summit, result=result,
                           filters=filters, facets=agreement_lists.facets(summit),
                           statuses=list(AgreementStatus), kinds=list(AgreementKind),
                           may_write=agreements.may_write(current_user, summit),
                           **money_helpers())


def _upload(storage) -> tuple[str, bytes] | None:
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.filename, storage.read(agreement_files.MAX_BYTES + 1)


def _details(form: AgreementForm, zone: str) -> agreements.AgreementDetails:
    signed_at = form.signed_at.data.replace(tzinfo=ZoneInfo(zone)) if form.signed_at.data \
        else None
    parties = [agreements.PartyDetails(side, getattr(form, prefix).data or "",
                                       getattr(form, f"{prefix}_signatory").data or "",
                                       getattr(form, f"{prefix}_title").data or "")
               for side, prefix in ((PartySide.A, "party_a"), (PartySide.B, "party_b"))]
    return agreements.AgreementDetails(
        title=form.title.data or "", kind=AgreementKind(form.kind.data),
        county=form.county.data or "", sector=form.sector.data or "",
        amount=form.amount.data or "", amount_kind=AmountKind(form.amount_kind.data),
        signed_at=signed_at, parties=parties, on_stage=form.on_stage.data,
        witnesses=form.witnesses.data or "", expected_jobs=form.expected_jobs.data,
        households_helped=form.households_helped.data,
        predecessor_id=int(form.predecessor_id.data)
        if getattr(form, "predecessor_id", None) and form.predecessor_id.data else None,
        ceremony_item_id=int(form.ceremony_item_id.data) if form.ceremony_item_id.data
        else None)


def _ceremony_choices(form: AgreementForm, summit) -> None:
    lang = language()
    form.ceremony_item_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(item.id), f"{item.title(lang)} ({item.day.isoformat()} "
                                   f"{item.start.strftime('%H:%M')})")
        for item in agreement_ceremony.ceremony_items(summit)]


@bp.route("/summits/<slug:slug>/agreements/new", methods=["GET", "POST"])
@login_required
def record(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.AGREEMENTS_WRITE, summit)
    form = AgreementForm()
    form.predecessor_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(a.id), f"{a.title} ({a.signed_at.date().isoformat()})")
        for a in agreement_lists.upgradable(summit)]
    _ceremony_choices(form, summit)
    if request.method == "GET" and not form.signed_at.data:
        # The signing time defaults to the summit's ceremony (blank time, the first ceremony
        # chosen); to "now" only while the summit runs; otherwise it is asked for.
        now = utcnow().astimezone(ZoneInfo(summit.timezone)).replace(
            tzinfo=None, second=0, microsecond=0)
        if len(form.ceremony_item_id.choices) > 1:
            form.ceremony_item_id.data = form.ceremony_item_id.choices[1].value
        elif summit.starts_on <= now.date() <= summit.ends_on:
            form.signed_at.data = now
        form.party_a.data = next(
            (o.name for o in summit.organisations_in(OrganisationRole.ORGANISER)), "")
    status = 200
    if form.validate_on_submit():
        try:
            agreement = agreements.record_agreement(
                current_user, summit, _details(form, summit.timezone),
                scan=_upload(form.scan.data))
        except DomainError as error:
            show_domain_error(form, error)
            status = 422
        else:
            flash(_("The agreement “%(title)s” has been recorded.", title=agreement.title),
                  "success")
            if request.form.get("another"):
                return redirect(url_for("agreements.record", slug=slug))
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    elif request.method == "POST":
        status = 422
    return render_template("agreements/form.html", summit=summit, form=form,
                           facets=agreement_lists.facets(summit)), status


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def correct(agreement_id: int):
    """Correct the signing record (the history itself is never edited)."""
    agreement = db.get_or_404(Agreement, agreement_id)
    summit = agreement.summit
    authorize(Permission.AGREEMENTS_WRITE, summit)
    current = agreement_edits.details_of(agreement)
    local = current.signed_at.astimezone(ZoneInfo(summit.timezone)).replace(tzinfo=None)
    sides = {PartySide.A: "party_a", PartySide.B: "party_b"}
    data = {"title": current.title, "kind": current.kind.value, "county": current.county,
            "sector": current.sector, "amount": str(current.amount),
            "amount_kind": current.amount_kind.value, "signed_at": local,
            "on_stage": current.on_stage, "witnesses": current.witnesses,
            "expected_jobs": current.expected_jobs,
            "households_helped": current.households_helped,
            "ceremony_item_id": str(current.ceremony_item_id or "")}
    for side, prefix in sides.items():
        first = next((p for p in current.parties if p.side is side), None)
        if first is not None:
            data.update({prefix: first.organisation, f"{prefix}_signatory": first.signatory_name,
                         f"{prefix}_title": first.signatory_title})
    form = AgreementForm(data=data)
    del form.predecessor_id, form.scan  # an upgrade link and the scan are not corrected here
    _ceremony_choices(form, summit)
    status = 200
    if form.validate_on_submit():
        details = _details(form, summit.timezone)
        # Parties beyond the first on each side (from the API or an import) are kept.
        details.parties += [p for side in sides for p in
                            [q for q in current.parties if q.side is side][1:]]
        try:
            agreement_edits.correct_signing_record(current_user, agreement, details)
        except DomainError as error:
            show_domain_error(form, error)
            status = 422
        else:
            flash(_("The signing record has been corrected."), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    elif request.method == "POST":
        status = 422
    return render_template("agreements/form.html", summit=summit, form=form,
                           agreement=agreement, facets=agreement_lists.facets(summit)), status


def _load(agreement_id: int) -> Agreement:
    agreement = db.get_or_404(Agreement, agreement_id)
    authorize(Permission.AGREEMENTS_READ, agreement.summit)
    return agreement


def _render_detail(agreement: Agreement, form: UpdateForm, status: int = 200):
    summit = agreement.summit
    return render_template(
        "agreements/detail.html", agreement=agreement, summit=summit, form=form,
        entries=agreement_followup.timeline(agreement),
        next_statuses=agreement_followup.next_statuses(agreement),
        ceremony=agreement.ceremony_item, lang=language(),
        may_write=agreements.may_write(current_user, summit), **money_helpers()), status


@bp.get("/agreements/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    agreement = _load(agreement_id)
    form = UpdateForm()
    form.happened_on.data = utcnow().astimezone(ZoneInfo(agreement.summit.timezone)).date()
    return _render_detail(agreement, form)


def _update_details(form: UpdateForm) -> agreements.UpdateDetails:
    return agreements.UpdateDetails(
        kind=UpdateKind(form.kind.data), happened_on=form.happened_on.data,
        status_to=AgreementStatus(form.status_to.data) if form.status_to.data else None,
        correction=form.correction.data, reason=form.reason.data or "",
        milestone_title=form.milestone_title.data or "",
        milestone_due_on=form.milestone_due_on.data,
        milestone_met_on=form.milestone_met_on.data,
        milestone_state=MilestoneState(form.milestone_state.data)
        if form.milestone_state.data else None,
        funds_in_place=form.funds_in_place.data or None, note=form.note.data or "")


@bp.post("/agreements/<int:agreement_id>/updates")
@login_required
def add_update(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    authorize(Permission.AGREEMENTS_WRITE, agreement.summit)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            agreement_followup.add_update(current_user, agreement, _update_details(form),
                                  confirm=form.confirm.data,
                                  attachment=_upload(form.attachment.data))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Added to the history."), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return _render_detail(db.session.get(Agreement, agreement_id), form, 422)


@bp.get("/agreements/files/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    try:
        item, data = agreement_files.read_attachment(current_user, attachment_id)
    except DomainError as error:
        abort(error.status)
    response = send_file(io.BytesIO(data), mimetype=item.content_type,
                         as_attachment=item.content_type == "application/pdf",
                         download_name=item.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
