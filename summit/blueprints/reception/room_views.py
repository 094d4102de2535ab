"""Hotel pages: hotels and their room blocks, the proposal, and the rooming list of a hotel
and night (assign a person to a room; XLSX)."""
import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.common import download
from summit.blueprints.reception.blueprint import bp
from summit.extensions import db
from summit.forms import BaseForm
from summit.models import Hotel
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError
from summit.services.core.validation import parse_id
from summit.services.reception import rooms
from summit.services.summits import settings as summits


def _hotel(summit, hotel_id: int) -> Hotel:
    hotel = db.get_or_404(Hotel, hotel_id)
    if hotel.summit_id != summit.id:
        abort(404)
    return hotel


def _int(name: str) -> int | None:
    return parse_id(request.form.get(name, ""))


@bp.route("/summits/<slug:slug>/reception/hotels", methods=["GET", "POST"])
@login_required
def hotel_list(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    if request.method == "POST":
        if not BaseForm().validate_on_submit():
            abort(400)
        try:
            if request.form.get("action") == "block":
                hotel = _hotel(summit, _int("hotel") or 0)
                rooms.add_block(current_user, summit, hotel,
                                room_type=request.form.get("room_type", ""),
                                beds=_int("beds") or 0, count=_int("count") or 0,
                                first_night=date.fromisoformat(request.form.get("first_night")
                                                               or "x"),
                                nights=_int("nights") or 0,
                                price=request.form.get("price", ""),
                                first_number=_int("first_number") or 101)
            else:
                rooms.add_hotel(current_user, summit, request.form.get("name", ""),
                                request.form.get("address", ""))
        except (DomainError, ValueError) as error:
            db.session.rollback()
            flash(str(error) if isinstance(error, DomainError)
                  else _("Write dates as YYYY-MM-DD."), "error")
            return render_template("reception/hotels.html", summit=summit,
                                   hotels=rooms.hotels(summit), form=BaseForm()), 422
        flash(_("Saved."), "success")
        return redirect(url_for("reception.hotel_list", slug=slug))
    return render_template("reception/hotels.html", summit=summit, hotels=rooms.hotels(summit),
                           form=BaseForm())


@bp.post("/summits/<slug:slug>/reception/hotels/<int:hotel_id>/propose")
@login_required
def propose_rooms(slug: str, hotel_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    if not BaseForm().validate_on_submit():
        abort(400)
    result = rooms.propose(current_user, summit, _hotel(summit, hotel_id))
    flash(_("%(people)d people placed for %(nights)d room-nights; %(left)d found no room.",
            people=result.people, nights=result.nights, left=result.unplaced),
          "success" if not result.unplaced else "warning")
    return redirect(url_for("reception.hotel_list", slug=slug))


def _night(hotel: Hotel) -> date:
    try:
        return date.fromisoformat(request.args.get("night", ""))
    except ValueError:
        return min((b.first_night for b in hotel.blocks), default=date.today())


@bp.route("/summits/<slug:slug>/reception/hotels/<int:hotel_id>/rooming",
          methods=["GET", "POST"])
@login_required
def rooming(slug: str, hotel_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    hotel = _hotel(summit, hotel_id)
    night = _night(hotel)
    status = 200
    if request.method == "POST":
        if not BaseForm().validate_on_submit():
            abort(400)
        try:
            rooms.assign(current_user, summit, _int("room"), _int("person"), [night],
                         confirm_shared=request.form.get("confirm") == "1")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 409 if error.status == 409 else 422
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("reception.rooming", slug=slug, hotel_id=hotel.id,
                                    night=night.isoformat()))
    return render_template("reception/rooming.html", summit=summit, hotel=hotel, night=night,
                           rows=rooms.rooming_list(current_user, summit, hotel, night),
                           form=BaseForm()), status


@bp.get("/summits/<slug:slug>/reception/hotels/<int:hotel_id>/rooming.xlsx")
@login_required
def rooming_xlsx(slug: str, hotel_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    hotel = _hotel(summit, hotel_id)
    night = _night(hotel)
    return download(rooms.rooming_xlsx(current_user, summit, hotel, night),
                    f"{summit.slug}-rooming-{hotel.id}-{night.isoformat()}.xlsx")


@bp.get("/summits/<slug:slug>/reception/hotels/<int:hotel_id>/rooming.pdf")
@login_required
def rooming_pdf(slug: str, hotel_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.RECEPTION_MANAGE, summit)
    hotel = _hotel(summit, hotel_id)
    night = _night(hotel)
    return send_file(io.BytesIO(rooms.rooming_pdf(current_user, summit, hotel, night)),
                     mimetype="application/pdf", as_attachment=True,
                     download_name=f"{summit.slug}-rooming-{hotel.id}-{night.isoformat()}.pdf")
