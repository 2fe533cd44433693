"""Results into documents: the results workbook, bulletins and blank score sheets; and
(re-exported from services.certificates) the certificates.

The generators in exports/ are pure; this module turns the database and the standings
(services.standings.trade_standings) into their plain data.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import select

from exports.data import (BulletinData, Column, JudgeMark, ResultRow, ResultsData,
                          ScoreSheetData, TradeResults, chinese_date)

from ..extensions import db
from ..models import Competition, Entry, Heat, Mark, Trade, User
from .certificates import (  # noqa: F401  (one import for the web layer and the CLI)
    Awarded, DocumentError, Verification, _font_path, awarded, base_url, certificate_data,
    certificate_layout, current_certificates, export_dir, issue_certificates,
    reissue_certificate, sample_certificate, save_certificate_layout, serial_prefix,
    split_bodies, verify, verify_url, void_certificate, write_certificates,
)
from .rules import rule_for
from .standings import trade_standings

log = logging.getLogger(__name__)
STATUS_TEXT = {"disqualified": "取消资格", "absent": "缺考"}


# --- results as plain data ---------------------------------------------------------------

def trade_results(trade: Trade, *, with_marks: bool = False) -> TradeResults:
    """The trade's standings as exports.data.TradeResults, in rank order (unranked last).
    Raises competition.rules.RuleError if the trade's rule does not validate."""
    ts = trade_standings(trade)
    rule = rule_for(trade)
    crits = [c for c in rule.criteria]
    rows = []
    for row in ts.standings.rows:
        entry = ts.entries.get(row.entry)
        if entry is None:
            continue
        ok = row.status == "ok"
        rows.append(ResultRow(
            rank=row.rank, lot=entry.lot_number or "", name=entry.display_name,
            employer=entry.employer,
            criteria={c.id: row.criteria.get(c.id) for c in crits} if ok else {},
            components=dict(row.components) if ok else {},
            total=row.total if ok else None, award=row.award,
            title="、".join(row.titles) or None, status=STATUS_TEXT.get(row.status, "")))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.lot))
    # plain values now: a commit before the marks are read would expire the entries
    who = {int(k): (e.lot_number or "", e.display_name) for k, e in ts.entries.items()}
    marks = (_judge_marks(ts.stage.id, who, rule) if with_marks and ts.stage is not None
             else ())
    published = _local(trade.results_published_at).date() if trade.results_published_at else None
    return TradeResults(
        code=trade.code, name=trade.name, stage=ts.stage.name if ts.stage else "",
        criteria=[Column(c.id, c.name, c.max) for c in crits],
        components=[Column(c.id, c.name, c.max) for c in rule.components],
        rows=rows, marks=marks, published_at=published)


def _judge_marks(stage_id: int, who: dict[int, tuple[str, str]], rule
                 ) -> Iterable[JudgeMark]:
    """Every mark of the stage's entries in ``who`` (entry id -> lot, name), read lazily
    while the workbook is written."""
    names = {c.id: c.name for c in rule.criteria}
    for c in rule.criteria:
        for sub in (getattr(c, "items", None) or []):
            names[f"{c.id}.{sub.id}"] = f"{c.name} / {sub.name}"
        for sub in (getattr(c, "violations", None) or []):
            names[f"{c.id}.{sub.code}"] = f"{c.name} / {sub.name}"
    q = (select(Mark.entry_id, Mark.criterion, Mark.value, Mark.attempt, User.display_name,
                User.username)
         .join(Entry, Entry.id == Mark.entry_id).join(User, User.id == Mark.judge_id)
         .where(Entry.stage_id == stage_id)
         .order_by(Entry.lot_number, Mark.criterion, Mark.attempt, User.username))
    for r in db.session.execute(q):
        if r.entry_id not in who:
            continue
        lot, name = who[r.entry_id]
        yield JudgeMark(lot, name, names.get(r.criterion, r.criterion),
                        r.display_name or r.username, r.value, r.attempt)


def results_data(comp: Competition, progress=None) -> ResultsData:
    """Every trade of the competition whose rule validates (the others are skipped and
    logged) as a results workbook's data. ``progress(n)`` after each trade's standings."""
    from ..rules import RuleError
    trades = []
    for n, trade in enumerate(comp.trades, start=1):
        try:
            trades.append(trade_results(trade, with_marks=True))
        except RuleError as err:
            log.warning("results workbook: trade %s skipped: %s", trade.code, err)
        if progress:
            progress(n)
    return ResultsData(comp.name, trades, comp.organiser,
                       _local(datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M"))


def _local(moment: datetime) -> datetime:
    """A stored time in the venue's time zone (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai by
    default), not the server's: a Debian server often runs on UTC, which put the workbook's
    "generated at" and a heat's start 8 hours early, and dates a day off after 16:00 UTC."""
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context
    name = (current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None)
    if moment.tzinfo is None:   # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(name or "Asia/Shanghai"))


def write_results_workbook(comp: Competition, out, data: ResultsData | None = None) -> None:
    from exports.workbooks import write_results_workbook as write
    write(data or results_data(comp), out)


# --- bulletins and score sheets ----------------------------------------------------------

def bulletin_data(trade: Trade, published_on: date | None = None,
                  appeal_deadline: str | None = None, appeal_to: str | None = None
                  ) -> BulletinData:
    """The trade's bulletin; defaults from Competition.settings["bulletin"]
    ({"appeal_days": 3, "appeal_to": "...", "issuer": "..."})."""
    comp = trade.competition
    conf = (comp.settings or {}).get("bulletin", {})
    published_on = published_on or (_local(trade.results_published_at).date()
                                    if trade.results_published_at else date.today())
    if not appeal_deadline:
        due = published_on + timedelta(days=int(conf.get("appeal_days", 3)))
        appeal_deadline = f"{chinese_date(due)}{conf.get('appeal_time', '17:00')}"
    return BulletinData(
        competition=comp.name, trade=trade_results(trade), published_on=published_on,
        appeal_deadline=appeal_deadline,
        appeal_to=appeal_to or conf.get("appeal_to") or "大赛仲裁组",
        issuer=conf.get("issuer") or f"{comp.name}组委会")


def write_bulletin(trade: Trade, out, **kw) -> None:
    from exports.sheets import render_bulletin
    render_bulletin(bulletin_data(trade, **kw), out, font_path=_font_path())


def score_sheet_data(heat: Heat) -> ScoreSheetData:
    """Blank sheets of a heat: its lots (never names), the criteria judges enter, one
    sheet per assigned judge with only their criteria (or one unnamed sheet)."""
    from exports.sheets import sheet_columns
    trade = heat.stage.trade
    rule = rule_for(trade)
    entries = sorted((e for e in heat.entries if e.status != "withdrawn"),
                     key=lambda e: (e.lot_number or "", e.workstation or 0))
    judges, judge_columns = [], {}
    for a in sorted(heat.assignments, key=lambda a: a.user.username):
        label = a.user.display_name or a.user.username
        judges.append(label)
        if a.criteria:
            judge_columns[label] = list(a.criteria)
    starts = _local(heat.starts_at).strftime("%Y-%m-%d %H:%M") if heat.starts_at else ""
    return ScoreSheetData(
        competition=trade.competition.name, trade=trade.name, stage=heat.stage.name,
        heat=heat.name, venue=heat.venue, starts_at=starts, judges=judges,
        lots=[e.lot_number or f"工位{e.workstation}" for e in entries],
        columns=sheet_columns(rule.criteria), judge_columns=judge_columns,
        notes=["请用黑色签字笔填写；涂改处须裁判签字确认。本表为网络故障时的纸质备用评分表，"
               "须交裁判长录入系统。"])


def write_score_sheets(heat: Heat, out) -> int:
    from exports.sheets import render_score_sheets
    return render_score_sheets(score_sheet_data(heat), out, font_path=_font_path())
