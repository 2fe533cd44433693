"""Results into documents: the results workbook, bulletins and blank score sheets; and
(re-exported from services.certificates) the certificates.

The generators in exports/ are pure; this module turns the database and the standings
(services.standings.trade_standings) into their plain data.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import select

from exports.data import (
    BulletinData,
    Column,
    JudgeMark,
    OverallRow,
    ResultRow,
    ResultsData,
    ScoreSheetData,
    TradeResults,
    chinese_date,
)

from ..extensions import db
from ..models import Competition, Entry, Heat, Mark, Stage, Trade, User
from ..timefmt import local_now, local_today, to_local
from .certificates import (  # noqa: F401  (one import for the web layer and the CLI)
    Awarded,
    DocumentError,
    Verification,
    _font_path,
    awarded,
    base_url,
    certificate_data,
    certificate_layout,
    current_certificates,
    export_dir,
    issue_certificates,
    reissue_certificate,
    sample_certificate,
    save_certificate_layout,
    serial_prefix,
    split_bodies,
    verify,
    verify_url,
    void_certificate,
    write_certificates,
)
from .panels import stage_counts
from .results import StageResult, overall, stage_result, stage_results
from .rules import rule_for
from .standings import default_stage

log = logging.getLogger(__name__)
STATUS_TEXT = {"disqualified": "取消资格", "absent": "缺考"}
NOT_SCORED = "待评分"   # "absent" in a stage nobody has been scored in yet
BY_LOT = "名次并列，抽签决定"   # a rank among equal entries decided by lot (scoring.lots)


# --- results as plain data ---------------------------------------------------------------

def trade_results(trade: Trade, stage: Stage | None = None, *,
                  with_marks: bool = False) -> TradeResults:
    """One stage's results (default: the trade's results stage, services.standings.
    default_stage) as exports.data.TradeResults, in rank order (unranked last). A stage
    followed by another decides who goes on, not the awards: its rows carry no award and
    the remark 晋级<next stage> for those who went on.
    Raises competition.rules.RuleError if the trade's rule does not validate."""
    stage = stage or default_stage(trade)
    if stage is None:
        return _results_of(trade, None, with_marks)
    return _results_of(trade, stage_result(trade, stage), with_marks)


def _results_of(trade: Trade, res: StageResult | None, with_marks: bool) -> TradeResults:
    if res is not None and res.stage.format == "bracket":   # matches, not marks
        from .bracket_standings import results_for
        from .draws import team_event
        out = results_for(trade, res)
        out.teams = team_event(trade)       # a team bracket's rows are teams (队名)
        return out
    rule = rule_for(trade)
    crits = [c for c in rule.criteria]
    rows = []
    ts = res.standings if res is not None else None
    went_on = f"晋级{res.next_stage.name}" if res is not None and res.next_stage else ""
    scored = ts is not None and _scored(ts.standings.rows)
    open_heats = set(open_heat_ids(res.stage)) if res is not None else set()
    for row in ts.standings.rows if ts is not None else ():
        entry = ts.entries.get(row.entry)
        if entry is None:
            continue
        ok = row.status == "ok"
        deciding = res.next_stage is None
        # no marks yet in a heat not signed off: not scored yet, not absent (缺考), unless
        # the stage is over because some went on to the next one
        pending = row.status == "absent" and entry.status != "absent" and (not scored or (
            (res.next_stage is None or not res.advanced) and entry.heat_id in open_heats))
        remark = NOT_SCORED if pending else STATUS_TEXT.get(row.status, "")
        if getattr(row, "by_lot", False):
            remark = "、".join(x for x in (remark, BY_LOT) if x)
        if row.entry in res.advanced:
            remark = "、".join(x for x in (remark, went_on) if x)
        rows.append(ResultRow(
            rank=row.rank, lot=entry.lot_number or "", name=entry.display_name,
            employer=entry.employer,
            criteria={c.id: row.criteria.get(c.id) for c in crits} if ok else {},
            components=dict(row.components) if ok else {},
            total=row.total if ok else None, award=row.award if deciding else None,
            title=("、".join(row.titles) or None) if deciding else None, status=remark))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.lot))
    # plain values now: a commit before the marks are read would expire the entries
    who = ({int(k): (e.lot_number or "", e.display_name) for k, e in ts.entries.items()}
           if ts is not None else {})
    marks = (_judge_marks(ts.stage.id, who, rule) if with_marks and ts is not None
             else ())
    published = _local(trade.results_published_at).date() if trade.results_published_at else None
    entered, expected = stage_counts(res.stage, rule) if res is not None else (None, None)
    return TradeResults(
        code=trade.code, name=trade.name, stage=res.stage.name if res is not None else "",
        criteria=[Column(c.id, c.name, c.max) for c in crits],
        components=[Column(c.id, c.name, c.max) for c in rule.components],
        rows=rows, marks=marks, published_at=published, marks_entered=entered,
        marks_expected=expected, lot_note=_lot_note(ts))


def _lot_note(ts) -> str:
    """How the bulletin's ties decided by lot can be re-verified: the seed (the stage's
    recorded draw seed) and the rule (scoring.lots: SHA-256 of "seed:entry id", smaller
    first), with the lot numbers in their drawn order."""
    draws = [d for d in (ts.standings.lots if ts is not None else ()) if d.decided]
    if not draws:
        return ""
    lots = {k: (e.lot_number or k) for k, e in ts.entries.items()}
    order = "；".join(f"第{d.rank}名并列：" + "、".join(f"{lots.get(e, e)}（编号{e}）"
                                                     for e in d.entries) for d in draws)
    return (f"名次并列，抽签决定（{order}，依次排列）。抽签种子：{draws[0].seed}"
            "（本阶段抽签记录的种子；复核：对每名选手计算 SHA-256(\u201c种子:选手编号\u201d)，"
            "数值小者在前）。")


def trade_workbook_results(trade: Trade, *, with_marks: bool = False) -> TradeResults:
    """The trade's part of the results workbook: its results stage's results and, when
    more than one stage has entrants, every stage's results and the overall ranking
    (the last stage first, then those eliminated earlier by their stage's results; see
    competition.stages_overall)."""
    results = stage_results(trade)
    if len(results) < 2:
        return trade_results(trade, with_marks=with_marks)
    current = default_stage(trade)
    per_stage = [_results_of(trade, r, with_marks) for r in results]
    main = next((p for r, p in zip(results, per_stage) if r.stage.id == current.id),
                per_stage[-1])
    # the detail sheet reads each stage's marks once; the trade's own line must not repeat
    main = TradeResults(main.code, main.name, main.stage, main.criteria, main.components,
                        main.rows, (), main.published_at, per_stage,
                        _overall_rows(results), main.marks_entered, main.marks_expected,
                        teams=main.teams)
    return main


def _scored(rows) -> bool:
    return any(r.rank is not None for r in rows)


def _overall_rows(results: list[StageResult]) -> list[OverallRow]:
    from .bracket_standings import bracket_row  # a bracket stage has places, no totals
    out = []
    last = len(results) - 1
    scored = [_scored(r.standings.standings.rows) for r in results]
    for line in overall(results):
        place, stage = line.place, results[line.place.stage].stage
        if place.rank is None and place.status == "absent" and not scored[place.stage] \
                and getattr(line.entry, "status", None) != "absent":
            remark = f"{stage.name}{NOT_SCORED}"
        elif place.rank is None:
            remark = f"{stage.name}{STATUS_TEXT.get(place.status, '')}"
        elif place.eliminated:
            remark = f"{stage.name}未晋级"
        else:
            remark = ""
        final_row = line.rows[last] if place.stage == last else None
        out.append(OverallRow(
            rank=place.rank, name=line.entry.display_name, employer=line.entry.employer,
            stages=[(r.rank, r.total if r.status == "ok" and not bracket_row(r) else None)
                    if r is not None else (None, None) for r in line.rows],
            award=final_row.award if final_row is not None else None,
            title=("、".join(final_row.titles) or None) if final_row is not None else None,
            remark=remark))
    return out


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
    for s in rule.slots():   # declared values (动作完成 (难度)) and units (合格件数 (件))
        if s.once_per_entry or s.input == "measure" and "." in s.address:
            names[s.address] = s.label
        if s.unit and s.input in ("count", "value", "measure"):
            names[s.address] = f"{names.get(s.address, s.label)} ({s.unit})"
    q = (select(Mark.entry_id, Mark.criterion, Mark.value, Mark.attempt, User.display_name,
                User.username)
         .join(Entry, Entry.id == Mark.entry_id).join(User, User.id == Mark.judge_id)
         .where(Entry.stage_id == stage_id)
         .order_by(Entry.lot_number, Mark.criterion, Mark.attempt, User.username))
    from ..formatting.values import mark_text, slot_inputs
    inputs = slot_inputs(rule)     # a time as 50:00, a checklist item as ✓/✗ (issue 18)
    for r in db.session.execute(q):
        if r.entry_id not in who:
            continue
        lot, name = who[r.entry_id]
        yield JudgeMark(lot, name, names.get(r.criterion, r.criterion),
                        r.display_name or r.username,
                        mark_text(r.value, inputs.get(r.criterion)), r.attempt)


def results_data(comp: Competition, progress=None) -> ResultsData:
    """Every trade of the competition whose rule validates (the others are skipped and
    logged) as a results workbook's data. ``progress(n)`` after each trade's standings."""
    from ..rules import RuleError
    from .analysis import workbook_consistency
    trades, consistency = [], []
    from ..trade_order import in_order  # sheets in the event's order, else pinyin
    for n, trade in enumerate(in_order(comp.trades, comp), start=1):
        try:
            trades.append(trade_workbook_results(trade, with_marks=True))
            consistency += workbook_consistency(trade)      # the 评委一致性 sheet
        except RuleError as err:
            log.warning("results workbook: trade %s skipped: %s", trade.code, err)
        if progress:
            progress(n)
    from .appeals import export_rows
    return ResultsData(comp.name, trades, comp.organiser,
                       local_now(comp).strftime("%Y-%m-%d %H:%M"), appeals=export_rows(comp),
                       consistency=consistency)


def _local(moment: datetime) -> datetime:
    """A stored time in the competition's time zone (timefmt), not the server's: a Debian
    server often runs on UTC, which put the workbook's "generated at" and a heat's start 8
    hours early, and dates a day off after 16:00 UTC."""
    return to_local(moment)


def write_results_workbook(comp: Competition, out, data: ResultsData | None = None) -> None:
    from exports.workbooks import write_results_workbook as write
    write(data or results_data(comp), out)


def write_trade_workbook(trade: Trade, out) -> None:
    """The results workbook of one trade: its summary line, its overall ranking and a
    sheet per stage (or its one results sheet), its judges' marks."""
    from exports.workbooks import write_results_workbook as write
    comp = trade.competition
    from .analysis import workbook_consistency
    from .appeals import export_rows
    write(ResultsData(comp.name, [trade_workbook_results(trade, with_marks=True)],
                      comp.organiser, local_now(comp).strftime("%Y-%m-%d %H:%M"),
                      appeals=export_rows(comp, trade), consistency=workbook_consistency(trade)), out)


# --- bulletins and score sheets ----------------------------------------------------------

def bulletin_data(trade: Trade, published_on: date | None = None,
                  appeal_deadline: str | None = None, appeal_to: str | None = None,
                  stage: Stage | None = None) -> BulletinData:
    """The bulletin of the trade's ``stage`` (default: its results stage); defaults from
    Competition.settings["bulletin"] ({"appeal_to": "...", "issuer": "..."}); the appeal
    deadline is the filing's (settings["appeal_hours"], services.appeals.appeal_hours)."""
    comp = trade.competition
    conf = (comp.settings or {}).get("bulletin", {})
    published_on = published_on or (_local(trade.results_published_at).date()
                                    if trade.results_published_at else local_today(comp))
    if not appeal_deadline:     # the filing's own deadline (services.appeals: appeal_hours)
        appeal_deadline = _appeal_deadline_text(trade, published_on)
    stage = stage or default_stage(trade)
    return BulletinData(
        competition=comp.name, trade=trade_results(trade, stage), published_on=published_on,
        open_heats=len(open_heat_ids(stage)) if stage is not None else 0,
        appeal_deadline=appeal_deadline,
        appeal_to=appeal_to or conf.get("appeal_to") or "大赛仲裁组",
        issuer=conf.get("issuer") or f"{comp.name}组委会",
        appeals=_appeal_rows(comp, trade))


def _appeal_deadline_text(trade: Trade, published_on: date) -> str:
    """The deadline the appeals page enforces, in words: appeal_hours after publication (a
    bulletin dated another day counts from that day, at the time of publication or now)."""
    from .appeals import appeal_deadline
    start = _local(trade.results_published_at) if trade.results_published_at else local_now(trade.competition)
    if start.date() != published_on:
        start = start.replace(year=published_on.year, month=published_on.month, day=published_on.day)
    due = _local(appeal_deadline(trade, start))
    return f"{chinese_date(due.date())}{due:%H:%M}"


def _appeal_rows(comp: Competition, trade: Trade):
    from .appeals import export_rows
    return export_rows(comp, trade)


def open_heat_ids(stage: Stage) -> list[int]:
    """The stage's heats not yet signed off by their chief judge."""
    return list(db.session.scalars(select(Heat.id).where(Heat.stage_id == stage.id,
                                                         Heat.locked_at.is_(None))))


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
    from .conflicts import substitution_groups
    aside = []            # 回避: who marks what instead, for which lots (and a sheet for them)
    for g in substitution_groups(heat):
        name = rule.criterion(g["criterion"]).name
        aside.append(f"回避：抽签号 {g['lots']} 的“{name}”由 {g['substitute']} 评分（{g['judge']} 回避，不填）。")
        if g["substitute"] not in judges:
            judges.append(g["substitute"])
            judge_columns[g["substitute"]] = []
        if g["substitute"] in judge_columns and g["criterion"] not in judge_columns[g["substitute"]]:
            judge_columns[g["substitute"]].append(g["criterion"])
    starts = _local(heat.starts_at).strftime("%Y-%m-%d %H:%M") if heat.starts_at else ""
    return ScoreSheetData(
        competition=trade.competition.name, trade=trade.name, stage=heat.stage.name,
        heat=heat.name, venue=heat.venue, starts_at=starts, judges=judges,
        lots=[e.lot_number or f"工位{e.workstation}" for e in entries],
        columns=sheet_columns(rule.criteria), judge_columns=judge_columns,
        notes=["请用黑色签字笔填写；涂改处须裁判签字确认。本表为网络故障时的纸质备用评分表，"
               "须交裁判长录入系统。", *aside])


def write_score_sheets(heat: Heat, out) -> int:
    from exports.sheets import render_score_sheets
    return render_score_sheets(score_sheet_data(heat), out, font_path=_font_path())
