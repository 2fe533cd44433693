"""The event report (赛事总结): the numbers, charts, judge consistency and training needs of
a whole competition, gathered for exports/report.py."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import distinct, func, select

from ..extensions import db
from ..models import Competition, Contestant, Heat, JudgeAssignment, Promotion, Stage
from .analysis import (
    CompetitionAnalysis,
    award_counts,
    award_cutoffs,
    competition_analysis,
    consistency_rows,
    trade_findings,
)

TOP_SCALED = 30


def report_data(comp: Competition, analysis: CompetitionAnalysis | None = None):
    """ReportData for ``comp`` (computes the analysis unless given). The report is a Chinese
    document whoever asks for it: its sentences are written in Chinese, also from the CLI."""
    with _in_chinese():
        return _report_data(comp, analysis)


@contextmanager
def _in_chinese():
    if has_request_context():
        with force_locale("zh_CN"):
            yield
        return
    with current_app.test_request_context(), force_locale("zh_CN"):
        yield


def _report_data(comp: Competition, analysis: CompetitionAnalysis | None):
    from exports.report import EmployerRow, ReportData, TradeReport
    analysis = analysis or competition_analysis(comp)
    contestants = _per_trade(select(Contestant.trade_id, func.count(Contestant.id))
                             .where(Contestant.competition_id == comp.id, Contestant.withdrawn_at.is_(None))
                             .group_by(Contestant.trade_id))
    heats = _per_trade(select(Stage.trade_id, func.count(Heat.id)).join(Heat, Heat.stage_id == Stage.id)
                       .group_by(Stage.trade_id))
    judges = _per_trade(select(Stage.trade_id, func.count(distinct(JudgeAssignment.user_id)))
                        .join(Heat, Heat.stage_id == Stage.id)
                        .join(JudgeAssignment, JudgeAssignment.heat_id == Heat.id).group_by(Stage.trade_id))
    promoted = db.session.execute(
        select(Promotion.trade_id, Contestant.employer).join(Contestant, Contestant.id == Promotion.contestant_id)
        .where(Promotion.competition_id == comp.id, Promotion.status == "confirmed")).all()
    trades = []
    for ta in analysis.trades:
        t = ta.trade
        criteria = [(ta.criterion_names.get(n.criterion, n.criterion), 1 - n.lost_share) for n in ta.needs]
        criteria.sort(key=lambda c: c[1])
        trades.append(TradeReport(
            t.name, contestants.get(t.id, 0), len(ta.finishers), heats.get(t.id, 0), judges.get(t.id, 0),
            award_counts(ta), sum(1 for tid, _ in promoted if tid == t.id), list(ta.finishers.values()),
            award_cutoffs(ta), criteria,
            [(ta.criterion_names.get(n.criterion, n.criterion), n.lost_share,
              "、".join(e for e, _w, _l in n.employers)) for n in ta.needs],
            trade_findings(ta)))
    employers = _employer_rows(comp, analysis, promoted, EmployerRow)
    top = [(r.rank, *analysis.people.get(r.key, ("", "")), analysis.trade_names.get(r.trade, r.trade),
            r.scaled) for r in analysis.ranking[:TOP_SCALED]]
    numbers = _numbers(comp, analysis, promoted)
    today = datetime.now(timezone.utc).astimezone(_zone(comp)).date()
    return ReportData(comp.name, comp.organiser or "", f"{today.year}年{today.month}月{today.day}日",
                      numbers, trades, employers, [(r, n, e, t, s) for r, n, e, t, s in top])


def _zone(comp: Competition):
    from zoneinfo import ZoneInfo
    return ZoneInfo((comp.settings or {}).get("timezone") or "Asia/Shanghai")


def _per_trade(stmt) -> dict[int, int]:
    return {tid: n for tid, n in db.session.execute(stmt).all()}


def _numbers(comp, analysis, promoted) -> list[tuple[str, int]]:
    people = db.session.scalar(select(func.count(distinct(Contestant.id_number)))
                               .where(Contestant.competition_id == comp.id)) or 0
    heat_q = select(Heat).join(Stage, Stage.id == Heat.stage_id).where(
        Stage.trade_id.in_([t.id for t in comp.trades]))
    heats = db.session.scalars(heat_q).all()
    venues = {h.venue for h in heats if h.venue}
    judge_ids = db.session.scalar(select(func.count(distinct(JudgeAssignment.user_id)))
                                  .where(JudgeAssignment.heat_id.in_([h.id for h in heats]))) if heats else 0
    awards = sum(len(ta.awards) for ta in analysis.trades)
    return [("参赛职工", people), ("工种", len(comp.trades)), ("场次", len(heats)), ("赛场", len(venues)),
            ("裁判", judge_ids or 0), ("获奖", awards), ("晋级", len(promoted))]


def _employer_rows(comp, analysis, promoted, EmployerRow) -> list:
    entrants = dict(db.session.execute(
        select(Contestant.employer, func.count(Contestant.id))
        .where(Contestant.competition_id == comp.id, Contestant.employer != "")
        .group_by(Contestant.employer)).all())
    awards: dict[str, int] = {}
    for ta in analysis.trades:
        for key in ta.awards:
            employer = ta.people.get(key, ("", ""))[1]
            if employer:
                awards[employer] = awards.get(employer, 0) + 1
    promotions: dict[str, int] = {}
    for _tid, employer in promoted:
        promotions[employer] = promotions.get(employer, 0) + 1
    rows = []
    for e in analysis.employers:
        rows.append(EmployerRow(e.employer, entrants.get(e.employer, e.entrants), e.finishers,
                                awards.get(e.employer, 0), promotions.get(e.employer, 0), e.mean_scaled, e.rank))
    return rows


def analysis_sheets(comp: Competition) -> list:
    """The analysis workbook's sheets for ``comp`` (exports.analysis_workbook.Sheet)."""
    from exports.analysis_workbook import Sheet
    from exports.consistency_sheet import HEADERS as CONSISTENCY_HEADERS
    from exports.consistency_sheet import WIDTHS as CONSISTENCY_WIDTHS
    analysis = competition_analysis(comp)
    data = report_data(comp, analysis)
    with _in_chinese():
        judges = [row.cells() for ta in analysis.trades for row in consistency_rows(ta)]
    scaled = [[r.rank, *analysis.people.get(r.key, ("", "")), analysis.trade_names.get(r.trade, r.trade),
               r.total, r.scaled] for r in analysis.ranking]
    employers = [[e.rank, e.employer, e.contestants, e.finishers, e.awards, e.promotions, e.mean_scaled]
                 for e in data.employers]
    ranked = sorted([row for row in employers if row[0]], key=lambda r: r[0]) + [r for r in employers if not r[0]]
    needs = [[t.name, name, f"{float(lost) * 100:.1f}%", emps] for t in data.trades for name, lost, emps in t.needs]
    trades = sorted(([t.name, t.contestants, t.finishers, sum(t.awards.values()), t.promotions] for t in data.trades),
                    key=lambda r: -r[1])
    return [
        Sheet("裁判一致性", CONSISTENCY_HEADERS, judges, CONSISTENCY_WIDTHS),
        Sheet("跨工种标准分", ["名次", "姓名", "单位", "工种", "总分", "标准分"], scaled, [8, 12, 28, 14, 10, 10]),
        Sheet("单位排名", ["名次", "单位", "参赛", "完赛", "获奖", "晋级", "平均标准分"], ranked,
              [8, 28, 8, 8, 8, 8, 12], ("完赛选手平均标准分", 2, 7, 15)),
        Sheet("培训需求", ["工种", "评分项", "失分比例", "失分最多的单位"], needs, [14, 24, 10, 50]),
        Sheet("各工种参赛", ["工种", "报名", "完赛", "获奖", "晋级"], trades, [16, 8, 8, 8, 8],
              ("各工种报名人数", 1, 2, 41)),
    ]

