"""Personal data over the API: the caller's own data and requests; the privacy queue."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import DataRequest, RequestKind, RequestStatus
from summit.permissions import Permission, require
from summit.services.privacy import mydata, requests as data_requests

REQUEST_FIELDS = ("kind", "reason")
ANSWER_FIELDS = ("status", "answer")


def request_json(item: DataRequest) -> dict:
    return {"id": item.id, "kind": item.kind.value, "reason": item.reason,
            "status": item.status.value, "answer": item.answer,
            "created_at": item.created_at.isoformat(), "due_on": item.due_on.isoformat(),
            "handled_at": item.handled_at.isoformat() if item.handled_at else None}


def _choice(payload: dict, name: str, enum_class, values):
    try:
        value = enum_class(payload.get(name))
    except (ValueError, TypeError):
        value = None
    if value not in values:
        raise BodyError(422, _("Some values are not valid."), {name: _(
            "Use one of: %(values)s", values=", ".join(v.value for v in values))})
    return value


def _text(payload: dict, name: str) -> str:
    value = payload.get(name, "")
    if not isinstance(value, str):
        raise BodyError(422, _("Some values are not valid."), {name: _("Must be a string.")})
    return value


@bp.get("/me/data")
@token_required
def my_data():
    return jsonify(mydata.download(g.api_user))


@bp.post("/me/data-requests")
@token_required
def create_data_request():
    payload = known_fields(json_body(), REQUEST_FIELDS)
    item = data_requests.submit_request(
        g.api_user, _choice(payload, "kind", RequestKind, list(RequestKind)),
        _text(payload, "reason"))
    return jsonify(request_json(item)), 201


@bp.get("/data-requests")
@token_required
def list_data_requests():
    items = [request_json(item) for item in data_requests.queue(g.api_user, open_only=False)]
    return jsonify({"items": items, "total": len(items)})


@bp.post("/data-requests/<int:request_id>/answer")
@token_required
def answer_data_request(request_id: int):
    require(g.api_user, Permission.PRIVACY_REQUESTS)  # 403 before a 404 says it exists
    item = db.get_or_404(DataRequest, request_id)
    payload = known_fields(json_body(), ANSWER_FIELDS)
    answered = data_requests.answer_request(
        g.api_user, item, _choice(payload, "status", RequestStatus,
                                  [s for s in RequestStatus if s is not RequestStatus.OPEN]),
        _text(payload, "answer"))
    return jsonify(request_json(answered))
