"""Check-in pages: the phone scanner (works offline), the arrivals board, the attendance
export and the gates organisers name."""
import hashlib
import io
from functools import lru_cache
from pathlib import Path

from flask import current_app, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.checkin.blueprint import bp
from summit.blueprints.checkin.forms import GateForm
from summit.blueprints.common import download
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import language
from summit.permissions import Permission, authorize
from summit.services.accounts import tokens as api_tokens
from summit.services.checkin import (
    board as checkin_board,
    gates as checkin_gates,
    holders as checkin_holders,
    salons as checkin_salons,
)
from summit.services.core.errors import DomainError
from summit.services.summits import settings as summits

# What the service worker keeps for the scanner to open without network.
SCANNER_ASSETS = ("css/summit.css", "css/checkin.css", "js/summit.js", "js/checkin-store.js",
                  "js/checkin-scanner.js", "vendor/jsqr-1.4.0/jsQR.js")


@lru_cache(maxsize=1)
def _assets_version(static_folder: str) -> str:
    digest = hashlib.sha256()
    for name in SCANNER_ASSETS:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:12]


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the scanner --------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/checkin/")
@login_required
def scanner(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.CHECKIN_SCAN, summit)
    config = {
        "slug": summit.slug, "user": current_user.id,
        "api": url_for("api.create_checkin", slug=summit.slug),
        "tokenUrl": url_for("checkin.device_token", slug=summit.slug),
        "worker": url_for("checkin.service_worker", slug=summit.slug),
        "scope": url_for("checkin.scanner", slug=summit.slug),
        "gates": checkin_gates.gate_names(summit),
        # Category and zone words in the page's language, by code (a holder's JSON carries
        # the Chinese ones; offline answers come from the badge list).
        "language": language(),
        "categories": {c.code: c.label(language()) for c in summit.categories},
        "zones": {z.code: z.label(language()) for z in summit.zones},
    }
    return render_template("checkin/scanner.html", summit=summit, config=config)


@bp.get("/summits/<slug:slug>/checkin/sw.js")
def service_worker(slug: str):
    """The scanner's service worker: its scope is the scanner's folder. It holds no data
    (the manifest lives in the page's IndexedDB), so it needs no login."""
    summit = summits.get_by_slug(slug)
    body = render_template(
        "checkin/sw.js", version=_assets_version(current_app.static_folder),
        page=url_for("checkin.scanner", slug=summit.slug),
        assets=[url_for("static", filename=name) for name in SCANNER_ASSETS])
    response = current_app.response_class(body, mimetype="text/javascript")
    return _no_store(response)


@bp.post("/summits/<slug:slug>/checkin/device-token")
@login_required
def device_token(slug: str):
    """A device token for this phone's scanner, so queued scans still go through after the
    session's CSRF token has expired (a venue can be offline for hours). It checks people
    in at this summit only, and expires."""
    summit = summits.get_by_slug(slug)
    authorize(Permission.CHECKIN_SCAN, summit)
    raw, _token = api_tokens.issue_device_token(current_user._get_current_object(), summit)
    return _no_store(jsonify({"token": raw}))


# --- the arrivals board -------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/checkin/board")
@login_required
def board(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.ATTENDANCE_READ, summit)
    # Fetched again by the open page every BOARD_REFRESH_SECONDS (summit.js, data-live).
    return _no_store(current_app.make_response(render_template(
        "checkin/board.html", summit=summit, data=checkin_board.board(current_user, summit))))


@bp.get("/summits/<slug:slug>/checkin/board.json")
@login_required
def board_json(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.ATTENDANCE_READ, summit)
    return _no_store(jsonify(checkin_board.board(current_user, summit)))


@bp.get("/summits/<slug:slug>/checkin/attendance.xlsx")
@login_required
def export(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.ATTENDANCE_READ, summit)
    data = checkin_board.export_xlsx(current_user, summit, language=language())
    return download(data, f"attendance-{summit.slug}.xlsx")


# --- gates --------------------------------------------------------------------------------

@bp.route("/summits/<slug:slug>/checkin/gates", methods=["GET", "POST"])
@login_required
def gates(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    form = GateForm()
    form.salon.choices = [SelectChoice("", _("— a gate of the summit —"))] + [
        SelectChoice(str(item.id), f"{item.day.isoformat()} {item.start:%H:%M} {item.title_zh}")
        for item in checkin_salons.salon_items(summit)]
    if form.validate_on_submit():
        try:
            salon = (form.salon.data or "").strip()
            gate = checkin_gates.add_gate(current_user, summit, form.name.data,
                                          salon_id=int(salon) if salon.isdigit() else None)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            flash(_("Gate %(name)s added: scanners offer it from their next start.",
                    name=gate.name), "success")
            return redirect(url_for("checkin.gates", slug=summit.slug))
    return render_template("checkin/gates.html", summit=summit, form=form,
                           gates=checkin_gates.gates_of(summit))


@bp.post("/summits/<slug:slug>/checkin/gates/<int:gate_id>/delete")
@login_required
def delete_gate(slug: str, gate_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    try:
        checkin_gates.remove_gate(current_user, summit, gate_id)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The gate is removed; scans made there keep its name."), "success")
    return redirect(url_for("checkin.gates", slug=summit.slug))


# --- holders' photos (press badges), for the scanner's result screen ----------------------

@bp.get("/summits/<slug:slug>/checkin/photos/<int:badge_id>")
@login_required
def holder_photo(slug: str, badge_id: int):
    """Only check-in staff and organisers of the badge's summit see a holder's photo."""
    summit = summits.get_by_slug(slug)
    authorize(Permission.CHECKIN_SCAN, summit)
    data = checkin_holders.photo_of(summit, badge_id)
    response = send_file(io.BytesIO(data), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
