"""The ``flask --app summit`` commands. Each one calls a service."""
from __future__ import annotations

import click
from flask import Flask

from summit.extensions import db
from summit.models import Role
from summit.services import accounts, demo, roles, summits
from summit.services.errors import DomainError


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None, help="Display name (defaults to the email's local part).")
@click.option("--role", type=click.Choice([r.value for r in Role] + ["admin"]), default=None)
@click.option("--summit", "slug", default=None, help="Summit slug for a per-summit role.")
def create_user(email: str, password: str, name: str | None, role: str | None,
                slug: str | None) -> None:
    """Create a verified account, optionally granting a role."""
    try:
        if role and role != "admin" and not slug:
            raise click.UsageError("--role needs --summit SLUG (only admin is global).")
        summit = summits.get_by_slug(slug) if slug else None
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
        if role and role != "admin" and summit is not None:
            roles.grant_role(None, summit, user.email, Role(role), commit=False)
            click.echo(f"Granted {role} at {summit.slug}")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None


@click.command("seed-demo")
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
