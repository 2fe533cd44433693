"""The ticket's check-in page (the QR code on a 准考证) and the contestants' own look-up of
their heat (public, rate-limited, blind-safe)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from ..extensions import limiter
from ..formatting.masking import mask_id
from ..services.tickets import NOT_YET, entry_for_token, look_up, when_text
from ..services.trades import names_hidden_publicly
from .lookup import competition_or_404

bp = Blueprint("tickets", __name__)


@bp.get("/ticket/<token>")
def ticket(token: str):
    """Who holds this ticket: for the check-in staff who scan it (the token is signed and
    unguessable; it shows nothing a printed ticket does not)."""
    if len(token) > 200:
        abort(404)
    entry = entry_for_token(token)
    if entry is None or entry.contestant is None:
        abort(404)
    trade = entry.stage.trade
    lot = NOT_YET if names_hidden_publicly(trade) or not entry.lot_number else entry.lot_number
    return render_template("tickets/ticket.html", entry=entry, trade=trade, lot=lot,
                           masked=mask_id(entry.contestant.id_number),
                           when=when_text(entry.heat, trade.competition))


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], scope="ticket-lookup",
               error_message=lambda: _("Too many look-ups. Please wait a minute and try again."))
def lookup():
    """A contestant finds their heat by ID-card number and name; nothing else is shown."""
    comp = competition_or_404()
    found, asked = [], request.method == "POST"
    if asked:
        found = look_up(comp, request.form.get("id_number", "")[:30], request.form.get("name", "")[:50])
    return render_template("tickets/lookup.html", competition=comp, found=found, asked=asked)
