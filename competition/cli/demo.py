"""`flask --app competition demo`: load the fictional demo event (competition/demo.py)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..demo import BIG_TRADE_SIZE, DemoSize, load_demo
from ..demo_people import PASSWORDS
from ..extensions import db
from ..models import Contestant


@click.command("demo")
@click.option("--contestants", type=int, default=None,
              help="Total contestants for a full-scale event (e.g. 10000).")
@click.option("--reset", is_flag=True, help="Remove the demo event first and rebuild it.")
@click.option("--no-marks", is_flag=True, help="Leave every score sheet empty.")
@with_appcontext
def demo_command(contestants: int | None, reset: bool, no_marks: bool) -> None:
    """Create the database tables (migrations) and load the fictional demo event."""
    from flask_migrate import upgrade
    upgrade()
    size = DemoSize(marks=not no_marks)
    if contestants:
        n_rules = max(1, len(list(Path(current_app.config["RULES_DIR"]).glob("*.toml"))))
        size.big = max(BIG_TRADE_SIZE, contestants // 10)
        size.small = max(1, (contestants - size.big) // max(1, n_rules - 1))
    from ..rules import RuleError
    try:
        comp, created = load_demo(size, reset=reset)
    except RuleError as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            "the rule files above do not validate; nothing was loaded") from None
    if not created:
        click.echo(f"The demo event is already loaded ({comp.name}); nothing changed. "
                   "Use --reset to rebuild it.")
        return
    n = db.session.scalar(select(db.func.count(Contestant.id))
                          .where(Contestant.competition_id == comp.id))
    click.echo(f"Loaded {comp.name}: {len(comp.trades)} trades, {n} fictional contestants.")
    click.echo("Demo accounts (fictional; change them before a real event):")
    click.echo(f"  organiser      admin / {PASSWORDS['organiser']}")
    click.echo(f"  chief judges   chief_<trade code> / {PASSWORDS['chief']}   e.g. chief_lathe")
    click.echo(f"  judges         <trade code>_j1, _j2 ... / PIN {PASSWORDS['judge']}   e.g. lathe_j1")
    click.echo(f"  arbitration    arbitration / {PASSWORDS['arbitration']}")
    click.echo(f"  LED screens    screen / {PASSWORDS['screen']}")
    from ..demo_teams import QUIZ_TRADE
    click.echo(f"Team trades (安全生产和劳动保护知识竞赛): 40 teams of 4; the quiz bracket is on "
               f"/brackets/ (chief_{QUIZ_TRADE}) and the LED page /screen/bracket/<id>.")
