"""What every service raises when it refuses an action, and its translation helper.

A ServiceError carries a message for the user and the field at fault (or None); routes turn
it into a flash message or a JSON {error, field} with its HTTP status.
"""
from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext


def _(message: str, **params) -> str:
    """gettext in a request (the user's language); the English text, formatted, outside
    one (CLI commands, background jobs)."""
    if has_request_context():
        return gettext(message, **params)
    return message % params if params else message


class ServiceError(Exception):
    """A refused action: ``message`` for the user, ``field`` at fault."""
    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        return {"error": self.message, "field": self.field}


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
