"""A heat's panel smaller than the rule wants (two judges on the mini rule's ``work``,
judges = 3: the panel expects 2 marks) and every expected mark in: the standings row is
complete (an award for complete entries only is given), as the chief's summary, the
organiser's progress and the chief's page say; one mark short it is not. The live
(incremental) standings equal a full recompute, also when an entry moves to a heat whose
panel is full (three judges: 2 of 3 marks, incomplete again)."""
import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entry, Heat, JudgeAssignment, Role, Trade
from competition.scoring import compute_standings
from competition.services import incremental_standings as cache
from competition.services import marks as mark_service
from competition.services import standings
from competition.services.panels import StageCheck, entry_heats
from competition.services.rules import rule_for
from competition.services.scoresheets import heat_summary
from tests.conftest import create_user
from tests.factories import build_event


@pytest.fixture
def event(app):
    ev = build_event(n_entries=3, n_judges=2)      # the rule's work wants 3 judges
    trade = ev["trade"]
    trade.rule_text = trade.rule_text.replace(
        'count = 1, min_total = 60 }', 'count = 1, min_total = 60, complete_only = true }')
    assert "complete_only = true" in trade.rule_text
    db.session.commit()
    return ev


def mark(event, judge, entry, address, value):
    mark_service.record_mark(event["judges"][judge], entry_id=event["entries"][entry].id,
                             address=address, value=value)


def mark_all(event, skip=()):
    """Every mark the two-judge panel expects: exam (one mark), work (two judges), steps
    (a one-mark checklist of two items); entry 1 best."""
    for e in range(3):
        mark(event, 0, e, "exam", "90" if e == 0 else "70")
        for j in range(2):
            if (e, j) not in skip:
                mark(event, j, e, "work", "55" if e == 0 else "40")
        mark(event, 1, e, "steps.prepare", "1")
        mark(event, 1, e, "steps.clean", "1")


def full(event) -> dict:
    """compute_standings over the stage's counted marks, with the panels' expectations."""
    trade = db.session.get(Trade, event["trade"].id, populate_existing=True)
    stage = event["stage"]
    rule = rule_for(trade)
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)).all()
    keys = {str(e.id): e for e in entries if e.status != "withdrawn"}
    marks = [m for m in standings._panel_marks(rule, stage) if m.entry in keys]
    expected = StageCheck.load(rule, stage.id).expected_marks(entry_heats(keys))
    return compute_standings(rule, marks, list(keys), lot_seed=stage.draw_seed or None,
                             expected=expected).to_dict()


def live(event) -> dict:
    trade = db.session.get(Trade, event["trade"].id, populate_existing=True)
    return standings.live_trade_standings(trade).standings.to_dict()


def rows(event) -> dict:
    trade = db.session.get(Trade, event["trade"].id, populate_existing=True)
    st = standings.trade_standings(trade).standings
    return {e.id: st.row(str(e.id)) for e in event["entries"]}


def test_every_expected_mark_of_a_short_panel_makes_the_row_complete(event, client, auth):
    first = event["entries"][0].id
    mark_all(event, skip={(0, 1)})            # entry 1 lacks judge 2's work mark
    got = rows(event)
    assert got[first].complete is False
    assert "work: 1 of 2 marks (panel of 2)" in got[first].notes
    assert got[first].rank == 1 and got[first].award != "一等奖"
    assert heat_summary(event["heat"])["missing"] == 1
    assert live(event) == full(event)

    mark(event, 1, 0, "work", "55")
    got = rows(event)
    assert all(r.complete for r in got.values())
    assert "work: 2 of 2 marks (panel of 2)" in got[first].notes
    assert got[first].award == "一等奖"
    # aggregated as always: the two judges' mean
    assert got[first].criteria["work"] == 55
    summary = heat_summary(event["heat"])
    assert (summary["missing"], summary["entered"], summary["expected"]) == (0, 15, 15)
    progress = standings.trade_progress(event["trade"])
    assert (progress["marks"], progress["expected"]) == (15, 15)
    auth.login(event["chief"].username)
    page = client.get(f"/judge/chief/heat/{event['heat'].id}").get_data(as_text=True)
    assert re.search(r"data-heat-total>([^<]*)<", page).group(1).strip() == "15 / 15"
    assert live(event) == full(event)


def test_the_live_standings_follow_an_entry_into_a_heat_with_a_full_panel(event):
    mark_all(event)
    assert live(event) == full(event)
    moved = event["entries"][2]
    assert rows(event)[moved.id].complete is True
    heat = Heat(stage_id=event["stage"].id, seq=2, name="第2场", venue="示例县职业技术学校",
                workstations=20)
    db.session.add(heat)
    db.session.flush()
    third = create_user("judge3_mini", Role.JUDGE)
    for judge in event["judges"] + [third]:
        db.session.add(JudgeAssignment(heat_id=heat.id, user_id=judge.id))
    db.session.commit()
    standings.trade_changed(event["trade"].id)
    assert live(event) == full(event)             # a new panel: recomputed in full
    db.session.get(Entry, moved.id).heat_id = heat.id
    db.session.commit()
    standings.trade_changed(event["trade"].id)
    before = cache.stats()["full"]
    got = live(event)
    assert got == full(event)
    row = next(r for r in got["rows"] if r["entry"] == str(moved.id))
    assert row["complete"] is False and "work: 2 of 3 marks" in row["notes"]
    # back to the two judges' heat: complete again, through the cache too
    db.session.get(Entry, moved.id).heat_id = event["heat"].id
    db.session.commit()
    standings.trade_changed(event["trade"].id)
    got = live(event)
    assert got == full(event)
    assert next(r for r in got["rows"] if r["entry"] == str(moved.id))["complete"] is True
    assert cache.stats()["full"] == before     # the moves: that entry re-read, not all
