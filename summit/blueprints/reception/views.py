"""Reception pages: arrivals board, a person's trips, the trips import, vehicles, pick-ups
(with the live status), and the drivers' phone page reached by a link without an account."""
from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.common import attempt, attempt_form, download
from summit.blueprints.reception.blueprint import bp
from summit.blueprints.reception.forms import (
    ChangeVehicleForm,
    ConfirmForm,
    PassengerForm,
    ProposeForm,
    RoomWishForm,
    TransferForm,
    TripForm,
    UploadForm,
    VehicleForm,
)
from summit.extensions import db
from summit.forms import BaseForm, show_domain_error
from summit.models import Registration, TransferPassenger, TripDirection
from summit.permissions import Permission, authorize
from summit.services.core import spreadsheets
from summit.services.core.errors import DomainError
from summit.services.core.validation import mask_phone, parse_id
from summit.services.reception import (
    drivers,
    handover,
    proposal,
    rooms,
    transport,
    trip_import,
    trips,
)
from summit.services.registration import export as registration_export, imports as staging
from summit.services.summits import settings as summits


def _day_arg() -> date | None:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None


def _direction_arg() -> TripDirection:
    return TripDirection.DEPARTURE if request.args.get("direction") == "departure" \
        else TripDirection.ARRIVAL


# --- arrivals board ------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/reception/")
@login_required
def board(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    direction = _direction_arg()
    day = _day_arg()
    rows = trips.board(current_user, summit, direction, day.isoformat() if day else "")
    return render_template("reception/board.html", summit=summit, rows=rows,
                           direction=direction, day=day, local=trips.local_time)


# --- a person's trips ----------------------------------------------------------------------

def _person_for_edit(slug: str, registration_id: int):
    """The summit and one of its registrations whose trips the user may edit (404, 403)."""
    summit = summits.get_by_slug(slug)
    registration = db.get_or_404(Registration, registration_id)
    if registration.summit_id != summit.id:
        abort(404)
    if not trips.may_edit(current_user, registration):
        abort(403)
    return summit, registration


@bp.route("/summits/<slug:slug>/reception/people/<int:registration_id>/trips",
          methods=["GET", "POST"])
@login_required
def person_trips(slug: str, registration_id: int):
    summit, registration = _person_for_edit(slug, registration_id)
    form = TripForm()
    status = 200
    if form.validate_on_submit():
        if not attempt_form(form, lambda: trips.save_trip(current_user, registration,
                                                           form.details())):
            status = 422
        else:
            flash(_("Trip saved."), "success")
            return redirect(url_for("reception.person_trips", slug=slug,
                                    registration_id=registration.id))
    elif form.is_submitted():
        status = 422
    return render_template("reception/trips.html", summit=summit, registration=registration,
                           trips=trips.trips_of(registration), form=form,
                           wish_form=RoomWishForm(gender=registration.gender,
                                                  room_wish=registration.room_wish),
                           pickups=transport.pickup_of(registration),
                           local=trips.local_time), status


@bp.post("/summits/<slug:slug>/reception/people/<int:registration_id>/room-wish")
@login_required
def room_wish(slug: str, registration_id: int):
    summit, registration = _person_for_edit(slug, registration_id)
    form = RoomWishForm()
    if form.validate_on_submit():
        attempt(lambda: rooms.save_wish(current_user, registration, form.gender.data,
                                        form.room_wish.data), _("Saved."))
    else:
        flash(_("Choose from the lists."), "error")
    return redirect(url_for("reception.person_trips", slug=slug,
                            registration_id=registration.id))


# --- import ---------------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/reception/import/template.xlsx")
@login_required
def import_template(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    return download(trip_import.template_xlsx(), f"{summit.slug}-trips.xlsx")


@bp.route("/summits/<slug:slug>/reception/import", methods=["GET", "POST"])
@login_required
def import_upload(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    form = UploadForm()
    report = token = None
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read(spreadsheets.MAX_BYTES + 1)
        try:
            report = trip_import.check_rows(current_user, summit, trip_import.read_upload(data))
        except DomainError as error:
            form.file.errors = list(form.file.errors) + [str(error)]
            status = 422
        else:
            token = staging.stage_upload(current_user, summit, None, data)
    elif form.is_submitted():
        status = 422
    return render_template("reception/import.html", summit=summit, form=form, report=report,
                           token=token, confirm_form=ConfirmForm(token=token)), status


def _staged_report(summit, token: str):
    data = staging.staged_upload(current_user, summit, None, token)
    return trip_import.check_rows(current_user, summit, trip_import.read_upload(data))


@bp.get("/summits/<slug:slug>/reception/import/<token>/errors.xlsx")
@login_required
def import_errors(slug: str, token: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    return download(registration_export.report_xlsx(_staged_report(summit, token)),
                    "import-errors.xlsx")


@bp.post("/summits/<slug:slug>/reception/import/confirm")
@login_required
def import_confirm(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    back = url_for("reception.import_upload", slug=slug)
    form = ConfirmForm()
    token = form.token.data
    if not form.validate_on_submit() or not token:
        flash(_("Upload the file again."), "error")
        return redirect(back)
    try:
        count = trip_import.import_rows(current_user, summit, _staged_report(summit, token),
                                        valid_only=request.form.get("valid_only") == "1")
    except DomainError as error:
        flash(str(error), "error")
        return redirect(back)
    staging.discard_upload(token)
    flash(_("%(n)d trips imported.", n=count), "success")
    return redirect(url_for("reception.board", slug=slug))


# --- vehicles -------------------------------------------------------------------------------

@bp.route("/summits/<slug:slug>/reception/vehicles", methods=["GET", "POST"])
@login_required
def vehicles(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    form = VehicleForm()
    status = 200
    if form.validate_on_submit():
        if not attempt_form(form, lambda: transport.save_vehicle(current_user, summit,
                                                                  form.details())):
            status = 422
        else:
            flash(_("Vehicle saved."), "success")
            return redirect(url_for("reception.vehicles", slug=slug))
    elif form.is_submitted():
        status = 422
    fleet = transport.vehicles(summit)
    links = {v.id: url_for("reception.driver", slug=slug, _external=True,
                           token=drivers.driver_link_token(current_user, summit, v))
             for v in fleet}
    return render_template("reception/vehicles.html", summit=summit, form=form,
                           vehicles=fleet, links=links), status


# --- pick-ups -------------------------------------------------------------------------------

def _vehicle_choices(summit) -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [
        SelectChoice(str(v.id), f"{v.plate} · {v.driver_name} · {v.seats}")
        for v in transport.vehicles(summit)]


def _transfers_page(summit, status: int = 200, form=None, propose_form=None):
    day = _day_arg()
    form = form or TransferForm()
    form.vehicle.choices = _vehicle_choices(summit)
    change = ChangeVehicleForm()
    change.vehicle.choices = form.vehicle.choices
    return render_template(
        "reception/transfers.html", summit=summit, day=day, form=form,
        propose_form=propose_form or ProposeForm(), change_form=change,
        passenger_form=PassengerForm(), action_form=BaseForm(),
        transfers=transport.staff_transfers(current_user, summit, day),
        days=transport.days_with_transfers(summit), local=trips.local_time,
        live=transport.live_passengers, status_labels=transport.STATUS_LABELS,
        direction_labels=transport.DIRECTION_LABELS,
        changes=handover.changes(current_user, summit)), status


@bp.get("/summits/<slug:slug>/reception/transfers")
@login_required
def transfers(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    return _transfers_page(summit)


@bp.get("/summits/<slug:slug>/reception/transfers/status.json")
@login_required
def transfer_statuses(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    response = jsonify({"statuses": transport.statuses(current_user, summit),
                        "labels": {s.value: str(label)
                                   for s, label in transport.STATUS_LABELS.items()}})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/summits/<slug:slug>/reception/transfers/propose")
@login_required
def propose(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    form = ProposeForm()
    if not form.validate_on_submit():
        return _transfers_page(summit, 422, propose_form=form)
    try:
        result = proposal.propose(current_user, summit, TripDirection(form.direction.data),
                                   window_minutes=form.window.data)
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return _transfers_page(summit, 422, propose_form=form)
    flash(_("%(trips)d trips proposed for %(placed)d people; %(left)d people found no free "
            "vehicle.", trips=result.transfers, placed=result.placed, left=result.unplaced),
          "success" if not result.unplaced else "warning")
    return redirect(url_for("reception.transfers", slug=slug))


@bp.post("/summits/<slug:slug>/reception/transfers/new")
@login_required
def create_transfer(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    form = TransferForm()
    form.vehicle.choices = _vehicle_choices(summit)
    if not form.validate_on_submit():
        return _transfers_page(summit, 422, form=form)
    if not attempt_form(form, lambda: transport.create_transfer(
            current_user, summit, direction=TripDirection(form.direction.data),
            place=form.place.data, at=form.at.data, vehicle_id=parse_id(form.vehicle.data),
            minutes=form.minutes.data)):
        return _transfers_page(summit, 422, form=form)
    flash(_("Trip added."), "success")
    return redirect(url_for("reception.transfers", slug=slug))


def _act(slug: str, transfer_id: int, action) -> object:
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    attempt(lambda: action(summit, transport.get_transfer(summit, transfer_id)), _("Saved."))
    return redirect(url_for("reception.transfers", slug=slug))


@bp.post("/summits/<slug:slug>/reception/transfers/<int:transfer_id>/passengers")
@login_required
def add_passenger(slug: str, transfer_id: int):
    form = PassengerForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(slug, transfer_id, lambda summit, transfer: transport.add_passenger(
        current_user, summit, transfer, parse_id(form.person.data)))


@bp.post("/summits/<slug:slug>/reception/passengers/<int:passenger_id>/remove")
@login_required
def remove_passenger(slug: str, passenger_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    if not BaseForm().validate_on_submit():
        abort(400)
    passenger = db.session.get(TransferPassenger, passenger_id)
    if passenger is None:
        flash(_("This passenger was already removed."), "error")
        return redirect(url_for("reception.transfers", slug=slug))
    return _act(slug, passenger.transfer_id, lambda summit, transfer:
                transport.remove_passenger(current_user, summit, passenger))


@bp.post("/summits/<slug:slug>/reception/transfers/<int:transfer_id>/vehicle")
@login_required
def change_vehicle(slug: str, transfer_id: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    return _act(slug, transfer_id, lambda summit, transfer: transport.change_vehicle(
        current_user, summit, transfer, parse_id(request.form.get("vehicle"))))


@bp.post("/summits/<slug:slug>/reception/transfers/<int:transfer_id>/delete")
@login_required
def delete_transfer(slug: str, transfer_id: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    return _act(slug, transfer_id, lambda summit, transfer: transport.delete_transfer(
        current_user, summit, transfer))


# --- the driver's phone page ---------------------------------------------------------------

def _driver(slug: str, token: str):
    summit = summits.get_by_slug(slug)
    try:
        return summit, drivers.driver_from_token(summit, token)
    except DomainError as error:
        return summit, error


@bp.get("/summits/<slug:slug>/driver/<token>")
def driver(slug: str, token: str):
    summit, vehicle = _driver(slug, token)
    if isinstance(vehicle, DomainError):
        return render_template("reception/driver_refused.html", summit=summit,
                               message=str(vehicle)), 404
    ids = drivers.driver_vehicle_ids(summit, vehicle)
    days = transport.days_with_transfers(summit, ids)
    day = _day_arg() or (date.today() if date.today() in days else (days[0] if days else None))
    rows = transport.transfers_on(summit, day, ids) if day else []
    response = render_template("reception/driver.html", summit=summit, vehicle=vehicle,
                               token=token, day=day, days=days, transfers=rows,
                               live=transport.live_passengers, mask=mask_phone,
                               local=trips.local_time, form=BaseForm(),
                               status_labels=transport.STATUS_LABELS)
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.post("/summits/<slug:slug>/driver/<token>/passengers/<int:passenger_id>")
def driver_mark(slug: str, token: str, passenger_id: int):
    summit, vehicle = _driver(slug, token)
    if isinstance(vehicle, DomainError):
        return render_template("reception/driver_refused.html", summit=summit,
                               message=str(vehicle)), 404
    if not BaseForm().validate_on_submit():
        abort(400)
    attempt(lambda: drivers.mark_passenger(summit, vehicle, passenger_id,
                                             request.form.get("status", "")), None)
    return redirect(url_for("reception.driver", slug=slug, token=token,
                            day=request.args.get("day")))
