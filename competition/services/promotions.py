"""Promotion lists (晋级名单): propose from final standings, exclude, confirm, review.

A list is the set of Promotion rows of one trade, one per contestant, with a status:
proposed | not_promoted | excluded (by the organiser, with a reason) | confirmed.
Confirmed rows are the contestant's promotion history and are never recomputed silently:
when the trade's standings version moves past the version a confirmed list was made from,
refresh_review_flags() marks it needs_review (and the organiser sees it); only the
organiser's reopen (re-propose) or keep decision clears the flag.
Every write records AuditLog rows and commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import AuditLog, Competition, Contestant, Promotion, Trade, User, utcnow
from ..promotion import (
    Decision, Finisher, Ladder, Policy, decide, get_ladder, load_policy_file, parse_policy,
)

POLICY_DIR = Path(__file__).resolve().parent.parent / "promotion_policies"
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
    from .standings import trade_standings
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
    from .rules import rule_for
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


# -- writes -------------------------------------------------------------------------------

def trade_list(trade: Trade) -> TradeList:
    rows = db.session.scalars(select(Promotion).where(Promotion.trade_id == trade.id)
                              .order_by(Promotion.id)).all()
    return TradeList(trade, list(rows))


def propose(trade: Trade, user: User | None, reopen_reason: str | None = None) -> TradeList:
    """Compute and store the proposed list of a trade (replacing an unconfirmed one; the
    organiser's exclusions are kept). A confirmed list is only recomputed with
    ``reopen_reason`` (the organiser reopens it). Raises PromotionError, PolicyError."""
    current = trade_list(trade)
    if current.confirmed and not (reopen_reason or "").strip():
        raise PromotionError("the promotion list of this trade is confirmed; reopen it "
                             "with a reason to propose it again")
    decisions, version = trade_decisions(trade)
    by_contestant = {r.contestant_id: r for r in current.rows}
    for d in decisions:
        row = by_contestant.pop(int(d.key), None)
        old = _snapshot(row) if row is not None else None
        if row is None:
            row = Promotion(competition_id=trade.competition_id, trade_id=trade.id,
                            contestant_id=int(d.key))
            db.session.add(row)
        excluded = row.status == "excluded" and d.promoted
        row.from_grade, row.to_grade = d.from_grade, d.to_grade
        row.basis, row.reason = d.basis, d.reason[:500]
        row.status = "excluded" if excluded else ("proposed" if d.promoted else "not_promoted")
        if not excluded:
            row.exclusion_reason = None
        row.standings_version, row.needs_review = version, False
        row.confirmed_at, row.confirmed_by_id = None, None
        if old is not None and old != _snapshot(row):
            _audit(user, "promotion.update", row, old, _snapshot(row), reopen_reason)
    for stale in by_contestant.values():   # no longer in the standings
        _audit(user, "promotion.delete", stale, _snapshot(stale), None, reopen_reason)
        db.session.delete(stale)
    n = sum(1 for d in decisions if d.promoted)
    db.session.add(AuditLog(user_id=_uid(user), action="promotion.propose", object_type="trade",
                            object_id=trade.id, competition_id=trade.competition_id,
                            trade_id=trade.id, new={"version": version, "promoted": n,
                                                    "decided": len(decisions)},
                            reason=reopen_reason))
    db.session.commit()
    return trade_list(trade)


def exclude(promotion: Promotion, user: User, reason: str) -> None:
    """Leave a proposed person off the list, with a reason. Raises PromotionError."""
    reason = (reason or "").strip()
    if not reason:
        raise PromotionError("an exclusion needs a reason", 400)
    if promotion.status != "proposed":
        raise PromotionError("only a proposed promotion can be excluded (this one is "
                             "%(current)s)", current=promotion.status)
    old = _snapshot(promotion)
    promotion.status, promotion.exclusion_reason = "excluded", reason[:300]
    _audit(user, "promotion.exclude", promotion, old, _snapshot(promotion), reason)
    db.session.commit()


def include(promotion: Promotion, user: User) -> None:
    """Undo an exclusion (before confirmation). Raises PromotionError."""
    if promotion.status != "excluded":
        raise PromotionError("only an excluded promotion can be put back")
    old = _snapshot(promotion)
    promotion.status, promotion.exclusion_reason = "proposed", None
    _audit(user, "promotion.include", promotion, old, _snapshot(promotion), None)
    db.session.commit()


def confirm(trade: Trade, user: User) -> TradeList:
    """Confirm a trade's proposed list: each proposed row becomes the contestant's confirmed
    promotion (AuditLog on the contestant). Raises PromotionError if there is no proposed
    list or the standings changed since it was proposed."""
    lst = trade_list(trade)
    pending = [r for r in lst.rows if r.status == "proposed"]
    if not pending:
        raise PromotionError("there is no proposed promotion to confirm")
    db.session.refresh(trade)
    if any(r.standings_version != trade.standings_version for r in lst.rows):
        raise PromotionError("the results changed after this list was proposed; propose it "
                             "again before confirming")
    now = utcnow()
    for row in pending:
        old = _snapshot(row)
        row.status, row.confirmed_at, row.confirmed_by_id = "confirmed", now, user.id
        db.session.add(AuditLog(
            user_id=user.id, action="promotion.confirm", object_type="contestant",
            object_id=row.contestant_id, competition_id=row.competition_id,
            trade_id=row.trade_id, old={"grade": row.from_grade, "promotion": old},
            new={"grade": row.to_grade, "basis": row.basis, "reason": row.reason,
                 "standings_version": row.standings_version}))
    db.session.commit()
    return trade_list(trade)


def keep_after_review(trade: Trade, user: User, reason: str) -> None:
    """The organiser looked at a flagged list and keeps it as confirmed (with a reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise PromotionError("keeping a flagged list needs a reason", 400)
    db.session.refresh(trade)
    for row in trade_list(trade).rows:
        if row.needs_review:
            old = _snapshot(row)
            row.needs_review, row.standings_version = False, trade.standings_version
            _audit(user, "promotion.review_keep", row, old, _snapshot(row), reason)
    db.session.commit()


def refresh_review_flags(comp: Competition) -> int:
    """Flag confirmed lists whose trade's standings changed since they were made (the
    results moved: a correction, an appeal). Returns how many rows were newly flagged."""
    rows = db.session.execute(
        select(Promotion, Trade.standings_version).join(Trade, Trade.id == Promotion.trade_id)
        .where(Promotion.competition_id == comp.id, Promotion.needs_review.is_(False),
               Promotion.confirmed_at.is_not(None),
               Promotion.standings_version != Trade.standings_version)).all()
    for promo, version in rows:
        promo.needs_review = True
        _audit(None, "promotion.flag", promo, None,
               {"made_from_version": promo.standings_version, "current_version": version},
               "results changed after confirmation")
    if rows:
        db.session.commit()
    return len(rows)


def _snapshot(row: Promotion) -> dict:
    return {"status": row.status, "from": row.from_grade, "to": row.to_grade,
            "basis": row.basis, "reason": row.reason, "exclusion": row.exclusion_reason,
            "version": row.standings_version}


def _uid(user: User | None) -> int | None:
    return getattr(user, "id", None)


def _audit(user, action, row: Promotion, old, new, reason) -> None:
    db.session.add(AuditLog(user_id=_uid(user), action=action, object_type="promotion",
                            object_id=row.id, competition_id=row.competition_id,
                            trade_id=row.trade_id, old=old, new=new, reason=reason))


# -- reading for the documents -------------------------------------------------------------

def promotion_note(contestant_id: int) -> str | None:
    """The words a certificate may print about a confirmed promotion, e.g.
    "由四级/中级工晋升为三级/高级工"; None when the contestant has no confirmed promotion,
    or when it is flagged (or due) for review because the results changed since."""
    row = db.session.scalar(select(Promotion).where(
        Promotion.contestant_id == contestant_id, Promotion.status == "confirmed",
        Promotion.needs_review.is_(False)))
    if row is None or row.to_grade is None:
        return None
    trade = db.session.get(Trade, row.trade_id)
    if trade is not None and trade.standings_version != row.standings_version:
        return None              # results changed since: the list awaits review
    ladder = competition_ladder(db.session.get(Competition, row.competition_id))
    from ..promotion import promotion_note as note
    return note(ladder, row.from_grade, row.to_grade)


def export_data(comp: Competition, trade: Trade | None = None):
    """The confirmed promotions of the competition (or one trade) as plain data for
    exports.promotions. Raises PromotionError if nothing is confirmed or a list is flagged
    for review (the results changed after confirmation)."""
    from exports.promotions import PromotionListData, PromotionListRow

    from ..promotion import BASIS_LABELS
    refresh_review_flags(comp)
    stmt = (select(Promotion).join(Trade, Trade.id == Promotion.trade_id)
            .where(Promotion.competition_id == comp.id, Promotion.status == "confirmed")
            .order_by(Trade.id, Promotion.id))
    if trade is not None:
        stmt = stmt.where(Promotion.trade_id == trade.id)
    rows = db.session.scalars(stmt).all()
    if not rows:
        raise PromotionError("no confirmed promotions to export")
    flagged = sorted({r.contestant.trade.name for r in rows if r.needs_review})
    if flagged:
        raise PromotionError("the results changed after confirmation; review the list of: "
                             "%(trades)s", trades="、".join(flagged))
    ladder = competition_ladder(comp)
    results = {}
    out = []
    for p in rows:
        t = p.contestant.trade
        if t.id not in results:
            finishers, _, _ = trade_finishers(t)
            results[t.id] = {f.key: f for f in finishers}
        f = results[t.id].get(str(p.contestant_id))
        comps = f.components if f else {}
        out.append(PromotionListRow(
            name=p.contestant.name, gender=p.contestant.gender,
            id_number=p.contestant.id_number, employer=p.contestant.employer, trade=t.name,
            old_grade=ladder.label(p.from_grade) if p.from_grade else "无",
            new_grade=ladder.label(p.to_grade), basis=BASIS_LABELS.get(p.basis, p.basis),
            award=(f.award or "") if f else "", rank=f.rank if f else None,
            theory=comps.get("theory"), practical=comps.get("practical"),
            total=f.total if f else None, reason=p.reason))
    bodies = tuple(b for b in (comp.organiser or "").replace("　", " ").split() if b)
    return PromotionListData(competition=comp.name, rows=out, bodies=bodies,
                             date=utcnow().date())


def write_exports(comp: Competition, out_dir: str | Path, trade: Trade | None = None
                  ) -> list[Path]:
    """Write the three files (xlsx full, xlsx masked, PDF) into ``out_dir``; returns them.
    Raises PromotionError (see export_data)."""
    from exports.promotions import promotion_list_pdf, promotion_list_xlsx
    data = export_data(comp, trade)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{comp.code}-{trade.code if trade else 'all'}-晋级名单"
    files = {out / f"{stem}.xlsx": promotion_list_xlsx(data, masked=False),
             out / f"{stem}-脱敏.xlsx": promotion_list_xlsx(data, masked=True),
             out / f"{stem}.pdf": promotion_list_pdf(data)}
    for path, content in files.items():
        path.write_bytes(content)
    return list(files)
