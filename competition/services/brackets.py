"""Brackets of a head-to-head stage: create one from the stage's entries, enter a match
result (the winner moves on), read it for pages and screens.

The pure logic is competition.brackets (Knockout, round-robin tables, groups feeding a
knockout); this module stores its state in Match rows and rebuilds it for each change.
Every write is one transaction with an AuditLog row; then the bracket's version (in its
settings) grows and the screens are told (Socket.IO when the live module offers it,
otherwise they poll the JSON view, which carries the version).
Raises ServiceError / NotFound / Conflict / Forbidden (see services.registration).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ..brackets import (
    BracketError,
    Knockout,
    KnockoutMatch,
    RoundRobinError,
    knockout_seeding,
    round_name,
    schedule,
    split_into_groups,
)
from ..extensions import db
from ..models import Bracket, Entry, Heat, JudgeAssignment, Match, Role, Stage, User
from .bracket_tables import KO, group_tables  # noqa: F401  (re-exported: pages use them)
from .bracket_tables import points_system as _points
from .draws import active_entries
from .registration import Conflict, Forbidden, NotFound, ServiceError, _, audit

FORMATS = ("single_elimination", "round_robin", "groups_knockout")


def get_bracket(bracket_id: int) -> Bracket:
    b = db.session.get(Bracket, bracket_id)
    if b is None:
        raise NotFound(_("No such bracket."), "bracket_id")
    return b


def get_match(match_id: int) -> Match:
    m = db.session.get(Match, match_id)
    if m is None:
        raise NotFound(_("No such match."), "match_id")
    return m


def seeded_entries(stage: Stage) -> list[Entry]:
    """Active entries in seed order: Entry.seed first (1 is the top seed), then by lot
    number, then by id."""
    def key(e: Entry):
        lot = int(e.lot_number) if (e.lot_number or "").isdigit() else 10 ** 9
        return (e.seed is None, e.seed or 0, lot, e.id)
    return sorted(active_entries(stage), key=key)


def set_seeds(stage: Stage, seeds: dict[int, int | None], user: User | None) -> None:
    """Set the seed numbers (1 = top seed; None clears) of the stage's entries.
    Raises ServiceError for an unknown entry, a seed below 1 or a seed given twice;
    Conflict once the stage has a bracket."""
    if db.session.scalar(select(Bracket.id).where(Bracket.stage_id == stage.id)):
        raise Conflict(_("The bracket exists; seeds can no longer change."), None)
    entries = {e.id: e for e in active_entries(stage)}
    if any(k not in entries for k in seeds):
        raise ServiceError(_("Not an entry of this stage."), "seed")
    given = [v for v in seeds.values() if v is not None]
    if any(v < 1 for v in given) or len(set(given)) != len(given):
        raise ServiceError(_("Seeds are different whole numbers from 1 up."), "seed")
    old = {str(k): entries[k].seed for k in seeds}
    for k, v in seeds.items():
        entries[k].seed = v
    audit(user, "entry.seeds", "stage", stage.id, competition_id=stage.trade.competition_id,
          trade_id=stage.trade_id, old=old, new={str(k): v for k, v in seeds.items()})
    db.session.commit()


def seeds_from_previous_stage(stage: Stage, user: User | None) -> int:
    """Seed the stage's entries by their ranking in the stage before (best = seed 1);
    entrants not ranked there get no seed. Returns how many were seeded."""
    from .standings import trade_standings
    earlier = [s for s in stage.trade.stages if s.seq < stage.seq]
    if not earlier:
        raise Conflict(_("There is no earlier stage to seed from."), None)
    prev = max(earlier, key=lambda s: s.seq)
    ts = trade_standings(stage.trade, prev)
    order = []
    for row in ts.standings.rows:
        e = ts.entries.get(row.entry)
        if e is not None and row.rank is not None:
            order.append((e.contestant_id, e.team_id))
    position = {who: i for i, who in enumerate(order, start=1)}
    entries = active_entries(stage)
    ranked = sorted((position[(e.contestant_id, e.team_id)], e.id) for e in entries
                    if (e.contestant_id, e.team_id) in position)
    seeds: dict[int, int | None] = {e.id: None for e in entries}
    seeds.update({eid: i for i, (_pos, eid) in enumerate(ranked, start=1)})
    set_seeds(stage, seeds, user)
    return len(ranked)


def create_bracket(stage: Stage, format: str, user: User | None, *, third_place: bool = False,
                   group_count: int = 1, advance: int = 2, points: dict | None = None,
                   tiebreaks: list[str] | None = None) -> Bracket:
    """Build the bracket and its matches from the stage's active entries in seed order.
    Raises ServiceError for a bad format or field, Conflict if the stage has one."""
    if format not in FORMATS:
        raise ServiceError(_("Unknown bracket format."), "format")
    if db.session.scalar(select(Bracket.id).where(Bracket.stage_id == stage.id)):
        raise Conflict(_("This stage already has a bracket."), None)
    entries = seeded_entries(stage)
    ids = [e.id for e in entries]
    settings = {"third_place": bool(third_place), "seeds": ids, "version": 1}
    if format != "single_elimination":
        settings.update({"group_count": 1 if format == "round_robin" else int(group_count),
                         "advance": int(advance), "points": points or {},
                         "tiebreaks": tiebreaks or []})
    try:
        _points(settings)
        if format == "single_elimination":
            rows = _ko_rows(Knockout.build(ids, third_place=third_place))
        else:
            rows = _group_rows(split_into_groups(ids, settings["group_count"]))
    except (BracketError, RoundRobinError) as err:
        raise ServiceError(_("The bracket cannot be made: %(why)s", why=str(err)),
                           "entries") from None
    bracket = Bracket(stage_id=stage.id, format=format, settings=settings)
    db.session.add(bracket)
    db.session.flush()
    for m in rows:
        m.bracket_id = bracket.id
    db.session.add_all(rows)
    audit(user, "bracket.create", "bracket", bracket.id,
          competition_id=stage.trade.competition_id, trade_id=stage.trade_id,
          new={"format": format, "seeds": ids, "settings": settings})
    db.session.commit()
    return bracket


def _ko_rows(ko: Knockout) -> list[Match]:
    return [Match(group_name=KO, round=m.round, slot=m.slot, entry_a_id=m.a, entry_b_id=m.b,
                  winner_entry_id=m.winner, status=m.status) for m in ko.rows()]


def _group_rows(groups: dict[str, list[int]]) -> list[Match]:
    rows = []
    for name, keys in groups.items():
        for r, pairs in enumerate(schedule(keys), start=1):
            for slot, (a, b) in enumerate(pairs):
                rows.append(Match(group_name=name, round=r, slot=slot, entry_a_id=a,
                                  entry_b_id=b, status="pending"))
    return rows


# --- results ------------------------------------------------------------------------------

def may_enter_results(user: User, bracket: Bracket) -> bool:
    """The organiser, the trade's chief judge, or a judge assigned to a heat of the stage."""
    stage = bracket.stage if hasattr(bracket, "stage") else db.session.get(Stage, bracket.stage_id)
    if user.has_role(Role.ORGANISER):
        return True
    if user.has_role(Role.CHIEF_JUDGE):
        return user.trade_id in (None, stage.trade_id)
    if user.has_role(Role.JUDGE):
        return db.session.scalar(select(JudgeAssignment.id).join(Heat).where(
            Heat.stage_id == stage.id, JudgeAssignment.user_id == user.id).limit(1)) is not None
    return False


def brackets_for(user: User, limit: int | None = None) -> list[tuple[Bracket, Stage]]:
    """The brackets ``user`` may enter results for, newest first, with their stages."""
    stmt = select(Bracket, Stage).join(Stage, Stage.id == Bracket.stage_id)
    if user.has_role(Role.CHIEF_JUDGE) and user.trade_id is not None:
        stmt = stmt.where(Stage.trade_id == user.trade_id)
    elif user.has_role(Role.JUDGE):
        stmt = stmt.where(Stage.id.in_(select(Heat.stage_id).join(JudgeAssignment).where(
            JudgeAssignment.user_id == user.id)))
    elif not user.has_role(Role.ORGANISER, Role.CHIEF_JUDGE):
        return []
    stmt = stmt.order_by(Bracket.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return [(b, s) for b, s in db.session.execute(stmt).all()]


def _decimal(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(_("A score is a number."), field) from None
    if not d.is_finite() or d < 0 or d > Decimal("99999999"):
        raise ServiceError(_("A score is a number from 0 up."), field)
    return d


def record_result(match: Match, score_a, score_b, user: User, *,
                  winner_entry_id: int | None = None, reason: str | None = None,
                  walkover: bool = False) -> Match:
    """Enter or correct a match result. In a knockout the winner moves on (a drawn score
    needs the winner named); in a group the table changes and, when the last group match
    of a groups-to-knockout bracket is in, the knockout is drawn up.
    ``walkover``: the other side did not turn up; ``winner_entry_id`` moves on without a
    score (knockout matches only).
    Raises Forbidden, ServiceError (bad score, not ready) or Conflict (a later match
    already depends on this result)."""
    bracket = db.session.get(Bracket, match.bracket_id)
    if not may_enter_results(user, bracket):
        raise Forbidden(_("You may not enter results for this bracket."), None)
    old = _match_dict(match)
    if walkover:
        if match.group_name != KO:
            raise ServiceError(_("A group match needs a score."), "score_a")
        if winner_entry_id is None:
            raise ServiceError(_("Name the side that moves on."), "winner_entry_id")
        _record_knockout(bracket, match, None, None, winner_entry_id, walkover=True)
    elif match.group_name == KO:
        sa, sb = _decimal(score_a, "score_a"), _decimal(score_b, "score_b")
        _record_knockout(bracket, match, sa, sb, winner_entry_id)
    else:
        _record_group(bracket, match, _decimal(score_a, "score_a"), _decimal(score_b, "score_b"))
    _bump(bracket)
    stage = db.session.get(Stage, bracket.stage_id)
    audit(user, "match.correct" if old["status"] == "done" else "match.result", "match",
          match.id, competition_id=stage.trade.competition_id, trade_id=stage.trade_id,
          old=old, new=_match_dict(match), reason=reason)
    db.session.commit()
    _publish(bracket)
    from .standings import trade_changed  # the bracket's places are the stage's standings
    trade_changed(stage.trade_id)
    return match


def _match_dict(m: Match) -> dict:
    return {"a": m.entry_a_id, "b": m.entry_b_id,
            "score_a": None if m.score_a is None else str(m.score_a),
            "score_b": None if m.score_b is None else str(m.score_b),
            "winner": m.winner_entry_id, "status": m.status}


def _ko_matches(bracket: Bracket) -> list[Match]:
    return [m for m in bracket.matches if m.group_name == KO]


def _record_knockout(bracket: Bracket, match: Match, sa, sb, winner,
                     walkover: bool = False) -> None:
    rows = {(m.round, m.slot): m for m in _ko_matches(bracket)}
    ko = Knockout.from_matches([KnockoutMatch(m.round, m.slot, m.entry_a_id, m.entry_b_id,
                                              m.score_a, m.score_b, m.winner_entry_id, m.status)
                                for m in rows.values()],
                               third_place=bracket.settings.get("third_place", False))
    try:
        changed = (ko.walkover(match.round, match.slot, winner) if walkover else
                   ko.record(match.round, match.slot, sa, sb, winner=winner))
    except BracketError as err:
        text = str(err)
        if "later match" in text:
            raise Conflict(_("A later match has been played with this winner; correct that "
                             "one first."), None) from None
        message = (_("A drawn match needs the winner named.") if "winner named" in text else
                   _("The winner named has the lower score.") if "lower score" in text else
                   _("This match is not ready: an opponent is still to be decided.")
                   if "not ready" in text else
                   _("The winner must be one of the two sides.") if "two sides" in text
                   else text)
        raise ServiceError(message, "winner_entry_id") from None
    for km in changed:
        if km is None:
            continue
        row = rows[(km.round, km.slot)]
        row.entry_a_id, row.entry_b_id = km.a, km.b
        row.score_a, row.score_b = km.score_a, km.score_b
        row.winner_entry_id, row.status = km.winner, km.status


def _record_group(bracket: Bracket, match: Match, sa, sb) -> None:
    if _ko_matches(bracket):
        raise Conflict(_("The knockout has been drawn up from the groups; group results "
                         "can no longer change."), None)
    match.score_a, match.score_b, match.status = sa, sb, "done"
    match.winner_entry_id = (match.entry_a_id if sa > sb else
                             match.entry_b_id if sb > sa else None)
    groups = [m for m in bracket.matches if m.group_name != KO]
    if bracket.format == "groups_knockout" and all(m.status == "done" for m in groups):
        tables = group_tables(bracket)
        try:
            seeds = knockout_seeding(tables, int(bracket.settings.get("advance", 2)))
            ko = Knockout.build(seeds, third_place=bracket.settings.get("third_place", False))
        except BracketError as err:
            raise ServiceError(str(err), None) from None
        for row in _ko_rows(ko):
            row.bracket_id = bracket.id
            db.session.add(row)
            bracket.matches.append(row)


def _bump(bracket: Bracket) -> None:
    settings = dict(bracket.settings or {})
    settings["version"] = int(settings.get("version", 0)) + 1
    bracket.settings = settings


def _publish(bracket: Bracket) -> None:
    """Tell the screens after the commit: a small "bracket" event (id and version) to the
    trade's Socket.IO room (rooms.trade_room: not live.py, which reads the standings that
    read brackets); screens then fetch the JSON view. Screens also poll that view, so a
    missed event only delays them."""
    from .. import rooms
    from ..extensions import socketio
    stage = db.session.get(Stage, bracket.stage_id)
    try:
        socketio.emit("bracket", {"bracket": bracket.id,
                                  "version": bracket.settings.get("version", 1)},
                      to=rooms.trade_room(stage.trade_id))
    except Exception:  # a screen notice must never undo a committed result
        import logging
        logging.getLogger(__name__).exception("bracket publish failed")


# --- reading ------------------------------------------------------------------------------

def _names(bracket: Bracket) -> dict[int, str]:
    ids = {k for m in bracket.matches for k in (m.entry_a_id, m.entry_b_id) if k}
    entries = db.session.scalars(select(Entry).where(Entry.id.in_(ids))).all() if ids else []
    return {e.id: e.display_name for e in entries}


def _num(d: Decimal | None) -> str | None:
    """120.00 -> "120", 12.50 -> "12.5" (never an exponent)."""
    if d is None:
        return None
    text = format(Decimal(d), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


score_text = _num   # the routes' name for it (the flash after a saved result)


def _side(names, entry_id):
    return None if entry_id is None else {"id": entry_id, "name": names.get(entry_id, "")}


def _view_match(m: Match, names) -> dict:
    return {"id": m.id, "round": m.round, "slot": m.slot, "group": m.group_name,
            "walkover": m.status == "done" and m.score_a is None,
            "a": _side(names, m.entry_a_id), "b": _side(names, m.entry_b_id),
            "score_a": _num(m.score_a), "score_b": _num(m.score_b),
            "winner": m.winner_entry_id, "status": m.status,
            "ready": m.status == "pending" and m.entry_a_id is not None
            and m.entry_b_id is not None}


def bracket_view(bracket: Bracket) -> dict:
    """Everything a page or a screen shows (names only: no ID numbers), plus the version."""
    names = _names(bracket)
    stage = db.session.get(Stage, bracket.stage_id)
    ko = sorted(_ko_matches(bracket), key=lambda m: (m.round, m.slot))
    rounds_total = max((m.round for m in ko), default=0)
    third = bracket.settings.get("third_place", False)
    rounds = []
    for r in range(1, rounds_total + 1):
        ms = [m for m in ko if m.round == r and not (third and r == rounds_total and m.slot == 1)]
        rounds.append({"round": r, "name": round_name(r, rounds_total),
                       "matches": [_view_match(m, names) for m in ms]})
    third_match = next((m for m in ko if third and m.round == rounds_total and m.slot == 1), None)
    final = next((m for m in ko if m.round == rounds_total and m.slot == 0), None)
    groups = []
    for name, rows in group_tables(bracket).items():
        # before the group's first result everyone would share rank 1: show no rank yet
        started = any(r.played for r in rows)
        groups.append({"name": name, "started": started, "table": [
            {"id": r.key, "name": names.get(r.key, ""), "rank": r.rank if started else None,
             "played": r.played,
             "won": r.won, "drawn": r.drawn, "lost": r.lost, "scored": _num(r.scored),
             "conceded": _num(r.conceded), "difference": _num(r.difference),
             "points": _num(r.points)}
            for r in rows],
            "matches": [_view_match(m, names) for m in sorted(
                (m for m in bracket.matches if m.group_name == name),
                key=lambda m: (m.round, m.slot))]})
    champion = final.winner_entry_id if final is not None and final.status == "done" else None
    if bracket.format == "round_robin" and groups and all(
            m.status == "done" for m in bracket.matches):
        table_rows = groups[0]["table"]
        if len(table_rows) > 1 and table_rows[1]["rank"] > 1:   # a clear winner only
            champion = table_rows[0]["id"]
    return {"id": bracket.id, "format": bracket.format, "version": bracket.settings.get("version", 1),
            "stage": stage.name, "trade": stage.trade.name, "rounds": rounds, "groups": groups,
            "third_place": _view_match(third_match, names) if third_match else None,
            "champion": _side(names, champion),
            "ranking": _ranking(stage) if champion is not None else None}


def _ranking(stage: Stage) -> list[dict] | None:
    """The decided bracket's final places with their awards (the stage's standings,
    services.bracket_standings: what certificates and promotions read); None until the
    bracket is decided (a third-place match still to play)."""
    from .standings import trade_standings
    ts = trade_standings(stage.trade, stage)
    rows = [r for r in ts.standings.rows if r.rank is not None]
    if not rows:
        return None
    out = []
    for r in sorted(rows, key=lambda r: r.rank):
        entry = ts.entries.get(r.entry)
        out.append({"id": int(r.entry), "rank": r.rank, "award": r.award,
                    "titles": list(r.titles),
                    "name": entry.display_name if entry is not None else ""})
    return out

