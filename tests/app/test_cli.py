"""The ``flask`` commands: create-user, seed-demo and uploads purge."""
from __future__ import annotations

from summit.extensions import db
from summit.models import AuditEntry, Membership, Role, User
from summit.services.accounts import users as accounts
from summit.services.agreements import files as agreement_files
from summit.services.core import uploads
from summit.services.demo import seed as demo
from tests.support import factories, press_factories
from tests.support.uploads import age, stored_tokens

PASSWORD = "s3cret-pass"


def invoke(runner, *args: str):
    result = runner.invoke(args=list(args))
    # A clean exit or a reported error (SystemExit), never a crash with a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output, result.exception)
    return result


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def roles_of(user: User) -> set[tuple[str, Role]]:
    return {(m.summit.slug, m.role) for m in db.session.scalars(
        db.select(Membership).where(Membership.user_id == user.id))}


def test_create_user_with_a_summit_role(runner, summit):
    result = invoke(runner, "create-user", "--email", "Organiser@Example.com", "--password",
                    PASSWORD, "--name", "甘孜州商务局", "--role", "organiser",
                    "--summit", "kangding-test")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Created organiser@example.com",
                                          "Granted organiser at kangding-test"]
    user = user_by_email("organiser@example.com")
    assert user.name == "甘孜州商务局"
    assert user.email_verified_at is not None
    assert user.is_admin is False
    assert roles_of(user) == {("kangding-test", Role.ORGANISER)}
    assert accounts.authenticate("organiser@example.com", PASSWORD, "127.0.0.1").id == user.id
    grant = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "membership.grant"))
    assert (grant.actor_id, grant.summit_id) == (None, summit.id)
    assert grant.after == {"user": "organiser@example.com", "role": "organiser"}


def test_create_user_without_a_name_uses_the_local_part(runner):
    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    PASSWORD)

    assert result.exit_code == 0, result.output
    user = user_by_email("zeren@example.com")
    assert (user.name, user.is_admin, roles_of(user)) == ("zeren", False, set())


def test_create_user_as_admin(runner):
    result = invoke(runner, "create-user", "--email", "root@example.com", "--password",
                    PASSWORD, "--role", "admin")

    assert result.exit_code == 0, result.output
    user = user_by_email("root@example.com")
    assert user.is_admin is True
    assert user.email_verified_at is not None
    assert roles_of(user) == set()
    assert accounts.authenticate("root@example.com", PASSWORD, "127.0.0.1").id == user.id


def test_create_user_makes_an_existing_account_admin_and_audits_it(runner):
    existing = factories.make_user("zhao@example.com")

    result = invoke(runner, "create-user", "--email", "zhao@example.com", "--password",
                    "ignored-password", "--role", "admin")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["zhao@example.com exists already",
                                          "zhao@example.com is now an administrator"]
    user = user_by_email("zhao@example.com")
    assert user.is_admin is True
    # An existing account keeps its password.
    assert accounts.authenticate("zhao@example.com", factories.PASSWORD, "127.0.0.1").id \
        == existing.id
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.set_admin"))
    assert (entry.actor_id, entry.object_id) == (None, str(existing.id))
    assert (entry.before, entry.after) == ({"is_admin": False}, {"is_admin": True})


def test_create_user_grants_a_role_to_an_existing_account(runner, summit):
    existing = factories.make_user("zeren@example.com")

    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    PASSWORD, "--role", "delegate", "--summit", "kangding-test")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["zeren@example.com exists already",
                                          "Granted delegate at kangding-test"]
    assert roles_of(existing) == {("kangding-test", Role.DELEGATE)}


def test_a_summit_role_without_a_summit_is_refused(runner):
    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    PASSWORD, "--role", "delegate")

    assert result.exit_code == 2
    assert "--role needs --summit SLUG (only admin is global)." in result.output
    assert user_by_email("zeren@example.com") is None


def test_an_unknown_summit_is_refused(runner, summit):
    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    PASSWORD, "--role", "delegate", "--summit", "no-such-summit")

    assert result.exit_code == 1
    assert "Error: There is no summit with the slug 'no-such-summit'." in result.output
    assert user_by_email("zeren@example.com") is None


def test_an_unknown_role_is_refused(runner, summit):
    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    PASSWORD, "--role", "king", "--summit", "kangding-test")

    assert result.exit_code == 2
    assert "'king' is not one of" in result.output
    assert user_by_email("zeren@example.com") is None


def test_a_broken_rule_is_reported_without_a_traceback(runner, summit):
    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    "short")

    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert user_by_email("zeren@example.com") is None


def test_granting_a_role_twice_is_reported_and_changes_nothing(runner, summit):
    factories.grant(factories.make_user("zeren@example.com"), summit, Role.DELEGATE)

    result = invoke(runner, "create-user", "--email", "zeren@example.com", "--password",
                    PASSWORD, "--role", "delegate", "--summit", "kangding-test")

    assert result.exit_code == 1
    assert "Error: " in result.output and "zeren@example.com" in result.output
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 1


def test_seed_demo_loads_the_summit_and_prints_the_logins(runner):
    result = invoke(runner, "seed-demo")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Demo summit ready: /summits/kangding-2017"
    printed = {tuple(line.split()) for line in lines[2:]}
    assert printed == {(role, email, demo.DEMO_PASSWORD)
                       for role, email, _ in demo.demo_logins()}
    assert ("organiser", "organiser@example.com", "summit-demo-2017") in printed
    for _role, email, password in printed:
        assert accounts.authenticate(email, password, "127.0.0.1").email == email

    users = db.session.scalar(db.select(db.func.count(User.id)))
    again = invoke(runner, "seed-demo")
    assert again.exit_code == 0
    assert again.output == result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == users


def test_uploads_purge_deletes_files_no_row_uses_a_day_after_upload(runner, summit):
    officer = factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com")
    agreement = factories.make_agreement(summit, officer)
    attachment = agreement_files.attach(officer, agreement, agreement_files.check_upload(
        "签约.pdf", press_factories.letter_pdf()), None, agreement.created_at)
    db.session.commit()
    orphans = {kind: uploads.store(kind, b"left behind", {})
               for kind in ("press", "agreements", "badge-batches", "imports")}
    for kind, token in [*orphans.items(), ("agreements", attachment.token)]:
        age(kind, token, 25)
    young = uploads.store("imports", b"being checked", {})

    result = invoke(runner, "uploads", "purge")

    assert result.exit_code == 0
    assert "Deleted 4 files" in result.output
    assert stored_tokens("agreements") == {attachment.token}
    assert stored_tokens("imports") == {young}
    assert stored_tokens("press") == stored_tokens("badge-batches") == set()
