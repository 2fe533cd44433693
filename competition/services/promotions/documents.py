"""What the documents need: the certificate's promotion note and the 晋级名单 exports."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import Competition, Promotion, Trade
from ...timefmt import local_today
from .decisions import PromotionError, competition_ladder, trade_finishers
from .lists import refresh_review_flags


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
    from ...promotion import promotion_note as note
    return note(ladder, row.from_grade, row.to_grade)


def export_data(comp: Competition, trade: Trade | None = None):
    """The confirmed promotions of the competition (or one trade) as plain data for
    exports.promotions. A confirmed list that promotes nobody is part of it: the list
    says so in its notes ("车工：经确认，本工种无人晋级。"), so an empty list can be printed
    and signed. Raises PromotionError if no list is confirmed or a list is flagged for
    review (the results changed after confirmation)."""
    from exports.promotions import PromotionListData, PromotionListRow

    from ...promotion import BASIS_LABELS
    refresh_review_flags(comp)
    stmt = (select(Promotion).join(Trade, Trade.id == Promotion.trade_id)
            .where(Promotion.competition_id == comp.id,
                   (Promotion.status == "confirmed") | Promotion.confirmed_at.is_not(None))
            .order_by(Trade.id, Promotion.id))
    if trade is not None:
        stmt = stmt.where(Promotion.trade_id == trade.id)
    listed = db.session.scalars(stmt).all()
    if not listed:
        raise PromotionError("no confirmed promotion list to export")
    flagged = sorted({r.contestant.trade.name for r in listed if r.needs_review})
    if flagged:
        raise PromotionError("the results changed after confirmation; review the list of: "
                             "%(trades)s", trades="、".join(flagged))
    rows = [r for r in listed if r.status == "confirmed"]
    trades: dict[int, Trade] = {}
    for r in listed:
        trades.setdefault(r.trade_id, r.contestant.trade)
    promoted = {r.trade_id for r in rows}
    notes = tuple(f"{t.name}：经确认，本工种无人晋级（{sum(1 for r in listed if r.trade_id == tid)}"
                  "人参与判定）。" for tid, t in trades.items() if tid not in promoted)
    ladder = competition_ladder(comp)
    results = {}
    out = []
    for p in rows:
        t = p.contestant.trade
        if t.id not in results:
            finishers, _, _ = trade_finishers(t)
            results[t.id] = {}
            for f in finishers:       # a member's own row before their team's
                results[t.id].setdefault(f.key, f)
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
                             date=local_today(comp), notes=notes)


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
