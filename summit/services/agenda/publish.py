"""Publishing the draft programme: a frozen, numbered version with a changelog.

The snapshot holds what the public sees (rooms and items with their participants, by value),
so later edits of the draft or of a registration never change a published version. Items
changed since the previous version get their ``sequence`` raised (iCalendar SEQUENCE), and
the registered participants of changed items are emailed in their language.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import AgendaItem, AgendaVersion, Registration, Summit, User
from summit.permissions import require
from summit.services.agenda.conflicts import NeedsConfirmation, draft_conflicts
from summit.services.agenda.draft import AGENDA_PERMISSION, draft_items, rooms_of
from summit.services.core import audit, mail
from summit.services.core.errors import Conflict, NotFound
from summit.services.summits.settings import lock_summit

log = logging.getLogger(__name__)

ADDED, MOVED, CANCELLED, PARTICIPANTS, CHANGED = (
    "added", "moved", "cancelled", "participants", "changed")
CHANGE_LABELS = {ADDED: _l("Added"), MOVED: _l("Moved"), CANCELLED: _l("Cancelled"),
                 PARTICIPANTS: _l("Speakers changed"), CHANGED: _l("Changed")}
FIELD_LABELS = {"title": _l("title"), "description": _l("description"), "kind": _l("kind"),
                "bookable": _l("booking"), "capacity": _l("capacity"), "status": _l("restored")}


# --- the snapshot ---------------------------------------------------------------------------

def participant_snapshot(participant) -> dict[str, Any]:
    registration = participant.registration
    if registration is not None:
        return {"role": participant.role.value, "registration_id": registration.id,
                "name": registration.name, "name_pinyin": registration.name_pinyin,
                "name_native": registration.name_native, "title": registration.position,
                "organisation": registration.organisation_name}
    return {"role": participant.role.value, "registration_id": None,
            "name": participant.guest_name, "name_pinyin": "", "name_native": "",
            "title": participant.guest_title, "organisation": participant.guest_organisation}


def item_snapshot(item: AgendaItem) -> dict[str, Any]:
    room = item.room
    return {
        "id": item.id, "uid": item.uid, "day": item.day.isoformat(),
        "start": item.start.strftime("%H:%M"), "end": item.end.strftime("%H:%M"),
        "room": {"id": room.id, "zh": room.name_zh, "en": room.name_en} if room else None,
        "kind": item.kind.value, "status": item.status.value,
        "title": {"zh": item.title_zh, "en": item.title_en},
        "description": {"zh": item.description_zh, "en": item.description_en},
        "bookable": item.bookable, "capacity": item.capacity, "sequence": item.sequence,
        "participants": [participant_snapshot(p) for p in item.participants],
    }


def _when(entry: dict) -> dict:
    return {"day": entry["day"], "start": entry["start"], "end": entry["end"],
            "room": entry["room"]}


def _people(entry: dict) -> list[tuple]:
    return [(p["role"], p["registration_id"], p["name"], p["title"], p["organisation"])
            for p in entry["participants"]]


def changes_between(old: dict | None, new: dict) -> list[dict]:
    """The changelog entries of one item (``old`` None: it is new)."""
    head = {"uid": new["uid"], "id": new["id"], "title": new["title"]}
    if old is None:
        return [head | {"kind": ADDED, "after": _when(new)}]
    if old["status"] != "cancelled" and new["status"] == "cancelled":
        return [head | {"kind": CANCELLED, "before": _when(old)}]
    entries = []
    if _when(old) != _when(new):
        entries.append(head | {"kind": MOVED, "before": _when(old), "after": _when(new)})
    if _people(old) != _people(new):
        before = {p["name"] for p in old["participants"]}
        after = {p["name"] for p in new["participants"]}
        entries.append(head | {"kind": PARTICIPANTS, "added": sorted(after - before),
                               "removed": sorted(before - after)})
    fields = [name for name in ("title", "description", "kind", "bookable", "capacity")
              if old[name] != new[name]]
    if old["status"] == "cancelled" and new["status"] != "cancelled":
        fields.append("status")
    if fields:
        entries.append(head | {"kind": CHANGED, "fields": fields})
    return entries


def build_snapshot(summit: Summit, items: list[AgendaItem], previous: dict | None
                   ) -> tuple[dict, list[dict], list[AgendaItem]]:
    """(snapshot, changelog, items whose sequence must rise) for the draft against the
    previous version's snapshot."""
    before = {entry["uid"]: entry for entry in (previous or {}).get("items", [])}
    changelog: list[dict] = []
    changed: list[AgendaItem] = []
    published: list[tuple[AgendaItem, dict]] = []
    for item in items:
        if item.cancelled and item.uid not in before:
            continue  # planned and dropped before anyone saw it
        entry = item_snapshot(item)
        entries = changes_between(before.get(item.uid), entry)
        if entries and item.uid in before:
            changed.append(item)
            entry["sequence"] = item.sequence + 1
        changelog += entries
        published.append((item, entry))
    # Deleted rows cannot happen (items are cancelled, not deleted), but a room deleted
    # under a cancelled item leaves it without a room: that is what the snapshot says.
    rooms = [{"id": r.id, "zh": r.name_zh, "en": r.name_en, "capacity": r.capacity}
             for r in rooms_of(summit)]
    return {"rooms": rooms, "items": [entry for _item, entry in published]}, changelog, changed


# --- reading versions -----------------------------------------------------------------------

def latest_version(summit: Summit) -> AgendaVersion | None:
    return db.session.scalar(db.select(AgendaVersion).where(AgendaVersion.summit_id == summit.id)
                             .order_by(AgendaVersion.number.desc()).limit(1))


def versions_of(actor: User, summit: Summit) -> list[AgendaVersion]:
    require(actor, AGENDA_PERMISSION, summit)
    return list(db.session.scalars(
        db.select(AgendaVersion).where(AgendaVersion.summit_id == summit.id)
        .options(db.joinedload(AgendaVersion.published_by))
        .order_by(AgendaVersion.number.desc())))


def get_version(actor: User, summit: Summit, number: int) -> AgendaVersion:
    require(actor, AGENDA_PERMISSION, summit)
    version = db.session.scalar(db.select(AgendaVersion).where(
        AgendaVersion.summit_id == summit.id, AgendaVersion.number == number))
    if version is None:
        raise NotFound(_l("There is no such version of the programme."))
    return version


def pending_changes(actor: User, summit: Summit) -> list[dict]:
    """What publishing now would put in the changelog."""
    require(actor, AGENDA_PERMISSION, summit)
    previous = latest_version(summit)
    _snapshot, changelog, _changed = build_snapshot(
        summit, draft_items(summit), previous.snapshot if previous else None)
    return changelog


# --- publishing -----------------------------------------------------------------------------

def publish_agenda(actor: User, summit: Summit, *, note: str = "", confirm: bool = False,
                   now: datetime | None = None, notify: bool = True) -> AgendaVersion:

    require(actor, AGENDA_PERMISSION, summit)
    now = now or utcnow()
    lock_summit(summit)  # one publication at a time: version numbers stay in sequence
    items = draft_items(summit)
    conflicts = draft_conflicts(summit, items)
    blocking = [c for c in conflicts if c.blocks_publishing]
    if blocking:
        db.session.rollback()
        raise Conflict(_l("Fix these first: %(conflicts)s",
                          conflicts=" ".join(str(c) for c in blocking)))
    if conflicts and not confirm:
        db.session.rollback()
        raise NeedsConfirmation(conflicts)
    previous = latest_version(summit)
    snapshot, changelog, changed = build_snapshot(summit, items,
                                                  previous.snapshot if previous else None)
    if not snapshot["items"]:
        db.session.rollback()
        raise Conflict(_l("The programme is empty: add items before publishing."))
    if previous is not None and not changelog:
        db.session.rollback()
        raise Conflict(_l("Nothing changed since version %(number)d.", number=previous.number))
    for item in changed:
        item.sequence = item.sequence + 1
    version = AgendaVersion(summit=summit, number=(previous.number if previous else 0) + 1,
                            snapshot=snapshot, changelog=changelog, note=(note or "")[:500],
                            published_at=now, published_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "agenda.publish", version, summit=summit, now=now,
                 after={"number": version.number, "changes": len(changelog),
                        "items": len(snapshot["items"])})
    db.session.commit()
    if notify:
        notify_participants(summit, version, previous.snapshot if previous else None)
    return version


# --- telling participants -------------------------------------------------------------------

def affected_registrations(changelog: list[dict], snapshot: dict, previous: dict | None
                           ) -> dict[int, list[dict]]:
    """Registration id -> the changelog entries of the items they are (or were) on."""
    now_on = {entry["uid"]: entry for entry in snapshot["items"]}
    was_on = {entry["uid"]: entry for entry in (previous or {}).get("items", [])}
    affected: dict[int, list[dict]] = {}
    for change in changelog:
        people = set()
        for source in (now_on.get(change["uid"]), was_on.get(change["uid"])):
            if source is not None:
                people |= {p["registration_id"] for p in source["participants"]
                           if p["registration_id"] is not None}
        for registration_id in people:
            bucket = affected.setdefault(registration_id, [])
            if change not in bucket:
                bucket.append(change)
    return affected


def notify_participants(summit: Summit, version: AgendaVersion, previous: dict | None) -> int:
    """One email per registered participant of a changed item; returns how many were sent.
    The version is committed already: a mail server that fails is logged, not fatal."""
    affected = affected_registrations(version.changelog, version.snapshot, previous)
    if not affected:
        return 0
    registrations = db.session.scalars(db.select(Registration).where(
        Registration.id.in_(affected), Registration.summit_id == summit.id,
        Registration.email != ""))
    items = {entry["uid"]: entry for entry in version.snapshot["items"]}
    sent = 0
    for registration in registrations:
        language = "en" if registration.locale == "en" else "zh"
        try:
            mail.send_template(
                registration.email, registration.locale, "agenda_changed",
                registration=registration, summit=summit, version=version, language=language,
                changes=affected[registration.id], items=items,
                link=mail.external_url("agenda.mine", slug=summit.slug))
            sent += 1
        except (OSError, smtplib.SMTPException):
            log.exception("Could not tell %s about agenda version %s", registration.id,
                          version.number)
    return sent
