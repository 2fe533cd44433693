"""Policy, ladder and decisions of a trade from its standings (reads only)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import Competition, Contestant, Promotion, Trade
from ...promotion import (
    EIGHT_LEVEL,
    Decision,
    EarlierPromotion,
    Finisher,
    GradeError,
    Ladder,
    Policy,
    decide,
    get_ladder,
    load_policy_file,
    parse_policy,
)
from ..errors import ServiceError, _

POLICY_DIR = Path(__file__).resolve().parents[2] / "promotion_policies"
DEFAULT_POLICY = "county_default.toml"
ACTIVE = ("proposed", "confirmed")


class PromotionError(ServiceError):
    """A promotion action that cannot be done: a ServiceError, so an unhandled one renders
    its message with its status (never a 500). ``msgid`` is the English text with
    %(name)s placeholders filled from ``params``; ``message`` is it translated in a request
    (English outside one, for the CLI); ``status`` is the HTTP status to show (400: bad
    input, 409: conflicts with the list)."""

    def __init__(self, message: str, status: int = 409, field: str | None = None, **params):
        super().__init__(_(message, **params), field)
        self.args = (message % params if params else message,)
        self.msgid, self.status, self.params = message, status, params


@dataclass
class TradeList:
    trade: Trade
    rows: list[Promotion]

    @property
    def confirmed(self) -> bool:
        """Confirmed as a whole: confirmation stamps every row of the list (the promoted
        ones become "confirmed"; the others keep their status), so a list that promotes
        nobody is confirmed too."""
        return any(r.status == "confirmed" or r.confirmed_at is not None for r in self.rows)

    @property
    def confirmed_empty(self) -> bool:
        """Confirmed, with nobody promoted."""
        return self.confirmed and not any(r.status == "confirmed" for r in self.rows)

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

def trade_finishers(trade: Trade, team_members: bool = True):
    """(finishers, standings version, component names) of a trade's final standings.
    Withdrawn contestants are included with status "withdrawn"; a veto note makes a row
    "vetoed".

    Team entries (promotions are personal, so a team's result counts for each member):
    with ``team_members``, a team's row gives one Finisher per registered member, with the
    team's rank, total and award, the member's own person and withdrawal, ``team`` (its
    name) and ``entry`` (the shared row, so percentages count the team once). A team whose
    members also have their own entries in that stage (the safety contest's written stage:
    the team entry is only the team round) is left out: its members are decided on their
    own rows, and the team round is part of the team score, not a result of its own."""
    from ..standings import trade_standings
    ts = trade_standings(trade)
    out, seen = [], set()
    own = {e.contestant.team_id for e in ts.entries.values()
           if e.contestant is not None and e.contestant.team_id is not None}
    for row in ts.standings.rows:
        entry = ts.entries.get(row.entry)
        if entry is None:
            continue
        if entry.contestant is not None:
            people, team = [entry.contestant], None
        elif entry.team is not None and team_members and entry.team_id not in own:
            people, team = sorted(entry.team.members, key=lambda c: c.id), entry.team.name
        else:
            continue
        status = row.status if row.status in ("disqualified",) else "ok"
        if status == "ok" and any(str(n).startswith("veto") for n in row.notes):
            status = "vetoed"
        ranked = row.rank is not None and row.status == "ok"
        for person in people:
            if person.trade_id != trade.id:
                continue
            seen.add(person.id)
            out.append(Finisher(key=str(person.id), name=person.name,
                                rank=row.rank if ranked else None,
                                total=row.total if ranked else None,
                                components=dict(row.components), award=row.award,
                                status="withdrawn" if person.withdrawn_at is not None
                                else status, person=person.id_number, team=team,
                                entry=row.entry))
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
    finishers, version, names = trade_finishers(trade, team_members=policy.team_members)
    grades = {str(c.id): c.grade for c in trade.contestants}
    elsewhere = (_promoted_elsewhere(trade) if policy.one_per_person or policy.one_per_year
                 else {})
    earlier = (promoted_this_year(comp, {f.person for f in finishers if f.person})
               if policy.one_per_year else {})
    decisions = decide(competition_ladder(comp), policy, finishers, grades,
                       promoted_elsewhere=elsewhere, promoted_earlier=earlier,
                       component_names=names)
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


def promoted_this_year(comp: Competition, id_numbers) -> dict[str, EarlierPromotion]:
    """ID number -> the confirmed promotion that person already has from another
    competition of the same year (Competition.year: the calendar year of the event), for
    "at most one promotion a year" across the competitions in this database. Only
    confirmed promotions count: a proposal elsewhere is not a promotion yet (confirming
    one re-checks). A person's earliest such promotion is given."""
    ids = sorted({i for i in id_numbers if i})
    if not ids:
        return {}
    out: dict[str, EarlierPromotion] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        rows = db.session.execute(
            select(Contestant.id_number, Competition.year, Competition.name,
                   Trade.name, Promotion.to_grade,
                   Promotion.confirmed_at)
            .join(Promotion, Promotion.contestant_id == Contestant.id)
            .join(Competition, Competition.id == Promotion.competition_id)
            .join(Trade, Trade.id == Promotion.trade_id)
            .where(Contestant.id_number.in_(chunk), Promotion.status == "confirmed",
                   Competition.year == comp.year, Competition.id != comp.id)
            .order_by(Promotion.confirmed_at, Promotion.id)).all()
        for ident, year, cname, tname, grade, _at in rows:
            if ident in out:
                continue
            try:               # the eight-level ladder has every code of both ladders
                label = EIGHT_LEVEL.label(grade)
            except GradeError:
                label = grade or ""
            out[ident] = EarlierPromotion(year=year, competition=cname, trade=tname,
                                          grade=label)
    return out


def policy_mismatches(trade: Trade) -> list:
    """Where the competition's policy for ``trade`` cannot match its scoring rule (award
    names, component ids), plus [trades.<code>] sections naming no trade of the competition:
    Mismatch objects (``str()`` English, problem_text() in the user's language).
    Raises PolicyError, RuleError."""
    from ...promotion import N_, Mismatch, mismatch_notes
    from ..rules import rule_for
    policy = competition_policy(trade.competition)
    rule = rule_for(trade)
    out = mismatch_notes(policy.for_trade(trade.code), [a.name for a in rule.awards.levels],
                         [c.id for c in rule.components])
    codes = {t.code for t in trade.competition.trades}
    out += [Mismatch(f"trades.{code}", "no trade of this competition has this code",
                     N_('no trade of this competition has the code "%(code)s"; its trades: '
                        "%(codes)s"), {"code": code, "codes": ", ".join(sorted(codes))})
            for code in policy.trades if code not in codes]
    return out


def problem_text(problem) -> str:
    """A policy problem (PolicyProblem, Mismatch) or a scoring-rule Problem in the user's
    language: "第 3 行，max_grade：“总工程师”不是职业技能等级；可填的等级：…". English
    outside a request; a problem without a msgid (a scoring-rule problem) as it is."""
    msgid = getattr(problem, "msgid", "")
    if not msgid:
        return str(problem)
    what = _(msgid, **problem.params)
    line, column = getattr(problem, "line", 0), getattr(problem, "column", None)
    if line and column:
        where = _("Line %(line)s, column %(column)s", line=line, column=column)
    elif line:
        where = _("Line %(line)s", line=line)
    else:
        where = ""
    name = problem.field if problem.field != "toml" else ""
    if where and name:
        return _("%(where)s, %(field)s: %(what)s", where=where, field=name, what=what)
    if where or name:
        return _("%(where)s: %(what)s", where=where or name, what=what)
    return what
