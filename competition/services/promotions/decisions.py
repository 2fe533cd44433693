"""Policy, ladder and decisions of a trade from its standings (reads only)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import Competition, Contestant, Promotion, Trade
from ...promotion import (
    Decision, Finisher, Ladder, Policy, decide, get_ladder, load_policy_file, parse_policy,
)

POLICY_DIR = Path(__file__).resolve().parents[2] / "promotion_policies"
DEFAULT_POLICY = "county_default.toml"
ACTIVE = ("proposed", "confirmed")


class PromotionError(Exception):
    """A promotion action that cannot be done. ``message`` is an English msgid with
    %(name)s placeholders filled from ``params`` (the web layer translates it);
    ``status`` is the HTTP status to show (400: bad input, 409: conflicts with the list)."""

    def __init__(self, message: str, status: int = 409, **params):
        super().__init__(message % params if params else message)
        self.message, self.status, self.params = message, status, params


@dataclass
class TradeList:
    trade: Trade
    rows: list[Promotion]

    @property
    def confirmed(self) -> bool:
        return any(r.status == "confirmed" for r in self.rows)

    @property
    def needs_review(self) -> bool:
        return any(r.needs_review for r in self.rows)

    @property
    def promoted(self) -> list[Promotion]:
        return [r for r in self.rows if r.status in ACTIVE]


# -- policy -------------------------------------------------------------------------------

def competition_ladder(comp: Competition) -> Ladder:
    """The grade ladder of a competition: settings["grade_ladder"], "five" by default."""
    return get_ladder((comp.settings or {}).get("grade_ladder"))


def competition_policy(comp: Competition) -> Policy:
    """The competition's promotion policy: settings["promotion_policy"] (TOML text), else
    settings["promotion_policy_file"] (a file in competition/promotion_policies), else
    county_default.toml. Raises PolicyError (with located problems) or OSError."""
    settings = comp.settings or {}
    ladder = competition_ladder(comp)
    if settings.get("promotion_policy"):
        return parse_policy(settings["promotion_policy"], f"competition:{comp.code}", ladder)
    name = Path(settings.get("promotion_policy_file") or DEFAULT_POLICY).name
    return load_policy_file(POLICY_DIR / name, ladder=ladder)


# -- from standings to decisions ------------------------------------------------------------

def trade_finishers(trade: Trade):
    """(finishers, standings version, component names) of a trade's final standings.
    Withdrawn contestants are included with status "withdrawn"; a veto note makes a row
    "vetoed"; team entries are left out (promotions are personal)."""
    from ..standings import trade_standings
    ts = trade_standings(trade)
    out, seen = [], set()
    for row in ts.standings.rows:
        entry = ts.entries.get(row.entry)
        person = entry.contestant if entry is not None else None
        if person is None:
            continue
        seen.add(person.id)
        status = row.status if row.status in ("disqualified",) else "ok"
        if status == "ok" and any(str(n).startswith("veto") for n in row.notes):
            status = "vetoed"
        if person.withdrawn_at is not None:
            status = "withdrawn"
        ranked = row.rank is not None and row.status == "ok"
        out.append(Finisher(key=str(person.id), name=person.name,
                            rank=row.rank if ranked else None,
                            total=row.total if ranked else None,
                            components=dict(row.components), award=row.award,
                            status=status, person=person.id_number))
    withdrawn_entries = {e.contestant_id for e in (ts.stage.entries if ts.stage else [])
                         if e.status == "withdrawn"}
    for person in trade.contestants:
        if person.id not in seen and (person.withdrawn_at is not None
                                      or person.id in withdrawn_entries):
            out.append(Finisher(key=str(person.id), name=person.name, status="withdrawn",
                                person=person.id_number))
    from ..rules import rule_for
    names = {c.id: c.name for c in rule_for(trade).components}
    return out, ts.version, names


def trade_decisions(trade: Trade) -> tuple[list[Decision], int]:
    """The pure decisions for a trade now (nothing is written)."""
    comp = trade.competition
    policy = competition_policy(comp).for_trade(trade.code)
    finishers, version, names = trade_finishers(trade)
    grades = {str(c.id): c.grade for c in trade.contestants}
    elsewhere = _promoted_elsewhere(trade) if policy.one_per_person else {}
    decisions = decide(competition_ladder(comp), policy, finishers, grades,
                       promoted_elsewhere=elsewhere, component_names=names)
    return decisions, version


def _promoted_elsewhere(trade: Trade) -> dict[str, str]:
    """ID number -> trade name, for people with an active promotion in another trade."""
    rows = db.session.execute(
        select(Contestant.id_number, Trade.name)
        .join(Promotion, Promotion.contestant_id == Contestant.id)
        .join(Trade, Trade.id == Promotion.trade_id)
        .where(Promotion.competition_id == trade.competition_id,
               Promotion.trade_id != trade.id, Promotion.status.in_(ACTIVE))).all()
    return {r[0]: r[1] for r in rows}


def policy_mismatches(trade: Trade) -> list[str]:
    """Where the competition's policy for ``trade`` cannot match its scoring rule (award
    names, component ids), plus [trades.<code>] sections naming no trade of the competition.
    Raises PolicyError, RuleError."""
    from ...promotion import mismatches
    from ..rules import rule_for
    policy = competition_policy(trade.competition)
    rule = rule_for(trade)
    out = mismatches(policy.for_trade(trade.code), [a.name for a in rule.awards.levels],
                     [c.id for c in rule.components])
    codes = {t.code for t in trade.competition.trades}
    out += [f"trades.{code}: no trade of this competition has this code"
            for code in policy.trades if code not in codes]
    return out
