"""A database that cannot be reached (a dropped connection, a restarting server, an
exhausted pool) is answered, never a 500 and never a stack trace.

HTTP: 503 with ``Retry-After`` and, under /api/, JSON {"error", "field": null,
"retry": true, "stored": false | null}:
- ``stored: false`` when no COMMIT was even attempted in this request: nothing of it can
  have been stored, the client retries.
- ``stored: null`` when a COMMIT had been sent (it may have failed on the way, or failed
  after the database applied it, or the failure came after a first commit): the outcome
  is unknown. Retrying is safe because every write the tablets send is idempotent by
  its client id (the server answers "duplicate" when it was stored).

Engines check a pooled connection before lending it (``pool_pre_ping``, config.py), so a
connection the database dropped while idle is replaced instead of failing a request;
what remains is a connection lost in the middle of a request, handled here.
"""
from __future__ import annotations

from flask import Flask, g, has_app_context, jsonify, request
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from ..dbfaults import discard_session, unavailable

RETRY_AFTER_SECONDS = 2
_FLAG = "_db_commit_attempted"
_PAGE = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width\"><title>503 {title}</title><body style=\"font:1.2em "
         "sans-serif;margin:2em\"><h1>503</h1><p>{message}</p></body></html>")


def commit_attempted() -> bool:
    """Whether this request has sent a COMMIT to the database (see the module)."""
    return bool(has_app_context() and g.get(_FLAG))


def _on_commit(conn) -> None:
    """Engine event, before the driver's commit: from now on, an error means the outcome
    may be unknown."""
    if has_app_context():
        setattr(g, _FLAG, True)


def register(app: Flask) -> None:
    if not event.contains(Engine, "commit", _on_commit):
        event.listen(Engine, "commit", _on_commit)

    @app.before_request
    def _fresh_flag():
        g.pop(_FLAG, None)

    def database_unavailable(err):
        if not unavailable(err):          # a wrong statement, a constraint: a bug
            from .errors import _render
            discard_session()
            app.logger.exception("database error")
            return _render(500, None)
        stored = None if commit_attempted() else False
        discard_session()
        app.logger.warning("database unavailable during %s %s (commit attempted: %s): %s",
                           request.method, request.path, stored is None,
                           str(err).splitlines()[0] if str(err) else type(err).__name__)
        if stored is False:
            message = _("The database could not be reached; nothing was stored. "
                        "Please try again.")
        else:
            message = _("The connection to the database was lost while saving; it may or "
                        "may not have been stored. Try again: a repeated submission is "
                        "recognised and never stored twice.")
        if request.path.startswith("/api/"):
            response = jsonify({"error": message, "field": None, "retry": True,
                                "stored": stored})
        else:
            # not the site's layout: it reads the signed-in user from the database
            response = app.make_response(_PAGE.format(title=escape(_("Error")),
                                                      message=escape(message)))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for cls in (exc.DBAPIError, exc.DisconnectionError, exc.TimeoutError,
                exc.PendingRollbackError):
        app.register_error_handler(cls, database_unavailable)
