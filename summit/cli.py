"""The ``flask --app summit`` commands. Each one calls a service."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

import click
from flask import Flask, current_app
from flask_babel import force_locale

from summit.extensions import db
from summit.models import Role
from summit.services import accounts, audit, demo, roles, summits
from summit.services.errors import DomainError, NotFound


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


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
