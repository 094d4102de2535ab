"""Registered guests on the precedence list: find a registration by name (any script or
pinyin), add it to the list or link an entry to it; unlink."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.protocol.blueprint import bp
from summit.blueprints.protocol.forms import ActionForm
from summit.permissions import Permission, authorize
from summit.services.core.errors import DomainError
from summit.services.core.validation import parse_id
from summit.services.protocol import people, precedence
from summit.services.summits import settings as summits


@bp.get("/summits/<slug:slug>/protocol/registrations")
@login_required
def find_registrations(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PROTOCOL_WRITE, summit)
    q = request.args.get("q", "")[:100]
    entries = precedence.ordered(summit)
    return render_template("protocol/people.html", summit=summit, q=q,
                           results=people.find(current_user, summit, q),
                           linked=people.linked(summit),
                           unlinked=[e for e in entries if e.registration_id is None],
                           action=ActionForm())


def _back(summit, q: str = ""):
    return redirect(url_for("protocol.find_registrations", slug=summit.slug, q=q or None))


@bp.post("/summits/<slug:slug>/protocol/registrations/<int:registration_id>/add")
@login_required
def add_registration(slug: str, registration_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PROTOCOL_WRITE, summit)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        entry = people.add_from(current_user, summit, registration_id)
    except DomainError as error:
        flash(str(error), "error")
        return _back(summit, request.form.get("q", ""))
    flash(_("%(name)s added to the precedence list.", name=entry.name), "success")
    return redirect(url_for("protocol.precedence_list", slug=summit.slug,
                            _anchor=f"entry-{entry.id}"))


@bp.post("/summits/<slug:slug>/protocol/registrations/<int:registration_id>/link")
@login_required
def link_registration(slug: str, registration_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.PROTOCOL_WRITE, summit)
    if not ActionForm().validate_on_submit():
        abort(400)
    entry_id = parse_id(request.form.get("entry_id", ""))
    try:
        entry = precedence.get_entry(entry_id) if entry_id else None
        if entry is None or entry.summit_id != summit.id:
            flash(_("Choose a leader on the list."), "error")
            return _back(summit, request.form.get("q", ""))
        people.link(current_user, entry, registration_id)
    except DomainError as error:
        flash(str(error), "error")
        return _back(summit, request.form.get("q", ""))
    flash(_("%(name)s is linked to the registration.", name=entry.name), "success")
    return redirect(url_for("protocol.precedence_list", slug=summit.slug,
                            _anchor=f"entry-{entry.id}"))


@bp.post("/protocol/entries/<int:entry_id>/unlink")
@login_required
def unlink_registration(entry_id: int):
    try:
        entry = precedence.get_entry(entry_id)
    except DomainError:
        abort(404)
    authorize(Permission.PROTOCOL_WRITE, entry.summit)
    if not ActionForm().validate_on_submit():
        abort(400)
    people.link(current_user, entry, None)
    flash(_("%(name)s is no longer linked to a registration.", name=entry.name), "success")
    return redirect(url_for("protocol.precedence_list", slug=entry.summit.slug,
                            _anchor=f"entry-{entry.id}"))
