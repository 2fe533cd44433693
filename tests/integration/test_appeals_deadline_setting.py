"""One appeal deadline (issue 18): the bulletin prints the deadline the filing enforces
(competition setting appeal_hours); an older configuration's bulletin.appeal_days still
works (as days of 24 hours) and no longer disagrees with the filing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from competition.extensions import db
from competition.services import appeals
from competition.services.documents import bulletin_data
from competition.timefmt import to_local
from tests.factories import build_event

PUBLISHED = datetime(2026, 11, 25, 2, 30, tzinfo=timezone.utc)      # 10:30 in Beijing


@pytest.mark.parametrize("settings, hours", [
    ({}, 24),
    ({"appeal_hours": 36}, 36),
    ({"bulletin": {"appeal_days": 3, "appeal_time": "17:00"}}, 72),      # an old configuration
    ({"appeal_hours": 12, "bulletin": {"appeal_days": 3}}, 12),          # the one setting wins
    ({"appeal_hours": "x"}, 24),
])
def test_the_bulletin_and_the_filing_read_one_deadline(app, settings, hours):
    ev = build_event(n_entries=2, n_judges=1)
    trade = ev["trade"]
    trade.competition.settings = settings
    trade.results_published_at = PUBLISHED
    db.session.commit()
    assert appeals.appeal_hours(trade) == hours
    due = to_local(appeals.appeal_deadline(trade))
    text = bulletin_data(trade).appeal_deadline
    assert text == f"{due.year}年{due.month}月{due.day}日{due:%H:%M}", (text, due)
    assert (due - to_local(PUBLISHED)).total_seconds() == hours * 3600


def test_a_bulletin_dated_ahead_counts_from_its_date_and_an_explicit_deadline_stays(app):
    ev = build_event(n_entries=2, n_judges=1)
    trade = ev["trade"]
    trade.competition.settings = {"appeal_hours": 48}
    trade.results_published_at = PUBLISHED
    db.session.commit()
    from datetime import date
    assert bulletin_data(trade, published_on=date(2026, 11, 26)).appeal_deadline == "2026年11月28日10:30"
    assert bulletin_data(trade, appeal_deadline="2026年12月1日17:00").appeal_deadline == "2026年12月1日17:00"
