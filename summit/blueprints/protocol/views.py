"""Protocol pages: the precedence list (with move buttons and drag), attendance per item,
and an item's podium with its stage view."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.common import attempt, attempt_form
from summit.blueprints.protocol.blueprint import bp
from summit.blueprints.protocol.forms import (
    ActionForm,
    AttendanceForm,
    EntryForm,
    OrderForm,
    PlaceForm,
    PodiumForm,
)
from summit.forms import show_domain_error
from summit.i18n import language
from summit.models import Attendance, Convention, Rank
from summit.permissions import Permission, authorize
from summit.services.agenda import draft as agenda_draft
from summit.services.core.errors import DomainError
from summit.services.core.validation import parse_id
from summit.services.protocol import charts, precedence, seating
from summit.services.summits import settings as summits


@bp.get("/summits/<slug:slug>/protocol")
@login_required
def precedence_list(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PROTOCOL_READ, summit)
    return _render_list(summit, EntryForm())


def _render_list(summit, form: EntryForm, status: int = 200):
    return render_template("protocol/precedence.html", summit=summit,
                           entries=precedence.ordered(summit), form=form,
                           action=ActionForm(), order_form=OrderForm(),
                           ranks=precedence.RANK_LABELS, items=precedence.agenda_items(summit),
                           may_write=precedence.may_write(current_user, summit),
                           lang=language()), status


@bp.post("/summits/<slug:slug>/protocol/entries")
@login_required
def add_entry(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PROTOCOL_WRITE, summit)
    form = EntryForm()
    if form.validate_on_submit():
        try:
            entry = precedence.add_entry(current_user, summit, precedence.EntryDetails(
                name=form.name.data, name_native=form.name_native.data or "",
                rank=Rank(form.rank.data), organisation=form.organisation.data or "",
                title=form.title.data or ""))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s added to the precedence list.", name=entry.name), "success")
            return redirect(url_for("protocol.precedence_list", slug=summit.slug))
    return _render_list(summit, form, 400)


def _entry_for_write(entry_id: int):
    try:
        entry = precedence.get_entry(entry_id)
    except DomainError:
        abort(404)
    authorize(Permission.PROTOCOL_WRITE, entry.summit)
    if not ActionForm().validate_on_submit():
        abort(400)
    return entry


@bp.post("/protocol/entries/<int:entry_id>/move/<direction>")
@login_required
def move(entry_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)
    entry = _entry_for_write(entry_id)
    attempt(lambda: precedence.move(current_user, entry, -1 if direction == "up" else 1), None)
    return redirect(url_for("protocol.precedence_list", slug=entry.summit.slug,
                            _anchor=f"entry-{entry.id}"))


@bp.post("/protocol/entries/<int:entry_id>/delete")
@login_required
def remove(entry_id: int):
    entry = _entry_for_write(entry_id)
    slug, name = entry.summit.slug, entry.name
    precedence.remove_entry(current_user, entry)
    flash(_("%(name)s removed from the precedence list.", name=name), "success")
    return redirect(url_for("protocol.precedence_list", slug=slug))


@bp.post("/summits/<slug:slug>/protocol/order")
@login_required
def reorder(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PROTOCOL_WRITE, summit)
    form = OrderForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [parse_id(part) for part in form.order.data.split(",")]
    if None in ids:
        abort(400)
    attempt(lambda: precedence.reorder(current_user, summit, ids), _("The order is saved."))
    return redirect(url_for("protocol.precedence_list", slug=summit.slug))


def agenda_item(slug: str, item_id: int, permission: Permission):
    """The summit and one of its agenda items, once the user holds `permission` (403, 404)."""
    summit = summits.get_by_slug(slug)
    authorize(permission, summit)
    try:
        return summit, agenda_draft.get_item(summit, item_id)
    except DomainError:
        abort(404)


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>")
@login_required
def item_page(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_READ)
    return _render_item(summit, item)


def _render_item(summit, item, podium_form: PodiumForm | None = None,
                 place_form: PlaceForm | None = None, status: int = 200):
    podium = seating.podium_for(item)
    if podium_form is None:
        podium_form = PodiumForm(obj=podium) if podium else PodiumForm()
        if podium:
            podium_form.convention.data = podium.convention.value
    entries = precedence.ordered(summit)
    place_form = place_form or PlaceForm()
    place_form.entry_id.choices = [SelectChoice(str(e.id), e.name) for e in entries]
    return render_template(
        "protocol/item.html", summit=summit, item=item, entries=entries,
        marks=precedence.attendance_map(item), attendance_form=AttendanceForm(),
        attendance_labels=precedence.ATTENDANCE_LABELS, ranks=precedence.RANK_LABELS,
        podium=podium, seating=seating.compute(item, podium) if podium else None,
        podium_form=podium_form, place_form=place_form, action=ActionForm(),
        conventions=seating.CONVENTION_LABELS,
        may_write=precedence.may_write(current_user, summit), lang=language()), status


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/attendance/<int:entry_id>")
@login_required
def attendance(slug: str, item_id: int, entry_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        entry = precedence.get_entry(entry_id)
        if entry.summit_id != summit.id:
            abort(404)
        precedence.set_attendance(current_user, entry, item, Attendance(form.status.data),
                                  form.deputy_name.data or "")
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Attendance saved; the seating is refilled."), "success")
    return redirect(url_for("protocol.item_page", slug=slug, item_id=item.id))


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/podium")
@login_required
def configure_podium(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = PodiumForm()
    if form.validate_on_submit():
        if attempt_form(form, lambda: seating.configure(
                current_user, item, form.rows.data, form.seats_per_row.data,
                Convention(form.convention.data))):
            flash(_("The podium is saved."), "success")
            return redirect(url_for("protocol.item_page", slug=slug, item_id=item.id))
    return _render_item(summit, item, podium_form=form, status=400)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/place")
@login_required
def place(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = PlaceForm()
    form.entry_id.choices = [SelectChoice(str(e.id), e.name) for e in precedence.ordered(summit)]
    if form.validate_on_submit():
        if attempt_form(form, lambda: seating.place(
                current_user, item, int(form.entry_id.data), form.row.data - 1,
                form.seat.data - 1)):
            flash(_("The seat is locked for this leader."), "success")
            return redirect(url_for("protocol.item_page", slug=slug, item_id=item.id))
    return _render_item(summit, item, place_form=form, status=400)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/unlock/<int:row>/<int:seat>")
@login_required
def unlock(slug: str, item_id: int, row: int, seat: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: seating.unlock(current_user, item, row - 1, seat - 1), None)
    return redirect(url_for("protocol.item_page", slug=slug, item_id=item.id))


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>/seating.pdf")
@login_required
def seating_pdf(slug: str, item_id: int):
    _summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_READ)
    podium = seating.podium_for(item)
    if podium is None:
        abort(404)
    data = charts.seating_chart_pdf(item, seating.compute(item, podium))
    return send_file(io.BytesIO(data), mimetype="application/pdf",
                     download_name=f"seating-{item.id}.pdf")
