"""`flask --app competition create-competition` and `create-user`: a real event's first
steps from the server's command line."""
from __future__ import annotations

import os

import click


@click.command("create-competition")
@click.option("--code", required=True, help="A short code, e.g. C13-2026.")
@click.option("--name", required=True, help="e.g. 第十三届职工技能大赛")
@click.option("--year", required=True, type=int)
@click.option("--organiser", default="", help="The issuing bodies, as printed on certificates.")
@click.option("--trades", default="", help="Trade codes to include (default: every rule file).")
@click.option("--alongside-demo", is_flag=True,
              help="Create it even though this database holds the demo event (whose demo "
                   "accounts then still sign in). Normally: a new DATABASE_URL instead.")
def create_competition_command(code: str, name: str, year: int, organiser: str,
                               trades: str, alongside_demo: bool) -> None:
    """Create a real competition with its trades bound to the rule files (RULES_DIR)."""
    from flask_migrate import upgrade

    from ..services.errors import ServiceError
    from ..services.setup import create_competition
    upgrade()
    if not alongside_demo and _holds_the_demo():
        from flask import current_app
        path = os.path.join(current_app.instance_path, f"event{year}.sqlite")
        raise click.ClickException(_DEMO_DATABASE_MESSAGE.format(path=path))
    try:
        comp = create_competition(code, name, year, organiser,
                                  [t.strip() for t in trades.split(",") if t.strip()] or None)
    except ServiceError as exc:
        raise click.ClickException(f"{exc.field}: {exc.message}") from None
    click.echo(f"Created {comp.name} ({comp.code}) with {len(comp.trades)} trades.")
    click.echo("Next: flask --app competition create-user --username NAME --role organiser,"
               " then sign in and add stages, heats, judges and registrations.")


_DEMO_DATABASE_MESSAGE = (
    "This database holds the demo event: its accounts (admin / demo-admin, judges with "
    "PIN 1234) would sign in to the real competition too.\n"
    "  本数据库中已有演示比赛，演示账号（admin / demo-admin，裁判 PIN 1234）也能登录正式比赛。\n"
    "Use a new database for the real event / 正式比赛请使用新的数据库:\n"
    "  export DATABASE_URL=sqlite:///{path}\n"
    "  flask --app competition create-competition ...   (the same options again)\n"
    "and keep the same DATABASE_URL in the shell that runs the server "
    "(运行服务器时使用同一个 DATABASE_URL).\n"
    "To add it to this database anyway: --alongside-demo / 确需与演示比赛放在同一数据库：加 --alongside-demo")


def _holds_the_demo() -> bool:
    """The demo marks its competition by its code (demo.DEMO_CODE)."""
    from sqlalchemy import select

    from ..demo import DEMO_CODE
    from ..extensions import db
    from ..models import Competition
    found = db.session.scalar(select(Competition.id).where(Competition.code == DEMO_CODE))
    return found is not None


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(
    ["organiser", "chief_judge", "judge", "arbitration", "screen"]))
@click.option("--name", "display_name", default="")
@click.option("--employer", default="", help="The employer (单位); judges stand aside for its workers.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given.")
def create_user_command(username: str, role: str, display_name: str, employer: str, password: str) -> None:
    """Create an account from the server's command line (e.g. the first organiser)."""
    from flask_migrate import upgrade

    from ..services.users import UserError, create_user
    upgrade()
    try:
        user, _ = create_user(None, username, role, display_name, password, employer=employer)
    except UserError as exc:
        raise click.ClickException(f"{exc.field}: {exc}") from None
    click.echo(f"Created {user.role} account {user.username}.")
