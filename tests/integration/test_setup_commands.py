"""A real event without the demo: create the competition and the first organiser."""
from sqlalchemy import select

from competition.extensions import db
from competition.models import Competition, Trade, User


def test_create_competition_binds_every_rule_file_as_a_trade(runner, app):
    from pathlib import Path
    result = runner.invoke(args=["create-competition", "--code", "C13", "--name", "第十三届职工技能大赛",
                                 "--year", "2026", "--organiser", "示例县总工会"])
    assert result.exit_code == 0, result.output
    comp = db.session.scalar(select(Competition).where(Competition.code == "C13"))
    assert len(comp.trades) == len(list(Path(app.config["RULES_DIR"]).glob("*.toml")))
    lathe = db.session.scalar(select(Trade).where(Trade.code == "lathe"))
    assert lathe.name == "车工" and "[trade]" in lathe.rule_text


def test_create_competition_with_chosen_trades_and_a_clear_error_for_unknown_ones(runner):
    ok = runner.invoke(args=["create-competition", "--code", "S1", "--name", "技能比武",
                             "--year", "2026", "--trades", "lathe,welder"])
    assert ok.exit_code == 0, ok.output
    assert {t.code for t in db.session.scalars(select(Trade))} == {"lathe", "welder"}
    bad = runner.invoke(args=["create-competition", "--code", "S2", "--name", "技能比武",
                              "--year", "2026", "--trades", "lathe,excavator"])
    assert bad.exit_code != 0 and "excavator" in bad.output
    assert db.session.scalar(select(Competition).where(Competition.code == "S2")) is None
    again = runner.invoke(args=["create-competition", "--code", "S1", "--name", "x", "--year", "2026"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_the_first_organiser_is_created_from_the_command_line_and_can_sign_in(runner, auth):
    result = runner.invoke(args=["create-user", "--username", "zhang", "--role", "organiser",
                                 "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "zhang")).role == "organiser"
    response = auth.login("zhang", "s3cret-pass")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
