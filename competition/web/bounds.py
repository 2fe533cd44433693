"""Numbers from outside stay within what the database can hold.

PostgreSQL's integer columns hold at most 2**63-1 (BIGINT; INTEGER 2**31-1): a lookup of
/brackets/99999999999999999999.json raised DataError, a 500. Every ``<int:...>`` in a
route is bounded to 0..2**31-1 (the database's INTEGER ids never go beyond): a path
outside it matches no route, a 404. A DataError that still gets through
(a number in a form or a query string) is answered 400 or 404, never a 500.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

MAX_ID = 2 ** 31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:x>`` that matches 0..2**31-1 only (``<int(max=...):x>`` still narrows it)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else min_(max, MAX_ID), signed=signed)


def min_(a: int, b: int) -> int:
    return a if a < b else b


def init_app(app: Flask) -> None:
    """Install the bounded converter as "int" (before any route is added) and the answer
    to a DataError."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.register_error_handler(DataError, out_of_range)
    app.register_error_handler(OverflowError, out_of_range)   # SQLite: "too large to convert"


def out_of_range(err: Exception):
    """A value the database cannot hold (an id, a page number...): nothing was found."""
    from ..extensions import db
    db.session.rollback()
    code = 404 if request.method in ("GET", "HEAD") else 400
    message = _("Not found.") if code == 404 else _("A number in the request is out of range.")
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "field": None}), code
    return render_template("error.html", code=code, message=message), code
