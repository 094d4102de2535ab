"""The ``flask --app summit`` commands. Each one calls a service."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask_babel import force_locale

from summit import sealing
from summit.extensions import db
from summit.models import Role
from summit.services.accounts import roles, users as accounts
from summit.services.agreements import files as agreement_files
from summit.services.badges import batches as badge_batches
from summit.services.bookings import seats as booking_seats
from summit.services.core import audit, fonts, jobs, pdf
from summit.services.core.errors import DomainError, NotFound
from summit.services.demo import seed as demo
from summit.services.ops import backup
from summit.services.press import files as press_files
from summit.services.privacy import erasure, keys as data_keys
from summit.services.reception import notices as reception_notices
from summit.services.registration import imports as registration_import
from summit.services.summits import settings as summits


def in_default_locale(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command in the default language. Messages are translated lazily, and without a
    request the locale selector has no session or browser to ask (it would raise)."""

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return command(*args, **kwargs)

    return wrapped


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None, help="Display name (defaults to the email's local part).")
@click.option("--role", type=click.Choice([r.value for r in Role] + ["admin"]), default=None)
@click.option("--summit", "slug", default=None, help="Summit slug for a per-summit role.")
@in_default_locale
def create_user(email: str, password: str, name: str | None, role: str | None,
                slug: str | None) -> None:
    """Create a verified account, optionally granting a role."""
    try:
        if role and role != "admin" and not slug:
            raise click.UsageError("--role needs --summit SLUG (only admin is global).")
        try:
            summit = summits.get_by_slug(slug) if slug else None
        except NotFound:
            raise click.ClickException(f"There is no summit with the slug {slug!r}.") from None
        user = accounts.find_user(email)
        if user is None:
            user = accounts.create_user(email, name or email.split("@")[0], password,
                                        verified=True, is_admin=role == "admin")
            db.session.flush()
            click.echo(f"Created {user.email}")
        else:
            click.echo(f"{user.email} exists already")
        if role == "admin" and not user.is_admin:
            user.is_admin = True
            audit.record(None, "user.set_admin", user, before={"is_admin": False},
                         after={"is_admin": True})
            click.echo(f"{user.email} is now an administrator")
        if role and role != "admin" and summit is not None:
            roles.grant_role(None, summit, user.email, Role(role), commit=False)
            click.echo(f"Granted {role} at {summit.slug}")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None


@click.command("seed-demo")
@in_default_locale
def seed_demo() -> None:
    """Load the demo summit (kangding-2017). Safe to run again: only adds what is missing."""
    summit = demo.seed_demo()
    click.echo(f"Demo summit ready: /summits/{summit.slug}")
    click.echo("Demo logins (role, email, password):")
    for role, email, password in demo.demo_logins():
        click.echo(f"  {role:<20} {email:<28} {password}")


jobs_cli = click.Group("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def jobs_worker(burst: bool) -> None:
    """Run jobs from Redis (SUMMIT_REDIS_URL) until stopped."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set SUMMIT_REDIS_URL: without it, jobs run inside the app.")
    jobs.work(current_app, burst=burst)


badges_cli = click.Group("badges", help="Badge printing.")


@badges_cli.command("fonts")
def badge_fonts() -> None:
    """Check the fonts badges need and build the fast CJK and Tibetan fonts (about 15 s,
    once)."""
    dirs = tuple(current_app.config.get("FONT_DIRS") or fonts.SYSTEM_FONT_DIRS)
    for script in fonts.status(dirs):
        state = "ok" if script.ok else f"MISSING: install {script.need.package}"
        click.echo(f"  {script.need.family:<22} {state}")
    built = fonts.ensure_fast_fonts(Path(pdf.configured_cache_dir()), dirs)
    click.echo("Fast badge font: " + (", ".join(p.name for p in built.values()) or "not built "
                                      "(Noto Sans CJK is missing)"))
    tibetan = fonts.ensure_tibetan_cut(Path(pdf.configured_cache_dir()), dirs)
    click.echo("Tibetan badge font: " + (tibetan.name if tibetan else "not built (Tibetan "
                                         "Machine Uni is missing)"))


bookings_cli = click.Group("bookings", help="Salon seat bookings.")


@bookings_cli.command("expire-offers")
@in_default_locale
def bookings_expire_offers() -> None:
    """Expire seat offers past their claim window and offer the seats on (run from cron;
    every booking action on an item also does it for that item)."""
    click.echo(f"Expired offers: {booking_seats.expire_all_offers()}")


reception_cli = click.Group("reception", help="Reception: pick-ups, rooms and meals.")


@reception_cli.command("remind")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The local day of the pick-ups (default: tomorrow at each summit).")
@in_default_locale
def reception_remind(day) -> None:
    """Email each delegate their pick-up or drop-off of the next day (run daily from cron)."""
    click.echo(f"Pick-up reminders sent: {reception_notices.remind(day.date() if day else None)}")


uploads_cli = click.Group("uploads", help="Uploaded and generated files.")


@uploads_cli.command("purge")
def uploads_purge() -> None:
    """Delete files stored more than a day ago that no record names: uploads never attached
    (an abandoned press form, an import never confirmed) and leftovers of a crash (run daily
    from cron; uploads also run it for their own files once an hour)."""
    deleted = {"press": press_files.purge_unattached(),
               "agreements": agreement_files.purge_unattached(),
               "badge batches": badge_batches.purge_unattached(),
               "imports": registration_import.purge_staged()}
    click.echo(f"Deleted {sum(deleted.values())} files ("
               + ", ".join(f"{kind}: {count}" for kind, count in deleted.items()) + ")")


privacy_cli = click.Group("privacy", help="Personal data: data keys, retention and purges.")


@privacy_cli.command("new-key")
def privacy_new_key() -> None:
    """Print a new random data key (for SUMMIT_DATA_KEY)."""
    click.echo(sealing.DataKey.generate().text)


@privacy_cli.command("rotate-key")
@click.option("--batch", default=500, show_default=True, help="Values resealed per commit.")
def privacy_rotate_key(batch: int) -> None:
    """Reseal every ID and press card number with a new data key. Safe to interrupt: run it
    again and it goes on; old keys are retired only when nothing needs them."""
    try:
        result = data_keys.rotate(batch=batch)
    except sealing.DataKeyError as error:
        raise click.ClickException(str(error)) from error
    if result.new_key:
        click.echo(f"New data key {result.new_key} written to {sealing.keyring().source}.")
    click.echo(f"Resealed {result.resealed} values; {result.left} left.")
    if result.retired:
        click.echo("Retired data keys: " + ", ".join(result.retired)
                   + ("" if sealing.keyring().source else
                      " (remove them from SUMMIT_DATA_KEY)"))


@privacy_cli.command("purge")
@click.option("--apply", "apply", is_flag=True, help="Anonymise (without it: a dry run).")
def privacy_purge(apply: bool) -> None:
    """Anonymise the people of every summit whose retention period has run out (a dry run
    unless --apply; safe to run from cron: a summit done is not done again)."""
    done = erasure.purge_due(apply=apply)
    for purge in done:
        click.echo(f"{purge.slug}: due {purge.due_on}: {purge.registrations} registrations, "
                   f"{purge.press_applications} press applications "
                   + ("anonymised" if purge.applied else "would be anonymised (dry run)"))
    if not done:
        click.echo("No summit is past its retention period.")


backup_cli = click.Group("backup", help="Backups: the database and every stored file.")


@backup_cli.command("create")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="The archive to write (default: summit-backup-<time>.tar).")
@in_default_locale
def backup_create(output: Path | None) -> None:
    """Write one archive: the database (SQLite online backup or pg_dump), every stored file
    and a manifest of SHA-256 checksums (docs/scaling.md, "Backups")."""
    output = output or Path(f"summit-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar")
    try:
        done = backup.create(output)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {done.path}: {done.database} database, {done.files} "
               f"files, {done.size / 1e6:.1f} MB")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a non-empty installation.")
@in_default_locale
def backup_restore(archive: Path, force: bool) -> None:
    """Bring an archive back into an empty installation. Every checksum is checked first: a
    damaged archive changes nothing."""
    try:
        done = backup.restore(archive, force=force)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the {done.database} database and {done.files} files from {archive}")


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(badges_cli)
    app.cli.add_command(bookings_cli)
    app.cli.add_command(uploads_cli)
    app.cli.add_command(reception_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(backup_cli)
