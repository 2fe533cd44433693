"""The fields of a mark submission, checked before anything else touches them.

A value is parsed into a bounded Decimal (text length, number of digits, exponent) before
the rule, the database or any arithmetic sees it: '1e999999999' would otherwise be
expanded to a billion characters. What is stored is a canonical short form ("85", "7.25").

Client ids: 8-64 letters, digits, - or _ (the whole text: no trailing newline).
Submission numbers (``seq``): whole numbers 0..2**53, growing with every submission of a
judge (see the OpenAPI document for how a tablet makes them).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import ServiceError, _

CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_TEXT = 40            # characters of a value as sent
MAX_DIGITS = 20          # significant digits
MIN_EXPONENT = -10       # smallest place: 1e-10
MAX_ADJUSTED = 12        # largest magnitude: < 1e13
MAX_SEQ = 2 ** 53        # exact in a JavaScript number
MAX_NOTE = 500


def bounded_value(value) -> str:
    """The value as text to validate against the rule: a number in canonical form, or the
    stripped text (a violation code, an 'm:ss' time). ServiceError (field "value") for a
    missing value, a JSON object/list/boolean, NaN or Infinity, or a number too long,
    too precise or too large."""
    if value is None:
        raise ServiceError(_("Enter a value."), "value")
    if isinstance(value, (bool, dict, list, tuple, set)):
        raise ServiceError(_("The value must be a number."), "value")
    if isinstance(value, int):
        if abs(value) >= 10 ** (MAX_ADJUSTED + 1):
            raise ServiceError(_("The value is too large."), "value")
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ServiceError(_("The value must be a number."), "value")
        value = repr(value)
    if isinstance(value, Decimal):
        value = str(value) if value.is_finite() else "nan"
    if not isinstance(value, str):
        raise ServiceError(_("The value must be a number."), "value")
    text = value.strip()
    if not text:
        raise ServiceError(_("Enter a value."), "value")
    if len(text) > MAX_TEXT:
        raise ServiceError(_("The value is too long."), "value")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text            # not a plain number: an 'm:ss' time or a violation code
    return canonical(bounded(number))


def bounded(number: Decimal) -> Decimal:
    """``number`` if it is finite and within the bounds; ServiceError (field "value")."""
    if not number.is_finite():
        raise ServiceError(_("The value must be a number."), "value")
    if not number:
        return Decimal(0)
    sign, digits, exponent = number.as_tuple()
    if number.adjusted() > MAX_ADJUSTED:
        raise ServiceError(_("The value is too large."), "value")
    # trailing zeros do not make a value more precise: 85.000 is 85
    digits = tuple(digits)
    while digits and digits[-1] == 0 and exponent < 0:
        digits, exponent = digits[:-1], exponent + 1
    if exponent < MIN_EXPONENT or len(digits) > MAX_DIGITS:
        raise ServiceError(_("The value has too many decimal places."), "value")
    return number


def canonical(number: Decimal) -> str:
    """The short text stored for a number: 85.00 -> "85", 7.250 -> "7.25", 1E+2 -> "100"."""
    number = bounded(number)
    if not number:
        return "0"
    return format(number.normalize(), "f")


def checked_client_id(client_id) -> str:
    """The client id if it is 8-64 letters, digits, - or _ (the whole text)."""
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise ServiceError(_("The client id must be 8-64 letters, digits, - or _."),
                           "client_id")
    return client_id


def checked_seq(seq) -> int | None:
    """The submission number: None (an old tablet) or a whole number 0..2**53."""
    if seq is None:
        return None
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ:
        raise ServiceError(_("The submission number must be a whole number."), "seq")
    return seq


def checked_note(note) -> str | None:
    """The note: None or text of at most 500 characters."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise ServiceError(_("The note must be text."), "note")
    if len(note) > MAX_NOTE:
        raise ServiceError(_("The note is too long."), "note")
    return note


def checked_attempt(attempt) -> int:
    # the rule checks the range; this only keeps huge numbers away from the database
    if isinstance(attempt, bool) or not isinstance(attempt, int) or abs(attempt) > 9999:
        raise ServiceError(_("The attempt must be a whole number."), "attempt")
    return attempt
