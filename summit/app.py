"""The application factory: ``create_app`` only wires things together, as a list of named
steps (``summit.create_app`` builds an app with it)."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

from summit import (
    blueprints,
    cli,
    config as config_module,
    database,
    errors,
    http,
    i18n,
    logs,
    sealing,
)
from summit.blueprints.ops import requests as ops_requests
from summit.extensions import babel, csrf, db, login_manager, migrate
from summit.services.accounts import logins
from summit.services.core import fonts, jobs, pdf, private_files
from summit.services.privacy import keys as data_keys


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "SUMMIT_INSTANCE_PATH") or None
    if instance_path:
        instance_path = str(Path(instance_path).resolve())
    app = Flask("summit", instance_path=instance_path, instance_relative_config=True)
    load_config(app, test_config)
    register_logging(app)
    register_extensions(app)
    register_data_key(app)
    register_blueprints(app)
    register_errors(app)
    register_request_hooks(app)
    register_cli(app)
    register_printing(app)
    register_operations(app)
    return app


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_object(config_module.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config_module.from_environment(os.environ))
    else:
        app.config.update(test_config)
    private_files.private_folder(Path(app.instance_path))
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database = Path(app.instance_path) / "summit.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"])
    sqlite_file = config_module.sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if sqlite_file is not None and sqlite_file.parent.is_dir():
        # Owner-only before SQLite first opens it: SQLite gives its -wal and -shm files the
        # database's mode (those an older version left are tightened here too).
        private_files.private_file(sqlite_file)
        companions = (sqlite_file.with_name(sqlite_file.name + end) for end in ("-wal", "-shm"))
        for companion in companions:
            if companion.exists():
                private_files.private_file(companion)
    if (app.config["SECRET_KEY"] == config_module.DEFAULT_SECRET_KEY
            and not (app.debug or app.testing or os.environ.get("FLASK_DEBUG") == "1")):
        raise RuntimeError(
            "Refusing to start with the default secret key. Set SUMMIT_SECRET_KEY or SECRET_KEY "
            "in instance/config.py (see README.md).")


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    if not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
        with app.app_context():
            for engine in db.engines.values():
                database.ping_after_idle(engine, app.config["DATABASE_PING_AFTER_IDLE"])
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_REQUIRED_MESSAGE
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    # The session and remember-me cookies carry a login's key, not the user's id
    # (services/accounts/logins.py): ending the login ends every copy of them.
    login_manager.user_loader(logins.user_for_login)


def register_logging(app: Flask) -> None:
    # One set-up: ID numbers, phones and emails masked in every record (docs/privacy.md),
    # and with LOG_JSON one JSON line per event with its request id (docs/scaling.md).
    logs.configure(app)


def register_data_key(app: Flask) -> None:
    """The key that seals ID numbers (summit/sealing.py). The one query a start makes: a key
    that is not the one the data was sealed with must stop the app before it writes values
    nobody could read again (docs/privacy.md)."""
    sealing.install(app)
    if app.config.get("DATA_KEY_CHECK"):
        data_keys.check_at_start(app)


def register_blueprints(app: Flask) -> None:
    blueprints.register(app)


def register_errors(app: Flask) -> None:
    errors.register(app)


def register_request_hooks(app: Flask) -> None:
    http.register(app)
    i18n.register(app)
    jobs.register(app)  # background jobs a killed process left unfinished: failed, at once


def register_cli(app: Flask) -> None:
    cli.register(app)


def register_printing(app: Flask) -> None:
    """Fonts for badges and printed documents: where the fast font is cached, and a warning
    at start-up for each script that would print as empty boxes."""
    cache_dir = app.config.get("FONT_CACHE_DIR") or str(Path(app.instance_path) / "fonts")
    pdf.configure(cache_dir)
    missing = fonts.missing_scripts(tuple(app.config.get("FONT_DIRS") or fonts.SYSTEM_FONT_DIRS))
    for script in missing:
        logging.getLogger("summit").warning(
            "No %s font: badges will print it as empty boxes. Install Debian's %s.",
            script.need.family, script.need.package)


def register_operations(app: Flask) -> None:
    """Last, so that it wraps every other middleware: request ids, timings, access lines."""
    ops_requests.register(app)
