"""`flask --app competition registration template OUT.xlsx` and
`flask --app competition registration import FILE.xlsx [--good-only]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("registration")
def registration_cli():
    """Sign-up sheets: the template and importing filled-in sheets."""


def _competition(code: str | None):
    from ..services.queries import current_competition
    comp = current_competition(code)
    if comp is None:
        raise click.ClickException("no competition (create one, e.g. flask demo)")
    return comp


@registration_cli.command("template")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--team", is_flag=True, help="add the 队名 column")
@click.option("--competition", "code", default=None, help="competition code (default: newest)")
@with_appcontext
def template_command(out: str, team: bool, code: str | None) -> None:
    """Write the sign-up template with the competition's trades to OUT."""
    from ..registration import template_workbook
    comp = _competition(code)
    data = template_workbook([t.name for t in comp.trades], team=team, title=f"{comp.name}报名表",
                             ladder=(comp.settings or {}).get("grade_ladder"))
    Path(out).write_bytes(data)
    click.echo(f"wrote {out} ({len(comp.trades)} trades)")


@registration_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--good-only", is_flag=True, help="import the good rows, skip the bad ones")
@click.option("--team", is_flag=True, help="a team sheet (队名 column required)")
@click.option("--trade", "default_trade", default=None, help="trade code for rows without one")
@click.option("--competition", "code", default=None, help="competition code (default: newest)")
@with_appcontext
def import_command(file: str, good_only: bool, team: bool, default_trade: str | None,
                   code: str | None) -> None:
    """Validate FILE and import it; with bad rows nothing is written unless --good-only."""
    from ..registration import SheetError
    from ..services import registration as svc
    comp = _competition(code)
    try:
        result = svc.import_sheet(comp, Path(file).read_bytes(), None, good_only=good_only,
                                  team=team, default_trade=default_trade,
                                  filename=Path(file).name)
    except SheetError as err:
        raise click.ClickException(str(err)) from None
    except svc.ImportRefused as err:
        _print_errors(err.report)
        raise click.ClickException(
            f"{len(err.report.bad_rows)} rows have errors; nothing was imported "
            "(fix the file, or use --good-only)") from None
    _print_errors(result.report)
    click.echo(f"imported {result.imported} contestants"
               + (f", skipped rows {', '.join(map(str, result.skipped_rows))}"
                  if result.skipped_rows else ""))


def _print_errors(report) -> None:
    for e in report.errors:
        click.echo(f"row {e.row} {e.header or e.column}: {e.message} [{e.value}]", err=True)
