"""A person's own data: everything Summit holds about a signed-in person, as one dictionary
(the JSON download; the PDF prints the same), and the tables it covers.

``SOURCES`` names, for every table that holds personal data, the section of the download it
appears in; ``NOT_EXPORTED`` names the tables left out and why. tests/privacy walks the models
and fails when a table with personal data is in neither."""
from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, or_

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AgendaParticipant,
    ApiToken,
    Arrival,
    AuditEntry,
    Badge,
    CardPrint,
    CheckIn,
    DataRequest,
    Delegation,
    ItemAttendance,
    Login,
    MealScan,
    Membership,
    PrecedenceEntry,
    PressApplication,
    PrintJob,
    Registration,
    RoomAssignment,
    SalonAttendance,
    SeatBooking,
    SentEmail,
    TablePlacement,
    TransferPassenger,
    Trip,
)
from summit.services.core import audit, audit_words, fonts, timezones
from summit.services.core.pdf import render_document

if TYPE_CHECKING:
    from summit.models import User

# table -> section of the download
SOURCES = {
    "users": "account", "memberships": "roles", "logins": "logins", "api_tokens": "api_tokens",
    "registrations": "registrations", "seat_bookings": "seat_bookings",
    "agenda_participants": "programme_roles", "badges": "badges", "checkins": "checkins",
    "arrivals": "arrivals", "salon_attendances": "salon_attendances",
    "press_applications": "press_applications", "press_people": "press_applications",
    "press_equipment": "press_applications", "press_requested_zones": "press_applications",
    "press_approved_zones": "press_applications", "delegations": "delegations",
    "audit_log": "audit_entries", "data_requests": "data_requests",
    "trips": "trips", "transfer_passengers": "pickups", "room_assignments": "rooms",
    "meal_scans": "meal_scans", "print_jobs": "badge_prints",
    "precedence_entries": "protocol", "item_attendances": "protocol",
    "table_placements": "banquet_seats", "table_card_prints": "banquet_seats",
    "sent_emails": "emails_sent",
}
# table -> why it is not in a person's download
NOT_EXPORTED = {
    "organisations": "organisations, not people",
    "rooms": "venue rooms, not people",
    "gates": "venue gates, not people",
    "agenda_versions": "who published a programme: staff work, in the audit entries",
    "press_releases": "who posted a release: staff work, in the audit entries",
    "privacy_notices": "who edited a notice: staff work, in the audit entries",
    "badge_jobs": "who printed a batch: staff work, in the audit entries",
    "agreements": "who recorded an agreement: staff work, in the audit entries",
    "agreement_updates": "who recorded an update: staff work, in the audit entries",
    "agreement_attachments": "who uploaded a file: staff work, in the audit entries",
    "agreement_parties": "signatories are named on agreements kept by law, not linked to an "
                         "account",
    "data_key_checks": "fingerprints of the data keys",
    "hotels": "hotels, not people",
    "vehicles": "drivers hold no account; their names and phones are erased when the summit "
                "is purged",
    "printers": "desk printers, not people",
    "printer_pools": "registration desks, not people",
    "seat_placements": "a seat of a podium: the person is in the protocol section",
    "table_card_jobs": "who printed table cards: staff work, in the audit entries; each "
                       "printed card is in the banquet section",
    "signing_ceremonies": "the host's script names leaders from the precedence list, whose "
                          "entries are in the protocol section",
}
# Never in a download: secrets, and the keyed hashes of sealed numbers.
HIDDEN_COLUMNS = {"password_hash", "key_hash", "token_hash", "token_digest", "id_number_hash",
                  "press_card_hash", "search_key", "sort_key"}


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row(obj: Any) -> dict[str, Any]:
    return {column.key: _value(getattr(obj, column.key))
            for column in inspect(obj).mapper.column_attrs if column.key not in HIDDEN_COLUMNS}


# Left out of the readable PDF (still in the JSON): numbers that only link records, and
# what a worker or a look-up wrote for itself.
INTERNAL_COLUMNS = {"id", "runner", "outlet_key", "person"}


def words(value: Any) -> str:
    """A stored value as people read it: codes in words, times in the installation's zone
    (北京时间), yes or no."""
    if isinstance(value, datetime):
        zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        local = value.astimezone(ZoneInfo(zone))
        return f"{local:%Y-%m-%d %H:%M} {timezones.zone_label(zone)}"
    if isinstance(value, (date, time)):
        return value.isoformat(timespec="minutes") if isinstance(value, time) \
            else value.isoformat()
    return audit_words.value_words(value)


# Columns whose codes have words of their own.
# The kinds of email Summit sends (templates/email/<kind>.txt), in words.
EMAIL_KINDS = {
    "account_exists": _l("Account already exists"), "agenda_changed": _l("Programme changed"),
    "booking_item_cancelled": _l("Booked item cancelled"),
    "booking_offered": _l("Seat offered"), "press_approve": _l("Accreditation approved"),
    "press_needs_info": _l("More information asked"),
    "press_received": _l("Accreditation received"),
    "press_reject": _l("Accreditation rejected"), "press_revoke": _l("Accreditation revoked"),
    "press_waitlist": _l("Accreditation waiting list"),
    "reception_pickup": _l("Pick-up details"), "registration_approved": _l("Registration approved"),
    "registration_exists": _l("Registration already exists"),
    "registration_promoted": _l("Place from the waiting list"),
    "registration_received": _l("Registration received"),
    "registration_rejected": _l("Registration rejected"),
    "reset_password": _l("Password reset"), "verify_email": _l("Email confirmation"),
}

COLUMN_WORDS: dict[tuple[str, str], Callable[[Any], str]] = {
    ("sent_emails", "kind"): lambda kind: str(EMAIL_KINDS.get(kind, _l("Email"))),
    ("audit_log", "action"): audit_words.action_label,
    ("audit_log", "object_type"): lambda kind: str(audit_words.OBJECT_LABELS.get(kind, "—")),
}


def audit_rows(entries: list[AuditEntry]) -> list[dict[str, str]]:
    """Audit entries as the audit page words them: what was done, to what, and each changed
    field from its old to its new value, other objects by their names."""
    return [{str(_l("Time")): words(row["entry"].at), str(_l("Action")): row["what"],
             str(_l("About")): " ".join(filter(None, (row["kind"], row["whom"]))),
             str(_l("Changes")): "; ".join(
                 f"{field}: {old or '—'} → {new or '—'}" for field, old, new in row["changes"])}
            for row in audit_words.describe(entries)]


def readable_row(obj: Any) -> dict[str, str]:
    """``row`` for people: each field by its name in words, never an internal number."""
    kind = inspect(obj).mapper.persist_selectable.name
    return {audit_words.field_label(column.key, kind):
            COLUMN_WORDS.get((kind, column.key), words)(getattr(obj, column.key))
            for column in inspect(obj).mapper.column_attrs
            if column.key not in HIDDEN_COLUMNS | INTERNAL_COLUMNS
            and not column.key.endswith("_id")}


def _all(statement) -> list:
    return list(db.session.scalars(statement))


def registrations_of(user: User) -> list[Registration]:
    """The person's registrations: by account, or by the address of a verified account."""
    condition = Registration.user_id == user.id
    if user.email_verified_at is not None:
        condition = or_(condition, Registration.email == user.email.lower())
    return _all(db.select(Registration).where(condition).order_by(Registration.id))


def press_applications_of(user: User) -> list[PressApplication]:
    return _all(db.select(PressApplication).where(PressApplication.user_id == user.id)
                .order_by(PressApplication.id))


def collect(user: User, row: Callable[[Any], dict] = row) -> dict[str, Any]:
    """Everything about ``user``, by section (see ``SOURCES``); ``row`` writes each record
    (``readable_row`` for the PDF)."""
    registrations = registrations_of(user)
    registration_ids = [r.id for r in registrations]
    applications = press_applications_of(user)
    person_ids = [p.id for a in applications for p in a.people]
    badges = _all(db.select(Badge).where(or_(
        Badge.registration_id.in_(registration_ids), Badge.press_person_id.in_(person_ids)))
        .order_by(Badge.id))
    badge_ids = [b.id for b in badges]
    entry_ids = list(db.session.scalars(db.select(PrecedenceEntry.id).where(
        PrecedenceEntry.registration_id.in_(registration_ids))))
    readable = row is readable_row

    def shown(code: str, label: Any) -> Any:
        return str(label) if readable else code

    about = [("users", str(user.id)), *(("registrations", str(i)) for i in registration_ids),
             *(("press_applications", str(a.id)) for a in applications)]
    audit_entries = _all(db.select(AuditEntry).where(or_(
        AuditEntry.actor_id == user.id,
        *[(AuditEntry.object_type == kind) & (AuditEntry.object_id == key)
          for kind, key in about])).order_by(AuditEntry.id))
    return {
        "generated_at": words(utcnow()) if readable else utcnow().isoformat(),
        "account": row(user),
        "roles": [row(m) for m in _all(db.select(Membership).where(
            Membership.user_id == user.id).order_by(Membership.id))],
        "logins": [row(x) for x in _all(db.select(Login).where(
            Login.user_id == user.id).order_by(Login.id))],
        "api_tokens": [row(x) for x in _all(db.select(ApiToken).where(
            ApiToken.user_id == user.id).order_by(ApiToken.id))],
        "registrations": [{**row(r), "summit": shown(r.summit.slug, r.summit.title_zh),
                           "category": shown(r.category.code, r.category.label_zh),
                           "consent_notice_version": r.consent_notice.version
                           if r.consent_notice else None} for r in registrations],
        "seat_bookings": [row(x) for x in _all(db.select(SeatBooking).where(
            SeatBooking.registration_id.in_(registration_ids)).order_by(SeatBooking.id))],
        "programme_roles": [row(x) for x in _all(db.select(AgendaParticipant).where(
            AgendaParticipant.registration_id.in_(registration_ids))
            .order_by(AgendaParticipant.id))],
        "delegations": [row(x) for x in _all(db.select(Delegation).where(
            Delegation.registrar_id == user.id).order_by(Delegation.id))],
        "press_applications": [{
            **row(a), "summit": shown(a.summit.slug, a.summit.title_zh),
            "people": [row(p) for p in a.people], "equipment": [row(e) for e in a.equipment],
            "requested_zones": [shown(z.code, z.label_zh) for z in a.requested_zones],
            "approved_zones": [shown(z.code, z.label_zh) for z in a.approved_zones]}
            for a in applications],
        "badges": [row(b) for b in badges],
        "checkins": [row(x) for x in _all(db.select(CheckIn).where(
            CheckIn.badge_id.in_(badge_ids)).order_by(CheckIn.id))],
        "arrivals": [row(x) for x in _all(db.select(Arrival).where(
            Arrival.badge_id.in_(badge_ids)).order_by(Arrival.id))],
        "salon_attendances": [row(x) for x in _all(db.select(SalonAttendance).where(
            SalonAttendance.badge_id.in_(badge_ids)).order_by(SalonAttendance.id))],
        "trips": [row(x) for x in _all(db.select(Trip).where(
            Trip.registration_id.in_(registration_ids)).order_by(Trip.id))],
        "pickups": [row(x) for x in _all(db.select(TransferPassenger).where(
            TransferPassenger.registration_id.in_(registration_ids))
            .order_by(TransferPassenger.id))],
        "rooms": [row(x) for x in _all(db.select(RoomAssignment).where(
            RoomAssignment.registration_id.in_(registration_ids)).order_by(RoomAssignment.id))],
        "meal_scans": [row(x) for x in _all(db.select(MealScan).where(
            MealScan.registration_id.in_(registration_ids)).order_by(MealScan.id))],
        "badge_prints": [row(x) for x in _all(db.select(PrintJob).where(
            PrintJob.registration_id.in_(registration_ids)).order_by(PrintJob.id))],
        "protocol": [{**row(entry), "attendance": [row(a) for a in _all(
            db.select(ItemAttendance).where(ItemAttendance.entry_id == entry.id)
            .order_by(ItemAttendance.id))]} for entry in _all(db.select(PrecedenceEntry).where(
                PrecedenceEntry.registration_id.in_(registration_ids))
                .order_by(PrecedenceEntry.id))],
        "banquet_seats": [row(x) for model in (TablePlacement, CardPrint)
                          for x in _all(db.select(model).where(model.person.in_(
                              [f"r{i}" for i in registration_ids] + [f"e{i}" for i in
                                                                     entry_ids]))
                              .order_by(model.id))],
        "audit_entries": audit_rows(audit_entries) if readable else [
            row(e) for e in audit_entries],
        "data_requests": [row(x) for x in _all(db.select(DataRequest).where(
            DataRequest.user_id == user.id).order_by(DataRequest.id))],
        # What was sent, to whom and when (Summit keeps no copy of the bodies).
        "emails_sent": [row(x) for x in _all(db.select(SentEmail).where(or_(
            SentEmail.user_id == user.id, SentEmail.registration_id.in_(registration_ids)))
            .order_by(SentEmail.id))],
    }


def download(user: User, readable: bool = False) -> dict[str, Any]:
    """``collect`` for the person themself (in words when ``readable``): their full ID
    numbers are in it, so the download is audited like every view of a full value."""
    data = collect(user, readable_row if readable else row)
    audit.record(user, "privacy.download_own", user, after={
        "sections": sorted(key for key, value in data.items()
                           if value and key != "generated_at")})
    db.session.commit()
    return data


# --- the readable PDF ---------------------------------------------------------------------

PDF_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
html { font-family: %(family)s; font-size: 9.5pt; color: #1d2433; line-height: 1.4; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; border-bottom: 1.5pt solid #9b1c1c; margin: 6mm 0 2mm; }
/* Fixed layout: the columns' widths come from the first row (38%% for the names), not from
   measuring every word of every cell (with break-all, every character): a long audit log
   took seconds to lay out. */
table { width: 100%%; border-collapse: collapse; margin-bottom: 3mm; table-layout: fixed; }
th { text-align: left; width: 38%%; color: #555; font-weight: normal; }
td, th { border-bottom: 0.4pt solid #ccc; padding: 1mm; vertical-align: top;
  word-break: break-all; }
.native { font-family: "Tibetan Machine Uni", %(family)s; }
"""


# The sections of the download, as the PDF heads them.
SECTION_LABELS = {
    "account": _l("Account"), "roles": _l("Roles at summits"), "logins": _l("Sign-ins"),
    "api_tokens": _l("API tokens"), "registrations": _l("Registrations"),
    "seat_bookings": _l("Seat bookings"), "programme_roles": _l("Roles in the programme"),
    "delegations": _l("Delegations you register"),
    "press_applications": _l("Press applications"), "badges": _l("Badges"),
    "checkins": _l("Check-ins"), "arrivals": _l("Arrivals"),
    "salon_attendances": _l("Salon attendance"), "trips": _l("Arrivals and departures"),
    "pickups": _l("Pick-ups"), "rooms": _l("Hotel rooms"), "meal_scans": _l("Meals served"),
    "badge_prints": _l("Badge prints"), "protocol": _l("Protocol"),
    "banquet_seats": _l("Banquet seats and table cards"),
    "audit_entries": _l("Audit log entries"),
    "data_requests": _l("Personal-data requests"), "emails_sent": _l("Emails sent"),
}
audit_words.name_values(SECTION_LABELS)  # the audit entry of a download names them
# Fields the download adds to a record's own columns.
EXTRA_LABELS = {
    "summit": _l("Summit"), "people": _l("People"), "equipment": _l("Equipment"),
    "requested_zones": _l("Zones requested"), "approved_zones": _l("Zones granted"),
    "consent_notice_version": _l("Notice version consented to"),
    "attendance": _l("Attendance"),
}


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_flat(v)}" for k, v in value.items()
                         if v not in ("", None, "—"))
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value) or "—"
    return "—" if value is None or value == "" else str(value)


def _label(key: str) -> str:
    label = EXTRA_LABELS.get(key)
    return str(label) if label is not None else key


def pdf_of(data: dict[str, Any], user_name: str) -> bytes:
    """``download(user, readable=True)`` as a document, one table per record, set in the
    badge fonts (Chinese, traditional characters and Tibetan print)."""
    sections = [(str(SECTION_LABELS[key]), [value] if isinstance(value, dict) else value)
                for key, value in data.items() if key != "generated_at"]
    tables = [(title, [[(_label(k), _flat(v)) for k, v in record.items()]
                       for record in records]) for title, records in sections]
    html = render_template("privacy/mydata_pdf.html", tables=tables, user_name=user_name,
                           generated_at=data["generated_at"])
    return render_document(html, PDF_CSS % {"family": fonts.family_css()})
