"""Read side of judging: a judge's score sheet (blind-safe), a heat's progress by judge,
its discrepancies. Plain dicts, shared by the judge pages, the chief judge's pages and
the JSON API."""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import select

from ..extensions import db
from ..models import Entry, Heat, JudgeAssignment, Mark, User
from .heats import heat_trade, judging_criteria, names_hidden, require_assignment
from .rules import rule_for

OPTIONAL_INPUTS = {"violation"}   # a violation not recorded is a count of 0


def _english() -> bool:
    return has_request_context() and str(get_locale() or "zh_CN").startswith("en")


def _label(name: str, name_en: str) -> str:
    return name_en if (_english() and name_en) else name


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _num(value) -> str | None:
    return None if value is None else format(value, "f")


def criterion_info(crit) -> dict:
    """What the tablet shows beside the input: kind, max, nominal and tolerance, limit."""
    info = {"id": crit.id, "name": _label(crit.name, crit.name_en), "kind": crit.kind,
            "max": _num(crit.max), "attempts": crit.attempts, "note": crit.note}
    for attr in ("unit", "nominal", "lower", "upper", "limit", "hard_limit", "per_unit",
                 "cap", "scale_max", "judges", "discrepancy"):
        value = getattr(crit, attr, None)
        if value is not None:
            info[attr] = value if isinstance(value, (str, int)) else _num(value)
    if crit.kind == "measured" and crit.nominal is not None:
        info["accept_min"] = _num(crit.nominal + crit.lower)
        info["accept_max"] = _num(crit.nominal + crit.upper)
    if crit.kind == "measured" and crit.outside == "bands" and crit.bands \
            and not any(b.when for b in crit.bands):
        # the points the judge's value earns, as printed on the sheet; a zero tolerance
        # around the nominal ("accepted 1.0–1.0") says nothing beside them
        info["bands"] = [{"range": _range_text(b), "points": _num(b.points)}
                         for b in crit.bands]
        if crit.lower == 0 and crit.upper == 0:
            info.pop("accept_min", None)
            info.pop("accept_max", None)
    if crit.kind == "checklist":
        info["points"] = {i.id: _num(i.points) for i in crit.items}
    if crit.kind == "deductions":
        info["points"] = {v.code: (_num(v.points) if not v.veto else v.veto)
                          for v in crit.violations}
    return info


def _range_text(r) -> str:
    """1 ≤ x < 2, x > 3, x < 0: a band's range as a judge reads it."""
    low = (f"{_num(r.from_)} {'≤' if r.from_inclusive else '<'} ") if r.from_ is not None else ""
    high = (f" {'≤' if r.to_inclusive else '<'} {_num(r.to)}") if r.to is not None else ""
    if low and not high:
        return f"x {'≥' if r.from_inclusive else '>'} {_num(r.from_)}"
    return f"{low}x{high}" if (low or high) else "x"


def slot_dict(slot) -> dict:
    return {"address": slot.address, "criterion": slot.criterion,
            "label": _label(slot.label, slot.label_en), "input": slot.input,
            "min": _num(slot.min), "max": _num(slot.max), "step": _num(slot.step),
            "attempts": slot.attempts, "once_per_entry": slot.once_per_entry,
            "unit": slot.unit, "required": slot.input not in OPTIONAL_INPUTS}


def mark_key(address: str, attempt: int) -> str:
    return f"{address}#{attempt}"


def _judge_slots(rule, criteria: list[str]) -> list:
    return [s for c in criteria for s in rule.slots(c)]


def _missing(slots, marks: dict[str, str]) -> list[str]:
    return [mark_key(s.address, a) for s in slots if s.input not in OPTIONAL_INPUTS
            for a in range(1, s.attempts + 1) if mark_key(s.address, a) not in marks]


def heat_entries(heat: Heat) -> list[Entry]:
    """Entries of the heat that are judged, by lot number then workstation."""
    entries = [e for e in heat.entries if e.status != "withdrawn"]
    return sorted(entries, key=lambda e: (e.lot_number or "", e.workstation or 0, e.id))


def judge_sheet(user: User, heat: Heat) -> dict:
    """The signed-in judge's score sheet for ``heat``: the slots they fill, the entries
    (names and employers only when nothing they judge is blind), their own marks and what
    is missing. Raises heats.Forbidden if the judge is not assigned."""
    assignment = require_assignment(user, heat)
    trade = heat_trade(heat)
    rule = rule_for(trade)
    criteria = judging_criteria(rule, assignment)
    hidden = names_hidden(rule, criteria, trade.blind)
    slots = _judge_slots(rule, criteria)
    shared = {s.address for s in slots if s.once_per_entry}
    entries = heat_entries(heat)
    rows = db.session.scalars(select(Mark).where(
        Mark.entry_id.in_([e.id for e in entries]),
        (Mark.judge_id == user.id) | Mark.criterion.in_(shared or {""}))).all()
    marks: dict[int, dict[str, str]] = defaultdict(dict)
    for m in rows:
        marks[m.entry_id][mark_key(m.criterion, m.attempt)] = m.value
    out_entries = []
    for e in entries:
        row = {"id": e.id, "lot_number": e.lot_number, "workstation": e.workstation,
               "status": e.status, "marks": marks.get(e.id, {}),
               "missing": _missing(slots, marks.get(e.id, {}))}
        if not hidden:
            row["name"] = e.display_name
            row["employer"] = e.employer
        out_entries.append(row)
    by_crit = defaultdict(list)
    for s in slots:
        by_crit[s.criterion].append(slot_dict(s))
    return {
        "heat": {"id": heat.id, "name": heat.name, "venue": heat.venue,
                 "stage": heat.stage.name, "locked": heat.locked,
                 "locked_at": heat.locked_at.isoformat() if heat.locked_at else None},
        "trade": {"code": trade.code, "name": trade.name},
        "judge": {"id": user.id, "username": user.username},
        "blind": hidden,
        "criteria": [dict(criterion_info(rule.criterion(c)), slots=by_crit[c])
                     for c in criteria],
        "entries": out_entries,
    }


def heat_progress(heat: Heat) -> list[dict]:
    """Per assigned judge: marks expected, entered, and the missing ones by lot number."""
    rule = rule_for(heat_trade(heat))
    entries = heat_entries(heat)
    marks = db.session.scalars(select(Mark).where(
        Mark.entry_id.in_([e.id for e in entries]))).all()
    own: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    shared: dict[int, dict[str, str]] = defaultdict(dict)
    for m in marks:
        own[(m.judge_id, m.entry_id)][mark_key(m.criterion, m.attempt)] = m.value
        shared[m.entry_id][mark_key(m.criterion, m.attempt)] = m.value
    out = []
    labels = {mark_key(s.address, a): _label(s.label, s.label_en) + (f" #{a}" if a > 1 else "")
              for s in rule.slots() for a in range(1, s.attempts + 1)}
    assignments = db.session.scalars(select(JudgeAssignment).where(
        JudgeAssignment.heat_id == heat.id).order_by(JudgeAssignment.user_id)).all()
    for a in assignments:
        criteria = judging_criteria(rule, a)
        slots = _judge_slots(rule, criteria)
        once = {s.address for s in slots if s.once_per_entry}
        expected, missing = 0, []
        for e in entries:
            have = dict(own[(a.user_id, e.id)])
            have.update({k: v for k, v in shared[e.id].items() if k.split("#")[0] in once})
            gaps = _missing(slots, have)
            expected += len(_missing(slots, {}))
            missing += [(e.lot_number, key) for key in gaps]
        out.append({"judge": a.user, "criteria": a.criteria, "expected": expected,
                    "entered": expected - len(missing), "missing": missing,
                    "labels": labels})
    return out


def heat_discrepancies(heat: Heat) -> list[dict]:
    """Judged marks that differ from the other judges' mean by more than the rule's
    ``discrepancy`` threshold (see scoring.discrepancies)."""
    from ..scoring import MarkIn, discrepancies
    rule = rule_for(heat_trade(heat))
    entries = {e.id: e for e in heat_entries(heat)}
    rows = db.session.scalars(select(Mark).where(Mark.entry_id.in_(list(entries)))).all()
    marks = [MarkIn(str(m.entry_id), m.criterion, m.value, str(m.judge_id), m.attempt)
             for m in rows]
    judges = {str(m.judge_id): m.judge for m in rows}
    out = []
    for d in discrepancies(rule, marks):
        crit = rule.criterion(d.criterion)
        out.append({"entry": entries[int(d.entry)], "criterion": _label(crit.name, crit.name_en),
                    "criterion_id": d.criterion, "attempt": d.attempt,
                    "judge": judges.get(d.judge), "value": d.value,
                    "others_mean": _round(d.others_mean), "difference": _round(d.difference),
                    "threshold": crit.discrepancy})
    return out
