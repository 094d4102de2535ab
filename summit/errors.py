"""App-wide error handling: JSON under /api/, a page in the user's language elsewhere."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from summit.extensions import db, login_manager
from summit.services.core.errors import DomainError

ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "validation_failed",
               429: "too_many_requests", 500: "internal_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood. Check what you entered and try again."),
        401: _("Please log in first."),
        403: _("You do not have permission to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with the current state. Reload and try again."),
        413: _("What you sent is too large."),
        422: _("Some values are not valid."),
        429: _("Too many requests. Wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }
    return messages.get(status, _("Something went wrong."))


def json_error(status: int, message: str, code: str | None = None,
               fields: dict | None = None):
    body = {"error": {"code": code or ERROR_CODES.get(status, "error"), "message": message,
                      "fields": {k: str(v) for k, v in (fields or {}).items()}}}
    return jsonify(body), status


def page_error(status: int, message: str):
    template = f"errors/{status}.html" if status in (400, 403, 404, 500) else "errors/error.html"
    return render_template(template, status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
        if status == 401 and not wants_json():
            return login_manager.unauthorized()
        # Werkzeug's descriptions are English; ours are translated.
        description = getattr(error, "description", None)
        custom = description if description and description != type(error).description else None
        message = str(custom) if custom else default_message(status)
        if isinstance(error, CSRFError):
            # Flask-WTF's reasons are English and technical.
            message = _("This form has expired or was sent from another page. Go back, reload "
                        "the page and send it again.")
        if wants_json():
            response, code = json_error(status, message)
            allowed = getattr(error, "valid_methods", None)
            if status == 405 and allowed:
                response.headers["Allow"] = ", ".join(allowed)
            return response, code
        return page_error(status, message)

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        db.session.rollback()
        if wants_json():
            return json_error(error.status, str(error), error.code, error.fields)
        return page_error(error.status, str(error))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:  # Flask's meaning: unset propagates when testing or debugging
            propagate = app.testing or app.debug
        if propagate:
            raise error
        if wants_json():
            return json_error(500, default_message(500))
        return page_error(500, default_message(500))

    app.register_error_handler(InternalServerError, handle_http)
