"""The chief judge's assignment page, 回避 part: the conflicts of interest of the heat's
judges (or of the judges just ticked, when a save was refused for them), with a choice of
substitute per criterion for those contestants, and the substitutes already stored.
judge_chief.py renders it into the heat page (templates/judge/_conflicts.html)."""
from __future__ import annotations

from types import SimpleNamespace

from flask import session

from ..scoring.panels import heat_panel
from ..services.conflicts import (
    heat_conflicts,
    heat_substitutions,
    panel_state,
    substitution_choices,
    substitution_groups,
)
from ..services.rules import rule_for

PENDING = "assign_pending"


def remember_refused(heat_id: int, wanted: dict, substitutes: dict) -> None:
    """A save refused for a conflict: the next drawing of the page shows what was ticked."""
    session[PENDING] = {"heat": heat_id, "wanted": {str(k): v for k, v in wanted.items()},
                        "subs": [[j, c, s] for (j, c), s in substitutes.items()]}


def conflict_context(heat) -> dict:
    """Template values: ``state`` (the form's seen), ``conflicts`` (choices per judge),
    ``substitutes`` {(judge, criterion): substitute}, ``pending`` (ticked but not saved)."""
    rule = rule_for(heat.stage.trade)
    pending = session.get(PENDING)
    if pending and pending.get("heat") == heat.id:
        session.pop(PENDING, None)
        wanted = {int(k): v for k, v in pending["wanted"].items()}
        chosen = {(j, c): s for j, c, s in pending["subs"]}
    else:
        pending, chosen = None, {}
        wanted = {a.user_id: a.criteria for a in heat.assignments}
    panel = heat_panel(rule, sorted(wanted.items()))
    stored = heat_substitutions(heat.id)
    return {"state": panel_state(heat.id), "given_away": given_away(heat),
            "conflicts": substitution_choices(heat_conflicts(heat, wanted), panel, rule),
            "substitutes": {**stored, **chosen},
            "pending": ({j: SimpleNamespace(criteria=c) for j, c in wanted.items()}
                        if pending else None)}


def substitutes_from(form) -> dict[tuple[int, str], int | None]:
    """{(judge, criterion): substitute or None} from the form's substitute_<judge>_<criterion>
    selects (an empty choice takes a stored substitute back)."""
    out = {}
    for key in form:
        if not key.startswith("substitute_"):
            continue
        judge, _sep, crit = key[len("substitute_"):].partition("_")
        value = form.get(key, "")
        if judge.isdecimal() and crit:     # not isdigit(): "²" is a digit that int() refuses
            out[(int(judge), crit)] = int(value) if value.isdecimal() else None
    return out



def given_away(heat) -> dict[str, list[dict]]:
    """criterion id -> [{"lots", "judge", "substitute"}]: the stored substitutes of the heat
    grouped for the "who marks what" table (services.conflicts.substitution_groups)."""
    out: dict[str, list[dict]] = {}
    for g in substitution_groups(heat):
        out.setdefault(g["criterion"], []).append(g)
    return out
