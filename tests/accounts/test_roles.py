"""Granting and revoking roles at a summit, and the admin and active flags of accounts."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Membership, Role, User
from summit.services.accounts import roles, tokens as api_tokens, users as accounts
from summit.services.core.errors import Conflict, NotAllowed, NotFound
from tests.support import factories

NOW = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("english")


def memberships_of(user: User) -> set[tuple[str, Role]]:
    return {(m.summit.slug, m.role) for m in db.session.scalars(
        db.select(Membership).where(Membership.user_id == user.id))}


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# --- grant_role ---------------------------------------------------------------------------

def test_organiser_grants_a_role_by_email(summit, organiser):
    delegate = factories.make_user("zeren@example.com")

    membership = roles.grant_role(organiser, summit, " ZEREN@example.com", Role.DELEGATE,
                                  now=NOW)

    assert (membership.user_id, membership.summit_id, membership.role) == (
        delegate.id, summit.id, Role.DELEGATE)
    assert membership.granted_by_id == organiser.id
    assert memberships_of(delegate) == {("kangding-test", Role.DELEGATE)}


def test_grant_role_is_audited_with_the_summit(summit, organiser):
    factories.make_user("zeren@example.com")

    membership = roles.grant_role(organiser, summit, "zeren@example.com", Role.PRESS, now=NOW)

    [entry] = audit("membership.grant")
    assert entry.summit_id == summit.id
    assert entry.actor_id == organiser.id
    assert (entry.object_type, entry.object_id) == ("memberships", str(membership.id))
    assert entry.at == NOW
    assert entry.after == {"user": "zeren@example.com", "role": "press"}


def test_admin_without_a_role_at_the_summit_can_grant(summit, admin):
    user = factories.make_user("zeren@example.com")

    roles.grant_role(admin, summit, "zeren@example.com", Role.ORGANISER)

    assert memberships_of(user) == {("kangding-test", Role.ORGANISER)}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ORGANISER])
def test_only_organisers_grant_roles(summit, role):
    actor = factories.make_user("actor@example.com")
    factories.grant(actor, summit, role)
    target = factories.make_user("zeren@example.com")

    with pytest.raises(NotAllowed):
        roles.grant_role(actor, summit, "zeren@example.com", Role.DELEGATE)

    assert memberships_of(target) == set()
    assert audit("membership.grant") == []


def test_organiser_of_another_summit_cannot_grant(summit):
    other = factories.make_summit("chengdu-2027")
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, other, Role.ORGANISER)
    target = factories.make_user("zeren@example.com")

    with pytest.raises(NotAllowed):
        roles.grant_role(outsider, summit, "zeren@example.com", Role.DELEGATE)

    assert memberships_of(target) == set()


def test_grant_role_to_an_unknown_email_is_not_found(summit, organiser):
    with pytest.raises(NotFound) as error:
        roles.grant_role(organiser, summit, "nobody@example.com", Role.DELEGATE)

    assert error.value.field == "email"
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 1  # the organiser's


def test_granting_the_same_role_twice_is_a_conflict(summit, organiser):
    user = factories.make_user("zeren@example.com")
    roles.grant_role(organiser, summit, "zeren@example.com", Role.DELEGATE)

    with pytest.raises(Conflict) as error:
        roles.grant_role(organiser, summit, "zeren@example.com", Role.DELEGATE)

    assert error.value.field == "role"
    assert str(error.value) == "zeren@example.com already has this role."
    db.session.rollback()
    # Another role, or the same role at another summit, is fine.
    roles.grant_role(organiser, summit, "zeren@example.com", Role.PRESS)
    other = factories.make_summit("chengdu-2027", organiser=organiser)
    roles.grant_role(organiser, other, "zeren@example.com", Role.DELEGATE)
    assert memberships_of(user) == {("kangding-test", Role.DELEGATE),
                                    ("kangding-test", Role.PRESS),
                                    ("chengdu-2027", Role.DELEGATE)}
    assert len(audit("membership.grant")) == 3


def test_members_lists_the_summit_roles_for_organisers_only(summit, organiser):
    factories.make_user("zeren@example.com")
    roles.grant_role(organiser, summit, "zeren@example.com", Role.DELEGATE)
    other = factories.make_summit("chengdu-2027")
    factories.grant(factories.make_user("elsewhere@example.com"), other, Role.DELEGATE)

    listed = roles.members(organiser, summit)

    assert sorted((m.user.email, m.role) for m in listed) == [
        ("organiser@example.com", Role.ORGANISER), ("zeren@example.com", Role.DELEGATE)]
    delegate = accounts.find_user("zeren@example.com")
    with pytest.raises(NotAllowed):
        roles.members(delegate, summit)


# --- revoke_role --------------------------------------------------------------------------

def test_the_last_organiser_cannot_be_removed(summit, organiser):
    [membership] = organiser.memberships

    with pytest.raises(Conflict) as error:
        roles.revoke_role(organiser, membership)

    assert error.value.field == "role"
    assert memberships_of(organiser) == {("kangding-test", Role.ORGANISER)}
    assert audit("membership.revoke") == []


def test_an_organiser_can_be_removed_while_another_remains(summit, organiser):
    second = factories.make_user("second@example.com")
    roles.grant_role(organiser, summit, "second@example.com", Role.ORGANISER)
    [membership] = organiser.memberships

    roles.revoke_role(second, membership, now=NOW)

    assert memberships_of(organiser) == set()
    [entry] = audit("membership.revoke")
    assert entry.actor_id == second.id
    assert entry.summit_id == summit.id
    assert entry.at == NOW
    assert entry.before == {"user": "organiser@example.com", "role": "organiser"}
    assert entry.after is None
    # Now the second organiser is the last one.
    with pytest.raises(Conflict):
        roles.revoke_role(second, second.memberships[0])


def test_other_roles_are_revoked_freely_but_only_by_organisers(summit, organiser):
    user = factories.make_user("zeren@example.com")
    membership = roles.grant_role(organiser, summit, "zeren@example.com", Role.DELEGATE)

    with pytest.raises(NotAllowed):
        roles.revoke_role(user, membership)
    assert memberships_of(user) == {("kangding-test", Role.DELEGATE)}

    roles.revoke_role(organiser, membership)
    assert memberships_of(user) == set()


def test_organiser_of_another_summit_cannot_revoke(summit, organiser):
    other = factories.make_summit("chengdu-2027")
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, other, Role.ORGANISER)
    second = factories.make_user("second@example.com")
    membership = factories.grant(second, summit, Role.ORGANISER)

    with pytest.raises(NotAllowed):
        roles.revoke_role(outsider, membership)

    assert memberships_of(second) == {("kangding-test", Role.ORGANISER)}


# --- set_admin / set_active ---------------------------------------------------------------

def test_admin_promotes_and_demotes_another_user(admin):
    user = factories.make_user("zhao@example.com")

    roles.set_admin(admin, user, True, now=NOW)
    assert db.session.get(User, user.id).is_admin is True
    roles.set_admin(admin, user, True)  # already an admin: nothing to record
    roles.set_admin(admin, user, False)
    assert db.session.get(User, user.id).is_admin is False

    entries = audit("user.set_admin")
    assert [(e.before, e.after) for e in entries] == [
        ({"is_admin": False}, {"is_admin": True}), ({"is_admin": True}, {"is_admin": False})]
    assert {(e.actor_id, e.object_id) for e in entries} == {(admin.id, str(user.id))}


def test_only_admins_change_the_admin_flag(summit, organiser):
    user = factories.make_user("zhao@example.com")

    with pytest.raises(NotAllowed):
        roles.set_admin(organiser, user, True)
    with pytest.raises(NotAllowed):
        roles.set_admin(organiser, organiser, True)

    assert db.session.get(User, user.id).is_admin is False
    assert db.session.get(User, organiser.id).is_admin is False
    assert audit("user.set_admin") == []


def test_an_admin_cannot_demote_themselves(admin):
    with pytest.raises(Conflict) as error:
        roles.set_admin(admin, admin, False)

    assert error.value.field == "is_admin"
    assert db.session.get(User, admin.id).is_admin is True
    # Another admin can.
    other = factories.make_user("other-admin@example.com", admin=True)
    roles.set_admin(other, admin, False)
    assert db.session.get(User, admin.id).is_admin is False


def test_admin_disables_and_enables_an_account(admin):
    user = factories.make_user("zhao@example.com")
    api_tokens.issue_token_for(user)

    roles.set_active(admin, user, False, now=NOW)
    assert db.session.get(User, user.id).active is False
    with pytest.raises(NotAllowed):
        accounts.authenticate("zhao@example.com", factories.PASSWORD, "203.0.113.7")

    roles.set_active(admin, user, True)
    assert accounts.authenticate("zhao@example.com", factories.PASSWORD,
                                 "203.0.113.7").id == user.id
    entries = audit("user.set_active")
    assert [(e.before, e.after) for e in entries] == [
        # Disabling also ends the account's logins and revokes its tokens.
        ({"active": True}, {"active": False, "logins_ended": 0, "tokens_revoked": 1}),
        ({"active": False}, {"active": True})]
    assert entries[0].at == NOW


def test_only_admins_disable_accounts_and_never_their_own(summit, organiser, admin):
    user = factories.make_user("zhao@example.com")

    with pytest.raises(NotAllowed):
        roles.set_active(organiser, user, False)
    with pytest.raises(Conflict) as error:
        roles.set_active(admin, admin, False)

    assert error.value.field == "active"
    assert db.session.get(User, user.id).active is True
    assert db.session.get(User, admin.id).active is True
    assert audit("user.set_active") == []


# --- list_users ---------------------------------------------------------------------------

def emails(page) -> list[str]:
    return [user.email for user in page.items]


def test_list_users_is_for_admins_only(summit, organiser):
    with pytest.raises(NotAllowed):
        roles.list_users(organiser)


def test_list_users_searches_email_and_name(admin):
    factories.make_user("zhao.bo@example.com", name="赵波")
    factories.make_user("zeren@ganzi.gov.cn", name="泽仁拉姆")
    factories.make_user("wang@example.com", name="Wang Fang")

    assert emails(roles.list_users(admin)) == [
        "admin@example.com", "wang@example.com", "zeren@ganzi.gov.cn", "zhao.bo@example.com"]
    assert emails(roles.list_users(admin, q="ganzi")) == ["zeren@ganzi.gov.cn"]
    assert emails(roles.list_users(admin, q=" ZHAO ")) == ["zhao.bo@example.com"]
    assert emails(roles.list_users(admin, q="拉姆")) == ["zeren@ganzi.gov.cn"]
    assert emails(roles.list_users(admin, q="Fang")) == ["wang@example.com"]
    assert emails(roles.list_users(admin, q="nobody")) == []


def test_list_users_search_ignores_case_in_names_on_every_database(admin):
    factories.make_user("w1@example.com", name="Wang Fang")

    assert emails(roles.list_users(admin, q="wang fang")) == ["w1@example.com"]
    assert emails(roles.list_users(admin, q="WANG")) == ["w1@example.com"]


def test_list_users_pages_in_email_order(admin):
    for n in range(5):
        factories.make_user(f"user{n}@example.com")

    first = roles.list_users(admin, page=1, per_page=2)
    assert first.total == 6
    assert first.pages == 3
    assert emails(first) == ["admin@example.com", "user0@example.com"]
    assert emails(roles.list_users(admin, page=2, per_page=2)) == [
        "user1@example.com", "user2@example.com"]
    assert emails(roles.list_users(admin, page=3, per_page=2)) == [
        "user3@example.com", "user4@example.com"]
    assert emails(roles.list_users(admin, page=4, per_page=2)) == []
    filtered = roles.list_users(admin, q="user", page=2, per_page=3)
    assert (filtered.total, emails(filtered)) == (5, ["user3@example.com", "user4@example.com"])


def test_list_users_loads_each_users_roles(admin, summit):
    user = factories.make_user("zeren@example.com")
    factories.grant(user, summit, Role.DELEGATE)
    factories.grant(user, summit, Role.PRESS)
    db.session.expire_all()

    [listed] = roles.list_users(admin, q="zeren").items

    assert sorted((m.summit.slug, m.role.value) for m in listed.memberships) == [
        ("kangding-test", "delegate"), ("kangding-test", "press")]


def test_list_users_search_treats_wildcards_literally(admin):
    factories.make_user("zhao_bo@example.com")
    factories.make_user("zhaoxbo@example.com", name="100% 赵")

    assert emails(roles.list_users(admin, q="zhao_bo")) == ["zhao_bo@example.com"]
    assert emails(roles.list_users(admin, q="100%")) == ["zhaoxbo@example.com"]
    assert emails(roles.list_users(admin, q="%")) == ["zhaoxbo@example.com"]
