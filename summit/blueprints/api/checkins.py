"""Check-in over the API: scanners post scans, look people up, fetch the manifest for
offline use; organisers and officials read the arrivals board."""
from flask import g, jsonify, request
from werkzeug.exceptions import HTTPException

from summit.blueprints.api import bp
from summit.blueprints.api.auth import BodyError, json_body, load_user_now, token_required
from summit.services import (checkin_board, checkin_fast, checkin_lookup, checkin_photos,
                             checkins, summits)
from summit.services import checkin_manifest as manifests
from summit.services.errors import ValidationFailed

# A scan is a few hundred bytes: anything much larger is not a scan.
MAX_SCAN_BODY = 4096


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/summits/<slug:slug>/checkins")
def create_checkin(slug: str):
    """The gates' hot path: one SQL statement on PostgreSQL (``checkin_fast``); anything out
    of the ordinary, and SQLite, take the portable path with the same answers."""
    request.max_content_length = MAX_SCAN_BODY
    answer = _one_statement_scan(slug)
    if answer is not None:
        return jsonify(answer.as_json())
    load_user_now()
    return _portable_scan(slug)


def _one_statement_scan(slug: str) -> checkins.ScanAnswer | None:
    raw = g.get("api_bearer")
    if not raw:
        return None
    try:
        payload = json_body()
        given = checkins.scan_input(payload.get("gate"), payload.get("scan_id"),
                                    payload.get("device", ""), payload.get("scanned_at"),
                                    payload.get("offline", False))
    except (BodyError, ValidationFailed, HTTPException):
        return None  # the portable path answers (401 first when the token is wrong)
    return checkin_fast.scan(slug, raw, payload.get("token"), given,
                             lambda badge_id: checkin_photos.photo_url(slug, badge_id))


@token_required
def _portable_scan(slug: str):
    summit = summits.get_by_slug(slug)
    payload = json_body()
    answer = checkins.scan(g.api_user, summit, payload.get("token"), payload.get("gate"),
                           payload.get("scan_id"), payload.get("device", ""),
                           payload.get("scanned_at"), payload.get("offline", False))
    return jsonify(answer.as_json())


@bp.post("/summits/<slug:slug>/checkins/manual")
@token_required
def create_manual_checkin(slug: str):
    request.max_content_length = MAX_SCAN_BODY
    summit = summits.get_by_slug(slug)
    payload = json_body()
    answer = checkins.check_in_person(
        g.api_user, summit, payload.get("registration_id"), payload.get("gate"),
        payload.get("scan_id"), payload.get("device", ""), payload.get("scanned_at"))
    return jsonify(answer.as_json())


@bp.get("/summits/<slug:slug>/checkins/lookup")
@token_required
def checkin_lookup_people(slug: str):
    items = checkin_lookup.look_up(g.api_user, summits.get_by_slug(slug),
                                   request.args.get("q", ""))
    return no_store(jsonify({"items": items, "total": len(items)}))


@bp.get("/summits/<slug:slug>/checkins/manifest")
@token_required
def checkin_manifest(slug: str):
    return no_store(jsonify(manifests.manifest(g.api_user, summits.get_by_slug(slug))))


@bp.get("/summits/<slug:slug>/attendance")
@token_required
def attendance(slug: str):
    return no_store(jsonify(checkin_board.board(g.api_user, summits.get_by_slug(slug))))
