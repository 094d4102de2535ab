"""Agreements over the API: signing records, the ledger, follow-up entries and the summary.

Amounts travel as decimal strings ("35000000.00"), never as JSON numbers (floats)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import g, jsonify
from flask_babel import gettext as _

from summit.blueprints.api import params
from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.database import utcnow
from summit.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    AmountKind,
    MilestoneState,
    PartySide,
    UpdateKind,
)
from summit.permissions import Permission, require
from summit.services.agreements import (
    followup as agreement_followup,
    lists as agreement_lists,
    signing as agreements,
    stats as agreement_stats,
)
from summit.services.summits import settings as summits


def party_json(party) -> dict:
    return {"side": party.side.value, "name": party.organisation,
            "signatory": party.signatory_name, "signatory_title": party.signatory_title}


def agreement_json(agreement: Agreement, entries: list | None = None) -> dict:
    body = {
        "id": agreement.id, "summit": agreement.summit.slug, "title": agreement.title,
        "kind": agreement.kind.value, "county": agreement.county, "sector": agreement.sector,
        "amount": str(agreement.amount), "amount_kind": agreement.amount_kind.value,
        "signed_at": agreement.signed_at.isoformat(), "on_stage": agreement.on_stage,
        "witnesses": agreement.witness_list, "expected_jobs": agreement.expected_jobs,
        "households_helped": agreement.households_helped,
        "predecessor_id": agreement.predecessor_id,
        "ceremony_item_id": agreement.ceremony_item_id,
        "status": agreement.status.value, "terminated_reason": agreement.terminated_reason,
        "funds_in_place": str(agreement.funds_in_place),
        "last_activity_at": agreement.last_activity_at.isoformat(),
        "parties": [party_json(p) for p in agreement.parties],
    }
    if entries is not None:
        body["updates"] = [update_json(e) for e in entries]
    return body


def update_json(entry) -> dict:
    return {
        "id": entry.id, "kind": entry.kind.value, "happened_on": entry.happened_on.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(),
        "status_from": entry.status_from.value if entry.status_from else None,
        "status_to": entry.status_to.value if entry.status_to else None,
        "reason": entry.reason, "milestone_title": entry.milestone_title,
        "milestone_state": entry.milestone_state.value if entry.milestone_state else None,
        "milestone_due_on": entry.milestone_due_on.isoformat() if entry.milestone_due_on
        else None,
        "milestone_met_on": entry.milestone_met_on.isoformat() if entry.milestone_met_on
        else None,
        "funds_in_place": str(entry.funds_in_place) if entry.funds_in_place is not None
        else None,
        "funds_change": str(entry.funds_change) if entry.funds_change is not None else None,
        "note": entry.note,
    }


# --- reading the body ---------------------------------------------------------------------

AGREEMENT_FIELDS = ("title", "kind", "county", "sector", "amount", "amount_kind", "parties",
                    "signed_at", "on_stage", "witnesses", "expected_jobs", "households_helped",
                    "predecessor_id", "ceremony_item_id", "status", "terminated_reason",
                    "funds_in_place", "confirm")
UPDATE_FIELDS = ("kind", "happened_on", "status_to", "correction", "reason", "milestone_title",
                 "milestone_state", "milestone_due_on", "milestone_met_on", "funds_in_place",
                 "confirm", "note")
STATUSES = [s.value for s in AgreementStatus]


def _stale_days(default: int | None) -> int | None:
    return params.whole("stale_days", default, 1, 3650)


def _wrong(name: str, message: str):
    return BodyError(422, _("Some values are not valid."), {name: message})


def _string(payload: dict, name: str, required: bool = False) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _wrong(name, _("Must be a string."))
    if required and not value.strip():
        raise _wrong(name, _("This field is required."))
    return value


def _enum(payload: dict, name: str, enum_class, default=None):
    value = payload.get(name)
    if value is None and default is not None:
        return default
    try:
        return enum_class(value)
    except (ValueError, TypeError):
        raise _wrong(name, _("Use one of: %(values)s",
                             values=", ".join(m.value for m in enum_class))) from None


def _amount_text(payload: dict, name: str, required: bool = False):
    value = payload.get(name)
    if value is None:
        if required:
            raise _wrong(name, _("This field is required."))
        return None
    if not isinstance(value, str):
        raise _wrong(name, _("Send amounts as decimal strings, e.g. \"35000000.00\"."))
    return value


def _whole(payload: dict, name: str, high: int | None = None) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or (
            high is not None and not 0 < value <= high):
        raise _wrong(name, _("Must be a whole number."))
    return value


def _flag(payload: dict, name: str) -> bool:
    value = payload.get(name, False)
    if not isinstance(value, bool):
        raise _wrong(name, _("Must be true or false."))
    return value


def _witnesses(payload: dict) -> str:
    value = payload.get("witnesses", [])
    if value is None:
        return ""
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise _wrong("witnesses", _("Send a list of names."))
    return "\n".join(value)


def _date(payload: dict, name: str, required: bool = False) -> date | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _wrong(name, _("Write dates as YYYY-MM-DD.")) from None


def _signed_at(payload: dict, zone: str, optional: bool = False) -> datetime | None:
    """``optional``: a ceremony item is named, whose start is then the signing time."""
    value = payload.get("signed_at")
    if optional and value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _wrong("signed_at", _("Write the time as ISO 8601, e.g. "
                                    "2017-08-03T10:30:00+08:00.")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


def _parties(payload: dict) -> list[agreements.PartyDetails]:
    raw = payload.get("parties")
    if not isinstance(raw, list) or len(raw) > 20:
        raise _wrong("parties", _("Send a list of parties: [{\"name\", \"side\", "
                                  "\"signatory\"}]."))
    parties = []
    for item in raw:
        if not isinstance(item, dict):
            raise _wrong("parties", _("Each party is an object."))
        parties.append(agreements.PartyDetails(
            _enum(item, "side", PartySide), _string(item, "name", True),
            _string(item, "signatory"), _string(item, "signatory_title")))
    return parties


# --- routes -------------------------------------------------------------------------------

@bp.post("/summits/<slug:slug>/agreements")
@token_required
def create_agreement(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.AGREEMENTS_WRITE, summit)
    payload = known_fields(json_body(), AGREEMENT_FIELDS)
    predecessor = _whole(payload, "predecessor_id", params.MAX_ID)
    ceremony = _whole(payload, "ceremony_item_id", params.MAX_ID)
    details = agreements.AgreementDetails(
        title=_string(payload, "title", True), kind=_enum(payload, "kind", AgreementKind),
        county=_string(payload, "county", True), sector=_string(payload, "sector", True),
        amount=_amount_text(payload, "amount", True),
        amount_kind=_enum(payload, "amount_kind", AmountKind, AmountKind.AGREEMENT),
        signed_at=_signed_at(payload, summit.timezone, ceremony is not None),
        parties=_parties(payload), ceremony_item_id=ceremony,
        on_stage=_flag(payload, "on_stage"), witnesses=_witnesses(payload),
        expected_jobs=_whole(payload, "expected_jobs"),
        households_helped=_whole(payload, "households_helped"), predecessor_id=predecessor,
        status=_enum(payload, "status", AgreementStatus, AgreementStatus.SIGNED),
        terminated_reason=_string(payload, "terminated_reason"),
        funds_in_place=_amount_text(payload, "funds_in_place"))
    agreement = agreements.record_agreement(g.api_user, summit, details,
                                            confirm=_flag(payload, "confirm"))
    return jsonify(agreement_json(agreement, [])), 201


@bp.get("/summits/<slug:slug>/agreements")
@token_required
def list_agreements(slug: str):
    summit = summits.get_by_slug(slug)
    filters = agreement_lists.LedgerFilters(
        q=params.text("q").strip(), status=params.choice("status", STATUSES),
        county=params.text("county"), sector=params.text("sector"),
        kind=params.choice("kind", [k.value for k in AgreementKind]),
        stale_days=_stale_days(None), signed_from=params.day("signed_from"),
        signed_to=params.day("signed_to"),
        sort=params.choice("sort", agreement_lists.SORTS, "signed"))
    result = agreement_lists.list_agreements(g.api_user, summit, filters,
                                             page=params.page(), per_page=params.per_page())
    return jsonify({"items": [agreement_json(a) for a in result.items], "total": result.total,
                    "page": result.page, "per_page": result.per_page})


@bp.get("/agreements/<int:agreement_id>")
@token_required
def get_agreement(agreement_id: int):
    agreement = agreements.get_agreement(g.api_user, agreement_id)
    entries = list(reversed(agreement_followup.timeline(agreement)))
    return jsonify(agreement_json(agreement, entries))


@bp.post("/agreements/<int:agreement_id>/updates")
@token_required
def create_agreement_update(agreement_id: int):
    agreement = agreements.get_agreement(g.api_user, agreement_id)
    require(g.api_user, Permission.AGREEMENTS_WRITE, agreement.summit)
    payload = known_fields(json_body(), UPDATE_FIELDS)
    correction = _flag(payload, "correction")
    details = agreements.UpdateDetails(
        kind=_enum(payload, "kind", UpdateKind), happened_on=_date(payload, "happened_on")
        or utcnow().astimezone(ZoneInfo(agreement.summit.timezone)).date(),
        status_to=_enum(payload, "status_to", AgreementStatus)
        if payload.get("status_to") is not None else None,
        correction=correction, reason=_string(payload, "reason"),
        milestone_title=_string(payload, "milestone_title"),
        milestone_due_on=_date(payload, "milestone_due_on"),
        milestone_met_on=_date(payload, "milestone_met_on"),
        milestone_state=_enum(payload, "milestone_state", MilestoneState)
        if payload.get("milestone_state") is not None else None,
        funds_in_place=_amount_text(payload, "funds_in_place"), note=_string(payload, "note"))
    entry = agreement_followup.add_update(g.api_user, agreement, details,
                                          confirm=_flag(payload, "confirm"))
    return jsonify({"update": update_json(entry), "agreement": agreement_json(agreement)}), 201


@bp.get("/summits/<slug:slug>/agreements/summary")
@token_required
def agreements_summary(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.AGREEMENTS_READ, summit)
    scope = agreement_stats.scope_for([summit], params.day("signed_from"),
                                      params.day("signed_to"),
                                      _stale_days(agreement_stats.DEFAULT_STALE_DAYS))
    body = agreement_stats.summary_json(agreement_stats.summarise(scope))
    body["summit"] = summit.slug
    return jsonify(body)

