"""`flask --app competition export ...`: every document from the command line.

    export certificates --trade CODE --out FILE.pdf   (issues missing certificates first)
    export certificates --all --out FILE.pdf
    export results --out FILE.xlsx [--trade CODE]  (several stages: overall + a sheet each)
    export bulletin --trade CODE --out FILE.pdf [--stage 初赛] [--published-on 2026-11-25]
                    [--appeal-deadline "2026年11月28日17:00"] [--appeal-to "大赛仲裁组"]
    export score-sheets --heat ID --out FILE.pdf
    export sample-certificate --out FILE.pdf [--layout LAYOUT.json]
    export clean-jobs [--days 7]       (delete old background jobs' files)
    export report FILE.pdf             (赛事总结: the event report)
    export tickets FILE.pdf [--trade CODE]   (准考证: admission tickets)
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..models import Heat


def _competition(code: str | None):
    from ..services.queries import current_competition
    comp = current_competition(code)
    if comp is None:
        raise click.ClickException("no competition" + (f" with code {code}" if code else ""))
    return comp


def _trade(comp, code: str):
    from ..services.queries import trade_by_code
    trade = trade_by_code(comp, code)
    if trade is None:
        raise click.ClickException(f"no trade {code!r} in {comp.code}; trades: "
                                   + ", ".join(t.code for t in comp.trades))
    return trade


competition_option = click.option("--competition", "competition_code", default=None,
                                  help="Competition code (default: the newest).")
out_option = click.option("--out", type=click.Path(dir_okay=False, writable=True),
                          required=True, help="File to write.")


@click.group("export")
def export_cli() -> None:
    """Certificates, results workbook, bulletins and blank score sheets."""


@export_cli.command("certificates")
@click.option("--trade", "trade_code", help="Trade code; or --all.")
@click.option("--all", "all_trades", is_flag=True, help="Every trade of the competition.")
@click.option("--no-issue", is_flag=True, help="Print existing certificates only.")
@competition_option
@out_option
@with_appcontext
def certificates_cmd(trade_code, all_trades, no_issue, competition_code, out):
    """Issue the missing certificates, then print every current one into one PDF."""
    from ..services import documents as svc
    if bool(trade_code) == bool(all_trades):
        raise click.UsageError("give --trade CODE or --all")
    comp = _competition(competition_code)
    trade = _trade(comp, trade_code) if trade_code else None
    if not no_issue:
        for t in [trade] if trade else comp.trades:
            try:
                issued = _with_rule(lambda: svc.issue_certificates(t, None), t)  # noqa: B023
            except svc.DocumentError as err:
                raise click.ClickException(str(err)) from None
            if issued:
                click.echo(f"{t.code}: issued {len(issued)} certificate(s)")
    certs = svc.current_certificates(trade=trade, comp=comp)
    with click.progressbar(length=len(certs), label="certificates") as bar:
        done = [0]

        def progress(n):
            bar.update(n - done[0])
            done[0] = n
        try:
            pages = svc.write_certificates(certs, comp, out, progress=progress)
        except svc.DocumentError as err:
            raise click.ClickException(str(err)) from None
    click.echo(f"{pages} certificate(s) written to {out}")


@export_cli.command("sample-certificate")
@click.option("--layout", "layout_file", type=click.File("r", encoding="utf-8"),
              help="A JSON file of layout overrides to try (default: the saved layout).")
@competition_option
@out_option
@with_appcontext
def sample_certificate_cmd(layout_file, competition_code, out):
    """A fictional certificate, to check a layout on pre-printed paper."""
    import json

    import pydantic

    from ..services import documents as svc
    from ..services.certificates import problems
    comp = _competition(competition_code)
    try:
        overrides = json.load(layout_file) if layout_file else None
        svc.sample_certificate(comp, out, overrides)
    except json.JSONDecodeError as err:
        raise click.ClickException(f"{layout_file.name}: not valid JSON: {err}") from None
    except pydantic.ValidationError as err:
        raise click.ClickException(f"layout not valid: {problems(err)}") from None
    except svc.DocumentError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"sample certificate written to {out}")


def _with_rule(fn, trade):
    from ..rules import RuleError
    try:
        return fn()
    except RuleError as err:
        click.echo(f"{trade.code}: skipped, its rule is not valid: {err}", err=True)
        return None


@export_cli.command("results")
@click.option("--trade", "trade_code", default=None, help="Only this trade.")
@competition_option
@out_option
@with_appcontext
def results_cmd(trade_code, competition_code, out):
    """The results workbook (成绩表) of the competition, or of one trade. A trade run in
    several stages gets its overall ranking and a sheet per stage."""
    from ..services import documents as svc
    comp = _competition(competition_code)
    if trade_code:
        svc.write_trade_workbook(_trade(comp, trade_code), out)
    else:
        svc.write_results_workbook(comp, out)
    click.echo(f"results workbook written to {out}")


def _stage(trade, wanted: str | None):
    """The trade's stage named ``wanted`` (its name, e.g. 初赛, or its number), or None."""
    if not wanted:
        return None
    for stage in trade.stages:
        if wanted in (stage.name, str(stage.seq)):
            return stage
    raise click.ClickException(f"no stage {wanted!r} in {trade.code}; stages: "
                               + ", ".join(f"{s.seq} {s.name}" for s in trade.stages))


@export_cli.command("bulletin")
@click.option("--trade", "trade_code", required=True)
@click.option("--published-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--appeal-deadline", default=None, help="Text, e.g. 2026年11月28日17:00")
@click.option("--appeal-to", default=None, help="Who takes appeals, e.g. 大赛仲裁组（302室）")
@click.option("--stage", "stage_name", default=None,
              help="A stage's name or number (default: the stage on the screens).")
@competition_option
@out_option
@with_appcontext
def bulletin_cmd(trade_code, published_on, appeal_deadline, appeal_to, stage_name,
                 competition_code, out):
    """The results bulletin (成绩公示) of a trade (of one of its stages)."""
    from ..rules import RuleError
    from ..services import documents as svc
    trade = _trade(_competition(competition_code), trade_code)
    stage = _stage(trade, stage_name)
    try:
        svc.write_bulletin(trade, out, published_on=published_on.date() if published_on
                           else None, appeal_deadline=appeal_deadline, appeal_to=appeal_to,
                           stage=stage)
    except RuleError as err:
        raise click.ClickException(f"the rule of {trade.code} is not valid: {err}") from None
    click.echo(f"bulletin written to {out}")


@export_cli.command("score-sheets")
@click.option("--heat", "heat_id", type=int, required=True, help="Heat id.")
@out_option
@with_appcontext
def score_sheets_cmd(heat_id, out):
    """Blank judge score sheets (评分表) of a heat: a page (or more) per judge."""
    from ..services import documents as svc
    heat = db.session.get(Heat, heat_id)
    if heat is None:
        raise click.ClickException(f"no heat {heat_id}")
    pages = svc.write_score_sheets(heat, out)
    click.echo(f"{pages} page(s) of score sheets written to {out}")


@export_cli.command("clean-jobs")
@click.option("--days", type=click.FloatRange(min=0), default=None,
              help="Delete files of jobs finished more than this many days ago "
                   "(default: JOB_FILES_MAX_AGE_DAYS, 7).")
@with_appcontext
def clean_jobs_cmd(days):
    """Delete old background jobs' files in EXPORT_DIR/jobs (never a running job's)."""
    from datetime import timedelta

    from ..services import document_jobs as jobs
    deleted = jobs.clean_job_files(timedelta(days=days) if days is not None else None)
    for path in deleted:
        click.echo(f"deleted {path}")
    click.echo(f"{len(deleted)} old job file(s) deleted")


@export_cli.command("report")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@competition_option
@with_appcontext
def report_cmd(file, competition_code):
    """The event report (赛事总结) as one PDF: numbers by trade and employer, charts, judge
    consistency, training needs."""
    from exports.report import render_report

    from ..services.report import report_data
    comp = _competition(competition_code)
    trades = render_report(report_data(comp), file)
    click.echo(f"wrote {file}: {trades} trade(s)")


@export_cli.command("tickets")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--trade", "trade_code", default=None, help="Trade code (default: every trade).")
@click.option("--base-url", default=None,
              help="Address in the QR codes (default: PUBLIC_BASE_URL or this PC's LAN address).")
@competition_option
@with_appcontext
def tickets_cmd(file, trade_code, base_url, competition_code):
    """Admission tickets (准考证) of every seated contestant, two to an A4 page."""
    from exports.tickets import render_tickets

    from ..services.tickets import tickets_data
    comp = _competition(competition_code)
    trade = _trade(comp, trade_code) if trade_code else None
    tickets = tickets_data(comp, trade, base_url)
    with click.progressbar(length=len(tickets), label="tickets") as bar:
        done = [0]

        def progress(n):
            bar.update(n - done[0])
            done[0] = n
        render_tickets(tickets, file, progress=progress)
    click.echo(f"wrote {file}: {len(tickets)} ticket(s)")
