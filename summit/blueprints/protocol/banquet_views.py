"""Protocol pages for an item's tables: set them up, see and move who sits where, the chart
PDF."""
from __future__ import annotations

import io

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.common import attempt, attempt_form
from summit.blueprints.protocol.banquet_forms import (
    CardsForm,
    ChangedCardsForm,
    TableForm,
    TablePlaceForm,
    TablesForm,
)
from summit.blueprints.protocol.blueprint import bp
from summit.blueprints.protocol.forms import ActionForm
from summit.blueprints.protocol.views import agenda_item
from summit.forms import show_domain_error
from summit.i18n import language
from summit.models import CardScope, CardSize, Convention
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError
from summit.services.core.validation import parse_id
from summit.services.protocol import banquet as tables, cards, changes, precedence
from summit.services.reception import meals as reception_meals
from summit.services.summits import settings as summits


def _meal_choices(summit) -> list[SelectChoice]:
    return [SelectChoice("", _("None"))] + [
        SelectChoice(str(m.id), m.title) for m in reception_meals.meals(summit)]


def _person_choices(summit, item) -> list[SelectChoice]:
    return [SelectChoice(g.person, g.name + (f" ({g.organisation})" if g.organisation else ""))
            for g in tables.guests(summit, item)]


def render_tables(summit, item, tables_form: TablesForm | None = None,
                  place_form: TablePlaceForm | None = None, cards_form: CardsForm | None = None,
                  status: int = 200):
    banquet = tables.banquet_for(item)
    chart = tables.compute(item, banquet) if banquet else None
    if tables_form is None:
        tables_form = TablesForm(obj=banquet) if banquet else TablesForm()
        if banquet:
            tables_form.tables.data = len(banquet.tables)
            tables_form.seats.data = banquet.tables[0].seats if banquet.tables else 10
            tables_form.convention.data = banquet.convention.value
            tables_form.room.data = banquet.tables[0].room if banquet.tables else ""
            tables_form.meal_id.data = str(banquet.meal_id or "")
    tables_form.meal_id.choices = _meal_choices(summit)
    place_form = place_form or TablePlaceForm()
    place_form.person.choices = _person_choices(summit, item)
    return render_template(
        "protocol/banquet.html", summit=summit, item=item, banquet=banquet,
        chart=chart, tables_form=tables_form, place_form=place_form, table_form=TableForm(),
        action=ActionForm(), conventions=tables.CONVENTION_NOTES,
        empty_list=not precedence.ordered(summit),
        cards_form=cards_form or CardsForm(), changed_form=ChangedCardsForm(),
        changes=changes.since_last_print(item), ever_printed=bool(changes.printed(item)),
        place_label=changes.place_label, jobs=cards.recent(item),
        job_labels=cards.STATUS_LABELS, scope_labels=cards.SCOPE_LABELS,
        may_write=precedence.may_write(current_user, summit), lang=language()), status


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>/tables")
@login_required
def tables_page(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_READ)
    return render_tables(summit, item)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/tables")
@login_required
def configure_tables(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = TablesForm()
    form.meal_id.choices = _meal_choices(summit)
    meal_id = parse_id(form.meal_id.data) if form.meal_id.data else None
    if form.meal_id.data and meal_id is None:
        form.meal_id.errors = [_("Choose a meal from the list.")]
    elif form.validate_on_submit():
        if attempt_form(form, lambda: tables.configure(
                current_user, item, form.tables.data, form.seats.data,
                Convention(form.convention.data), form.per_row.data, form.room.data or "",
                meal_id)):
            flash(_("The tables are saved."), "success")
            return redirect(url_for("protocol.tables_page", slug=slug, item_id=item.id))
    return render_tables(summit, item, tables_form=form, status=400)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/tables/<int:number>")
@login_required
def edit_table(slug: str, item_id: int, number: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = TableForm()
    if not form.validate_on_submit():
        flash(_("Between 1 and %(count)s seats at a table.", count=tables.MAX_TABLE_SEATS),
              "error")
        return redirect(url_for("protocol.tables_page", slug=slug, item_id=item.id))
    attempt(lambda: tables.set_table(current_user, item, number, form.seats.data,
                                     form.room.data or ""),
            _("Table %(number)s is saved.", number=number))
    return redirect(url_for("protocol.tables_page", slug=slug, item_id=item.id))


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/tables/place")
@login_required
def place_at_table(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = TablePlaceForm()
    form.person.choices = _person_choices(summit, item)
    if form.validate_on_submit():
        if attempt_form(form, lambda: tables.place(current_user, item, form.person.data,
                                                   form.table.data, form.seat.data - 1)):
            flash(_("The seat is locked for this guest."), "success")
            return redirect(url_for("protocol.tables_page", slug=slug, item_id=item.id))
    return render_tables(summit, item, place_form=form, status=400)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/tables/unlock/<int:number>/"
         "<int:seat>")
@login_required
def unlock_table_seat(slug: str, item_id: int, number: int, seat: int):
    _summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: tables.unlock(current_user, item, number, seat - 1), None)
    return redirect(url_for("protocol.tables_page", slug=slug, item_id=item.id))


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>/tables.pdf")
@login_required
def tables_pdf(slug: str, item_id: int):
    _summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_READ)
    banquet = tables.banquet_for(item)
    if banquet is None:
        abort(404)
    data = tables.chart_pdf(item, tables.compute(item, banquet))
    return send_file(io.BytesIO(data), mimetype="application/pdf",
                     download_name=f"tables-{item.id}.pdf")


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/cards")
@login_required
def print_cards(slug: str, item_id: int):
    summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = CardsForm()
    if form.validate_on_submit():
        try:
            job = cards.start(current_user, item, CardScope(form.scope.data),
                              CardSize(form.size.data), table_number=form.table.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect(url_for("protocol.cards_job", slug=slug, key=job.key))
    return render_tables(summit, item, cards_form=form, status=400)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/cards/changed")
@login_required
def print_changed_cards(slug: str, item_id: int):
    _summit, item = agenda_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = ChangedCardsForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        job = changes.print_changed(current_user, item, CardSize(form.size.data))
    except DomainError as error:
        flash(str(error), "error")
    else:
        if job is not None:
            return redirect(url_for("protocol.cards_job", slug=slug, key=job.key))
        flash(_("The cards of people no longer seated are withdrawn; nothing else changed."),
              "success")
    return redirect(url_for("protocol.tables_page", slug=slug, item_id=item.id))


def _job(slug: str, key: str, permission: Permission):
    summit = summits.get_by_slug(slug)
    authorize(permission, summit)
    try:
        return summit, cards.get(summit, key)
    except DomainError:
        abort(404)


@bp.get("/summits/<slug:slug>/protocol/cards/<key>")
@login_required
def cards_job(slug: str, key: str):
    summit, job = _job(slug, key, Permission.PROTOCOL_READ)
    return render_template("protocol/cards_job.html", summit=summit, job=job,
                           scope_labels=cards.SCOPE_LABELS, size_labels=cards.SIZE_LABELS,
                           status=cards.status_json(job), action=ActionForm(),
                           may_write=precedence.may_write(current_user, summit),
                           lang=language())


@bp.get("/summits/<slug:slug>/protocol/cards/<key>/status")
@login_required
def cards_status(slug: str, key: str):
    _summit, job = _job(slug, key, Permission.PROTOCOL_READ)
    response = jsonify(cards.status_json(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/summits/<slug:slug>/protocol/cards/<key>.pdf")
@login_required
def cards_pdf(slug: str, key: str):
    _summit, job = _job(slug, key, Permission.PROTOCOL_READ)
    try:
        data = cards.pdf_of(current_user, job)
    except DomainError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="application/pdf",
                     download_name=f"table-cards-{job.id}.pdf")


@bp.post("/summits/<slug:slug>/protocol/cards/<key>/retry")
@login_required
def cards_retry(slug: str, key: str):
    _summit, job = _job(slug, key, Permission.PROTOCOL_WRITE)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: cards.run_again(current_user, job), None)
    return redirect(url_for("protocol.cards_job", slug=slug, key=job.key))
