"""Readable mark values (issue 18): times as m:ss, checklist items as ✓/✗."""
from decimal import Decimal

from competition.formatting.values import mark_text, time_text


def test_times_read_as_minutes_and_seconds():
    assert time_text("3000") == "50:00"
    assert time_text(Decimal("65.25")) == "1:05.25"
    assert time_text("59") == "0:59"
    assert time_text("4500") == "75:00"
    assert time_text("600.5") == "10:00.5"
    assert time_text("1:00") == "1:00"           # already typed as m:ss: kept


def test_checklist_items_read_as_ticks_and_other_values_as_stored():
    assert mark_text("1", "check") == "✓" and mark_text("0", "check") == "✗"
    assert mark_text("3000", "time") == "50:00"
    assert mark_text("1", "mark") == "1" and mark_text("no_ppe", "violation") == "no_ppe"
    assert mark_text(None, "time") == ""
