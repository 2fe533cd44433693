"""Writes to a trade's promotion list: propose, exclude, include, confirm, review flags.
Each function is one transaction with its AuditLog rows."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import AuditLog, Competition, Promotion, Trade, User, utcnow
from .decisions import PromotionError, TradeList, trade_decisions


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
    if promotion.confirmed_at is not None:
        raise PromotionError("the promotion list of this trade is confirmed; reopen it "
                             "with a reason to propose it again")
    old = _snapshot(promotion)
    promotion.status, promotion.exclusion_reason = "proposed", None
    _audit(user, "promotion.include", promotion, old, _snapshot(promotion), None)
    db.session.commit()


def confirm(trade: Trade, user: User, results_not_final: dict | None = None) -> TradeList:
    """Confirm a trade's proposed list as a whole. Each proposed row becomes the
    contestant's confirmed promotion (AuditLog on the contestant); every other row (not
    promoted, excluded) is stamped as confirmed with the list, so a list that promotes
    nobody can be confirmed: the record then says the trade's results promote no one
    (AuditLog "promotion.confirm_list" on the trade, with the counts).
    Raises PromotionError if there is no list, it is already confirmed, the standings
    changed since it was proposed, or someone on it was promoted in another competition of
    the same year since (see decisions.promoted_this_year). ``results_not_final``: the
    organiser confirmed knowing the results were not final (readiness.ResultsState.problems),
    recorded in the list's audit row."""
    lst = trade_list(trade)
    if not lst.rows:
        raise PromotionError("there is no promotion list to confirm: propose it first")
    if lst.confirmed:
        raise PromotionError("the promotion list of this trade is already confirmed")
    from ..appeals import open_appeals
    pending_appeals = open_appeals(trade)
    if pending_appeals:
        raise PromotionError(
            "appeals against %(trade)s are still open (%(appeals)s): the arbitration panel "
            "decides them before the promotion list can be confirmed", trade=trade.name,
            appeals="、".join(f"#{a.id} {a.entry.display_name}" for a in pending_appeals))
    db.session.refresh(trade)
    if any(r.standings_version != trade.standings_version for r in lst.rows):
        raise PromotionError("the results changed after this list was proposed; propose it "
                             "again before confirming")
    pending = [r for r in lst.rows if r.status == "proposed"]
    from .decisions import promoted_this_year
    if pending:
        earlier = promoted_this_year(trade.competition,
                                     {r.contestant.id_number for r in pending})
        clash = sorted({r.contestant.name for r in pending
                        if r.contestant.id_number in earlier})
        if clash:
            raise PromotionError(
                "%(names)s was promoted in another competition of %(year)s since this list "
                "was proposed (at most one promotion a year); propose the list again",
                names="、".join(clash), year=trade.competition.year)
    now = utcnow()
    for row in lst.rows:
        old = _snapshot(row)
        row.confirmed_at, row.confirmed_by_id = now, user.id
        if row.status != "proposed":
            continue
        row.status = "confirmed"
        db.session.add(AuditLog(
            user_id=user.id, action="promotion.confirm", object_type="contestant",
            object_id=row.contestant_id, competition_id=row.competition_id,
            trade_id=row.trade_id, old={"grade": row.from_grade, "promotion": old},
            new={"grade": row.to_grade, "basis": row.basis, "reason": row.reason,
                 "standings_version": row.standings_version}))
    db.session.add(AuditLog(
        user_id=user.id, action="promotion.confirm_list", object_type="trade",
        object_id=trade.id, competition_id=trade.competition_id, trade_id=trade.id,
        new={"promoted": len(pending), "decided": len(lst.rows),
             "excluded": sum(1 for r in lst.rows if r.status == "excluded"),
             "standings_version": trade.standings_version,
             # confirmed although the results were not signed off / published (the
             # organiser ticked the acknowledgement): what was not final
             **({"results_not_final": results_not_final} if results_not_final else {})}))
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


def set_policy(comp: Competition, user: User | None, *, file: str | None = None,
               text: str | None = None, ladder: str | None = None, source: str = ""):
    """Make a shipped policy file (by name) or a policy text the competition's policy,
    optionally with its grade ladder. Validated first: raises PolicyError (located
    problems) or PromotionError (unknown file); changes nothing then. Returns the Policy."""
    from ...promotion import get_ladder, parse_policy
    from .decisions import POLICY_DIR
    settings = dict(comp.settings or {})
    if ladder:
        settings["grade_ladder"] = ladder
    if file:
        path = POLICY_DIR / Path(file).name
        if not path.is_file():
            raise PromotionError("there is no policy file named %(name)s", 400, name=file)
        text, source = path.read_text(encoding="utf-8"), path.name
    policy = parse_policy(text or "", source or f"competition:{comp.code}",
                          ladder=get_ladder(settings.get("grade_ladder")))
    keys = ("promotion_policy_file", "promotion_policy", "grade_ladder")
    old = {k: (comp.settings or {}).get(k) for k in keys}
    own = settings.pop("promotion_policy", None)
    settings.pop("promotion_policy_file", None)
    settings["promotion_policy_file" if file else "promotion_policy"] = \
        Path(file).name if file else text
    if file and own:       # the competition's own text is kept (not used) for next time
        settings["promotion_policy_own"] = own
    elif not file:
        settings.pop("promotion_policy_own", None)
    comp.settings = settings
    db.session.add(AuditLog(user_id=_uid(user), action="promotion.policy",
                            object_type="competition", object_id=comp.id,
                            competition_id=comp.id, old=old,
                            new={"name": policy.name, "file": Path(file).name if file else None,
                                 "grade_ladder": settings.get("grade_ladder")}))
    db.session.commit()
    return policy
