"""Salon seats for organisers: the summit's bookable items, one item's settings and bookings,
booking on someone's behalf, cancelling someone's booking, the XLSX export."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.bookings.blueprint import bp
from summit.blueprints.bookings.forms import BookForForm, SeatSettingsForm
from summit.blueprints.bookings.views import load_item
from summit.blueprints.common import download, page_arg, per_page_arg
from summit.extensions import db
from summit.forms import show_domain_error
from summit.models import BookingStatus, SeatBooking
from summit.permissions import Permission, authorize
from summit.services.bookings import (
    booking as bookings,
    lists as booking_lists,
    seats as booking_seats,
)
from summit.services.core.errors import DomainError
from summit.services.core.validation import mask_phone
from summit.services.summits import settings as summits

B = BookingStatus


@bp.get("/summits/<slug:slug>/salons")
@login_required
def salons(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BOOKINGS_MANAGE, summit)
    return render_template("bookings/salons.html", summit=summit,
                           rows=booking_lists.items_with_counts(current_user, summit))


def list_filters() -> dict:
    return {"status": request.args.get("status", "")[:20], "q": request.args.get("q", "")[:100]}


@bp.route("/sessions/<int:item_id>/seats/manage", methods=["GET", "POST"])
@login_required
def manage(item_id: int):
    item = load_item(item_id)
    summit = item.summit
    authorize(Permission.BOOKINGS_MANAGE, summit)
    form = SeatSettingsForm(obj=item)
    if form.validate_on_submit():
        try:
            offers = bookings.configure_item(
                current_user, item, bookable=form.bookable.data, capacity=form.capacity.data,
                claim_window_hours=form.claim_window_hours.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            flash(_("Seat settings saved.") + (" " + _(
                "%(n)d seats were offered to the waiting list.", n=len(offers))
                if offers else ""), "success")
            return redirect(url_for("bookings.manage", item_id=item.id))
    filters = list_filters()
    try:
        result = booking_lists.list_bookings(current_user, item, page=page_arg(),
                                             per_page=per_page_arg(), **filters)
    except DomainError as error:
        flash(str(error), "error")
        filters["status"] = ""
        result = booking_lists.list_bookings(current_user, item, page=page_arg(),
                                             per_page=per_page_arg(), **filters)
    person_q = request.args.get("person", "")[:100]
    return render_template(
        "bookings/manage.html", item=item, summit=summit, form=form, result=result,
        filters=filters, positions=booking_lists.positions(item, result, **filters),
        counts=bookings.counts_by_status(item), seats_left=booking_seats.seats_left(item),
        person_q=person_q, candidates=booking_lists.candidates(current_user, item, person_q),
        labels=bookings.STATUS_LABELS, statuses=list(B), local_time=bookings.local_time,
        book_form=BookForForm(), mask_phone=mask_phone)


@bp.post("/sessions/<int:item_id>/seats/manage/book")
@login_required
def book_for(item_id: int):
    item = load_item(item_id)
    authorize(Permission.BOOKINGS_MANAGE, item.summit)
    form = BookForForm()
    value = form.registration_id.data or ""
    if not form.validate_on_submit() or not value.isdigit() or len(value) > 9:
        flash(_("Choose a person to book for."), "error")
    else:
        try:
            registration = bookings.registration_for_staff(current_user, item, int(value))
            booking = bookings.book_seat(current_user, item, registration)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("%(name)s: %(status)s.", name=registration.name,
                    status=bookings.STATUS_LABELS[booking.status]), "success")
    return redirect(url_for("bookings.manage", item_id=item.id,
                            person=request.form.get("person", "")[:100] or None))


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel_for(booking_id: int):
    booking = db.get_or_404(SeatBooking, booking_id)
    item = booking.item
    authorize(Permission.BOOKINGS_MANAGE, item.summit)
    try:
        bookings.cancel_booking(current_user, booking)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The booking of %(name)s is cancelled.", name=booking.registration.name),
              "success")
    return redirect(url_for("bookings.manage", item_id=item.id))


@bp.get("/sessions/<int:item_id>/seats/export.xlsx")
@login_required
def export(item_id: int):
    item = load_item(item_id)
    authorize(Permission.BOOKINGS_MANAGE, item.summit)
    filters = list_filters()
    try:
        data = booking_lists.export_xlsx(current_user, item, **filters)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("bookings.manage", item_id=item.id))
    return download(data, f"{item.summit.slug}-seats-{item.id}.xlsx")
