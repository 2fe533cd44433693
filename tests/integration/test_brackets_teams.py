"""Team events: team standings from members' totals (sum or best k of n) plus team rounds,
shown beside the individual results."""
from decimal import Decimal

from competition.extensions import db
from competition.models import Entry, Mark, Team
from competition.services.draws import team_table
from tests.factories import build_event


def setup_teams(settings=None):
    ev = build_event(n_entries=6, code="team")
    comp = ev["competition"]
    if settings:
        comp.settings = settings
    a = Team(competition_id=comp.id, trade_id=ev["trade"].id, name="一厂队", employer="示例县第一机械厂")
    b = Team(competition_id=comp.id, trade_id=ev["trade"].id, name="二厂队", employer="示例县第二机械厂")
    db.session.add_all([a, b])
    db.session.flush()
    for i, e in enumerate(ev["entries"]):
        e.contestant.team_id = a.id if i < 3 else b.id
    # theory (30%): 90, 80, 70 | 85, 60, 50 -> 27, 24, 21 | 25.5, 18, 15; practical: only
    # the safety item (20 of 100, no violation = full) -> 14 each: totals
    # 41, 38, 35 | 39.5, 32, 29
    for e, v in zip(ev["entries"], ["90", "80", "70", "85", "60", "50"]):
        db.session.add(Mark(entry_id=e.id, judge_id=ev["judges"][0].id, criterion="exam",
                            value=v))
    # a team round for 二厂队: the team's own entry, exam 100 -> 30 + 14 = 44
    team_entry = Entry(stage_id=ev["stage"].id, team_id=b.id)
    db.session.add(team_entry)
    db.session.flush()
    db.session.add(Mark(entry_id=team_entry.id, judge_id=ev["judges"][0].id, criterion="exam",
                        value="100"))
    db.session.commit()
    return ev


def test_team_totals_sum_members_and_add_team_rounds(app):
    ev = setup_teams()
    rows = team_table(ev["trade"], ev["stage"])
    # 一厂队 41 + 38 + 35 = 114; 二厂队 39.5 + 32 + 29 = 100.5, + 44 = 144.5
    assert [(r["team"], r["total"]) for r in rows] == [("二厂队", Decimal("144.50")),
                                                      ("一厂队", Decimal("114.00"))]
    assert rows[0]["rounds_part"] == Decimal("44.00")


def test_best_two_of_three_and_the_page_shows_individuals_beside(app, client, auth):
    ev = setup_teams({"team_scoring": {"team": {"method": "best", "best_of": 2}}})
    rows = team_table(ev["trade"], ev["stage"])
    # 一厂队 41 + 38 = 79; 二厂队 39.5 + 32 = 71.5, + 44 = 115.5
    assert [(r["team"], r["total"]) for r in rows] == [("二厂队", Decimal("115.50")),
                                                      ("一厂队", Decimal("79.00"))]
    auth.login("organiser_team")
    page = client.get(f"/admin/trades/team/teams?stage={ev['stage'].id}").get_data(as_text=True)
    assert "团体成绩" in page and "115.50" in page and "测试选手1" in page
    assert "成绩最好的 2 名" in page
