"""Creating and editing summits, their organisations, zones and attendee categories."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Role,
    Summit,
    SummitOrganisation,
    User,
    Zone,
)
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotFound, ValidationFailed

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
ZONE_CODE_PATTERN = re.compile(r"^[A-Z0-9_-]{1,16}$")
CATEGORY_CODE_PATTERN = re.compile(r"^[a-z0-9_-]{1,32}$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
# Path words under /summits/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new"})
SUMMIT_FIELDS = ("slug", "title_zh", "title_en", "theme_zh", "theme_en", "description_zh",
                 "description_en", "city", "venue", "timezone", "starts_on", "ends_on",
                 "registration_opens_at", "registration_closes_at", "edit_deadline", "capacity",
                 "press_enabled", "press_deadline", "press_category_code")


@dataclass
class SummitDetails:
    slug: str
    title_zh: str
    starts_on: date
    ends_on: date
    title_en: str = ""
    theme_zh: str = ""
    theme_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    city: str = ""
    venue: str = ""
    timezone: str = "Asia/Shanghai"
    hosts: list[str] = field(default_factory=list)
    organisers: list[str] = field(default_factory=list)
    supporters: list[str] = field(default_factory=list)
    # Aware datetimes (any zone; stored as UTC). None: no limit.
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    edit_deadline: datetime | None = None
    capacity: int | None = None
    # Media accreditation (see services.press): open until the deadline (None: no deadline).
    press_enabled: bool = False
    press_deadline: datetime | None = None
    press_category_code: str = "press"


@dataclass
class CategoryDetails:
    code: str
    label_zh: str
    label_en: str = ""
    colour: str = "#1f6feb"
    public: bool = True
    zone_codes: list[str] = field(default_factory=list)
    capacity: int | None = None
    id_required: bool = False
    id_reason: str = ""


def local_to_utc(value: datetime | None, zone: str) -> datetime | None:
    """A wall-clock time at the summit (as typed in a form) as an aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc_to_local(value: datetime | None, zone: str) -> datetime | None:
    """The reverse, naive, for filling a form."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def timezone_choices() -> list[str]:
    return sorted(name for name in available_timezones() if "/" in name)


@cache
def summit_by_slug_query():
    """Built once: nearly every page looks its summit up (building it cost as much as
    running it)."""
    return db.select(Summit).where(Summit.slug == db.bindparam("slug"))


def get_by_slug(slug: str) -> Summit:
    summit = db.session.scalar(summit_by_slug_query(), {"slug": slug}) \
        if SLUG_PATTERN.match(slug or "") else None
    if summit is None:
        raise NotFound(_l("There is no summit at this address."))
    return summit


def summit_of_path(path: str) -> Summit | None:
    """The summit a local path such as ``/summits/<slug>/register`` is on, if any."""
    parts = (path or "").split("?", 1)[0].split("/")
    if len(parts) < 3 or parts[0] != "" or parts[1] != "summits" \
            or not SLUG_PATTERN.match(parts[2]):
        return None
    return db.session.scalar(db.select(Summit).where(Summit.slug == parts[2]))


def lock_summit(summit: Summit) -> None:
    """Serialise decisions for one summit (places, quotas, published versions) on both
    databases.

    An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite before any
    count is read, so two transactions cannot both see the last free place.
    """
    db.session.execute(db.update(Summit).where(Summit.id == summit.id)
                       .values(lock_counter=Summit.lock_counter + 1))


def list_summits() -> list[Summit]:
    return list(db.session.scalars(db.select(Summit).order_by(Summit.starts_on.desc())))


def summits_of(user: User) -> list[Summit]:
    """Summits where the user holds any role (all of them for an admin)."""
    if user.is_admin:
        return list_summits()
    return list(db.session.scalars(
        db.select(Summit).join(Membership).where(Membership.user_id == user.id)
        .distinct().order_by(Summit.starts_on.desc())))


def _validate(details: SummitDetails, summit: Summit | None) -> None:
    if not SLUG_PATTERN.match(details.slug):
        raise ValidationFailed(_l("Use lower-case letters, digits and hyphens only."), "slug")
    if details.slug in RESERVED_SLUGS:
        raise Conflict(_l("This address is reserved; choose another."), "slug")
    taken = db.session.scalar(db.select(Summit.id).where(Summit.slug == details.slug))
    if taken is not None and (summit is None or taken != summit.id):
        raise Conflict(_l("Another summit already uses this address."), "slug")
    if details.ends_on < details.starts_on:
        raise ValidationFailed(_l("The summit cannot end before it starts."), "ends_on")
    try:
        ZoneInfo(details.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(_l("Unknown time zone."), "timezone") from None
    if (details.registration_opens_at and details.registration_closes_at
            and details.registration_closes_at <= details.registration_opens_at):
        raise ValidationFailed(_l("Registration must close after it opens."),
                               "registration_closes_at")
    if details.capacity is not None and details.capacity < 1:
        raise ValidationFailed(_l("Leave empty for no limit, or give at least 1."), "capacity")
    details.press_category_code = (details.press_category_code or "press").strip().lower()
    if details.press_enabled and (summit is None or not any(
            c.code == details.press_category_code for c in summit.categories)):
        raise ValidationFailed(_l("Choose the category press badges print with (add it under "
                                  "Zones and categories first)."), "press_category_code")


def _organisation(name: str, kind: OrganisationKind) -> Organisation:
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, kind=kind)
        db.session.add(organisation)
    return organisation


def _set_organisations(summit: Summit, details: SummitDetails) -> None:
    wanted = [
        (OrganisationRole.HOST, details.hosts, OrganisationKind.GOVERNMENT),
        (OrganisationRole.ORGANISER, details.organisers, OrganisationKind.GOVERNMENT),
        (OrganisationRole.SUPPORTER, details.supporters, OrganisationKind.OTHER),
    ]
    summit.organisations.clear()
    db.session.flush()
    for role, names, kind in wanted:
        seen: set[str] = set()
        for position, name in enumerate(n.strip() for n in names):
            if name and name not in seen:
                seen.add(name)
                summit.organisations.append(SummitOrganisation(
                    organisation=_organisation(name, kind), role=role, position=position))


def _summit_snapshot(summit: Summit) -> dict:
    data = audit.snapshot(summit, SUMMIT_FIELDS)
    for role in OrganisationRole:
        data[role.value] = [o.name for o in summit.organisations_in(role)]
    return data


def create_summit(actor: User, details: SummitDetails, now: datetime | None = None) -> Summit:
    require(actor, Permission.SUMMIT_CREATE)
    _validate(details, None)
    summit = Summit(**{name: getattr(details, name) for name in SUMMIT_FIELDS})
    db.session.add(summit)
    _set_organisations(summit, details)
    summit.memberships.append(Membership(user=actor, role=Role.ORGANISER, granted_by_id=actor.id))
    db.session.flush()
    audit.record(actor, "summit.create", summit, summit=summit, now=now,
                 after=_summit_snapshot(summit))
    db.session.commit()
    return summit


def update_summit(actor: User, summit: Summit, details: SummitDetails,
                  now: datetime | None = None) -> Summit:
    require(actor, Permission.SUMMIT_EDIT, summit)
    _validate(details, summit)
    before = _summit_snapshot(summit)
    for name in SUMMIT_FIELDS:
        setattr(summit, name, getattr(details, name))
    _set_organisations(summit, details)
    db.session.flush()
    after = _summit_snapshot(summit)
    if after != before:
        changed = [k for k in after if after[k] != before[k]]
        audit.record(actor, "summit.update", summit, summit=summit, now=now,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    db.session.commit()
    return summit


def details_of(summit: Summit) -> SummitDetails:
    values = {name: getattr(summit, name) for name in SUMMIT_FIELDS}
    return SummitDetails(
        **values,
        hosts=[o.name for o in summit.organisations_in(OrganisationRole.HOST)],
        organisers=[o.name for o in summit.organisations_in(OrganisationRole.ORGANISER)],
        supporters=[o.name for o in summit.organisations_in(OrganisationRole.SUPPORTER)],
    )


# --- zones -------------------------------------------------------------------------------

def add_zone(actor: User, summit: Summit, code: str, label_zh: str, label_en: str = "",
             now: datetime | None = None) -> Zone:
    require(actor, Permission.SUMMIT_EDIT, summit)
    code = code.strip().upper()
    if not ZONE_CODE_PATTERN.match(code):
        raise ValidationFailed(_l("Use capital letters, digits, - and _ only (at most 16)."),
                               "code")
    if any(zone.code == code for zone in summit.zones):
        raise Conflict(_l("This summit already has a zone %(code)s.", code=code), "code")
    zone = Zone(summit=summit, code=code, label_zh=label_zh.strip(), label_en=label_en.strip())
    db.session.add(zone)
    audit.record(actor, "zone.create", zone, summit=summit, now=now,
                 after=audit.snapshot(zone, ("code", "label_zh", "label_en")))
    db.session.commit()
    return zone


def delete_zone(actor: User, zone: Zone, now: datetime | None = None) -> None:
    summit = zone.summit
    require(actor, Permission.SUMMIT_EDIT, summit)
    audit.record(actor, "zone.delete", zone, summit=summit, now=now,
                 before=audit.snapshot(zone, ("code", "label_zh", "label_en")))
    db.session.delete(zone)
    db.session.commit()


# --- attendee categories -----------------------------------------------------------------

CATEGORY_FIELDS = ("code", "label_zh", "label_en", "colour", "public", "capacity",
                   "id_required", "id_reason")


def _category_snapshot(category: AttendeeCategory) -> dict:
    data = audit.snapshot(category, CATEGORY_FIELDS)
    # Sorted like the relationship loads them, so a snapshot does not depend on input order.
    data["zones"] = sorted(zone.code for zone in category.zones)
    return data


def _apply_category(summit: Summit, category: AttendeeCategory, details: CategoryDetails) -> None:
    code = details.code.strip().lower()
    if not CATEGORY_CODE_PATTERN.match(code):
        raise ValidationFailed(_l("Use lower-case letters, digits, - and _ only (at most 32)."),
                               "code")
    if any(other.code == code and other is not category for other in summit.categories):
        raise Conflict(_l("This summit already has a category %(code)s.", code=code), "code")
    if not COLOUR_PATTERN.match(details.colour):
        raise ValidationFailed(_l("Give the colour as #RRGGBB."), "colour")
    by_code = {zone.code: zone for zone in summit.zones}
    unknown = [c for c in details.zone_codes if c not in by_code]
    if unknown:
        raise ValidationFailed(_l("Unknown zones: %(codes)s", codes=", ".join(unknown)), "zones")
    if details.capacity is not None and details.capacity < 1:
        raise ValidationFailed(_l("Leave empty for no limit, or give at least 1."), "capacity")
    if len(details.id_reason.strip()) > 300:
        raise ValidationFailed(_l("At most %(n)d characters.", n=300), "id_reason")
    category.id_required = details.id_required
    category.id_reason = details.id_reason.strip()
    category.code = code
    category.label_zh = details.label_zh.strip()
    category.label_en = details.label_en.strip()
    category.colour = details.colour.lower()
    category.public = details.public
    category.capacity = details.capacity
    category.zones = [by_code[c] for c in dict.fromkeys(details.zone_codes)]


def add_category(actor: User, summit: Summit, details: CategoryDetails,
                 now: datetime | None = None) -> AttendeeCategory:
    require(actor, Permission.SUMMIT_EDIT, summit)
    category = AttendeeCategory(position=len(summit.categories))
    _apply_category(summit, category, details)
    summit.categories.append(category)
    db.session.flush()
    audit.record(actor, "category.create", category, summit=summit, now=now,
                 after=_category_snapshot(category))
    db.session.commit()
    return category


def update_category(actor: User, category: AttendeeCategory, details: CategoryDetails,
                    now: datetime | None = None) -> AttendeeCategory:
    summit = category.summit
    require(actor, Permission.SUMMIT_EDIT, summit)
    before = _category_snapshot(category)
    _apply_category(summit, category, details)
    db.session.flush()
    audit.record(actor, "category.update", category, summit=summit, now=now, before=before,
                 after=_category_snapshot(category))
    db.session.commit()
    return category


def delete_category(actor: User, category: AttendeeCategory, now: datetime | None = None) -> None:
    summit = category.summit
    require(actor, Permission.SUMMIT_EDIT, summit)
    audit.record(actor, "category.delete", category, summit=summit, now=now,
                 before=_category_snapshot(category))
    db.session.delete(category)
    db.session.commit()


def category_details(category: AttendeeCategory) -> CategoryDetails:
    return CategoryDetails(
        code=category.code, label_zh=category.label_zh, label_en=category.label_en,
        colour=category.colour, public=category.public, capacity=category.capacity,
        zone_codes=[zone.code for zone in category.zones], id_required=category.id_required,
        id_reason=category.id_reason)
