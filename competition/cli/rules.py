"""`flask --app competition rules ...`: check rule files, compute standings from a marks file,
write a rule as a marking-scheme workbook and read one back.

The shell over competition/rules (which imports no Flask): this module reads the app's
RULES_DIR; the CSV it prints comes from competition/scoring/standings_csv.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

rules_cli = click.Group("rules", help="Check scoring rule files and compute standings.")


@rules_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--bounds", is_flag=True, help="Also print what every component and criterion "
              "can score and how a component is held (floored at 0, capped at max).")
@with_appcontext
def check_command(paths: tuple[Path, ...], bounds: bool) -> None:
    """Validate rule files (default: the app's RULES_DIR). Prints `file:line: field: problem`
    for every problem and exits 1, or prints "N rules valid"."""
    from ..rules import check_paths
    if not paths:
        from flask import current_app
        paths = (Path(current_app.config["RULES_DIR"]),)
    valid, problems = check_paths(paths)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s); {valid} rules valid", err=True)
        sys.exit(1)
    if bounds:
        _print_bounds(paths)
    click.echo(f"{valid} rules valid")


def _print_bounds(paths: tuple[Path, ...]) -> None:
    from ..rules import load_rule
    from ..rules.bounds import describe
    for path in paths:
        for file in (sorted(path.glob("*.toml")) if path.is_dir() else [path]):
            click.echo(f"{file}:")
            for line in describe(load_rule(file)):
                click.echo(f"  {line}")


def _ids(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma-separated lists alike: -d A01 -d A02 or -d A01,A02."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@rules_cli.command("compute")
@click.argument("rule_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("marks_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--disqualified", "-d", multiple=True, metavar="IDS",
              help="Contestants disqualified by the organisers (no rank, no award).")
@click.option("--absent", "-a", multiple=True, metavar="IDS",
              help="Contestants listed but without marks (shown as absent).")
@click.option("--teams", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Roster (CSV or xlsx: team, contestant): print team standings instead.")
@click.option("--team-method", type=click.Choice(["sum", "mean", "best"]), default="sum",
              show_default=True, help="How members' totals make the team's score.")
@click.option("--best-of", type=click.IntRange(min=1), help="With --team-method best: k.")
@click.option("--missing-as-zero", is_flag=True,
              help="With --team-method mean: a member without a total counts as 0.")
@click.option("--team-tie-break", multiple=True, metavar="COMPONENT",
              help="Equal team totals: the counted members' sum of this component, "
                   "higher first (repeatable, in order).")
@click.option("--lot-seed", metavar="SEED",
              help="The recorded seed for ties decided by lot (tie_break ending in \"lot\").")
def compute_command(rule_file: Path, marks_file: Path, disqualified: tuple[str, ...],
                    absent: tuple[str, ...], teams: Path | None, team_method: str,
                    best_of: int | None, missing_as_zero: bool,
                    team_tie_break: tuple[str, ...], lot_seed: str | None) -> None:
    """Print CSV standings for the marks in MARKS_FILE (CSV or xlsx; long form: contestant,
    criterion, attempt, judge, value; or wide form: contestant and one column per mark,
    headed address[judge]#attempt). Any bad row: every bad row on stderr, exit 1."""
    from ..rules import RuleError, load_rule
    from ..rules.marks_file import read_marks
    try:
        rule = load_rule(rule_file)
    except RuleError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    marks, errors = read_marks(rule, marks_file)
    if errors:
        for error in errors:
            click.echo(error, err=True)
        sys.exit(1)
    from ..scoring import compute_standings
    from ..scoring.standings_csv import panel_remarks, standings_csv
    roster = None
    if teams is not None:
        roster = _roster(rule, teams, team_method, best_of, team_tie_break)
    entries = list(dict.fromkeys([m.entry for m in marks] + _ids(absent) + _ids(disqualified)))
    standings = compute_standings(rule, marks, entries, disqualified=_ids(disqualified),
                                  lot_seed=lot_seed or None)
    if roster is None:
        click.echo(standings_csv(rule, standings, panel_remarks(rule, marks)), nl=False)
        return
    from ..brackets import TeamRule
    from ..rules.teams_file import team_csv
    click.echo(team_csv(standings, roster, TeamRule(team_method, best_of, missing_as_zero),
                        team_tie_break), nl=False)


def _roster(rule, path: Path, method: str, best_of: int | None,
            tie_break: tuple[str, ...]) -> dict[str, list[str]]:
    """The roster, or every problem on stderr and exit 1."""
    from ..rules.teams_file import read_roster
    roster, errors = read_roster(path)
    if method == "best" and best_of is None:
        errors.append("--team-method best needs --best-of K")
    known = [c.id for c in rule.components]
    errors += [f"--team-tie-break: unknown component '{ref}' (one of: {', '.join(known)})"
               for ref in tie_break if ref not in known]
    if errors:
        for error in errors:
            click.echo(error, err=True)
        sys.exit(1)
    return roster


@rules_cli.command("export-scheme")
@click.argument("rule_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--competition", default=None, help="Competition name for the title line.")
def export_scheme_cmd(rule_file: Path, out: Path, competition: str | None) -> None:
    """Write RULE_FILE as a marking-scheme workbook (评分细则表) OUT.xlsx."""
    from ..rules import RuleError
    from ..rules.scheme_xlsx import save_scheme
    try:
        save_scheme(rule_file.read_text(encoding="utf-8"), out, competition)
    except RuleError as exc:
        for problem in exc.problems:
            click.echo(str(problem).replace("<string>", str(rule_file)), err=True)
        sys.exit(1)
    click.echo(f"wrote {out}")


@rules_cli.command("import-scheme")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def import_scheme_cmd(workbook: Path, out: Path) -> None:
    """Read a marking-scheme workbook back into rule text OUT.toml."""
    from ..rules.scheme_xlsx import SchemeError, import_scheme
    try:
        text = import_scheme(workbook)
    except SchemeError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")
