"""Fairness and insight (issue 17): the analysis core fed from the database.

trade_analysis(trade): judge consistency on the trade's judged criteria (results stage),
training needs (criteria where most points were lost, and by whom).
competition_analysis(comp): every trade's finishers on one scale (WorldSkills-style),
the cross-trade ranking and the employer ranking for 优秀组织奖.
Read-only; nothing here writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..analysis import (
    CriterionLoss,
    EmployerScore,
    JudgeCriterionStats,
    JudgeMark,
    ScaledResult,
    cross_trade_ranking,
    employer_ranking,
    judge_consistency,
    training_needs,
)
from ..extensions import db
from ..models import Competition, Entry, Mark, Trade, User
from ..scoring.marks import to_decimal
from .errors import _
from .rules import rule_for
from .standings import default_stage, trade_standings


@dataclass
class TradeAnalysis:
    trade: Trade
    stage_name: str
    judges: list[JudgeCriterionStats]
    judge_names: dict[int, str]
    criterion_names: dict[str, str]
    needs: list[CriterionLoss]
    finishers: dict[str, Decimal]                 # entry key -> total (ranked, ok)
    people: dict[str, tuple[str, str]] = field(default_factory=dict)   # key -> (name, employer)
    marks_compared: int = 0
    awards: dict[str, str] = field(default_factory=dict)               # entry key -> award
    award_levels: list[str] = field(default_factory=list)              # the rule's order

    @property
    def flagged(self) -> list[JudgeCriterionStats]:
        return [s for s in self.judges if s.flagged]


@dataclass
class TradeConsistency:
    """The judge-consistency part of a trade's analysis (the analysis page, the analysis
    workbook, the event report and the results workbook's 评委一致性 sheet all use it)."""
    trade: Trade
    judges: list[JudgeCriterionStats]
    judge_names: dict[int, str]
    criterion_names: dict[str, str]


def trade_consistency(trade: Trade, rule=None, ts=None) -> TradeConsistency:
    """Each judge on each judged criterion of the trade's results stage, against the rest
    of the panel (competition.analysis.consistency)."""
    rule = rule or rule_for(trade)
    judged = {c.id: c for c in rule.criteria if c.kind == "judged"}
    names = {c.id: c.name for c in rule.criteria}
    if ts is not None:
        stage, employers = ts.stage, {int(key): e.employer for key, e in ts.entries.items()}
    else:       # no standings needed (the results workbook): the stage and the employers
        stage, employers = default_stage(trade), {}
        if stage is not None and judged:
            employers = {e.id: e.employer for e in db.session.scalars(
                select(Entry).where(Entry.stage_id == stage.id, Entry.status != "withdrawn")
                .options(selectinload(Entry.contestant), selectinload(Entry.team)))}
    marks = _judged_marks(stage.id, judged) if stage is not None and judged else []
    judge_ids = sorted({m.judge for m in marks})
    users = db.session.scalars(select(User).where(User.id.in_(judge_ids))).all() if judge_ids else []
    judge_employers = {u.id: u.employer for u in users if getattr(u, "employer", None)}
    stats = judge_consistency(
        marks, {cid: c.scale for cid, c in judged.items()},
        thresholds={cid: c.discrepancy for cid, c in judged.items()},
        entry_employers=employers, judge_employers=judge_employers)
    return TradeConsistency(trade, stats, {u.id: u.display_name or u.username for u in users}, names)


def trade_analysis(trade: Trade) -> TradeAnalysis:
    """The trade's judge consistency and training needs, from its results stage."""
    rule = rule_for(trade)
    ts = trade_standings(trade)
    tc = trade_consistency(trade, rule, ts)
    stats, names = tc.judges, tc.criterion_names
    people = {key: (e.display_name, e.employer) for key, e in ts.entries.items()}
    employers = {key: p[1] for key, p in people.items()}
    rows = [r for r in ts.standings.rows if r.status == "ok"]
    maxima = {c.id: c.max for c in rule.criteria if c.kind not in ("deductions", "adjustment")
              and getattr(c, "max", None)}
    needs = training_needs({r.entry: r.criteria for r in rows}, maxima, employers)
    finishers = {r.entry: r.total for r in rows if r.rank is not None and r.complete}
    return TradeAnalysis(trade, ts.stage.name if ts.stage else "", stats,
                         tc.judge_names, names, needs,
                         finishers, people, sum(s.marks for s in stats),
                         {r.entry: r.award for r in rows if r.award},
                         [level.name for level in rule.awards.levels])


def _judged_marks(stage_id: int, judged: dict) -> list[JudgeMark]:
    rows = db.session.execute(
        select(Mark.judge_id, Mark.entry_id, Mark.criterion, Mark.attempt, Mark.value)
        .join(Entry, Entry.id == Mark.entry_id)
        .where(Entry.stage_id == stage_id, Mark.criterion.in_(list(judged)),
               Entry.status != "withdrawn")).all()
    out = []
    for judge, entry, crit, attempt, value in rows:
        number = to_decimal(value)
        if number is not None:
            out.append(JudgeMark(judge, entry, crit, attempt, number))
    return out


@dataclass
class CompetitionAnalysis:
    competition: Competition
    trades: list[TradeAnalysis]
    ranking: list[ScaledResult]                 # keys are (trade code, entry key)
    employers: list[EmployerScore]
    people: dict[tuple, tuple[str, str]]        # (trade code, entry key) -> (name, employer)
    trade_names: dict[str, str]


def competition_analysis(comp: Competition) -> CompetitionAnalysis:
    """Every scored trade on one scale; employers ranked by their finishers' scaled mean."""
    trades = [trade_analysis(t) for t in comp.trades if _ranked(t)]
    per_trade, people, entrants = {}, {}, {}
    for ta in trades:
        per_trade[ta.trade.code] = {(ta.trade.code, k): v for k, v in ta.finishers.items()}
        for key, (name, employer) in ta.people.items():
            people[(ta.trade.code, key)] = (name, employer)
            if employer:
                entrants[employer] = entrants.get(employer, 0) + 1
    ranking = cross_trade_ranking(per_trade)
    employers = employer_ranking(ranking, {k: v[1] for k, v in people.items()}, entrants)
    return CompetitionAnalysis(comp, trades, ranking, employers, people,
                               {t.code: t.name for t in comp.trades})


def _ranked(trade: Trade) -> bool:
    return any(s.format != "bracket" for s in trade.stages)


def award_counts(ta: TradeAnalysis) -> dict[str, int]:
    """How many of each award, in the rule's order (levels nobody got are left out)."""
    counts = {}
    for award in ta.awards.values():
        counts[award] = counts.get(award, 0) + 1
    order = ta.award_levels + sorted(set(counts) - set(ta.award_levels))
    return {a: counts[a] for a in order if a in counts}


def award_cutoffs(ta: TradeAnalysis) -> list[tuple[str, Decimal]]:
    """Each award with the lowest total that received it."""
    lowest: dict[str, Decimal] = {}
    for key, award in ta.awards.items():
        total = ta.finishers.get(key)
        if total is not None and (award not in lowest or total < lowest[award]):
            lowest[award] = total
    return [(a, lowest[a]) for a in award_counts(ta) if a in lowest]


def finding_words(stats, finding, judge: str, criterion: str) -> str:
    """One finding about a judge as a sentence with its evidence (the user's language)."""
    v = dict(finding.values)
    if finding.code in ("lenient", "harsh"):
        return (_("%(judge)s marked %(crit)s above the other judges' median %(above)d times and "
                  "below it %(below)d times (sign test p = %(p)s); on average %(dev)s points "
                  "(%(share)s of the maximum) from the others' mean.",
                  judge=judge, crit=criterion, above=v["above"], below=v["below"],
                  p=fmt_num(v["p"], 3), dev=fmt_num(v["deviation"]),
                  share=fmt_pct(stats.share(v["deviation"]))))
    if finding.code == "off_panel":
        return _("%(judge)s was beyond the discrepancy threshold on %(beyond)d of %(marks)d "
                 "marks of %(crit)s.", judge=judge, crit=criterion, beyond=v["beyond"],
                 marks=v["marks"])
    if finding.code == "ordering":
        return _("%(judge)s put the contestants in a different order from the panel on %(crit)s "
                 "(rank correlation %(rho)s over %(items)d marks).", judge=judge, crit=criterion,
                 rho=fmt_num(v["rho"]), items=v["items"])
    return _("On contestants of their own employer %(judge)s marked %(crit)s %(own)s points "
             "from the other judges' median on average, against %(others)s on the others "
             "(%(n)d marks at home).", judge=judge, crit=criterion, own=fmt_num(v["own"]),
             others=fmt_num(v["others"]), n=v["own_marks"])


def trade_findings(ta: TradeAnalysis) -> list[str]:
    return [finding_words(s, f, ta.judge_names.get(s.judge, str(s.judge)),
                          ta.criterion_names.get(s.criterion, s.criterion))
            for s in ta.flagged for f in s.findings]


def consistency_rows(tc) -> list:
    """One row per judge and judged criterion of ``tc`` (a TradeConsistency or a
    TradeAnalysis) for the workbooks (exports.consistency_sheet.ConsistencyRow): the
    statistics as numbers, the findings in words (the user's language)."""
    from exports.consistency_sheet import ConsistencyRow
    out = []
    for s in tc.judges:
        judge = tc.judge_names.get(s.judge, str(s.judge))
        crit = tc.criterion_names.get(s.criterion, s.criterion)
        out.append(ConsistencyRow(
            tc.trade.name, judge, crit, s.marks, _dec(s.mean_deviation), _dec(s.share(s.mean_deviation), 4),
            _dec(s.mean_abs_deviation), s.beyond_threshold, s.above, s.below, round(s.sign_p, 4),
            None if s.rank_corr is None else round(s.rank_corr, 3),
            "；".join(finding_words(s, f, judge, crit) for f in s.findings)))
    return out


def workbook_consistency(trade: Trade) -> list:
    """The results workbook's 评委一致性 rows of ``trade``: a Chinese document whoever
    exports it (the sentences too, as the event report's)."""
    from .report import _in_chinese
    with _in_chinese():
        return consistency_rows(trade_consistency(trade))


def _dec(value, places: int = 2):
    return None if value is None else round(value, places)


def fmt_num(value, places: int = 2) -> str:
    return "—" if value is None else f"{float(value):.{places}f}"


def fmt_pct(value) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def progress_by_day(trade: Trade) -> dict:
    """The trade's progress over the event's days (the competition's time zone): marks
    entered each day, and heats signed off by the end of each day (of all its heats)."""
    from ..models import Heat, Stage
    from ..timefmt import local_date
    comp = trade.competition
    marks: dict = {}
    for (created,) in db.session.execute(
            select(Mark.created_at).join(Entry, Entry.id == Mark.entry_id).join(Stage, Stage.id == Entry.stage_id)
            .where(Stage.trade_id == trade.id)):
        day = local_date(created, comp)
        marks[day] = marks.get(day, 0) + 1
    heats = db.session.execute(select(Heat.locked_at).join(Stage, Stage.id == Heat.stage_id)
                               .where(Stage.trade_id == trade.id)).all()
    locked = sorted(local_date(at, comp) for (at,) in heats if at is not None)
    days = sorted(set(marks) | set(locked))
    return {"days": [d.isoformat() for d in days], "marks": [marks.get(d, 0) for d in days],
            "signed_off": [sum(1 for x in locked if x <= d) for d in days], "heats": len(heats)}
