"""Request size limits per route, checked before anything reads the body.

Every request gets a limit: the JSON API's (API_MAX_BYTES, small: one mark is a few hundred
bytes), an ordinary form's (FORM_MAX_BYTES), or a view's own, declared with
``@body_limit("CONFIG_KEY")`` (the registration import's workbook, the certificate
background). A request whose Content-Length is over its limit is answered 413 at once,
before CSRF or sign-in read the form; a body without a Content-Length is cut off at the
limit while it is read (Flask's per-request ``max_content_length``). MAX_CONTENT_LENGTH
stays the ceiling for everything. The 413 answer says what the limit is: a page in the
user's language, JSON under /api/.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

API_PREFIX = "/api/"
DEFAULTS = {"MAX_CONTENT_LENGTH": 32 * 1024 * 1024, "API_MAX_BYTES": 64 * 1024,
            "FORM_MAX_BYTES": 1024 * 1024, "REGISTRATION_IMPORT_MAX_BYTES": 20 * 1024 * 1024,
            "CERTIFICATE_BACKGROUND_MAX_BYTES": 8 * 1024 * 1024}
# multipart framing and the form's other fields around an uploaded file
UPLOAD_SLACK = 256 * 1024


def body_limit(config_key: str) -> Callable:
    """Give a view the limit named by ``config_key`` (bytes of the file; the multipart
    framing is allowed on top). Put it anywhere under the route decorator."""
    def mark(view):
        view.body_limit_key = config_key
        return view
    return mark


def limit_for_request(app: Flask) -> int:
    """The number of bytes the current request may send."""
    view = app.view_functions.get(request.endpoint or "")
    key = getattr(view, "body_limit_key", None)
    if key is not None:
        limit = int(app.config[key]) + UPLOAD_SLACK
    elif request.path.startswith(API_PREFIX):
        limit = int(app.config["API_MAX_BYTES"])
    else:
        limit = int(app.config["FORM_MAX_BYTES"])
    ceiling = app.config.get("MAX_CONTENT_LENGTH")
    return min(limit, ceiling) if ceiling else limit


def init_app(app: Flask) -> None:
    """Install the check first among the before-request functions (CSRF reads the form)
    and the 413 answer."""
    for key, value in DEFAULTS.items():
        if app.config.get(key) is None:
            app.config[key] = value

    def check_size():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        limit = limit_for_request(app)
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge()
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, check_size)
    app.register_error_handler(RequestEntityTooLarge, too_large)


def too_large(err: RequestEntityTooLarge):
    """413: what the limit of this route is, in words."""
    limit = limit_for_request(current_app) if request else None
    message = _("The request is too large: at most %(size)s can be sent here.",
                size=_size(limit)) if limit else _("The request is too large.")
    if request.path.startswith(API_PREFIX):
        return jsonify({"error": message, "field": None}), 413
    return render_template("error.html", code=413, message=message), 413


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.0f} MB"
    return f"{max(n // 1024, 1)} KB"
