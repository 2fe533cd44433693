"""The demo's team side: the safety contest's two trades (40 teams of 4, team standings
by the best 3 of 4 plus the team round, a knowledge-quiz bracket under way), beside the 41
skill trades; idempotent and rebuilt by --reset."""
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competition.demo import PASSWORDS
from competition.demo_teams import QUIZ_TRADE, TEAM_TRADE
from competition.extensions import db
from competition.models import AuditLog, Bracket, Contestant, Entry, Match, Stage, Team, Trade
from competition.services import brackets as bsvc
from competition.services.draws import team_rule, team_table
from competition.services.standings import trade_standings


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def trade(code):
    return db.session.scalar(select(Trade).where(Trade.code == code))


@pytest.fixture
def demo(app):
    """The demo as `flask demo` loads it, built once per worker (tests/demo_cache.py;
    tests/integration/test_demo.py runs the command itself)."""
    from competition.demo import DemoSize
    from tests.demo_cache import load_demo_cached
    return load_demo_cached(app, DemoSize())


def test_forty_teams_of_four_from_fictional_employers_in_both_trades(demo):
    for code in (TEAM_TRADE, QUIZ_TRADE):
        teams = db.session.scalars(select(Team).where(Team.trade_id == trade(code).id)).all()
        assert len(teams) == 40
        assert all(len(t.members) == 4 for t in teams)
        assert all(t.employer.startswith("示例县") for t in teams)
        assert all(m.employer == t.employer for t in teams for m in t.members)
    people = db.session.scalars(select(Contestant).where(Contestant.team_id.is_not(None))).all()
    assert len(people) == 320 and len({p.id_number for p in people}) == 160   # in both trades
    assert all(p.id_number.startswith("99") for p in people)
    # registered through the registration service (one audited import)
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "registration.import")) == 1


def test_team_standings_are_the_best_three_of_four_plus_the_team_round(demo):
    t = trade(TEAM_TRADE)
    rule = team_rule(t)
    assert (rule.method, rule.best_of) == ("best", 3)
    stage = t.stages[0]
    ts = trade_standings(t, stage)
    totals = {}
    # the members are ranked among themselves; the teams' own rounds apart
    assert ts.team_rounds is not None and len(ts.team_rounds.rows) == 40
    assert all(e.contestant_id is not None for e in ts.entries.values())
    for standings, entries in ((ts.standings, ts.entries), (ts.team_rounds, ts.team_entries)):
        for row in standings.rows:
            e = entries[row.entry]
            assert row.complete and row.rank is not None       # the written stage is over
            totals[("team", e.team_id) if e.team_id else ("member", e.contestant_id)] = \
                row.total
    rows = team_table(t, stage)
    assert len(rows) == 40
    by_name = {x.name: x for x in db.session.scalars(select(Team).where(Team.trade_id == t.id))}
    for r in rows:
        team = by_name[r["team"]]
        members = sorted((totals[("member", m.id)] for m in team.members), reverse=True)
        assert r["members_part"] == sum(members[:3], Decimal(0))
        assert r["rounds_part"] == totals[("team", team.id)]
        assert r["total"] == r["members_part"] + r["rounds_part"]
        assert len(r["counted"]) == 3
    assert [r["total"] for r in rows] == sorted((r["total"] for r in rows), reverse=True)
    assert rows[0]["rank"] == 1


def test_the_quiz_bracket_is_under_way_seeded_by_the_written_stage(demo, client):
    t = trade(QUIZ_TRADE)
    stage = db.session.scalar(select(Stage).where(Stage.trade_id == t.id))
    bracket = db.session.scalar(select(Bracket).where(Bracket.stage_id == stage.id))
    assert bracket.format == "groups_knockout" and bracket.settings["third_place"]
    entries = db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)).all()
    assert len(entries) == 40 and all(e.team_id and e.lot_number for e in entries)
    # seed 1 is the best team of the written stage
    best = team_table(trade(TEAM_TRADE), trade(TEAM_TRADE).stages[0])[0]["team"]
    assert bsvc.seeded_entries(stage)[0].team.name == best
    matches = db.session.scalars(select(Match).where(Match.bracket_id == bracket.id)).all()
    groups = [m for m in matches if m.group_name]
    ko = [m for m in matches if not m.group_name]
    assert len(groups) == 80 and all(m.status == "done" for m in groups)   # 8 groups of 5
    assert len(ko) == 16                                # 8 + 4 + 2 + final + third place
    assert all(m.status == "done" for m in ko if m.round == 1)
    assert sum(m.status == "done" for m in ko if m.round == 2) == 2
    assert all(m.status == "pending" for m in ko if m.round >= 3)
    view = client.get(f"/brackets/{bracket.id}.json").get_json()
    assert view["champion"] is None and len(view["groups"]) == 8
    # next to play: two quarter-finals and the semi-final of the two played ones
    assert sum(m["ready"] for r in view["rounds"] for m in r["matches"]) == 3
    page = client.get(f"/screen/bracket/{bracket.id}").get_data(as_text=True)
    assert best in page or view["groups"][0]["table"][0]["name"] in page
    # every result went through the service: one audit row each
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "match.result")) == 80 + 8 + 2


def test_the_quiz_chief_judge_may_enter_the_next_result(demo, client, auth):
    bracket = db.session.scalar(select(Bracket))
    auth.login(f"chief_{QUIZ_TRADE}", PASSWORDS["chief"])
    assert client.get(f"/brackets/{bracket.id}").status_code == 200
    view = bsvc.bracket_view(bracket)
    ready = next(m for r in view["rounds"] for m in r["matches"] if m["ready"])
    resp = client.post(f"/brackets/matches/{ready['id']}/result",
                       data={"score_a": "150", "score_b": "120"})
    assert resp.status_code == 303
    assert db.session.get(Match, ready["id"]).status == "done"


def test_front_page_and_admin_still_list_the_41_skill_trades(demo, app, client, auth):
    import tomllib
    names = [tomllib.loads(p.read_text(encoding="utf-8"))["trade"]["name"]
             for p in sorted(Path(app.config["RULES_DIR"]).glob("*.toml"))]
    assert len(names) == 41
    front = client.get("/").get_data(as_text=True)
    auth.login("admin", PASSWORDS["organiser"])
    admin = client.get("/admin/").get_data(as_text=True)
    for page in (front, admin):
        assert all(n in page for n in names)
        assert trade(TEAM_TRADE).name in page and trade(QUIZ_TRADE).name in page


def test_idempotent_and_reset_rebuilds_the_team_side(demo, runner):
    models = (Team, Contestant, Entry, Bracket, Match, Stage, Trade)
    before = tuple(count(m) for m in models)
    again = runner.invoke(args=["demo"])
    assert "already loaded" in again.output
    assert tuple(count(m) for m in models) == before
    reset = runner.invoke(args=["demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert tuple(count(m) for m in models) == before      # old rows gone, new ones built
    assert db.session.scalar(select(func.count(Match.id)).where(Match.status == "done")) == 90


def test_teams_get_the_rules_awards_along_the_team_ranking_and_individuals_their_own(demo):
    """The safety contest's written stage: the team rounds are not ranked among the
    individuals (they took every prize before); teams get awards along the team ranking."""
    t = trade(TEAM_TRADE)
    ts = trade_standings(t, t.stages[0])
    firsts = [r for r in ts.standings.rows if r.rank == 1]
    assert firsts and all(ts.entries[r.entry].contestant_id is not None for r in firsts)
    awarded_people = [r for r in ts.standings.rows if r.award]
    assert awarded_people and all(ts.entries[r.entry].team_id is None
                                  for r in awarded_people)
    rows = team_table(t, t.stages[0])
    assert rows[0]["rank"] == 1 and rows[0]["award"] is not None
    assert rows[-1]["award"] is None or rows[-1]["rank"] > rows[0]["rank"]
