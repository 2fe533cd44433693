"""A head-to-head (bracket) stage's standings: the bracket's final ranking as the rows every
reader of services.standings already understands (awards, certificates, the results
workbook and bulletin, promotions, screens).

services.standings computes a bracket stage's standings here (one hook in its _compute),
and its default_stage() counts a bracket with a result played as a stage with results
(played_condition()). The ranking itself is pure: competition.brackets.final_ranking.

A bracket not yet decided ranks and awards nobody (like a preliminary); decided, each
entrant gets its place, and the rule's award levels and titles go by place (minimum
scores do not apply: a bracket has no totals). A stage another stage follows awards
nothing, as for scored stages. Row.total is 0 and Row.complete False (there are no marks
and no total: services.analysis leaves these rows out); Row.notes carries how
the entrant's run ended ("bracket: champion", "bracket: quarter-final"...), which
results_for() turns into the remark the workbook and the bulletin print.
"""
from __future__ import annotations

from sqlalchemy import select

from ..brackets import Knockout, KnockoutMatch
from ..brackets.final_ranking import (
    CHAMPION,
    FOURTH,
    GROUP,
    RUNNER_UP,
    THIRD,
    Place,
    groups_knockout_ranking,
    knockout_ranking,
    place_awards,
    round_robin_ranking,
)
from ..extensions import db
from ..models import Bracket, Match, Stage, Trade
from .rules import rule_for

NOTE = "bracket: "
# how a run ended, as the results workbook and the bulletin print it (Chinese documents)
HOW_TEXT = {CHAMPION: "冠军", RUNNER_UP: "亚军", THIRD: "季军", FOURTH: "第四名",
            "semi-final": "季军", "quarter-final": "八强", "round of 16": "十六强",
            "round of 32": "三十二强", "round of 64": "六十四强"}


def played_condition():
    """For default_stage(): the stage (correlated) has a bracket with a match played.
    A bracket drawn up but not yet played leaves the stage before it on the screens."""
    return (select(Match.id).join(Bracket, Bracket.id == Match.bracket_id)
            .where(Bracket.stage_id == Stage.id, Match.status == "done").exists())


def stage_bracket(stage: Stage) -> Bracket | None:
    """The stage's bracket (the first one, should there be several)."""
    return db.session.scalar(select(Bracket).where(Bracket.stage_id == stage.id)
                             .order_by(Bracket.id).limit(1))


def final_places(bracket: Bracket) -> list[Place] | None:
    """The bracket's final ranking (keys: entry ids), best first; None while undecided."""
    from .bracket_tables import KO, group_tables
    matches = list(db.session.scalars(select(Match).where(Match.bracket_id == bracket.id)))
    order = (bracket.settings or {}).get("seeds") or []
    ko_rows = [m for m in matches if m.group_name == KO]
    ko = None
    if ko_rows:
        ko = Knockout.from_matches(
            [KnockoutMatch(m.round, m.slot, m.entry_a_id, m.entry_b_id, m.score_a, m.score_b,
                           m.winner_entry_id, m.status) for m in ko_rows],
            third_place=bool((bracket.settings or {}).get("third_place")))
    if bracket.format == "single_elimination":
        return knockout_ranking(ko, order) if ko is not None else None
    tables = group_tables(bracket)
    if bracket.format == "round_robin":
        rows = next(iter(tables.values()), [])
        return round_robin_ranking(rows, all(m.status == "done" for m in matches))
    return groups_knockout_ranking(ko, tables, order)


def bracket_ranking(trade: Trade, stage: Stage, by_key: dict, later: bool):
    """The scoring.Standings of a bracket stage (``by_key``: its entries, keyed by
    str(entry id), as Entry or EntryInfo; ``later``: another stage follows, so it awards
    nothing). services.standings wraps it as its TradeStandings: this module does not
    import services.standings (no import circle on the marks' path, issue 19)."""
    from ..scoring.standings import Row, Standings
    rule = rule_for(trade)
    bracket = stage_bracket(stage)
    places = final_places(bracket) if bracket is not None else None
    placed = {str(p.key): p for p in places or () if str(p.key) in by_key}
    rows, unplaced = [], []
    for p in placed.values():
        entry = by_key[str(p.key)]
        if entry.status == "disqualified":
            unplaced.append(Row(str(p.key), status="disqualified", notes=(NOTE + p.how,)))
            continue
        note = NOTE + (f"{GROUP} {p.group_rank}" if p.how == GROUP and p.group_rank else p.how)
        # complete=False: no marks, no total (0); the analyses, which put finishers'
        # totals on one scale across trades, leave a bracket's entrants out
        rows.append(Row(str(p.key), rank=p.rank, complete=False, notes=(note,)))
    for key, entry in by_key.items():
        if key in placed:
            continue
        # undecided: unranked as before a scored stage's first mark (status "absent", which
        # every reader already treats as "no result yet"); decided: not in the bracket
        status = "disqualified" if entry.status == "disqualified" else "absent"
        unplaced.append(Row(key, status=status,
                            notes=(NOTE + ("pending" if places is None else "absent"),)))
    if rows and not later:
        awards = place_awards(rule.awards, [r.rank for r in rows], len(by_key))
        for row, (award, titles) in zip(rows, awards):
            row.award, row.titles = award, titles
    return Standings(rule.trade.code, rows + unplaced)


def how_text(row, third_shared: bool = False) -> str:
    """The remark for a bracket row: 冠军, 亚军, 季军, 八强, 小组第3名... ("" if none);
    losing semi-finalists without a third-place match: 并列第三名 (``third_shared``)."""
    for note in row.notes:
        if not str(note).startswith(NOTE):
            continue
        how = str(note)[len(NOTE):]
        if how.startswith(GROUP + " "):
            return f"小组第{how.split(' ')[1]}名"
        if how.startswith("round of "):
            return HOW_TEXT.get(how, f"{how.split(' ')[-1]}强")
        if how == "semi-final" and third_shared:
            return "并列第三名"
        return HOW_TEXT.get(how, "")
    return ""


def results_for(trade: Trade, res):
    """exports.data.TradeResults of a bracket stage (``res``: services.results.StageResult)
    for the results workbook and the bulletin: place, lot, name, employer, award, title and
    how the run ended (冠军, 亚军, 季军, 八强, 小组第3名...); no criteria, components or
    total columns (matches, not marks). Undecided: no place, no award, remark 比赛进行中."""
    from exports.data import ResultRow, TradeResults
    ts = res.standings
    deciding = res.next_stage is None
    went_on = f"晋级{res.next_stage.name}" if res.next_stage is not None else ""
    rows = []
    shared = [r.rank for r in ts.standings.rows].count(3) > 1
    for row in ts.standings.rows:
        entry = ts.entries.get(row.entry)
        if entry is None:
            continue
        remark = (how_text(row, shared) if row.rank is not None else
                  "取消资格" if row.status == "disqualified" else
                  "比赛进行中" if NOTE + "pending" in row.notes else "未参赛")
        if row.entry in res.advanced:
            remark = "、".join(x for x in (remark, went_on) if x)
        rows.append(ResultRow(
            rank=row.rank, lot=entry.lot_number or "", name=entry.display_name,
            employer=entry.employer, total=None,
            award=row.award if deciding else None,
            title=("、".join(row.titles) or None) if deciding else None, status=remark))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.lot))
    published = trade.results_published_at
    if published is not None:
        from ..timefmt import to_local
        published = to_local(published).date()
    return TradeResults(code=trade.code, name=trade.name, stage=res.stage.name, rows=rows,
                        published_at=published)


def played(stage: Stage) -> bool:
    """A bracket stage with a match played (it has results: services.results lists it
    among the trade's stages with results, for the workbook's stage sheets and overall
    ranking)."""
    return stage.format == "bracket" and db.session.scalar(
        select(Match.id).join(Bracket, Bracket.id == Match.bracket_id)
        .where(Bracket.stage_id == stage.id, Match.status == "done").limit(1)) is not None


def bracket_row(row) -> bool:
    """A row of a bracket stage's standings (its total is no score: leave it blank)."""
    return any(str(n).startswith(NOTE) for n in row.notes)
