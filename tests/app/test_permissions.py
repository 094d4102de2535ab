"""``can``: what each role may do at its summit, and nowhere else."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from summit.extensions import db
from summit.models import Role
from summit.permissions import GLOBAL_PERMISSIONS, ROLE_PERMISSIONS, Permission, can, require
from summit.services.core.errors import NotAllowed
from tests.support import factories

# What each role does (docs/architecture.md), spelled out so a change to ROLE_PERMISSIONS is a
# deliberate one: the test fails until this table is changed with it.
EXPECTED = {
    Role.ORGANISER: {
        Permission.SUMMIT_CREATE, Permission.SUMMIT_EDIT, Permission.ROLES_MANAGE,
        Permission.AUDIT_READ, Permission.REGISTRATIONS_MANAGE, Permission.PRESS_REVIEW,
        Permission.AGREEMENTS_READ, Permission.ATTENDANCE_READ, Permission.CHECKIN_SCAN,
        Permission.BADGES_MANAGE, Permission.BOOKINGS_MANAGE, Permission.CONSOLE_VIEW,
        Permission.DESK_PRINT, Permission.RECEPTION_MANAGE, Permission.PRIVACY_MANAGE,
        Permission.PRIVACY_REQUESTS, Permission.PROTOCOL_WRITE, Permission.PROTOCOL_READ},
    Role.REGISTRAR: {Permission.DELEGATION_MANAGE, Permission.REGISTER},
    Role.DELEGATE: {Permission.REGISTER},
    Role.PRESS: {Permission.PRESS_APPLY},
    Role.MEDIA_OFFICER: {Permission.PRESS_REVIEW, Permission.CONSOLE_VIEW},
    Role.AGREEMENTS_OFFICER: {Permission.AGREEMENTS_WRITE, Permission.AGREEMENTS_READ,
                              Permission.CONSOLE_VIEW},
    Role.OFFICIAL: {Permission.AGREEMENTS_READ, Permission.ATTENDANCE_READ,
                    Permission.CONSOLE_VIEW, Permission.PROTOCOL_READ},
    Role.CHECKIN_STAFF: {Permission.CHECKIN_SCAN, Permission.CONSOLE_VIEW},
    Role.DESK_STAFF: {Permission.DESK_PRINT},
    Role.RECEPTION_STAFF: {Permission.RECEPTION_MANAGE},
    Role.PRIVACY_OFFICER: {Permission.PRIVACY_MANAGE, Permission.PRIVACY_REQUESTS},
    Role.PROTOCOL_OFFICER: {Permission.PROTOCOL_WRITE, Permission.PROTOCOL_READ},
}

GLOBAL = {Permission.SUMMIT_CREATE, Permission.PRIVACY_REQUESTS}

pytestmark = pytest.mark.usefixtures("english")


def allowed(user, summit) -> set[Permission]:
    return {permission for permission in Permission if can(user, permission, summit)}


def test_every_role_has_its_permissions_listed():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert {role: set(permissions) for role, permissions in ROLE_PERMISSIONS.items()} == EXPECTED
    assert GLOBAL_PERMISSIONS == GLOBAL


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_a_role_grants_exactly_its_permissions_at_its_summit(summit, role):
    user = factories.make_user(f"{role.value}@example.com")
    factories.grant(user, summit, role)

    assert allowed(user, summit) == EXPECTED[role]


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_a_role_at_one_summit_gives_nothing_at_another(summit, role):
    other = factories.make_summit("chengdu-2027")
    user = factories.make_user(f"{role.value}@example.com")
    factories.grant(user, summit, role)

    # Creating summits and answering a person's data requests (they span all the person's
    # summits) are the permissions not tied to a summit.
    assert allowed(user, other) == EXPECTED[role] & GLOBAL
    assert allowed(user, None) == EXPECTED[role] & GLOBAL
    for permission in EXPECTED[role] - GLOBAL:
        with pytest.raises(NotAllowed):
            require(user, permission, other)


def test_roles_add_up(summit):
    user = factories.make_user("both@example.com")
    factories.grant(user, summit, Role.PRESS)
    factories.grant(user, summit, Role.CHECKIN_STAFF)

    assert allowed(user, summit) == {Permission.PRESS_APPLY, Permission.CHECKIN_SCAN,
                                     Permission.CONSOLE_VIEW}


def test_a_user_without_roles_may_do_nothing(summit):
    user = factories.make_user("nobody@example.com")

    assert allowed(user, summit) == set()
    assert allowed(user, None) == set()


def test_admins_may_do_everything_everywhere(summit):
    admin = factories.make_user("admin@example.com", admin=True)
    other = factories.make_summit("chengdu-2027")

    assert allowed(admin, summit) == set(Permission)
    assert allowed(admin, other) == set(Permission)
    assert allowed(admin, None) == set(Permission)
    require(admin, Permission.ROLES_MANAGE, other)  # does not raise


def test_anonymous_visitors_may_do_nothing(summit):
    assert allowed(None, summit) == set()
    assert allowed(AnonymousUserMixin(), summit) == set()
    with pytest.raises(NotAllowed) as error:
        require(None, Permission.REGISTER, summit)
    assert str(error.value) == "You do not have permission to do this."


def test_disabled_accounts_may_do_nothing_even_as_admin_or_organiser(summit):
    admin = factories.make_user("admin@example.com", admin=True)
    organiser = factories.make_user("organiser@example.com")
    factories.grant(organiser, summit, Role.ORGANISER)
    admin.active = False
    organiser.active = False
    db.session.commit()

    assert allowed(admin, summit) == set()
    assert allowed(organiser, summit) == set()
    assert allowed(organiser, None) == set()
