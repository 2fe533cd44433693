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
from ..models import Entry, Heat, Mark, User
from .heats import heat_trade, names_hidden, require_assignment
from .panels import heat_counts, heat_panel_of
from .rules import rule_for


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
            "unit": slot.unit, "required": not slot.optional}   # as panels count it


def mark_key(address: str, attempt: int) -> str:
    return f"{address}#{attempt}"


def _judge_slots(rule, criteria: list[str]) -> list:
    return [s for c in criteria for s in rule.slots(c)]


def heat_entries(heat: Heat) -> list[Entry]:
    """Entries of the heat that are judged, by lot number then workstation."""
    entries = [e for e in heat.entries if e.status != "withdrawn"]
    return sorted(entries, key=lambda e: (e.lot_number or "", e.workstation or 0, e.id))


def judge_sheet(user: User, heat: Heat) -> dict:
    """The signed-in judge's score sheet for ``heat``: the slots they fill (their criteria
    on the heat's panel, services.panels), the entries (names and employers only when
    nothing they judge is blind), their own marks and what they still owe. A one-mark
    criterion another judge has entered counts as done: its value is in ``marks`` and
    ``taken`` names who entered it (only they or the chief judge change it).
    Raises heats.Forbidden if the judge is not assigned."""
    require_assignment(user, heat)
    trade = heat_trade(heat)
    rule = rule_for(trade)
    counts = heat_counts(heat, rule)
    panel = counts["panel"]
    criteria = panel.criteria_of(user.id)
    hidden = names_hidden(rule, criteria, trade.blind)
    slots = _judge_slots(rule, criteria)
    addresses = {s.address for s in slots}
    shared = {s.address for s in slots if s.once_per_entry}
    first_come = {s.address for s in slots if panel.criteria[s.criterion].first_come}
    marks: dict[int, dict[str, str]] = defaultdict(dict)
    taken: dict[int, dict[str, int]] = defaultdict(dict)
    for m in counts["marks"]:
        key = mark_key(m.criterion, m.attempt)
        if m.judge_id == user.id or m.criterion in shared:
            marks[m.entry_id][key] = m.value
        elif (m.criterion in first_come and counts["verdicts"][m.id] is None
              and m.criterion in addresses and key not in marks[m.entry_id]):
            marks[m.entry_id][key] = m.value
            taken[m.entry_id][key] = m.judge_id
    remarks = spread_checks(rule, counts)
    names = _user_names({j for t in taken.values() for j in t.values()}
                        | {j for rs in remarks.values() for r in rs for j in r["outside"]})
    out_entries = []
    for e in heat_entries(heat):
        if e.status == "absent":      # a no-show (缺考, services.checkin): not on the tablet
            continue
        # 回避: criteria of this sheet the judge does not mark for this entry (given to a
        # substitute, or marked here only as someone's substitute); nothing to mark: not listed
        skip = ([c for c in criteria if c not in panel.entry_criteria_of(user.id, e.id)]
                if panel.substitutions else [])
        if criteria and len(skip) == len(criteria):
            continue
        owed = [mark_key(m.address, m.attempt)
                for m in counts["missing"].get(e.id, ()) if user.id in m.judges]
        row = {"id": e.id, "lot_number": e.lot_number, "workstation": e.workstation,
               "status": e.status, "marks": marks.get(e.id, {}), "missing": owed,
               "taken": {k: names.get(j, "") for k, j in taken.get(e.id, {}).items()},
               # max_spread: marks too far apart; the judges outside must re-mark
               "remark": {r["key"]: {"spread": _num(r["spread"]), "limit": _num(r["limit"]),
                                     "outside": [names.get(j, "") for j in r["outside"]],
                                     "mine": user.id in r["outside"]}
                          for r in remarks.get(e.id, ()) if r["address"] in addresses}}
        if skip:
            row["skip"] = skip
            row["aside"] = _aside_notes(rule, panel, e.id, user.id, skip)
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
        "criteria": [dict(criterion_info(rule.criterion(c)), slots=by_crit[c],
                          panel=_panel_info(panel.criteria[c]))
                     for c in criteria],
        "entries": out_entries,
    }


def spread_checks(rule, counts: dict) -> dict[int, list[dict]]:
    """The WorldSkills spread limit (a judged criterion's ``max_spread``) over a heat's
    counted marks (services.panels.heat_counts): entry id -> [{"key", "address",
    "attempt", "spread", "limit", "outside" (judge ids who must re-mark), "marks" (judge
    id -> value)}] for each criterion and attempt whose marks lie too far apart
    (scoring.transform.remark_needed, the engine's own test). Checked as soon as two
    marks are in: a third mark can only widen the spread."""
    from ..scoring.transform import remark_needed
    limited = {c.id for c in rule.criteria if getattr(c, "max_spread", None) is not None}
    if not limited:
        return {}
    groups: dict[tuple, dict] = defaultdict(dict)
    for m in counts["marks"]:
        if m.criterion in limited and counts["verdicts"][m.id] is None:
            groups[(m.entry_id, m.criterion, m.attempt)][m.judge_id] = m.value
    out: dict[int, list[dict]] = defaultdict(list)
    for (entry, address, attempt), marks in sorted(groups.items()):
        r = remark_needed(rule, address, list(marks.items()))
        if r.must_remark:
            out[entry].append({"key": mark_key(address, attempt), "address": address,
                               "attempt": attempt, "spread": r.spread, "limit": r.limit,
                               "outside": tuple(r.outside), "marks": marks})
    return out


def _aside_notes(rule, panel, entry_id: int, judge_id: int, skip: list[str]) -> list[str]:
    """For the tablet: which of the judge's criteria another judge marks for this entry
    (回避), as sentences in the judge's language."""
    from .errors import _
    subs = {c: panel.substitute_for(entry_id, c, judge_id) for c in skip}
    names = _user_names({s for s in subs.values() if s is not None})
    return [_("%(criterion)s of this contestant is marked by %(judge)s (you stand aside: same employer).",
              criterion=rule.criterion(c).name, judge=names.get(s, s)) for c, s in subs.items() if s is not None]


def _user_names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u.display_name or u.username
            for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _panel_info(crit) -> dict:
    """Who marks a criterion, for the tablet: marks expected per entry and whether the
    first judge's mark is the one (a one-mark criterion several judges may enter)."""
    return {"expected": crit.expected, "first_come": crit.first_come,
            "judges": len(crit.markers)}


def heat_summary(heat: Heat) -> dict:
    """Marks of a heat against its panel (services.panels), for the chief judge's pages:
    ``entered``/``expected``/``missing`` (the totals the organiser's live page and the
    exports give too), ``judges`` (per judge: the marks only they can give), ``shared``
    (per one-mark criterion several judges may enter, and declared values: any one of
    them), ``not_counted`` (marks kept but not counted: a judge off the panel, or beyond
    a one-mark criterion's first mark), ``remarks`` (max_spread: marks too far apart and
    the judges who must re-mark, spread_checks) and ``panel``."""
    rule = rule_for(heat_trade(heat))
    counts = heat_counts(heat, rule)
    panel = counts["panel"]
    lots = {e.id: e.lot_number for e in counts["entries"]}
    labels = {mark_key(s.address, a): _label(s.label, s.label_en) + (f" #{a}" if a > 1 else "")
              for s in rule.slots() for a in range(1, s.attempts + 1)}
    own_slots = [s for s in panel.slots if s.expected and not s.shared
                 and not panel.criteria[s.criterion].first_come]
    judges = []
    assignments = {a.user_id: a for a in heat.assignments}
    for user_id in panel.judges:
        per_entry = sum(s.attempts for s in own_slots
                        if user_id in panel.criteria[s.criterion].markers)
        missing = [(lots[e], mark_key(m.address, m.attempt))
                   for e, ms in counts["missing"].items() for m in ms
                   if not m.any_of and user_id in m.judges]
        expected = per_entry * len(lots)
        if panel.substitutions:     # 回避: not what others mark for some entries instead
            expected = sum(s.attempts for e in lots for s in own_slots
                           if user_id in panel.criterion_for(e, s.criterion).markers)
        a = assignments[user_id]
        judges.append({"judge": a.user, "criteria": a.criteria, "expected": expected,
                       "entered": expected - len(missing), "missing": missing,
                       "labels": labels})
    for user_id in sorted(panel.substitutes() - set(panel.judges)):   # 回避: substitutes only
        expected = sum(s.attempts for e in lots for s in own_slots
                       if user_id in panel.criterion_for(e, s.criterion).markers)
        missing = [(lots[e], mark_key(m.address, m.attempt))
                   for e, ms in counts["missing"].items() for m in ms
                   if not m.any_of and user_id in m.judges]
        judges.append({"judge": db.session.get(User, user_id), "expected": expected,
                       "criteria": sorted({c for (_e, c), subs in panel.substitutions.items()
                                           if user_id in subs.values()}),
                       "entered": expected - len(missing), "missing": missing, "labels": labels})
    shared = _shared_rows(rule, panel, counts, lots, labels)
    not_counted = [{"mark": m, "entry": m.entry, "reason": counts["verdicts"][m.id],
                    "label": labels.get(mark_key(m.criterion, m.attempt), m.criterion)}
                   for m in counts["marks"] if counts["verdicts"][m.id] is not None]
    spread = spread_checks(rule, counts)   # max_spread: who must re-mark (names: page)
    remarks = [dict(r, entry=e, label=labels.get(r["key"], r["address"]))
               for e in counts["entries"] for r in spread.get(e.id, ())]
    return {"judges": judges, "shared": shared, "entered": counts["entered"],
            "expected": counts["expected"], "remarks": remarks,
            "missing": counts["expected"] - counts["entered"], "not_counted": not_counted,
            "panel": panel, "labels": labels}


def _shared_rows(rule, panel, counts, lots, labels) -> list[dict]:
    rows = []
    for cid, crit in panel.criteria.items():
        slots = [s for s in panel.slots if s.criterion == cid and s.expected
                 and (s.shared or crit.first_come)]
        if not slots:
            continue
        addresses = {s.address for s in slots}
        expected = len(lots) * sum(s.expected * s.attempts for s in slots)
        missing = [(lots[e], mark_key(m.address, m.attempt))
                   for e, ms in counts["missing"].items() for m in ms
                   if m.address in addresses for _ in range(m.count)]
        c = rule.criterion(cid)
        # a declared value (once per entry and attempt) is named by its slot: 动作完成 (难度)
        name = _label(c.name, c.name_en) if crit.first_come else (", " if _english() else "、").join(
            _label(s.label, s.label_en) for s in rule.slots(cid) if s.address in addresses)
        rows.append({"criterion": name, "judges": crit.markers,
                     "judge_names": _user_names(crit.markers), "expected": expected,
                     "entered": expected - len(missing), "missing": missing,
                     "labels": labels})
    return rows


def heat_result_flags(heat: Heat) -> dict[int, dict]:
    """What the chief judge should see beside each entry's result (issue 16): entry id ->
    {"rank", "total", "capped" (names of the parts held to their bounds: a component
    stopped at its max or floored at 0, an adjustment sum held to its range), "by_lot"
    (its rank among equal entries was drawn, scoring.lots), "lot_pending" (tied, waiting
    for the stage's draw seed)}. From the stage's standings (services.standings)."""
    from .standings import trade_standings
    trade = heat_trade(heat)
    rule = rule_for(trade)
    st = trade_standings(trade, heat.stage).standings
    names = {c.id: _label(c.name, c.name_en) for c in (*rule.components, *rule.criteria)}
    pending = {e for d in st.lots if not d.decided for e in d.entries}
    out = {}
    for e in heat.entries:
        try:
            row = st.row(str(e.id))
        except KeyError:
            continue
        out[e.id] = {"rank": row.rank, "total": row.total if row.status == "ok" else None,
                     "capped": [names.get(p, p) for p in row.capped],
                     "by_lot": bool(row.by_lot), "lot_pending": str(e.id) in pending}
    return out


def entry_mark_verdicts(heat: Heat, marks: list[Mark]) -> dict[int, str | None]:
    """mark id -> None (counts) or why it does not (panels.NOT_ON_PANEL, BEYOND_PANEL), for
    the marks of one entry (all of them: which came first matters)."""
    from .panels import counted_marks
    return counted_marks(heat_panel_of(heat), list(marks))


def heat_progress(heat: Heat) -> list[dict]:
    """Per assigned judge: the marks only they can give (expected, entered, missing by lot
    number). One-mark criteria any of several judges may enter are in heat_summary()'s
    ``shared`` rows; the heat's totals are heat_summary()'s."""
    return heat_summary(heat)["judges"]


def heat_discrepancies(heat: Heat) -> list[dict]:
    """Judged marks that differ from the other judges' mean by more than the rule's
    ``discrepancy`` threshold (see scoring.discrepancies)."""
    from ..scoring import MarkIn, discrepancies
    rule = rule_for(heat_trade(heat))
    entries = {e.id: e for e in heat_entries(heat)}
    rows = db.session.scalars(select(Mark).where(Mark.entry_id.in_(list(entries)))).all()
    from .panels import counted_marks
    verdicts = counted_marks(heat_panel_of(heat, rule), list(rows))
    rows = [m for m in rows if verdicts[m.id] is None]     # the marks the engine uses
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
