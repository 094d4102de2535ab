"""The signing ceremony page of a signing-ceremony agenda item: the run-sheet (order,
sides, witnesses) with its PDF."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.common import attempt, attempt_form
from summit.blueprints.protocol.blueprint import bp
from summit.blueprints.protocol.ceremony_forms import CeremonyForm, ScriptForm, WitnessForm
from summit.blueprints.protocol.forms import ActionForm
from summit.blueprints.protocol.views import agenda_item
from summit.i18n import language
from summit.models import AgendaItemKind, Convention, SigningOrder
from summit.permissions import Permission
from summit.services.core import money
from summit.services.core.errors import DomainError
from summit.services.core.validation import parse_id
from summit.services.protocol import ceremony, precedence, script as host_script


def _ceremony_item(slug: str, item_id: int, permission: Permission):
    summit, item = agenda_item(slug, item_id, permission)
    if item.kind is not AgendaItemKind.SIGNING_CEREMONY:
        abort(404)
    return summit, item


def _back(summit, item):
    return redirect(url_for("protocol.ceremony_page", slug=summit.slug, item_id=item.id))


def witness_choices(summit) -> list[SelectChoice]:
    return [SelectChoice(str(e.id), f"{e.name}（{e.title}）" if e.title else e.name)
            for e in precedence.ordered(summit)]


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony")
@login_required
def ceremony_page(slug: str, item_id: int):
    summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_READ)
    return _render(summit, item)


def _render(summit, item, form: CeremonyForm | None = None, status: int = 200,
            script_form: ScriptForm | None = None):
    sheet = ceremony.compute(item)
    script = host_script.current(item)
    if script_form is None:
        script_form = ScriptForm()
        script_form.text.data = script.text
    if form is None:
        form = CeremonyForm()
        form.order_by.data = sheet.settings.order_by.value
        form.convention.data = sheet.settings.convention.value
    return render_template(
        "protocol/ceremony.html", summit=summit, item=item, sheet=sheet, form=form,
        action=ActionForm(), witness_form=WitnessForm(), choices=witness_choices(summit),
        amount=money.format_amount, may_write=precedence.may_write(current_user, summit),
        script=script, script_form=script_form, lang=language()), status


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/settings")
@login_required
def ceremony_settings(slug: str, item_id: int):
    summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = CeremonyForm()
    if not form.validate_on_submit():
        return _render(summit, item, form, 400)
    ceremony.configure(current_user, item, SigningOrder(form.order_by.data),
                       Convention(form.convention.data))
    flash(_("The run-sheet settings are saved."), "success")
    return _back(summit, item)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/signings/"
         "<int:agreement_id>/move/<direction>")
@login_required
def ceremony_move(slug: str, item_id: int, agreement_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)
    summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_WRITE)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: ceremony.move(current_user, item, agreement_id,
                                  -1 if direction == "up" else 1), None)
    return _back(summit, item)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/signings/"
         "<int:agreement_id>/witnesses")
@login_required
def ceremony_witnesses(slug: str, item_id: int, agreement_id: int):
    summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = WitnessForm()
    form.witnesses.choices = witness_choices(summit)
    if not form.validate_on_submit():
        flash(_("Choose witnesses from the precedence list."), "error")
        return _back(summit, item)
    ids = None if form.default.data else [parse_id(v) for v in form.witnesses.data]
    try:
        if ids is not None and None in ids:
            abort(400)
        ceremony.set_witnesses(current_user, item, agreement_id, ids)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The witnesses are saved."), "success")
    return _back(summit, item)


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/run-sheet.pdf")
@login_required
def run_sheet_pdf(slug: str, item_id: int):
    _summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_READ)
    data = ceremony.run_sheet_pdf(ceremony.compute(item))
    return send_file(io.BytesIO(data), mimetype="application/pdf",
                     download_name=f"run-sheet-{item.id}.pdf")


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/script")
@login_required
def script_save(slug: str, item_id: int):
    summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_WRITE)
    form = ScriptForm()
    if form.validate_on_submit():
        if attempt_form(form, lambda: host_script.save(current_user, item, form.text.data)):
            flash(_("The host's script is saved."), "success")
            return redirect(url_for("protocol.ceremony_page", slug=summit.slug,
                                    item_id=item.id, _anchor="script"))
    return _render(summit, item, status=400, script_form=form)


@bp.post("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/script/regenerate")
@login_required
def script_regenerate(slug: str, item_id: int):
    summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_WRITE)
    if not ActionForm().validate_on_submit():
        abort(400)
    host_script.regenerate(current_user, item)
    flash(_("The host's script is generated afresh from the data."), "success")
    return redirect(url_for("protocol.ceremony_page", slug=summit.slug, item_id=item.id,
                            _anchor="script"))


@bp.get("/summits/<slug:slug>/protocol/items/<int:item_id>/ceremony/script.<any(pdf, txt):fmt>")
@login_required
def script_download(slug: str, item_id: int, fmt: str):
    _summit, item = _ceremony_item(slug, item_id, Permission.PROTOCOL_READ)
    text = host_script.current(item).text
    if fmt == "pdf":
        return send_file(io.BytesIO(host_script.script_pdf(item, text)),
                         mimetype="application/pdf", download_name=f"script-{item.id}.pdf")
    return send_file(io.BytesIO(text.encode("utf-8")), mimetype="text/plain; charset=utf-8",
                     as_attachment=True, download_name=f"script-{item.id}.txt")
