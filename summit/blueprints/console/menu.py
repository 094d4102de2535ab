"""The staff menu of a summit, defined as data: groups of entries, each shown only to the
roles whose permission it names. summit/templates/_partials/summit_nav.html renders it.

Adding an area's pages: append ``Entry(label, endpoint, permission)`` to the group it belongs
to in ``GROUPS`` below (or add a ``Group`` if none fits). ``endpoint`` is the Flask endpoint
of the page; it must take the summit's ``slug`` as its only URL argument. ``permission`` is
the summit permission (summit.permissions.Permission) the page's view checks; the menu shows
the entry only to people who hold it. ``when`` optionally names a summit attribute that must
be true (e.g. ``press_enabled``). Until an area is moved here, its links live in a block
``{# area: <name> #} ... {# end area: <name> #}`` at the end of summit_nav.html.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import lazy_gettext as _l, lazy_pgettext

from summit.permissions import Permission, can

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
    )),
)


@dataclass(frozen=True)
class Link:
    label: Any
    url: str
    endpoint: str


def menu_for(user: User | None, summit: Summit | None) -> list[tuple[Group, list[Link]]]:
    """The groups this person may use at this summit, each with only its usable entries."""
    if summit is None or user is None or not getattr(user, "is_authenticated", False):
        return []
    shown = []
    for group in GROUPS:
        links = [Link(entry.label, url_for(entry.endpoint, slug=summit.slug), entry.endpoint)
                 for entry in group.entries
                 if (not entry.when or getattr(summit, entry.when))
                 and can(user, entry.permission, summit)]
        if links:
            shown.append((group, links))
    return shown
