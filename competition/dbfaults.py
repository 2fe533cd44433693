"""Telling "the database cannot be used right now" apart from other database errors, and
cleaning up after it. Used by the HTTP error handler (web/dberrors.py), the Socket.IO
handlers (live.py) and the publish step after a commit (services/standings.py)."""
from __future__ import annotations

from sqlalchemy import exc

from .extensions import db

UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError,
               exc.TimeoutError, exc.PendingRollbackError)


def unavailable(err: BaseException) -> bool:
    """True for errors that mean "the database cannot be used right now" (a dropped or
    refused connection, an exhausted pool, a deadlock or busy database), as opposed to a
    wrong statement or a broken constraint: retrying later may succeed."""
    if isinstance(err, UNAVAILABLE):
        return True
    return isinstance(err, exc.DBAPIError) and bool(err.connection_invalidated)


def discard_session() -> None:
    """Roll the session back after a database failure (never raises): the next use
    checks a fresh connection out of the pool."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is already gone
        try:
            db.session.remove()
        except Exception:  # noqa: BLE001
            pass
