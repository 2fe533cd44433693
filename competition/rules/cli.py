"""`flask --app competition rules ...`: check rule files, compute standings from a marks file.

This is the only module of competition/rules that touches Flask (for the app's RULES_DIR).
Other areas add their own commands to `rules_cli`.
"""
from __future__ import annotations

import csv
import io
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
    from . import check_paths
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
    from . import load_rule
    from .bounds import describe
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
    from . import RuleError, load_rule
    from .marks_file import read_marks
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
    roster = None
    if teams is not None:
        roster = _roster(rule, teams, team_method, best_of, team_tie_break)
    entries = list(dict.fromkeys([m.entry for m in marks] + _ids(absent) + _ids(disqualified)))
    standings = compute_standings(rule, marks, entries, disqualified=_ids(disqualified),
                                  lot_seed=lot_seed or None)
    if roster is None:
        click.echo(standings_csv(rule, standings, _remarks(rule, marks)), nl=False)
        return
    from ..brackets import TeamRule
    from .teams_file import team_csv
    click.echo(team_csv(standings, roster, TeamRule(team_method, best_of, missing_as_zero),
                        team_tie_break), nl=False)


def _roster(rule, path: Path, method: str, best_of: int | None,
            tie_break: tuple[str, ...]) -> dict[str, list[str]]:
    """The roster, or every problem on stderr and exit 1."""
    from .teams_file import read_roster
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


def _remarks(rule, marks) -> dict[str, str] | None:
    """entry -> "crit#attempt: judges; ..." for the panels that must re-mark under a
    judged criterion's max_spread; None when the rule sets no spread limit."""
    from ..scoring.transform import remark_needed
    watched = {c.id for c in rule.criteria if getattr(c, "max_spread", None) is not None}
    if not watched:
        return None
    panels: dict[tuple, list] = {}
    for m in marks:
        if m.criterion in watched:
            panels.setdefault((m.entry, m.criterion, m.attempt), []).append((m.judge, m.value))
    out: dict[str, list[str]] = {}
    for (entry, crit, attempt), pairs in panels.items():
        verdict = remark_needed(rule, crit, pairs)
        if verdict.must_remark:
            out.setdefault(entry, []).append(f"{crit}#{attempt}: {' '.join(verdict.outside)}")
    return {e: "; ".join(v) for e, v in out.items()}


def standings_csv(rule, standings, remarks: dict[str, str] | None = None) -> str:
    """rank, contestant, total, award, one column per component, one per criterion; then
    titles (joined by "; "), status (ok | disqualified | absent), complete (yes | no), one
    column per component group (group ids prefixed "group:") and, when the rule rounds
    them (contribution_decimals), each component's weighted contribution ("weighted:");
    then `capped` (the parts held to their bounds on that row, "; "-joined), `lot` when
    the tie-break ends with a lot ("yes": the rank was decided by lot; "pending": tied,
    no seed), one `crit@N` column per attempt of each criterion with attempts > 1 and,
    given `remarks` (a rule with max_spread), a `remark` column: the panels that must
    re-mark, with the judges outside the spread ("b#1: x1")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    comps = [c.id for c in rule.components]
    crits = [c.id for c in rule.criteria]
    groups = [g.id for g in rule.groups]
    weighted = comps if rule.scoring.contribution_decimals is not None else []
    by_lot = bool(rule.scoring.tie_break) and rule.scoring.tie_break[-1].strip() == "lot"
    tries = [(c.id, a) for c in rule.criteria if c.attempts > 1
             for a in range(1, c.attempts + 1)]
    writer.writerow(["rank", "contestant", "total", "award", *comps, *crits,
                     "titles", "status", "complete", *(f"group:{g}" for g in groups),
                     *(f"weighted:{c}" for c in weighted), "capped",
                     *(["lot"] if by_lot else []), *(f"{c}@{a}" for c, a in tries),
                     *(["remark"] if remarks is not None else [])])
    pending = {e for d in standings.lots if not d.decided for e in d.entries}
    for row in standings.rows:
        rank = row.rank if row.rank is not None else row.status
        lot = "yes" if row.by_lot else ("pending" if row.entry in pending else "")
        writer.writerow([rank, row.entry, row.total, row.award or "",
                         *(row.components.get(c, "") for c in comps),
                         *(row.criteria.get(c, "") for c in crits),
                         "; ".join(row.titles), row.status, "yes" if row.complete else "no",
                         *(row.groups.get(g, "") for g in groups),
                         *(row.contributions.get(c, "") for c in weighted),
                         "; ".join(row.capped), *([lot] if by_lot else []),
                         *(_attempt_points(row, c, a) for c, a in tries),
                         *([remarks.get(row.entry, "")] if remarks is not None else [])])
    return out.getvalue()


def _attempt_points(row, crit: str, attempt: int) -> str:
    """One attempt's points (factor and rounding applied); a relative time's raw value."""
    got = row.attempts.get(crit, {}).get(attempt)
    if got is None:
        return ""
    points, raw = got
    return str(points if points is not None else raw)
