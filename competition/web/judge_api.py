"""The tablets' JSON API: submit a mark (idempotent by client id) or a contestant's whole
score sheet (one write), read a score sheet, and the OpenAPI 3 document describing the
API at /api/openapi.json.

Errors are JSON {"error": message, "field": field-at-fault-or-null} with a 4xx status.
Writes need the CSRF token in the X-CSRFToken header (GET /api/csrf-token returns it).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from ..models import Role
from ..services import heats as heat_service
from ..services.heats import JudgingError
from ..services.mark_sheets import record_sheet
from ..services.marks import mark_dict, record_mark
from ..services.scoresheets import judge_sheet
from .auth import roles_required
from .judge_openapi import openapi_document

bp = Blueprint("judge_api", __name__, url_prefix="/api")


@bp.errorhandler(JudgingError)
def judging_error(err: JudgingError):
    return jsonify(err.to_dict()), err.status


@bp.errorhandler(CSRFError)
def csrf_error(err: CSRFError):
    return jsonify({"error": _("The security token has expired; it is being renewed."),
                    "field": "csrf_token"}), 400


@bp.post("/marks")
@roles_required(Role.JUDGE)
def post_mark():
    """Store one mark of the signed-in judge. 201 when created; 200 when it updated a mark,
    changed nothing, or repeats a stored submission (same client_id)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise JudgingError(_("Send a JSON object."), None)
    _same_judge(data.get("judge_id"))
    result = record_mark(
        current_user, entry_id=_whole(data.get("entry_id"), "entry_id"),
        address=data.get("criterion"), value=data.get("value"),
        attempt=_whole(data.get("attempt", 1), "attempt"), client_id=data.get("client_id"),
        note=data.get("note"), seq=data.get("seq"))
    body = {"status": result.status,
            "mark": mark_dict(result.mark) if result.mark is not None else None}
    return jsonify(body), 201 if result.status == "created" else 200


@bp.post("/sheets")
@roles_required(Role.JUDGE)
def post_sheet():
    """Store all marks of one contestant's sheet in one transaction (one standings
    version). 201 when every changed mark is new; 200 otherwise."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise JudgingError(_("Send a JSON object."), None)
    _same_judge(data.get("judge_id"))
    result = record_sheet(current_user, entry_id=_whole(data.get("entry_id"), "entry_id"),
                          client_id=data.get("client_id"), seq=data.get("seq"),
                          marks=data.get("marks"))
    body = {"status": result.status, "marks": result.mark_dicts()}
    return jsonify(body), 201 if result.status == "created" else 200


@bp.get("/heats/<int:heat_id>/sheet")
@roles_required(Role.JUDGE)
def heat_sheet(heat_id: int):
    """The signed-in judge's score sheet of a heat; names hidden in blind mode."""
    return jsonify(judge_sheet(current_user, heat_service.get_heat(heat_id)))


@bp.get("/csrf-token")
@roles_required(Role.JUDGE, Role.CHIEF_JUDGE, Role.ARBITRATION, Role.ORGANISER)
def csrf_token():
    """A fresh CSRF token for the X-CSRFToken header (after the session was renewed)."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of the API."""
    return jsonify(openapi_document())


def _same_judge(judge_id) -> None:
    if judge_id is not None and judge_id != current_user.id:
        raise heat_service.Conflict(_("This mark was entered by another judge on this "
                                      "tablet; that judge must sign in to send it."),
                                    "judge_id")


def _whole(value, field: str) -> int:
    """A whole number of at most 9 digits (ids and attempts; never a 500 from the
    database for 2**63)."""
    if isinstance(value, bool):
        raise JudgingError(_("Must be a whole number."), field)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10 ** 9:
            raise JudgingError(_("Must be a whole number."), field)
        return value
    raise JudgingError(_("Must be a whole number."), field)
