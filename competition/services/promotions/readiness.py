"""Are a trade's results final enough to promote from? The results stage's heats all signed
off (locked by the chief judge) and the results published. A list may be proposed from
results that are not (the page warns); confirming it then needs the organiser's explicit
acknowledgement (the web page's checkbox), recorded in the audit row."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ...extensions import db
from ...models import Entry, Heat, Stage, Trade


@dataclass
class ResultsState:
    stage: Stage | None                 # the results stage (services.standings.default_stage)
    unlocked: list[str] = field(default_factory=list)   # names of heats not signed off
    published: bool = False

    @property
    def final(self) -> bool:
        return self.stage is None or (not self.unlocked and self.published)

    def problems(self) -> dict:
        """For the audit row: what was not final."""
        return {"stage": self.stage.name if self.stage else None,
                "unlocked_heats": list(self.unlocked), "published": self.published}


def results_state(trade: Trade) -> ResultsState:
    """The state of the results the trade's promotion list is computed from. Heats with
    no entrants are not counted (a spare heat nobody was seated in needs no sign-off)."""
    from ..standings import default_stage
    stage = default_stage(trade)
    if stage is None:
        return ResultsState(None, [], bool(trade.published))
    used = set(db.session.scalars(select(Entry.heat_id).where(
        Entry.stage_id == stage.id, Entry.heat_id.is_not(None)).group_by(Entry.heat_id)))
    heats = db.session.scalars(select(Heat).where(Heat.stage_id == stage.id)
                               .order_by(Heat.seq)).all()
    unlocked = [h.name for h in heats if h.id in used and not h.locked]
    return ResultsState(stage, unlocked, bool(trade.published))


__all__ = ["ResultsState", "results_state"]
