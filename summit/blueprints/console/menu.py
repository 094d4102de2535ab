"""The staff menu of a summit, defined as data: groups of entries, each shown only to the
roles whose permission it names. summit/templates/_partials/summit_nav_drawn.html renders it
(drawn once and kept by summit/blueprints/frame.py).

Adding an area's pages: append ``Entry(label, endpoint, permission)`` to the group it belongs
to in ``GROUPS`` below (or add a ``Group`` if none fits). ``endpoint`` is the Flask endpoint
of the page; it must take the summit's ``slug`` as its only URL argument. ``permission`` is
the summit permission (summit.permissions.Permission) the page's view checks; the menu shows
the entry only to people who hold it. ``when`` optionally names a summit attribute that must
be true (e.g. ``press_enabled``). Until an area is moved here, its links live in a block
``{# area: <name> #} ... {# end area: <name> #}`` at the end of summit_nav_drawn.html.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context, request, url_for
from flask_babel import get_locale, lazy_gettext as _l, lazy_pgettext

from summit.permissions import Permission, permissions_at

if TYPE_CHECKING:
    from summit.models import Summit, User


@dataclass(frozen=True)
class Entry:
    label: Any
    endpoint: str
    permission: Permission
    when: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    label: Any
    entries: tuple[Entry, ...]


P = Permission

GROUPS: tuple[Group, ...] = (
    Group("registration", lazy_pgettext("menu group", "Registration"), (
        Entry(_l("Registrations"), "registrations.moderate", P.REGISTRATIONS_MANAGE),
        Entry(_l("Delegations"), "registrations.delegation_list", P.REGISTRATIONS_MANAGE),
        Entry(_l("Invitation codes"), "registrations.invitation_list", P.REGISTRATIONS_MANAGE),
        Entry(_l("Import"), "registrations.import_upload", P.REGISTRATIONS_MANAGE),
    )),
    Group("programme", lazy_pgettext("menu group", "Programme"), (
        Entry(_l("Programme editor"), "agenda.editor", P.SUMMIT_EDIT),
        Entry(_l("Salon seats"), "bookings.salons", P.BOOKINGS_MANAGE),
        Entry(_l("Protocol"), "protocol.precedence_list", P.PROTOCOL_READ),
    )),
    Group("badges", lazy_pgettext("menu group", "Badges and check-in"), (
        Entry(_l("Badges"), "badges.index", P.BADGES_MANAGE),
        Entry(_l("Scanner"), "checkin.scanner", P.CHECKIN_SCAN),
        Entry(_l("Arrivals"), "checkin.board", P.ATTENDANCE_READ),
        Entry(_l("Registration desks"), "desk.desks", P.DESK_PRINT),
    )),
    Group("reception", lazy_pgettext("menu group", "Reception"), (
        Entry(_l("Arrivals and departures"), "reception.board", P.RECEPTION_MANAGE),
        Entry(_l("Pick-ups"), "reception.transfers", P.RECEPTION_MANAGE),
        Entry(_l("Vehicles"), "reception.vehicles", P.RECEPTION_MANAGE),
        Entry(_l("Hotels and rooms"), "reception.hotel_list", P.RECEPTION_MANAGE),
        Entry(_l("Meals"), "reception.meal_list", P.RECEPTION_MANAGE),
        Entry(_l("Import trips"), "reception.import_upload", P.RECEPTION_MANAGE),
    )),
    Group("media", lazy_pgettext("menu group", "Media"), (
        Entry(_l("Press applications"), "press.queue", P.PRESS_REVIEW),
        Entry(_l("Press room"), "press.room", P.PRESS_REVIEW),
    )),
    Group("agreements", lazy_pgettext("menu group", "Agreements"), (
        Entry(_l("Agreements"), "agreements.ledger", P.AGREEMENTS_READ),
        Entry(_l("Agreements dashboard"), "agreements.dashboard", P.AGREEMENTS_READ),
    )),
    Group("settings", lazy_pgettext("menu group", "Settings"), (
        Entry(_l("Settings"), "summits.edit", P.SUMMIT_EDIT),
        Entry(_l("Zones and categories"), "summits.categories", P.SUMMIT_EDIT),
        Entry(_l("People and roles"), "summits.people", P.ROLES_MANAGE),
        Entry(_l("Audit log"), "summits.audit_log", P.AUDIT_READ),
        Entry(_l("Personal-data notice"), "privacy.notice", P.PRIVACY_MANAGE),
        Entry(_l("Personal-data requests"), "privacy.queue", P.PRIVACY_MANAGE),
    )),
)


@dataclass(frozen=True)
class Link:
    label: Any
    url: str
    endpoint: str


@dataclass(frozen=True)
class Shown:
    """A group as drawn: its key and its label in the page's language."""
    key: str
    label: str


WHENS = tuple(sorted({entry.when for group in GROUPS for entry in group.entries
                      if entry.when}))
_DRAWN_MAX = 512  # menus kept per app (see menu_for)


def menu_for(user: User | None, summit: Summit | None) -> list[tuple[Shown, list[Link]]]:
    """The groups this person may use at this summit, each with only its usable entries.

    The person's permissions at the summit are computed once (not a ``can`` per entry); the
    menu drawn from them (labels translated, URLs built) is kept in the app per language,
    script root, summit slug, permission set and ``when`` flags: everything it depends on,
    so nothing needs invalidating (emptied when it grows past _DRAWN_MAX)."""
    if summit is None or user is None or not getattr(user, "is_authenticated", False):
        return []
    held = permissions_at(user, summit)
    flags = tuple(bool(getattr(summit, when)) for when in WHENS)
    key = (str(get_locale()), request.script_root if has_request_context() else None,
           summit.slug, held, flags)
    drawn: dict[tuple, list] = current_app.extensions.setdefault("summit.menu", {})
    shown = drawn.get(key)
    if shown is None:
        switched = dict(zip(WHENS, flags, strict=True))
        shown = []
        for group in GROUPS:
            links = [Link(str(entry.label), url_for(entry.endpoint, slug=summit.slug),
                          entry.endpoint)
                     for entry in group.entries
                     if (not entry.when or switched[entry.when]) and entry.permission in held]
            if links:
                shown.append((Shown(group.key, str(group.label)), links))
        if key[1] is not None:
            if len(drawn) >= _DRAWN_MAX:
                drawn.clear()
            drawn[key] = shown
    return shown
