"""The desk over the API: print a badge to a desk's printers and follow the job, name a
substitute, register a walk-in."""
from flask import g, jsonify
from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.blueprints.api.registrations import registration_json
from summit.extensions import db
from summit.models import PrinterPool, PrintReason, Registration
from summit.permissions import Permission, require
from summit.services.core.errors import NotFound
from summit.services.desk import printing, substitutes, walkins
from summit.services.summits import settings as summits

PRINT_FIELDS = ("pool", "reason")
SUBSTITUTE_FIELDS = ("name", "organisation", "position", "phone", "delegation_id")
WALK_IN_FIELDS = ("pool", "name", "organisation", "category", "phone")


def _texts(payload: dict, names) -> dict:
    wrong = {name: _("Give text.") for name in names
             if name in payload and not isinstance(payload[name], str)}
    if wrong:
        raise BodyError(422, _("Some values have the wrong type."), wrong)
    return {name: payload.get(name, "") for name in names}


def _pool(summit_id: int, pool_id) -> PrinterPool:
    pool = db.session.get(PrinterPool, pool_id) if isinstance(pool_id, int) and not \
        isinstance(pool_id, bool) else None
    if pool is None or pool.summit_id != summit_id:
        raise NotFound(_("There is no desk with this id at this summit."))
    return pool


@bp.post("/registrations/<int:registration_id>/prints")
@token_required
def create_print_job(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    require(g.api_user, Permission.DESK_PRINT, registration.summit)
    payload = known_fields(json_body(), PRINT_FIELDS)
    pool = _pool(registration.summit_id, payload.get("pool"))
    reason = payload.get("reason")
    try:
        reason = PrintReason(reason) if reason is not None else None
    except ValueError:
        raise BodyError(422, _("Some values are not valid."),
                        {"reason": _("Not one of the choices.")}) from None
    job = printing.send(g.api_user, registration, pool, reason)
    return jsonify(printing.describe(job)), 201


@bp.get("/print-jobs/<key>")
@token_required
def get_print_job(key: str):
    job = printing.job_by_key(g.api_user, key[:32])
    return jsonify(printing.describe(job))


@bp.post("/registrations/<int:registration_id>/substitute")
@token_required
def substitute_registration(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    payload = known_fields(json_body(), SUBSTITUTE_FIELDS)
    values = _texts(payload, ("name", "organisation", "position", "phone"))
    delegation = None
    if payload.get("delegation_id") is not None:
        delegation = substitutes.delegation_or_404(registration.summit,
                                                   payload["delegation_id"])
    new = substitutes.substitute(g.api_user, registration, delegation=delegation, **values)
    return jsonify(registration_json(new)), 201


@bp.post("/summits/<slug:slug>/walk-ins")
@token_required
def create_walk_in(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.DESK_PRINT, summit)
    payload = known_fields(json_body(), WALK_IN_FIELDS)
    values = _texts(payload, ("name", "organisation", "category", "phone"))
    pool = _pool(summit.id, payload.get("pool"))
    category = next((c for c in summit.categories if c.code == values["category"]), None)
    done = walkins.register_walk_in(g.api_user, summit, pool, name=values["name"],
                                    organisation=values["organisation"], category=category,
                                    phone=values["phone"])
    return jsonify({"registration": registration_json(done.registration),
                    "print_job": printing.describe(done.job) if done.job else None}), 201
