"""From final standings and current grades to promotion decisions, each with its reason in
Chinese words ("一等奖，由四级/中级工晋升为三级/高级工"). Pure: no Flask, no database.

decide() handles one trade; resolve_one_per_person() applies "at most one promotion per
person per event" across trades. "At most one a year" across competitions comes in as
``promoted_earlier`` (what the database knows of other competitions of the same year).

Team entries: a team's row of the standings is given as one Finisher per member (the
team's rank, total and award, with ``team`` and ``entry`` set); each member is decided
on their own current grade and person. When a contestant has several rows (their own
and their team's), the best decision is kept; percentages count entries, not members.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Mapping, Sequence

from .ladder import GradeError, Ladder
from .policy import AwardRule, PassRule, Policy, RankRule, TradePolicy

BASIS = {"award": "by_award", "rank": "by_rank", "pass": "by_pass"}
BASIS_LABELS = {"by_award": "按获奖等次", "by_rank": "按名次", "by_pass": "以赛代评"}
STATUS_REASONS = {"disqualified": "取消比赛资格，不予晋级", "withdrawn": "已退赛，不予晋级",
                  "vetoed": "一票否决，不予晋级"}
COMPONENT_NAMES = {"theory": "理论", "practical": "实操"}
# When no rule promotes, the most telling reason comes first.
_MISS_ORDER = ("not_above_current", "condition_not_met", "below_min_total", "below_pass",
               "not_in_top", "not_awarded")
_ROUNDING = {"half_up": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


@dataclass(frozen=True)
class Finisher:
    """One row of a trade's final standings, as the promotion core needs it."""
    key: str                                   # the contestant's id, as text
    name: str = ""
    rank: int | None = None                    # None: not ranked (no marks, disqualified)
    total: Decimal | None = None
    components: Mapping[str, Decimal] = field(default_factory=dict)
    award: str | None = None
    status: str = "ok"                         # ok | disqualified | withdrawn | vetoed
    person: str | None = None                  # identity across trades (the ID number)
    team: str | None = None                    # a team member: the team's name
    entry: str | None = None                   # the standings row (a team's is shared)


@dataclass(frozen=True)
class EarlierPromotion:
    """A confirmed promotion of the same person in another competition of the year."""
    year: int
    competition: str
    trade: str
    grade: str                                 # its label: 三级/高级工


@dataclass(frozen=True)
class Decision:
    key: str
    name: str
    promoted: bool
    from_grade: str | None
    to_grade: str | None
    basis: str                                 # by_award | by_rank | by_pass | ""
    code: str                                  # "promoted" or why not
    reason: str
    grade_missing: bool = False
    capped: bool = False
    rule_index: int | None = None
    person: str | None = None
    rank: int | None = None
    total: Decimal | None = None
    award: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Hit:
    target: str
    text: str
    basis: str
    index: int


@dataclass(frozen=True)
class _Miss:
    code: str
    text: str


def fmt(value: Decimal | int | None) -> str:
    """A mark as printed: 60 for a whole number, 78.50 as given otherwise."""
    if value is None:
        return "—"
    d = Decimal(value)
    whole = d == d.to_integral_value() and d.as_tuple().exponent >= 0
    return str(d.quantize(Decimal(1))) if whole else str(d)


def decide(ladder: Ladder, policy: Policy | TradePolicy, rows: Sequence[Finisher],
           current_grades: Mapping[str, str | None], *,
           promoted_elsewhere: Mapping[str, str] | None = None,
           promoted_earlier: Mapping[str, EarlierPromotion] | None = None,
           component_names: Mapping[str, str] | None = None) -> list[Decision]:
    """A decision for every contestant (row key), in the order of their first row.

    ``current_grades`` maps a row key to a grade code or spelling (missing or unreadable:
    treated as no grade, and reported). ``promoted_elsewhere`` maps a person to the trade
    where they are already promoted in this event (one promotion per person per event).
    ``promoted_earlier`` maps a person to a confirmed promotion in another competition of
    the same calendar year (at most one promotion a year, when the policy says so).
    A key with several rows (a member's own row and their team's) gets the best decision.
    """
    pol = policy.for_trade(None) if isinstance(policy, Policy) else policy
    ctx = _Context(ladder, pol, rows, promoted_elsewhere or {},
                   {**COMPONENT_NAMES, **(component_names or {})}, promoted_earlier or {})
    best: dict[str, Decision] = {}
    for row in rows:
        d = _decide_one(ctx, row, current_grades.get(row.key))
        if row.key not in best or _better(ladder, d, best[row.key]):
            best[row.key] = d
    return list(best.values())


def _better(ladder: Ladder, new: Decision, old: Decision) -> bool:
    """A promotion beats none; a higher grade beats a lower one; else the first stays."""
    if new.promoted != old.promoted:
        return new.promoted
    return new.promoted and ladder.rank(new.to_grade) > ladder.rank(old.to_grade)


@dataclass
class _Context:
    ladder: Ladder
    policy: TradePolicy
    rows: Sequence[Finisher]
    elsewhere: Mapping[str, str]
    names: Mapping[str, str]
    earlier: Mapping[str, EarlierPromotion] = field(default_factory=dict)

    @cached_property
    def finishers(self) -> int:
        """Ranked finishers: entries of the standings (a team counts once)."""
        return len({r.entry or r.key for r in self.rows
                    if r.rank is not None and r.status == "ok"})


def _decide_one(ctx: _Context, row: Finisher, raw_grade: str | None) -> Decision:
    ladder, pol = ctx.ladder, ctx.policy
    cur, missing, warnings = _current(ladder, raw_grade)
    base = Decision(row.key, row.name, False, cur, None, "", "", "", grade_missing=missing,
                    person=row.person, rank=row.rank, total=row.total, award=row.award,
                    warnings=warnings)

    team = f"{row.team}团体成绩：" if row.team else ""

    def no(code: str, text: str) -> Decision:
        return replace(base, code=code, reason=team + text + _missing_note(missing))

    blocked = _blocked(ctx, row, cur)
    if blocked is not None:
        return no(*blocked)
    hits: list[tuple[_Hit, str | None]] = []
    misses: list[_Miss] = []
    for i, rule in enumerate(pol.rules):
        out = _evaluate(ctx, rule, i, row, cur)
        if isinstance(out, _Miss):
            misses.append(out)
            continue
        target, limit = _limit(ladder, pol, cur, out.target)
        if ladder.rank(target) <= ladder.rank(cur):
            misses.append(_Miss("not_above_current",
                                f"{out.text}，可认定等级{ladder.label(target)}不高于现有等级"
                                f"{ladder.label(cur)}"))
            continue
        hits.append((replace(out, target=target), limit))
    if not hits:
        misses.sort(key=lambda m: _MISS_ORDER.index(m.code))
        texts = list(dict.fromkeys(m.text for m in misses))
        return no(misses[0].code if misses else "no_rule", "；".join(texts) or "无适用的晋级规则")
    hit, limit = max(hits, key=lambda h: (ladder.rank(h[0].target), -h[0].index))
    verb = (f"由{ladder.label(cur)}晋升为{ladder.label(hit.target)}" if cur is not None
            else f"评定为{ladder.label(hit.target)}")
    note = {"cap": f"（受本次大赛最高可授予等级{ladder.label(pol.max_grade)}限制）",
            "steps": f"（受单次最多晋升{pol.max_steps}级限制）", None: ""}[limit]
    return replace(base, promoted=True, to_grade=hit.target, basis=hit.basis, code="promoted",
                   reason=f"{team}{hit.text}，{verb}{note}{_missing_note(missing)}",
                   capped=limit is not None, rule_index=hit.index)


def _blocked(ctx: _Context, row: Finisher, cur: str | None) -> tuple[str, str] | None:
    """(code, reason) when no rule needs to be tried: excluded, no result, promoted in
    another trade, already at the top of the ladder or at the cap."""
    ladder, pol = ctx.ladder, ctx.policy
    if row.status in pol.exclude:
        return row.status, STATUS_REASONS.get(row.status, "不予晋级")
    if row.rank is None or row.total is None:
        return "no_result", "无有效名次和成绩，不予晋级"
    if pol.one_per_person and row.person and row.person in ctx.elsewhere:
        return ("promoted_elsewhere",
                f"本届大赛已在{ctx.elsewhere[row.person]}晋级，每人每届限晋级一次")
    if pol.one_per_year and row.person and row.person in ctx.elsewhere:
        return ("promoted_elsewhere",
                f"本届大赛已在{ctx.elsewhere[row.person]}晋级，每人每年限晋级一次")
    if pol.one_per_year and row.person and row.person in ctx.earlier:
        e = ctx.earlier[row.person]
        return ("promoted_this_year",
                f"已于{e.year}年在{e.competition}（{e.trade}）晋级为{e.grade}，"
                "每人每年限晋级一次")
    if cur is not None and cur == ladder.top.code:
        return "top_grade", f"现有等级{ladder.label(cur)}已是最高等级"
    if pol.max_grade is not None and ladder.rank(cur) >= ladder.rank(pol.max_grade):
        return ("at_cap", f"现有等级{ladder.label(cur)}已达到本次大赛可授予的最高等级"
                          f"{ladder.label(pol.max_grade)}")
    return None


def _current(ladder: Ladder, raw: str | None) -> tuple[str | None, bool, tuple[str, ...]]:
    """(code, missing?, warnings) for a registered grade."""
    if raw is None or str(raw).strip() == "":
        return None, True, ("现有等级未登记，按无等级处理",)
    try:
        code = ladder.parse(raw)
    except GradeError:
        return None, True, (f"现有等级“{raw}”无法识别，按无等级处理",)
    return code, False, ()


def _missing_note(missing: bool) -> str:
    return "（现有等级未登记或无法识别，按无等级处理）" if missing else ""


def _limit(ladder: Ladder, pol: TradePolicy, cur: str | None,
           target: str) -> tuple[str, str | None]:
    """Apply the cap and max_steps; returns (grade, "cap" | "steps" | None: what limited it,
    the cap when both limit it to the same grade)."""
    bounds = []
    if pol.max_grade is not None:
        bounds.append((ladder.rank(pol.max_grade), 0, pol.max_grade, "cap"))
    if pol.max_steps is not None:
        most = ladder.step(cur, pol.max_steps)
        bounds.append((ladder.rank(most), 1, most, "steps"))
    tight = min(bounds, default=None)
    if tight is not None and ladder.rank(target) > tight[0]:
        return tight[2], tight[3]
    return target, None


def _evaluate(ctx: _Context, rule, index: int, row: Finisher, cur: str | None):
    """A _Hit (with the grade the rule would grant) or a _Miss (why it does not apply)."""
    if isinstance(rule, AwardRule):
        if row.award not in rule.awards:
            named = "、".join(rule.awards)
            text = (f"{row.award}不在晋级奖项（{named}）之列" if row.award
                    else f"未获得晋级奖项（{named}）")
            return _Miss("not_awarded", text)
        text = rule.label or row.award
    elif isinstance(rule, RankRule):
        text_or_miss = _rank_text(ctx, rule, row)
        if isinstance(text_or_miss, _Miss):
            return text_or_miss
        text = rule.label or text_or_miss
    else:
        text_or_miss = _pass_text(ctx, rule, row)
        if isinstance(text_or_miss, _Miss):
            return text_or_miss
        text = rule.label or text_or_miss
    miss = _conditions(ctx.ladder, rule, row, cur, text)
    if miss is not None:
        return miss
    target = rule.grant if rule.grant is not None else ctx.ladder.step(cur, rule.steps)
    return _Hit(target, text, BASIS[rule.kind], index)


def rank_cutoff(rule: RankRule, finishers: int) -> int:
    """The last rank a rank rule covers: top, or top_percent of the ranked finishers."""
    if rule.top is not None:
        return rule.top
    exact = Decimal(finishers) * rule.top_percent / 100
    return int(exact.quantize(Decimal(1), rounding=_ROUNDING[rule.percent_rounding]))


def _rank_text(ctx: _Context, rule: RankRule, row: Finisher) -> str | _Miss:
    n = rank_cutoff(rule, ctx.finishers)
    scope = (f"前{n}名" if rule.top is not None
             else f"前{fmt(rule.top_percent)}%，{ctx.finishers}名完赛者中前{n}名")
    if row.rank > n:
        return _Miss("not_in_top", f"第{row.rank}名，未进入{scope}")
    return f"第{row.rank}名（{scope}）"


def _pass_text(ctx: _Context, rule: PassRule, row: Finisher) -> str | _Miss:
    parts, short = [], []
    for cid, mark in rule.pass_marks.items():
        name, score = ctx.names.get(cid, cid), row.components.get(cid)
        if score is None:
            short.append(f"缺少{name}成绩")
        elif Decimal(score) < mark:
            short.append(f"{name}{fmt(score)}分低于合格线{fmt(mark)}分")
        else:
            parts.append(f"{name}{fmt(score)}分")
    level = ctx.ladder.label(rule.grant)
    if short:
        return _Miss("below_pass", f"以赛代评（{level}）：" + "，".join(short))
    return f"以赛代评（{level}）：" + "、".join(parts) + "均达到合格线"


def _conditions(ladder: Ladder, rule, row: Finisher, cur: str | None, text: str):
    held = f"现有等级{ladder.label(cur)}" if cur is not None else "无现有等级，"
    if rule.current_at_least is not None and ladder.rank(cur) < ladder.rank(rule.current_at_least):
        return _Miss("condition_not_met",
                     f"{text}，但{held}未达到{ladder.label(rule.current_at_least)}，"
                     "不符合该项晋级条件")
    if rule.current_at_most is not None and ladder.rank(cur) > ladder.rank(rule.current_at_most):
        return _Miss("condition_not_met",
                     f"{text}，但{held}高于{ladder.label(rule.current_at_most)}，"
                     "不符合该项晋级条件")
    if rule.min_total is not None and row.total < rule.min_total:
        return _Miss("below_min_total",
                     f"{text}，但总分{fmt(row.total)}分低于{fmt(rule.min_total)}分")
    return None


def promotion_note(ladder: Ladder, from_grade: str | None, to_grade: str) -> str:
    """The words for a certificate: "由四级/中级工晋升为三级/高级工" ("评定为…" from none)."""
    if from_grade is None:
        return f"评定为{ladder.label(to_grade)}"
    return f"由{ladder.label(from_grade)}晋升为{ladder.label(to_grade)}"


def resolve_one_per_person(ladder: Ladder,
                           groups: Sequence[tuple[str, Sequence[Decision]]]
                           ) -> list[tuple[str, list[Decision]]]:
    """At most one promotion per person across the trades of an event: a person promoted in
    several trades keeps the highest grade (the earlier trade on a tie); the others become
    "promoted_elsewhere". ``groups`` is (trade name, decisions) in trade order."""
    best: dict[str, tuple[int, int, str]] = {}
    for gi, (trade, decisions) in enumerate(groups):
        for d in decisions:
            if d.promoted and d.person:
                cand = (ladder.rank(d.to_grade), -gi, trade)
                if d.person not in best or cand[:2] > best[d.person][:2]:
                    best[d.person] = cand
    out = []
    for gi, (trade, decisions) in enumerate(groups):
        kept = []
        for d in decisions:
            if d.promoted and d.person and best[d.person][1] != -gi:
                d = replace(d, promoted=False, to_grade=None, basis="", capped=False,
                            code="promoted_elsewhere", rule_index=None,
                            reason=f"本届大赛已在{best[d.person][2]}晋级，每人每届限晋级一次")
            kept.append(d)
        out.append((trade, kept))
    return out
