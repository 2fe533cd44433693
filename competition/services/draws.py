"""Stages, heats, the draw, advancement and team standings: every write is one transaction
with one AuditLog row.

The draw's seed is stored on the stage, its options in the "draw.run" audit row, so that
anyone can re-run it (verify_draw) and get the same lots, heats and workstations.
Raises ServiceError / NotFound / Conflict (see services.registration).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from ..brackets import (
    Advancement,
    AdvancementError,
    DrawError,
    Entrant,
    HeatSlot,
    Ranked,
    TeamRule,
    advance,
    draw,
    new_seed,
)
from ..extensions import db
from ..models import AuditLog, Contestant, Entry, Heat, Mark, Stage, Team, Trade, User, utcnow
from .registration import Conflict, NotFound, ServiceError, _, audit

FORMATS = ("ranked", "bracket")


def get_stage(stage_id: int) -> Stage:
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        raise NotFound(_("No such stage."), "stage_id")
    return stage


# --- stages and heats ------------------------------------------------------------------

def create_stage(trade: Trade, name: str, user: User | None, *, format: str = "ranked",
                 is_final: bool | None = None) -> Stage:
    """Add a stage after the trade's last one; the earlier stages stop being final."""
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ServiceError(_("A stage needs a name of at most 50 characters."), "name")
    if format not in FORMATS:
        raise ServiceError(_("Unknown stage format."), "format")
    if any(s.name.strip() == name for s in trade.stages):
        raise Conflict(_("%(trade)s already has a stage named %(name)s; give the new stage "
                         "another name (e.g. 第二轮).", trade=trade.name, name=name), "name")
    seq = (db.session.scalar(select(func.max(Stage.seq)).where(Stage.trade_id == trade.id))
           or 0) + 1
    for earlier in trade.stages:
        earlier.is_final = False
    stage = Stage(trade_id=trade.id, seq=seq, name=name, format=format,
                  is_final=True if is_final is None else is_final)
    db.session.add(stage)
    db.session.flush()
    audit(user, "stage.create", "stage", stage.id, competition_id=trade.competition_id,
          trade_id=trade.id, new={"name": name, "seq": seq, "format": format})
    db.session.commit()
    return stage


def create_heat(stage: Stage, name: str, workstations: int, user: User | None, *,
                venue: str = "", starts_at: datetime | None = None) -> Heat:
    """Add a heat (场次) to a stage. Raises ServiceError for a bad name or capacity."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ServiceError(_("A heat needs a name of at most 100 characters."), "name")
    if not isinstance(workstations, int) or not 1 <= workstations <= 1000:
        raise ServiceError(_("Workstations: a number from 1 to 1000."), "workstations")
    seq = (db.session.scalar(select(func.max(Heat.seq)).where(Heat.stage_id == stage.id))
           or 0) + 1
    heat = Heat(stage_id=stage.id, seq=seq, name=name, venue=(venue or "").strip()[:200],
                starts_at=starts_at, workstations=workstations)
    db.session.add(heat)
    db.session.flush()
    audit(user, "heat.create", "heat", heat.id, competition_id=stage.trade.competition_id,
          trade_id=stage.trade_id, heat_id=heat.id,
          new={"name": name, "venue": heat.venue, "workstations": workstations,
               "starts_at": starts_at.isoformat() if starts_at else None})
    db.session.commit()
    return heat


def set_workstations(heat: Heat, workstations, user: User | None) -> Heat:
    """Change a heat's number of workstations (a spare bench for a late entrant). Never
    below a workstation in use. Raises ServiceError naming "workstations"."""
    try:
        n = int(str(workstations).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= 1000:
        raise ServiceError(_("Workstations: a number from 1 to 1000."), "workstations")
    from .heat_lock import lock_heat_row
    heat = lock_heat_row(heat.id)    # seating reads the free workstations under this lock
    used = db.session.scalar(select(func.max(Entry.workstation))
                             .where(Entry.heat_id == heat.id)) or 0
    if n < used:
        db.session.rollback()
        raise Conflict(_("Workstation %(w)d of %(heat)s is in use; the heat needs at least "
                         "%(w)d workstations.", w=used, heat=heat.name), "workstations")
    if n != heat.workstations:
        stage = heat.stage
        audit(user, "heat.workstations", "heat", heat.id,
              competition_id=stage.trade.competition_id, trade_id=stage.trade_id,
              heat_id=heat.id, old={"workstations": heat.workstations},
              new={"workstations": n})
        heat.workstations = n
    db.session.commit()          # (also releases the heat's lock when nothing changed)
    return heat


def delete_heat(heat: Heat, user: User | None) -> None:
    """Remove a heat nobody is drawn into. Conflict otherwise."""
    if db.session.scalar(select(func.count(Entry.id)).where(Entry.heat_id == heat.id)):
        raise Conflict(_("Entries are drawn into this heat; clear the draw first."), None)
    from ..models import JudgeAssignment
    stage = heat.stage
    judges = list(db.session.scalars(select(JudgeAssignment.user_id)
                                     .where(JudgeAssignment.heat_id == heat.id)))
    # its own audit rows (heat.create, judge assignments) stay, unlinked from the heat
    # (heat_id is a foreign key): they still name it in object_id and old/new
    db.session.execute(db.update(AuditLog).where(AuditLog.heat_id == heat.id)
                       .values(heat_id=None))
    db.session.execute(db.delete(JudgeAssignment).where(JudgeAssignment.heat_id == heat.id))
    db.session.expire(heat, ["assignments"])
    audit(user, "heat.delete", "heat", heat.id, competition_id=stage.trade.competition_id,
          trade_id=stage.trade_id, old={"name": heat.name, "workstations": heat.workstations,
                                        "judges": judges})
    db.session.delete(heat)
    db.session.commit()


def stage_marks(stage: Stage) -> int:
    """How many marks the stage's entries have."""
    return db.session.scalar(select(func.count(Mark.id)).join(Entry, Entry.id == Mark.entry_id)
                             .where(Entry.stage_id == stage.id)) or 0


def stage_deletable(stage: Stage) -> str | None:
    """None when the stage can be deleted; otherwise why not, in the organiser's words."""
    if stage_marks(stage):
        return _("Marks have been entered in this stage; it cannot be deleted.")
    if any(h.locked for h in stage.heats):
        return _("A heat of this stage is signed off; it cannot be deleted.")
    from ..models import Bracket, Match
    played = db.session.scalar(select(func.count(Match.id))
                               .join(Bracket, Bracket.id == Match.bracket_id)
                               .where(Bracket.stage_id == stage.id, Match.status == "done"))
    if played:
        return _("Matches of this stage's bracket have results; it cannot be deleted.")
    return None


def delete_stage(stage: Stage, user: User | None) -> None:
    """Remove a stage no mark, sign-off or match result depends on, with its heats, judge
    assignments, entries (the draw) and bracket: one audit row keeps what it held.
    Conflict (with the reason) otherwise."""
    why = stage_deletable(stage)
    if why:
        raise Conflict(why, None)
    from ..models import Bracket, JudgeAssignment, Match
    trade = stage.trade
    heat_ids = [h.id for h in stage.heats]
    entries = list(db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)))
    old = {"name": stage.name, "seq": stage.seq, "format": stage.format,
           "draw_seed": stage.draw_seed, "entries": len(entries),
           "heats": [{"id": h.id, "name": h.name, "workstations": h.workstations}
                     for h in stage.heats]}
    bracket_ids = list(db.session.scalars(select(Bracket.id).where(Bracket.stage_id == stage.id)))
    if bracket_ids:
        db.session.execute(db.delete(Match).where(Match.bracket_id.in_(bracket_ids)))
        db.session.execute(db.delete(Bracket).where(Bracket.id.in_(bracket_ids)))
    if heat_ids:
        db.session.execute(db.delete(JudgeAssignment).where(JudgeAssignment.heat_id.in_(heat_ids)))
        # the heats' audit rows stay; they name the heat in object_id and old/new
        db.session.execute(db.update(AuditLog).where(AuditLog.heat_id.in_(heat_ids))
                           .values(heat_id=None))
    db.session.execute(db.delete(Entry).where(Entry.stage_id == stage.id))
    if heat_ids:
        db.session.execute(db.delete(Heat).where(Heat.id.in_(heat_ids)))
    was_final = stage.is_final
    audit(user, "stage.delete", "stage", stage.id, competition_id=trade.competition_id,
          trade_id=trade.id, old=old)
    db.session.delete(stage)
    db.session.flush()
    db.session.expire(trade, ["stages"])
    rest = sorted(trade.stages, key=lambda s: s.seq)
    if was_final and rest:
        rest[-1].is_final = True
    db.session.commit()
    from .standings import trade_changed
    trade_changed(trade.id)


def is_first_stage(stage: Stage) -> bool:
    return stage.seq == min(s.seq for s in stage.trade.stages)


def team_event(trade: Trade) -> bool:
    return bool(db.session.scalar(select(func.count(Team.id)).where(Team.trade_id == trade.id)))


def enter_registered(stage: Stage, user: User | None) -> int:
    """Enter every registered, not withdrawn contestant (or, for a bracket stage of a team
    event, every team) of the trade into the first stage. Returns how many were added."""
    if not is_first_stage(stage):
        raise Conflict(_("Entries of a later stage come from advancement."), None)
    trade = stage.trade
    by_team = stage.format == "bracket" and team_event(trade)
    if by_team:
        have = set(db.session.scalars(select(Entry.team_id).where(Entry.stage_id == stage.id)))
        new = [Entry(stage_id=stage.id, team_id=t.id) for t in db.session.scalars(
            select(Team).where(Team.trade_id == trade.id).order_by(Team.id)) if t.id not in have]
    else:
        have = set(db.session.scalars(select(Entry.contestant_id)
                                      .where(Entry.stage_id == stage.id)))
        new = [Entry(stage_id=stage.id, contestant_id=c.id) for c in db.session.scalars(
            select(Contestant).where(Contestant.trade_id == trade.id,
                                     Contestant.withdrawn_at.is_(None)).order_by(Contestant.id))
               if c.id not in have]
    if new:
        db.session.add_all(new)
        audit(user, "stage.enter_registered", "stage", stage.id,
              competition_id=trade.competition_id, trade_id=trade.id,
              new={"added": len(new), "by_team": by_team})
        db.session.commit()
        from .standings import trade_changed
        trade_changed(trade.id)       # the new entrants' rows appear on the screens now
    return len(new)


def not_entered(stage: Stage) -> int:
    """Registered, not withdrawn contestants of the trade who have no entry in ``stage``
    yet (only the first stage takes them in; later stages come from advancement)."""
    if not is_first_stage(stage) or (stage.format == "bracket" and team_event(stage.trade)):
        return 0
    entered = select(Entry.contestant_id).where(Entry.stage_id == stage.id,
                                                Entry.contestant_id.is_not(None))
    return db.session.scalar(select(func.count(Contestant.id)).where(
        Contestant.trade_id == stage.trade_id, Contestant.withdrawn_at.is_(None),
        Contestant.id.not_in(entered))) or 0


# --- the draw ---------------------------------------------------------------------------

def active_entries(stage: Stage) -> list[Entry]:
    return [e for e in db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)
                                          .order_by(Entry.id))
            if e.status not in ("withdrawn", "disqualified")]


def draw_closed(stage: Stage) -> str | None:
    """Why the stage can no longer be (re-)drawn, or None while it can."""
    if any(h.locked for h in stage.heats):
        return "locked"
    if stage_marks(stage):
        return "marks"
    return None


def _check_drawable(stage: Stage) -> None:
    if any(h.locked for h in stage.heats):
        raise Conflict(_("A heat of this stage is signed off; the draw cannot change."), None)
    marks = db.session.scalar(select(func.count(Mark.id)).join(Entry, Entry.id == Mark.entry_id)
                              .where(Entry.stage_id == stage.id))
    if marks:
        raise Conflict(_("Marks have been entered in this stage; the draw cannot change. "
                         "Seat a late entrant by hand (Seat in the table below)."), None)


def compute_draw(stage: Stage, seed: str, options: dict, exclude: set[int] = frozenset()):
    """The pure draw for the stage's current entries (but ``exclude``) and heats (nothing
    written)."""
    entries = [e for e in active_entries(stage) if e.id not in exclude]
    heats = list(stage.heats)
    prefs = {int(k): v for k, v in (options.get("preferences") or {}).items()}
    entrants = [Entrant(e.id, e.employer, prefs.get(e.id)) for e in entries]
    slots = [HeatSlot(h.id, h.workstations) for h in heats]
    # the two problems an organiser meets, in their words (the pure core speaks English)
    why = None
    capacity = sum(h.workstations or 0 for h in heats)
    if not heats:
        why = _("the stage has no heats yet; add a heat first.")
    elif len(entrants) > capacity:
        why = _("%(n)d entrants, but the heats have %(total)d workstations; add a heat or "
                "more workstations.", n=len(entrants), total=capacity)
    if why:
        raise ServiceError(_("The draw cannot be made: %(why)s", why=why), "heats")
    try:
        return draw(entrants, slots, seed, spread_employers=bool(options.get("spread_employers")),
                    fill=options.get("fill", "balanced")), entries
    except DrawError as err:
        raise ServiceError(_("The draw cannot be made: %(why)s", why=str(err)), "heats") from None


def lot_text(lot: int, total: int) -> str:
    return f"{lot:0{max(3, len(str(total)))}d}"


def run_draw(stage: Stage, user: User | None, *, seed: str | None = None,
             spread_employers: bool = False, fill: str = "balanced",
             preferences: dict[int, int] | None = None) -> Stage:
    """Draw lots, heats and workstations for the stage's active entries and store them
    with the seed. The first stage gets every registered contestant entered first.
    Raises Conflict once marks exist or a heat is signed off; ServiceError when the
    entries do not fit the heats."""
    _check_drawable(stage)
    if is_first_stage(stage):
        enter_registered(stage, user)
    seed = (seed or "").strip() or new_seed()
    if len(seed) > 64:
        raise ServiceError(_("A seed has at most 64 characters."), "seed")
    options = {"spread_employers": bool(spread_employers), "fill": fill,
               "preferences": {str(k): v for k, v in (preferences or {}).items()}}
    result, entries = compute_draw(stage, seed, options)
    old = {"seed": stage.draw_seed}
    for e in db.session.scalars(select(Entry).where(Entry.stage_id == stage.id)):
        e.heat_id, e.lot_number, e.workstation = None, None, None
    db.session.flush()  # clear first: (heat, lot) and (heat, workstation) are unique
    by_id = {e.id: e for e in entries}
    total = len(result.assignments)
    for a in result.assignments:
        e = by_id[a.key]
        e.heat_id, e.lot_number, e.workstation = a.heat, lot_text(a.lot_number, total), a.workstation
    stage.draw_seed, stage.drawn_at = seed, utcnow()
    audit(user, "draw.run", "stage", stage.id, competition_id=stage.trade.competition_id,
          trade_id=stage.trade_id, old=old,
          new={"seed": seed, "options": options, "entries": total,
               "unmet_preferences": [str(k) for k in result.unmet_preferences]})
    db.session.commit()
    from .standings import trade_changed
    trade_changed(stage.trade_id)
    return stage


def last_draw_options(stage: Stage) -> dict | None:
    row = db.session.scalar(select(AuditLog).where(
        AuditLog.action == "draw.run", AuditLog.object_type == "stage",
        AuditLog.object_id == stage.id).order_by(AuditLog.id.desc()).limit(1))
    return (row.new or {}).get("options") if row is not None else None


def hand_seated(stage: Stage) -> dict[int, str]:
    """Entries seated ("entry.seat") or moved ("entry.move") by hand since the last draw:
    entry id -> the last such action (services.seating writes them)."""
    last = db.session.scalar(select(func.max(AuditLog.id)).where(
        AuditLog.action == "draw.run", AuditLog.object_type == "stage",
        AuditLog.object_id == stage.id)) or 0
    ids = set(db.session.scalars(select(Entry.id).where(Entry.stage_id == stage.id)))
    rows = db.session.execute(select(AuditLog.object_id, AuditLog.action).where(
        AuditLog.trade_id == stage.trade_id, AuditLog.object_type == "entry",
        AuditLog.action.in_(("entry.seat", "entry.move")), AuditLog.id > last)
        .order_by(AuditLog.id)).all()
    out: dict[int, str] = {}
    for oid, action in rows:   # seated late, then moved: still not part of the draw
        if oid in ids:
            out[oid] = "entry.seat" if out.get(oid) == "entry.seat" else action
    return out


def verify_draw(stage: Stage) -> list[int]:
    """Re-run the recorded draw; the ids of entries whose stored lot, heat or workstation
    differ from the re-run (empty: the stored draw is what the seed gives). Entries
    seated by hand after the draw were not in it and are left out; entries moved by hand
    are not counted as differences (hand_seated() lists both)."""
    if not stage.draw_seed:
        raise Conflict(_("This stage has not been drawn."), None)
    by_hand = hand_seated(stage)
    late = {k for k, action in by_hand.items() if action == "entry.seat"}
    result, entries = compute_draw(stage, stage.draw_seed, last_draw_options(stage) or {},
                                   exclude=late)
    by_id = {e.id: e for e in entries}
    total = len(result.assignments)
    return [a.key for a in result.assignments if a.key not in by_hand
            and (by_id[a.key].heat_id, by_id[a.key].lot_number, by_id[a.key].workstation)
            != (a.heat, lot_text(a.lot_number, total), a.workstation)]


# --- advancement -------------------------------------------------------------------------

@dataclass
class AdvancementPreview:
    stage: Stage
    next_stage: Stage | None
    rule: dict
    result: Advancement
    rows: list      # scoring rows, best first
    entries: dict   # str(entry id) -> Entry
    state: object = None   # services.stage_final.StageState: heats not signed off...


def next_stage_of(stage: Stage) -> Stage | None:
    later = [s for s in stage.trade.stages if s.seq > stage.seq]
    return min(later, key=lambda s: s.seq) if later else None


def preview_advancement(stage: Stage, rule: dict) -> AdvancementPreview:
    """Who would advance under ``rule`` ({"top_n": 10} or {"top_percent": 30}, with
    "ties": include|exclude). Raises ServiceError for an unusable rule."""
    from .standings import trade_standings
    ts = trade_standings(stage.trade, stage)
    ranked = [Ranked(int(r.entry), r.rank) for r in ts.standings.rows]
    try:
        result = advance(ranked, top_n=rule.get("top_n"), top_percent=rule.get("top_percent"),
                         ties=rule.get("ties", "include"))
    except AdvancementError as err:
        raise ServiceError(_("The advancement rule is not usable: %(why)s", why=str(err)),
                           "rule") from None
    from .stage_final import stage_state
    return AdvancementPreview(stage, next_stage_of(stage), rule, result,
                              list(ts.standings.rows), ts.entries, stage_state(stage))


def confirm_advancement(stage: Stage, rule: dict, user: User | None,
                        expected: list[int] | None = None,
                        accept_unfinal: bool = False) -> list[Entry]:
    """Enter the advancing entrants into the next stage, as the organiser confirmed them.
    ``expected`` is the list the organiser saw: if the standings changed since, Conflict.
    From a stage whose heats are not all signed off (services.stage_final), only with
    ``accept_unfinal`` (the page's tick, the CLI's flag): what was not final goes into the
    audit row. Raises Conflict when there is no next stage or it already has entries, or
    (field "accept_unfinal") when the results are not final and that was not accepted."""
    preview = preview_advancement(stage, rule)
    nxt = preview.next_stage
    if nxt is None:
        raise Conflict(_("There is no next stage; add one first."), None)
    state = preview.state
    if not state.final and not accept_unfinal:
        raise Conflict(_("The results of this stage are not final: %(n)d heat(s) not signed "
                         "off (%(heats)s), %(m)d contestant(s) not scored yet. Tick the box "
                         "to confirm the list all the same.", n=len(state.open_heats),
                         heats=", ".join(state.open_heats), m=state.unscored_open),
                       "accept_unfinal")
    if db.session.scalar(select(func.count(Entry.id)).where(Entry.stage_id == nxt.id)):
        raise Conflict(_("The next stage already has entries."), None)
    keys = list(preview.result.advancing)
    if expected is not None and sorted(expected) != sorted(keys):
        raise Conflict(_("The standings changed since the list was shown; check it again."),
                       None)
    source = {e.id: e for e in db.session.scalars(select(Entry).where(Entry.id.in_(keys)))}
    created = []
    for k in keys:
        src = source[k]
        src.status = "advanced"
        created.append(Entry(stage_id=nxt.id, contestant_id=src.contestant_id,
                             team_id=src.team_id))
    db.session.add_all(created)
    stage.advancement = {**rule, "confirmed": keys}
    audit(user, "advancement.confirm", "stage", stage.id,
          competition_id=stage.trade.competition_id, trade_id=stage.trade_id,
          new={"rule": rule, "advancing": keys, "next_stage": nxt.id,
               "tied_at_cut": list(preview.result.tied_at_cut),
               "tie_rule": preview.result.tie_rule,
               # the organiser ticked that they know the results were not final
               **({"results_not_final": state.problems()} if not state.final else {})})
    db.session.commit()
    from .standings import trade_changed
    trade_changed(stage.trade_id)
    return created


def _team_awards(trade: Trade, ts, ranked) -> dict:
    """The rule's awards and titles given along the team ranking, as the engine gives them
    along the individual one (by count or percent of the ranked teams, with the levels'
    minimum totals; a level that needs minimum part scores gives no team award). None
    in a stage that another stage follows, like individual awards."""
    from ..scoring.ranking import assign_awards
    from .rules import rule_for
    from .standings import has_later_stage
    rule = rule_for(trade)
    if getattr(rule, "awards", None) is None or ts.stage is None or has_later_stage(ts.stage):
        return {}

    class Placed:   # what assign_awards reads of a row
        def __init__(self, tr):
            self.key, self.rank, self.total = tr.score.key, tr.rank, tr.score.total
            self.complete, self.components, self.groups = True, {}, {}
            self.award, self.titles = None, ()
    rows = [Placed(tr) for tr in ranked if tr.rank is not None]
    assign_awards(rule, rows)
    return {r.key: (r.award, r.titles) for r in rows}


# --- team standings (team events) -----------------------------------------------------------------------

def team_rule(trade: Trade) -> "TeamRule":
    """The trade's team scoring from the competition settings, e.g.
    settings["team_scoring"]["quiz"] = {"method": "best", "best_of": 3}; default: sum."""
    from ..models import Competition
    comp = db.session.get(Competition, trade.competition_id)
    conf = ((comp.settings or {}).get("team_scoring") or {}).get(trade.code) or {}
    return TeamRule(method=conf.get("method", "sum"), best_of=conf.get("best_of"),
                    missing_as_zero=bool(conf.get("missing_as_zero", False)))


def team_table(trade: Trade, stage: Stage | None = None, ts=None) -> list[dict]:
    """Team standings beside the individual ones: each team's members' totals in the
    stage (a member without a ranked total counts as absent), aggregated by the trade's
    team rule, plus team rounds (the totals of entries of the team itself in that stage).
    Rows best first: rank, team, members part, rounds part, total, members."""
    from ..brackets import team_score, team_standings
    from .standings import trade_standings
    ts = ts or trade_standings(trade, stage)    # the caller's, when it has them already
    rows = {r.entry: r for r in ts.standings.rows}
    entries = dict(ts.entries)
    if ts.team_rounds is not None:       # a mixed stage scores the team rounds apart
        rows.update({r.entry: r for r in ts.team_rounds.rows})
        entries.update(ts.team_entries)
    teams = db.session.scalars(select(Team).where(Team.trade_id == trade.id)).all()
    member_rows: dict[int, dict[int, tuple]] = {t.id: {} for t in teams}
    rounds: dict[int, list[Decimal]] = {t.id: [] for t in teams}
    for key, entry in entries.items():
        row = rows.get(key)
        counted = row.total if row is not None and row.rank is not None else None
        if entry.team_id in rounds and counted is not None:
            rounds[entry.team_id].append(counted)
        elif entry.contestant is not None and entry.contestant.team_id in member_rows:
            member_rows[entry.contestant.team_id][entry.contestant_id] = (
                entry.contestant.name, counted, row.rank if row is not None else None)
    rule = team_rule(trade)
    by_id = {t.id: t for t in teams}
    for t in teams:  # members registered but not entered count as absent
        for c in t.members:
            if c.withdrawn_at is None:
                member_rows[t.id].setdefault(c.id, (c.name, None, None))
    scores = [team_score(t.id, {cid: v[1] for cid, v in member_rows[t.id].items()},
                         rounds[t.id], rule) for t in teams]
    ranked = team_standings(scores)
    awards = _team_awards(trade, ts, ranked)
    out = []
    for tr in ranked:
        team = by_id[tr.score.key]
        award, titles = awards.get(tr.score.key, (None, ()))
        out.append({"rank": tr.rank, "team": team.name, "employer": team.employer,
                    "team_id": team.id, "award": award, "titles": titles,
                    "members_part": tr.score.members_part, "rounds_part": tr.score.rounds_part,
                    "total": tr.score.total, "counted": set(tr.score.counted),
                    "members": sorted(((cid, *v) for cid, v in member_rows[team.id].items()),
                                      key=lambda m: (m[3] is None, m[3] or 0, m[1]))})
    return out
