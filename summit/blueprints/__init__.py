"""Every blueprint and its URL prefix, in one list."""
from __future__ import annotations

from flask import Flask

from summit.blueprints.admin import bp as admin_bp
from summit.blueprints.agenda import bp as agenda_bp
from summit.blueprints.agreements import bp as agreements_bp
from summit.blueprints.api import bp as api_bp
from summit.blueprints.auth import bp as auth_bp
from summit.blueprints.badges import bp as badges_bp
from summit.blueprints.bookings import bp as bookings_bp
from summit.blueprints.checkin import bp as checkin_bp
from summit.blueprints.console import bp as console_bp
from summit.blueprints.desk import bp as desk_bp
from summit.blueprints.frame import page_header, summit_nav
from summit.blueprints.main import bp as main_bp
from summit.blueprints.ops import bp as ops_bp
from summit.blueprints.press import bp as press_bp
from summit.blueprints.privacy import bp as privacy_bp
from summit.blueprints.protocol import bp as protocol_bp
from summit.blueprints.reception import bp as reception_bp
from summit.blueprints.registrations import bp as registrations_bp
from summit.blueprints.summits import bp as summits_bp
from summit.extensions import csrf
from summit.http import IdConverter, SlugConverter
from summit.models import Role
from summit.permissions import ROLE_LABELS, Permission, can
from summit.services.checkin.fastpath import wsgi as checkin_wsgi

BLUEPRINTS = (
    (main_bp, None),
    (auth_bp, "/auth"),
    (summits_bp, "/summits"),
    (registrations_bp, None),
    (badges_bp, None),
    (agenda_bp, None),
    (bookings_bp, None),
    (checkin_bp, None),
    (desk_bp, None),
    (press_bp, None),
    (agreements_bp, None),
    (console_bp, None),
    (reception_bp, None),
    (privacy_bp, None),
    (protocol_bp, None),
    (admin_bp, "/admin"),
    (api_bp, "/api/v1"),
    (ops_bp, None),
)


def register(app: Flask) -> None:
    app.url_map.converters["slug"] = SlugConverter
    app.url_map.converters["int"] = IdConverter
    for blueprint, prefix in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=prefix)
    # The API authenticates with bearer tokens only, never cookies, so CSRF cannot apply.
    csrf.exempt(api_bp)
    checkin_wsgi.install(app)  # the gates' scans, answered before Flask's request handling
    app.jinja_env.globals.update(can=can, Permission=Permission, Role=Role,
                                 ROLE_LABELS=ROLE_LABELS, page_header=page_header,
                                 summit_nav=summit_nav)
