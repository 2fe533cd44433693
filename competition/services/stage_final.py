"""Is a stage's result final enough to send people on? Every heat with entrants signed off
by its chief judge. Advancement (top N / top X % to the next stage) from a stage that is
not needs the organiser's explicit acknowledgement, recorded in the audit row, like a
promotion list confirmed from results that are not final (services.promotions.readiness).

Unscored contestants: in a heat not signed off they are 待评分 (not scored yet); in a
signed-off heat they are 缺考 (absent).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import Entry, Heat, Mark, Stage
from .panels import EXPECTING, stage_counts


@dataclass
class StageState:
    stage: Stage
    open_heats: list[str] = field(default_factory=list)     # names, not signed off
    open_heat_ids: set[int] = field(default_factory=set)
    unscored_open: int = 0          # entrants without a mark in a heat not signed off
    unscored_locked: int = 0        # absent: no mark in a signed-off heat, or marked a no-show
    marks_entered: int = 0
    marks_expected: int = 0

    @property
    def final(self) -> bool:
        return not self.open_heats

    def problems(self) -> dict:
        """For the audit row: what was not final."""
        return {"stage": self.stage.name, "open_heats": list(self.open_heats),
                "unscored": self.unscored_open, "marks_entered": self.marks_entered,
                "marks_expected": self.marks_expected}


def stage_state(stage: Stage) -> StageState:
    """Which heats of ``stage`` are not signed off (heats with no entrant are not counted),
    how many entrants have no mark, and the marks entered against the panels' expected."""
    used = set(db.session.scalars(select(Entry.heat_id).where(
        Entry.stage_id == stage.id, Entry.heat_id.is_not(None)).group_by(Entry.heat_id)))
    heats = db.session.scalars(select(Heat).where(Heat.stage_id == stage.id)
                               .order_by(Heat.seq, Heat.id)).all()
    open_heats = [h for h in heats if h.id in used and not h.locked]
    scored = select(Mark.id).where(Mark.entry_id == Entry.id).exists()
    rows = db.session.execute(
        select(Entry.heat_id, Entry.status, func.count(Entry.id))
        .where(Entry.stage_id == stage.id, Entry.status.in_(EXPECTING + ("absent",)), ~scored)
        .group_by(Entry.heat_id, Entry.status)).all()
    open_ids = {h.id for h in open_heats}
    state = StageState(stage, [h.name for h in open_heats], open_ids)
    for heat_id, status, n in rows:
        if status != "absent" and (heat_id is None or heat_id in open_ids):   # absent: marked a no-show
            state.unscored_open += n
        else:
            state.unscored_locked += n
    state.marks_entered, state.marks_expected = stage_counts(stage)
    return state
