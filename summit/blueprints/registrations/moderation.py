"""The organiser's registration list (kept whole: blueprints/kept.py) and the decisions
taken from it and from a registration's page: approve, reject, decide many at once."""
from __future__ import annotations

from html import escape

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    render_template_string,
    request,
    url_for,
)
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from summit.blueprints.common import back_or, id_arg, page_arg, per_page_arg, reads_only, safe_next
from summit.blueprints.frame import kept_halves
from summit.blueprints.kept import kept_page
from summit.blueprints.registrations.blueprint import bp
from summit.blueprints.registrations.forms import BulkForm, RejectForm
from summit.blueprints.registrations.views import load_registration
from summit.i18n import language
from summit.models import RegistrationStatus
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError
from summit.services.core.validation import mask_phone
from summit.services.registration import (
    lists as registration_lists,
    review as registration_review,
    submission as registrations,
)
from summit.services.summits import settings as summits


def list_filters() -> dict:
    return {
        "q": request.args.get("q", "")[:100],
        "status": request.args.get("status", "")[:20],
        "category": request.args.get("category", "")[:32],
        "delegation_id": id_arg("delegation"),
        "sort": request.args.get("sort", "name")[:10],
    }


@bp.get("/summits/<slug:slug>/registrations")
@kept_page()
@reads_only
@login_required
def moderate(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.REGISTRATIONS_MANAGE, summit)
    filters = list_filters()
    page, per_page = page_arg(), per_page_arg()
    setup = registration_lists.list_setup(summit)
    counts = setup.counts
    try:
        result = registration_lists.list_rows(current_user, summit, page=page,
                                              per_page=per_page, counts=counts, **filters)
    except DomainError as error:
        flash(str(error), "error")
        filters["status"] = ""
        result = registration_lists.list_rows(current_user, summit, page=page,
                                              per_page=per_page, counts=counts, **filters)
    status_labels = {status.value: str(label)
                     for status, label in registrations.STATUS_LABELS.items()}
    bulk_form = BulkForm()
    # Everything but the rows, drawn once for all it shows (the key) and kept.
    key = ("registration list", str(get_locale()), request.script_root, summit.slug,
           tuple(filters.items()), tuple(setup.categories), tuple(setup.delegations),
           tuple(counts.items()), result.page, result.per_page, result.total,
           bool(result.items))
    body = kept_halves(key, "registrations/_list_body.html", bulk_form.hidden_tag(),
                       summit=summit, result=result, filters=filters, bulk_form=bulk_form,
                       counts=counts, bulk_fields=_bulk_fields(), categories=setup.categories,
                       delegations=setup.delegations, statuses=list(RegistrationStatus),
                       status_labels=status_labels)
    return render_template("registrations/list.html", summit=summit, list_body=body,
                           rows=_list_rows(setup, result.items, status_labels))


BULK_FIELDS = ('{% from "_macros/forms.html" import field %}'
               '{{ field(form.decision) }}{{ field(form.reason) }}')


def _bulk_fields() -> Markup:
    """The list's bulk decision fields as a fresh form draws them (a GET never fills them),
    drawn once per language and kept (two WTForms fields through the ``field`` macro)."""
    kept = current_app.extensions.setdefault("summit.bulk_fields", {})
    locale = str(get_locale())
    drawn = kept.get(locale)
    if drawn is None:
        drawn = kept[locale] = Markup(render_template_string(BULK_FIELDS, form=BulkForm()))
    return drawn


def _list_rows(setup, items, status_labels: dict[str, str]) -> list[tuple]:
    """The list's rows ready to print: every label translated once per page, every link the
    detail page's URL with the row's id (one ``url_for``), the phone masked, and every text
    HTML-escaped here (``html.escape``: the template prints these tuples with autoescaping
    off, which spares a Markup object per cell; tests/summits/test_request_cost.py proves a
    name with markup stays text). A tuple a row: (id, url, select label, name, native name,
    marks, pinyin, organisation, position, category colour, category label, delegation,
    masked phone, status value, status label).
    """
    lang = language()
    categories = {c.id: (escape(c.colour), escape(c.label(lang))) for c in setup.categories}
    delegation_names = {d.id: escape(d.name) for d in setup.delegations}
    detail = escape(url_for("registrations.detail", registration_id=0).removesuffix("0"))
    select = _("Select %(name)s")
    tags = tuple(escape(tag) for tag in (_("substitute"), _("walk-in"), _("aide")))
    statuses = {value: escape(label) for value, label in status_labels.items()}
    rows = []
    for row in items:
        colour, label = categories.get(row.category_id, ("", ""))
        marks = [tag for tag, on in zip(tags, (row.substitute_for_id, row.walk_in,
                                               row.principal_id), strict=True) if on]
        # One escape for the row's texts, NUL between them (escaping leaves it alone; no text
        # holds one: forms refuse control characters, PostgreSQL cannot store it).
        name, native, pinyin, organisation, position, phone = escape("\x00".join((
            row.name, row.name_native or "", row.name_pinyin or "",
            row.organisation_name or "", row.position or "", mask_phone(row.phone)
        ))).split("\x00")
        rows.append((row.id, f"{detail}{row.id}", escape(select % {"name": row.name}),
                     name, native, marks, pinyin, organisation, position, colour, label,
                     delegation_names.get(row.delegation_id, ""), phone,
                     row.status.value, statuses[row.status.value]))
    return rows


@bp.post("/registrations/<int:registration_id>/approve")
@login_required
def approve(registration_id: int):
    registration = load_registration(registration_id)
    authorize(Permission.REGISTRATIONS_MANAGE, registration.summit)
    try:
        registration_review.approve_registration(current_user, registration)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("%(name)s is approved and has been told by email.", name=registration.name),
              "success")
    return redirect(safe_next(request.form.get("next"),
                              url_for("registrations.detail", registration_id=registration.id)))


@bp.post("/registrations/<int:registration_id>/reject")
@login_required
def reject(registration_id: int):
    registration = load_registration(registration_id)
    authorize(Permission.REGISTRATIONS_MANAGE, registration.summit)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            registration_review.reject_registration(current_user, registration, form.reason.data)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("%(name)s has been rejected and told why.", name=registration.name),
                  "success")
    else:
        flash(_("Give a reason: the registrant will read it."), "error")
    return redirect(url_for("registrations.detail", registration_id=registration.id))


@bp.post("/summits/<slug:slug>/registrations/bulk")
@login_required
def bulk(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.REGISTRATIONS_MANAGE, summit)
    form = BulkForm()
    ids = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    if not ids:
        flash(_("Select at least one registration."), "error")
    elif form.validate_on_submit():
        try:
            done, problems = registration_review.bulk_decide(current_user, summit, ids,
                                                       form.decision.data, form.reason.data)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("%(n)d registrations updated.", n=done), "success")
            for problem in problems[:10]:
                flash(problem, "warning")
    return redirect(back_or(url_for("registrations.moderate", slug=slug)))
