"""The demo command: a fictional event, loaded once, with marks on the leaderboards."""
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Competition, Contestant, Mark, Trade, User


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_every_rule_file_as_a_trade_with_contestants_and_marks(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin / demo-admin" in result.output
    files = {p.name for p in __import__("pathlib").Path(app.config["RULES_DIR"]).glob("*.toml")}
    # every rule file of scoring_rules/ is a skill trade; the two other trades are the
    # safety contest's team trades, ruled by competition/demo_rules/ (test_demo_teams.py)
    bound = db.session.scalars(select(Trade.rule_file)).all()
    assert sorted(f for f in bound if f in files) == sorted(files)
    assert sorted(f for f in bound if f not in files) == ["safety_quiz.toml", "safety_team.toml"]
    assert db.session.scalar(select(func.count(Contestant.id))
                             .join(Trade).where(Trade.code == "lathe")) == 300
    assert count(Mark) > 0
    assert all(c.id_number.startswith("99") for c in db.session.scalars(select(Contestant)))


def test_running_the_demo_twice_duplicates_nothing(runner):
    runner.invoke(args=["demo"])
    before = (count(Competition), count(Trade), count(Contestant), count(Mark), count(User))
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "already loaded" in result.output
    assert (count(Competition), count(Trade), count(Contestant), count(Mark), count(User)) == before


def test_demo_reset_rebuilds_the_same_event(runner):
    runner.invoke(args=["demo"])
    before = (count(Trade), count(Contestant))
    result = runner.invoke(args=["demo", "--reset"])
    assert result.exit_code == 0, result.output
    assert (count(Trade), count(Contestant)) == before


def test_every_demo_score_sheet_that_was_started_is_complete(runner):
    """The demo generator fills every slot of every rule (a new criterion kind or slot
    that it does not know would leave sheets incomplete)."""
    from competition.services.standings import trade_standings
    runner.invoke(args=["demo"])
    incomplete = []
    for trade in db.session.scalars(select(Trade)):
        for row in trade_standings(trade).standings.rows:
            if row.status == "ok" and not row.complete:
                incomplete.append((trade.code, row.entry))
    assert incomplete == []
