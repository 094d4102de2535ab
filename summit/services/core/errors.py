"""Errors raised by services. Views turn them into form errors, flashes or JSON."""
from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. ``message`` is shown to the user; ``field`` names the input at fault."""

    status = 400
    code = "invalid"

    def __init__(self, message: object, field: str | None = None,
                 fields: dict[str, object] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.fields = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = message

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"
