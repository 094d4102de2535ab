"""Check-in over the API: scanners post scans, look people up, fetch the manifest for
offline use; organisers and officials read the arrivals board."""
from flask import g, jsonify, request
from flask_babel import gettext as _

from summit.blueprints.api import params
from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.services.checkin import (
    board as checkin_board,
    lookup as checkin_lookup,
    manifest as manifests,
    scans as checkins,
)
from summit.services.summits import settings as summits


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/summits/<slug:slug>/checkins")
@token_required(checkin=True)
def create_checkin(slug: str):
    """A gate's scan. An ordinary online scan on PostgreSQL is answered before it gets here,
    by ``services/checkin/fastpath`` in one SQL statement; this view answers everything else
    (and every scan on SQLite) with the same answers, and the errors."""
    request.max_content_length = checkins.MAX_SCAN_BODY
    summit = summits.get_by_slug(slug)
    payload = known_fields(json_body(), checkins.SCAN_FIELDS)
    answer = checkins.scan(g.api_user, summit, payload.get("token"), payload.get("gate"),
                           payload.get("scan_id"), payload.get("device", ""),
                           payload.get("scanned_at"), payload.get("offline", False))
    return jsonify(answer.as_json())


@bp.post("/summits/<slug:slug>/checkins/manual")
@token_required(checkin=True)
def create_manual_checkin(slug: str):
    request.max_content_length = checkins.MAX_SCAN_BODY
    summit = summits.get_by_slug(slug)
    payload = known_fields(json_body(), checkins.MANUAL_FIELDS)
    answer = checkins.check_in_person(
        g.api_user, summit, payload.get("registration_id"), payload.get("gate"),
        payload.get("scan_id"), payload.get("device", ""), payload.get("scanned_at"),
        press_person_id=payload.get("press_person_id"))
    return jsonify(answer.as_json())


@bp.get("/summits/<slug:slug>/checkins/lookup")
@token_required(checkin=True)
def checkin_lookup_people(slug: str):
    summit = summits.get_by_slug(slug)
    if "q" not in request.args:
        raise BodyError(422, _("Some values are not valid."),
                        {"q": _("This field is required.")})
    items = checkin_lookup.look_up(g.api_user, summit, params.text("q"))
    return no_store(jsonify({"items": items, "total": len(items)}))


@bp.get("/summits/<slug:slug>/checkins/manifest")
@token_required(checkin=True)
def checkin_manifest(slug: str):
    return no_store(jsonify(manifests.manifest(g.api_user, summits.get_by_slug(slug))))


@bp.get("/summits/<slug:slug>/attendance")
@token_required
def attendance(slug: str):
    return no_store(jsonify(checkin_board.board(g.api_user, summits.get_by_slug(slug))))
