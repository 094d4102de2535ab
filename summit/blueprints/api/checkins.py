"""Check-in over the API: scanners post scans and fetch the manifest for offline use."""
from flask import g, jsonify

from summit.blueprints.api import bp
from summit.blueprints.api.auth import json_body, token_required
from summit.services import checkins, summits


@bp.post("/summits/<slug:slug>/checkins")
@token_required
def create_checkin(slug: str):
    summit = summits.get_by_slug(slug)
    payload = json_body()
    answer = checkins.scan(g.api_user, summit, payload.get("token"), payload.get("gate"),
                           payload.get("scan_id"), payload.get("device", ""))
    return jsonify(answer.as_json())


@bp.get("/summits/<slug:slug>/checkins/manifest")
@token_required
def checkin_manifest(slug: str):
    response = jsonify(checkins.manifest(g.api_user, summits.get_by_slug(slug)))
    response.headers["Cache-Control"] = "no-store"
    return response
