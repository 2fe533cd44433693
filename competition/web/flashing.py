"""The organiser pages' one way to show a service's refusal.

A form posts, the route calls a service and redirects; when the service refuses (raises
ServiceError with a message for the user), the page it redirects to shows that message.

    with flash_refusal():
        svc.delete_heat(heat, current_user)
        flash(_("Heat deleted."))          # only when the service did not refuse
    return redirect(url_for(".stages", code=code))

A refusal rolls the session back (the service's half-done work is not kept), flashes the
message as an error and carries on after the `with` block; the rest of the block (the
success message) is skipped. Anything else (a bug) propagates to the error pages.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import abort, flash

from ..extensions import db
from ..services.errors import ServiceError


@contextmanager
def flash_refusal(*kinds: type[ServiceError], abort_on: tuple[int, ...] = ()) -> Iterator[None]:
    """Run the block; flash the refusal of a service (ServiceError, or only ``kinds``).

    ``abort_on``: refusals with one of these statuses (e.g. 403, 404) answer with that
    status instead of a message (after the rollback)."""
    caught: tuple[type[ServiceError], ...] = kinds or (ServiceError,)
    try:
        yield
    except caught as err:
        db.session.rollback()
        if err.status in abort_on:
            abort(err.status)
        flash(err.message, "error")
