"""Error pages: JSON for /api/, a page for people; never a stack trace."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError


def _messages():
    return {
        400: _("The request is not valid."),
        401: _("Please sign in."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with data already saved."),
        500: _("Something went wrong on the server. Nothing you entered was lost."),
    }


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return _render(400, _("The form has expired; reload the page and try again."))

    @app.errorhandler(ServiceError)
    def refused(err: ServiceError):
        """A service's refusal that its route did not handle: its message and status."""
        if request.path.startswith("/api/"):
            return jsonify(err.to_dict()), err.status
        return _render(err.status, err.message)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return _render(err.code or 500, getattr(err, "description_override", None))

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return http_error(err)
        app.logger.exception("unhandled error")
        return _render(500, None)


def _render(code: int, message: str | None):
    message = message or _messages().get(code, _("Error"))
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "field": None}), code
    return render_template("error.html", code=code, message=message), code
