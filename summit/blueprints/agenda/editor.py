"""The organiser's side: rooms, the day-by-day editor, items and their participants."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.agenda.blueprint import bp
from summit.blueprints.agenda.forms import ItemForm, MoveForm, ParticipantForm, RoomForm
from summit.blueprints.agenda.grid import day_grid
from summit.blueprints.common import attempt, attempt_form
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import language
from summit.models import AgendaItemKind, AgendaParticipant, ParticipantRole, Room
from summit.permissions import authorize
from summit.services.agenda import conflicts as agenda_conflicts, draft as agenda
from summit.services.agenda.conflicts import NeedsConfirmation
from summit.services.agenda.draft import AGENDA_PERMISSION
from summit.services.bookings import items as booking_items
from summit.services.core.errors import DomainError
from summit.services.core.validation import parse_id
from summit.services.summits import settings as summits


def organiser_summit(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(AGENDA_PERMISSION, summit)
    return summit


def _room_choices(summit, rooms=None) -> list[SelectChoice]:
    lang = language()
    return [SelectChoice("", _("No room"))] + [
        SelectChoice(str(room.id), room.name(lang)) for room in rooms or agenda.rooms_of(summit)]


def _room_id(value: str | None) -> int | None:
    return parse_id(value)


def _day_arg(summit) -> date:
    try:
        return date.fromisoformat(request.args.get("day", "")[:10])
    except ValueError:
        return summit.starts_on


# --- rooms ----------------------------------------------------------------------------------

def _room_details(form: RoomForm) -> agenda.RoomDetails:
    return agenda.RoomDetails(name_zh=form.name_zh.data, name_en=form.name_en.data or "",
                              capacity=form.capacity.data or 0, position=form.position.data or 0)


@bp.route("/summits/<slug:slug>/agenda/rooms", methods=["GET", "POST"])
@login_required
def rooms(slug: str):
    summit = organiser_summit(slug)
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = agenda.add_room(current_user, summit, _room_details(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Room %(name)s added.", name=room.name_zh), "success")
            return redirect(url_for("agenda.rooms", slug=slug))
    return render_template("agenda/rooms.html", summit=summit, form=form,
                           rooms=agenda.rooms_of(summit))


def _summit_room(summit, room_id: int) -> Room:
    room = db.get_or_404(Room, room_id)
    if room.summit_id != summit.id:
        abort(404)
    return room


@bp.route("/summits/<slug:slug>/agenda/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def edit_room(slug: str, room_id: int):
    summit = organiser_summit(slug)
    room = _summit_room(summit, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        if attempt_form(form, lambda: agenda.update_room(current_user, room,
                                                         _room_details(form))):
            flash(_("Room %(name)s saved.", name=room.name_zh), "success")
            return redirect(url_for("agenda.rooms", slug=slug))
    return render_template("agenda/room_form.html", summit=summit, form=form, room=room)


@bp.post("/summits/<slug:slug>/agenda/rooms/<int:room_id>/delete")
@login_required
def delete_room(slug: str, room_id: int):
    summit = organiser_summit(slug)
    room = _summit_room(summit, room_id)
    name = room.name_zh
    attempt(lambda: agenda.delete_room(current_user, room),
            _("Room %(name)s deleted.", name=name))
    return redirect(url_for("agenda.rooms", slug=slug))


# --- the editor -----------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/agenda/edit")
@login_required
def editor(slug: str):
    summit = organiser_summit(slug)
    day = _day_arg(summit)
    items = agenda.draft_items(summit)
    rooms = agenda.rooms_of(summit)
    conflicts = agenda_conflicts.draft_conflicts(summit, items)
    days = sorted(set(agenda.summit_days(summit)) | {item.day for item in items})
    if day not in days:
        day = days[0]
    todays = [item for item in items if item.day == day]
    return render_template(
        "agenda/editor.html", summit=summit, day=day, days=days, rooms=rooms,
        grid=day_grid(todays, rooms, agenda_conflicts.by_item(conflicts)),
        cancelled=[item for item in todays if item.cancelled], conflicts=conflicts,
        counts={d: sum(1 for i in items if i.day == d and not i.cancelled) for d in days})


def _item_form(summit, rooms=None, **kwargs) -> ItemForm:
    form = ItemForm(**kwargs)
    form.room.choices = _room_choices(summit, rooms)
    form.day.render_kw = {"min": summit.starts_on.isoformat(),
                          "max": summit.ends_on.isoformat()}
    return form


def _item_details(form: ItemForm) -> agenda.ItemDetails:
    return agenda.ItemDetails(
        day=form.day.data, start=form.start.data, end=form.end.data,
        room_id=_room_id(form.room.data), kind=AgendaItemKind(form.kind.data),
        title_zh=form.title_zh.data, title_en=form.title_en.data or "",
        description_zh=form.description_zh.data or "",
        description_en=form.description_en.data or "", bookable=form.bookable.data,
        capacity=form.capacity.data)


def _warned(form, error: NeedsConfirmation) -> list:
    form.confirm.data = False
    return error.conflicts


@bp.route("/summits/<slug:slug>/agenda/items/new", methods=["GET", "POST"])
@login_required
def create_item(slug: str):
    summit = organiser_summit(slug)
    form = _item_form(summit)
    if request.method == "GET":
        form.day.data = _day_arg(summit)
        form.room.data = request.args.get("room", "")[:12]
    warnings = []
    if form.validate_on_submit():
        try:
            item = agenda.create_item(current_user, summit, _item_details(form),
                                      confirm=form.confirm.data)
        except NeedsConfirmation as error:
            warnings = _warned(form, error)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("“%(title)s” added. Add its speakers and other participants here.",
                    title=item.title_zh), "success")
            return redirect(url_for("agenda.edit_item", slug=slug, item_id=item.id))
    return render_template("agenda/item_form.html", summit=summit, form=form, item=None,
                           warnings=warnings)


def _edit_page(summit, item, form=None, move_form=None, participant_form=None, warnings=(),
               move_warnings=(), participant_warnings=(), status=200):
    rooms = agenda.rooms_of(summit)
    if form is None:
        form = _item_form(summit, rooms, data=agenda.details_of(item).__dict__ | {
            "room": str(item.room_id or ""), "kind": item.kind.value})
    if move_form is None:
        move_form = MoveForm(prefix="move", data={"day": item.day, "start": item.start,
                                                  "room": str(item.room_id or "")})
    move_form.room.choices = _room_choices(summit, rooms)
    participant_form = participant_form or ParticipantForm(prefix="person")
    q = request.args.get("q", "")[:100]
    conflicts = agenda_conflicts.by_item(agenda_conflicts.draft_conflicts(
        summit, agenda.draft_items(summit, item.day))).get(item.id, [])
    return render_template(
        "agenda/item_form.html", summit=summit, item=item, form=form, move_form=move_form,
        participant_form=participant_form, q=q, found=agenda.search_people(summit, q),
        warnings=warnings, move_warnings=move_warnings,
        participant_warnings=participant_warnings, conflicts=conflicts,
        live_bookings=booking_items.live_count(item)), status


@bp.route("/summits/<slug:slug>/agenda/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(slug: str, item_id: int):
    summit = organiser_summit(slug)
    item = agenda.get_item(summit, item_id)
    if request.method == "GET":
        return _edit_page(summit, item)
    form = _item_form(summit)
    warnings = []
    if form.validate_on_submit():
        try:
            agenda.update_item(current_user, item, _item_details(form), confirm=form.confirm.data)
        except NeedsConfirmation as error:
            warnings = _warned(form, error)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("“%(title)s” saved.", title=item.title_zh), "success")
            return redirect(url_for("agenda.editor", slug=slug, day=item.day.isoformat()))
    return _edit_page(summit, item, form=form, warnings=warnings)


@bp.post("/summits/<slug:slug>/agenda/items/<int:item_id>/move")
@login_required
def move_item(slug: str, item_id: int):
    summit = organiser_summit(slug)
    item = agenda.get_item(summit, item_id)
    form = MoveForm(prefix="move")
    form.room.choices = _room_choices(summit)
    warnings = []
    if form.validate_on_submit():
        try:
            agenda.move_item(current_user, item, form.day.data, form.start.data,
                             _room_id(form.room.data), confirm=form.confirm.data)
        except NeedsConfirmation as error:
            warnings = _warned(form, error)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("“%(title)s” moved to %(day)s %(start)s.", title=item.title_zh,
                    day=item.day.isoformat(), start=item.start.strftime("%H:%M")), "success")
            return redirect(url_for("agenda.editor", slug=slug, day=item.day.isoformat()))
    return _edit_page(summit, item, move_form=form, move_warnings=warnings)


@bp.post("/summits/<slug:slug>/agenda/items/<int:item_id>/cancel")
@login_required
def cancel_item(slug: str, item_id: int):
    summit = organiser_summit(slug)
    item = agenda.get_item(summit, item_id)
    try:
        cancelled = agenda.cancel_item(current_user, item)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("“%(title)s” is cancelled. Publish to tell the public.", title=item.title_zh)
              + (" " + _("%(count)d bookings were cancelled and their holders emailed.",
                         count=cancelled) if cancelled else ""), "success")
    return redirect(url_for("agenda.editor", slug=slug, day=item.day.isoformat()))


@bp.post("/summits/<slug:slug>/agenda/items/<int:item_id>/restore")
@login_required
def restore_item(slug: str, item_id: int):
    summit = organiser_summit(slug)
    item = agenda.get_item(summit, item_id)
    try:
        agenda.restore_item(current_user, item, confirm=request.form.get("confirm") == "y")
    except NeedsConfirmation as error:
        flash(_("Not restored: %(conflicts)s Move the item first, or edit it and confirm.",
                conflicts=" ".join(str(c) for c in error.conflicts)), "error")
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("“%(title)s” is back on the programme.", title=item.title_zh)
              + (" " + _("Its cancelled bookings stay cancelled: delegates must book again.")
                 if item.bookable else ""), "success")
    return redirect(url_for("agenda.editor", slug=slug, day=item.day.isoformat()))


@bp.post("/summits/<slug:slug>/agenda/items/<int:item_id>/participants")
@login_required
def add_participant(slug: str, item_id: int):
    summit = organiser_summit(slug)
    item = agenda.get_item(summit, item_id)
    form = ParticipantForm(prefix="person")
    warnings = []
    if form.validate_on_submit():
        registration_id = _room_id(form.registration_id.data)
        if form.registration_id.data and registration_id is None:
            form.guest_name.errors = [_("Pick a registered person or give a guest's name.")]
        else:
            try:
                agenda.add_participant(current_user, item, agenda.ParticipantDetails(
                    role=ParticipantRole(form.role.data), registration_id=registration_id,
                    guest_name=form.guest_name.data or "", guest_title=form.guest_title.data
                    or "", guest_organisation=form.guest_organisation.data or ""),
                    confirm=form.confirm.data)
            except NeedsConfirmation as error:
                warnings = _warned(form, error)
            except DomainError as error:
                show_domain_error(form, error)
                if "participants" in error.fields:
                    form.guest_name.errors = list(form.guest_name.errors) + [
                        str(error.fields["participants"])]
            else:
                flash(_("Participant added."), "success")
                return redirect(url_for("agenda.edit_item", slug=slug, item_id=item.id))
    return _edit_page(summit, item, participant_form=form, participant_warnings=warnings)


@bp.post("/summits/<slug:slug>/agenda/items/<int:item_id>/participants/<int:participant_id>"
         "/remove")
@login_required
def remove_participant(slug: str, item_id: int, participant_id: int):
    summit = organiser_summit(slug)
    item = agenda.get_item(summit, item_id)
    participant = db.get_or_404(AgendaParticipant, participant_id)
    if participant.item_id != item.id:
        abort(404)
    agenda.remove_participant(current_user, participant)
    flash(_("Participant removed."), "success")
    return redirect(url_for("agenda.edit_item", slug=slug, item_id=item.id))
