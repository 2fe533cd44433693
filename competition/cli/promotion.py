"""`flask --app competition promotion check|propose|export`: promotion lists from the shell.

    flask --app competition promotion check competition/promotion_policies/
    flask --app competition promotion propose --trade lathe            # every trade without --trade
    flask --app competition promotion propose --confirm --user admin
    flask --app competition promotion export --out exports/ [--trade lathe]
    flask --app competition promotion set-policy my_policy.toml [--ladder eight]
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select


@click.group("promotion")
def promotion_cli() -> None:
    """Grade promotions (晋级): check policies, propose and confirm lists, export them."""


@promotion_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate policy files (default: every file in competition/promotion_policies)."""
    from ..promotion import PolicyError, load_policy_file
    from ..services.promotions import POLICY_DIR
    files = []
    for p in paths or (POLICY_DIR,):
        files += sorted(p.glob("*.toml")) if p.is_dir() else [p]
    bad = 0
    for f in files:
        try:
            policy = load_policy_file(f)
            click.echo(f"ok    {f.name}: {policy.name}")
        except PolicyError as err:
            bad += 1
            for problem in err.problems:
                click.echo(str(problem), err=True)
    if bad:
        raise click.ClickException(f"{bad} of {len(files)} policy files have problems")


def _competition(code: str | None):
    from ..services.queries import current_competition
    comp = current_competition(code)
    if comp is None:
        raise click.ClickException("no competition found")
    return comp


def _trades(comp, codes: tuple[str, ...]):
    if not codes:
        return list(comp.trades)
    by_code = {t.code: t for t in comp.trades}
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise click.ClickException(f"unknown trade code(s): {', '.join(missing)}")
    return [by_code[c] for c in codes]


@promotion_cli.command("propose")
@click.option("--competition", "comp_code", help="Competition code (default: the newest).")
@click.option("--trade", "trade_codes", multiple=True, help="Trade code; repeat for several.")
@click.option("--confirm", is_flag=True, help="Confirm each proposed list at once.")
@click.option("--user", "username", help="The organiser account confirming (with --confirm).")
@click.option("--reopen-reason", help="Reopen confirmed lists and propose them again.")
@click.option("--accept-unfinal", is_flag=True,
              help="With --confirm: confirm also the lists of trades whose results are not "
                   "final (heats not signed off, or not published); recorded in the audit log.")
@with_appcontext
def propose_command(comp_code, trade_codes, confirm, username, reopen_reason,
                    accept_unfinal) -> None:
    """Propose the promotion list of each trade from its current results."""
    from ..extensions import db
    from ..models import Role, User
    from ..promotion import PolicyError
    from ..rules import RuleError
    from ..services import promotions as svc
    comp = _competition(comp_code)
    user = None
    if confirm:
        user = db.session.scalar(select(User).where(User.username == (username or "")))
        if user is None or not user.has_role(Role.ORGANISER):
            raise click.ClickException("--confirm needs --user naming an organiser account")
    for trade in _trades(comp, trade_codes):
        try:
            lst = svc.propose(trade, user, reopen_reason)
            results = svc.results_state(trade)
            if confirm and lst.rows and not results.final and not accept_unfinal:
                why = [f"heats not signed off ({results.stage.name}): "
                       + ", ".join(results.unlocked)] if results.unlocked else []
                why += [] if results.published else ["results not published"]
                click.echo(f"{trade.code}: results not final ({'; '.join(why)}): proposed, "
                           "not confirmed (--accept-unfinal to confirm anyway)", err=True)
            elif confirm and lst.rows:     # a list promoting no one is confirmed too
                lst = svc.confirm(trade, user, results_not_final=None if results.final
                                  else results.problems())
        except (svc.PromotionError, RuleError) as err:
            click.echo(f"{trade.code}: {err}", err=True)
            continue
        except PolicyError as err:
            raise click.ClickException(str(err)) from None
        state = ("confirmed, no one promoted" if lst.confirmed_empty
                 else "confirmed" if lst.confirmed else "proposed" if lst.promoted
                 else "no one to promote")
        click.echo(f"{trade.code}\t{trade.name}\t{len(lst.promoted)} promoted of "
                   f"{len(lst.rows)}\t{state}")


@promotion_cli.command("export")
@click.option("--competition", "comp_code", help="Competition code (default: the newest).")
@click.option("--trade", "trade_code", help="One trade only (default: every trade).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the files (default: EXPORT_DIR/promotions).")
@with_appcontext
def export_command(comp_code, trade_code, out_dir) -> None:
    """Write the confirmed 晋级名单: xlsx (full ID numbers), xlsx (masked), PDF."""
    from flask import current_app

    from ..services import promotions as svc
    comp = _competition(comp_code)
    trade = _trades(comp, (trade_code,))[0] if trade_code else None
    out = out_dir or Path(current_app.config["EXPORT_DIR"]) / "promotions"
    try:
        files = svc.write_exports(comp, out, trade)
    except svc.PromotionError as err:
        raise click.ClickException(str(err)) from None
    for f in files:
        click.echo(str(f))


@promotion_cli.command("set-policy")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--competition", "comp_code", help="Competition code (default: the newest).")
@click.option("--ladder", type=click.Choice(["five", "eight"]), default=None,
              help="Also set the competition's grade ladder.")
@with_appcontext
def set_policy_command(path: Path, comp_code, ladder) -> None:
    """Validate a policy file and make it the competition's policy (a file shipped in
    competition/promotion_policies is referenced by name; any other file is stored as text)."""
    from ..promotion import PolicyError
    from ..services import promotions as svc
    comp = _competition(comp_code)
    shipped = path.resolve().parent == svc.POLICY_DIR.resolve()
    try:
        policy = svc.set_policy(comp, None, file=path.name if shipped else None,
                                text=None if shipped else path.read_text(encoding="utf-8"),
                                ladder=ladder, source=path.name)
    except (PolicyError, svc.PromotionError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{comp.code}: promotion policy is now {policy.name} ({path.name})")
