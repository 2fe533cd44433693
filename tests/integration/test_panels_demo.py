"""The demo's 电工 (issue 13): the chief judge saw 48/144 and "还有 96 项评分未录入" while
the organiser's live page showed 48/48 and the tablets 缺 13/14 against fully scored
contestants. Now every view counts from the same panel."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import Heat, Trade
from competition.services.documents import trade_workbook_results
from competition.services.scoresheets import heat_summary, judge_sheet
from competition.services.standings import default_stage, trade_progress, trade_standings


def test_the_demo_electricians_counts_agree_everywhere(app):
    from competition.demo import DemoSize
    from tests.demo_cache import load_demo_cached
    load_demo_cached(app, DemoSize())      # as `flask demo` loads it, once per worker
    trade = db.session.scalar(select(Trade).where(Trade.code == "electrician"))
    stage = default_stage(trade)
    heats = db.session.scalars(select(Heat).where(Heat.stage_id == stage.id)).all()
    entered = expected = 0
    for heat in heats:
        summary = heat_summary(heat)
        entered, expected = entered + summary["entered"], expected + summary["expected"]
        n = len([e for e in heat.entries if e.status in ("active", "advanced")])
        # theory 1 + commission 3 items + faults 1 + wiring time 1: one mark each, however
        # many judges are assigned (not one per judge)
        assert summary["expected"] == 6 * n
        assert summary["not_counted"] == []
        # every judge's tablet: a contestant the demo scored misses nothing
        scored = {r.entry for r in trade_standings(trade).standings.rows if r.status == "ok"}
        for a in heat.assignments:
            sheet = judge_sheet(a.user, heat)
            for e in sheet["entries"]:
                if str(e["id"]) in scored:
                    assert e["missing"] == [], (a.user.username, e["lot_number"])
        lacking = sum(len(r["missing"]) for r in summary["judges"] + summary["shared"])
        assert lacking == summary["missing"]
    progress = trade_progress(trade)
    assert (progress["marks"], progress["expected"]) == (entered, expected)
    book = trade_workbook_results(trade)
    assert (book.marks_entered, book.marks_expected) == (entered, expected)
    assert 0 < entered < expected
