"""compute_standings(rule, marks) -> Standings: criterion points, components, totals, ranks.

Steps: group the marks once (entry -> criterion -> attempt); score each criterion with its
kind's function (kinds.KINDS); finish kinds that depend on other entries; combine attempts,
apply factor and rounding; sum components (capped to [0, max]); weight or sum into the
total; apply vetoes; rank; award. Decimal with ROUND_HALF_UP at every rounding.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping

from .aggregate import ZERO
from .compiled import compile_rule, expect_keys
from .entries import by_entry, finalize_relative, finished_key, merged_parts, score_entries
from .kinds import VETO_ORDER, Part
from .lots import LotDraw
from .ranking import assign_awards, rank_rows
from .transform import RemarkNote


@dataclass
class Row:
    entry: str
    rank: int | None = None
    status: str = "ok"          # ok | disqualified | absent
    total: Decimal = ZERO
    components: dict[str, Decimal] = field(default_factory=dict)
    criteria: dict[str, Decimal] = field(default_factory=dict)
    raw: dict[str, Decimal | None] = field(default_factory=dict)
    deductions: Decimal = ZERO
    award: str | None = None
    titles: tuple[str, ...] = ()
    complete: bool = False
    notes: tuple[str, ...] = ()
    groups: dict[str, Decimal] = field(default_factory=dict)   # see compiled.GroupValue
    # criteria with attempts > 1: {crit: {attempt: (points, raw)}} (factor and rounding
    # applied to the points; None for a relative time's points)
    attempts: dict[str, dict[int, tuple]] = field(default_factory=dict)
    # with scoring.contribution_decimals: component id -> its rounded weighted
    # contribution (score / max x weight, or score x factor), which the total adds up
    contributions: dict[str, Decimal] = field(default_factory=dict)
    # parts held to their declared bounds on this row: criteria (an adjustment sum held
    # to its min/max) and components (floored at 0, or stopped at a capped max)
    capped: tuple[str, ...] = ()
    by_lot: bool = False        # its rank among equal entries was decided by lot

    @property
    def remark(self) -> tuple[str, ...]:
        """Criteria whose panel must re-mark this entry (marks beyond max_spread)."""
        return tuple(dict.fromkeys(n.criterion for n in self.notes
                                   if isinstance(n, RemarkNote)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: decimals as strings ("contributions" only when the rule rounds
        them, "capped" and "by_lot" only when they say something)."""
        out = self._to_dict()
        if self.contributions:
            out["contributions"] = {k: str(v) for k, v in self.contributions.items()}
        if self.capped:
            out["capped"] = list(self.capped)
        if self.by_lot:
            out["by_lot"] = True
        return out

    def _to_dict(self) -> dict[str, Any]:
        return {
            "entry": self.entry, "rank": self.rank, "status": self.status,
            "total": str(self.total),
            "components": {k: str(v) for k, v in self.components.items()},
            "groups": {k: str(v) for k, v in self.groups.items()},
            "attempts": {k: {str(a): {"points": None if p is None else str(p),
                                      "raw": _short(r)} for a, (p, r) in v.items()}
                         for k, v in self.attempts.items()},
            "criteria": {k: str(v) for k, v in self.criteria.items()},
            "raw": {k: _short(v) for k, v in self.raw.items()},
            "deductions": str(self.deductions), "award": self.award,
            "titles": list(self.titles), "complete": self.complete, "notes": list(self.notes),
        }


def _short(value: Decimal | None) -> str | None:
    """A raw value for display: at most 4 decimals (a mean of marks can have 28)."""
    if value is None:
        return None
    if value.as_tuple().exponent < -4:
        value = value.quantize(_FOUR, rounding=ROUND_HALF_UP)
    return str(value)


_FOUR = Decimal("0.0001")


@dataclass
class Standings:
    rule_code: str
    rows: list[Row]
    lots: list[LotDraw] = field(default_factory=list)   # ties decided (or due) by lot

    @property
    def warnings(self) -> dict[str, int]:
        """What the chief should look at, counted (only non-zero counts): "capped" rows
        with a part held to its bounds, "remark" rows a panel must re-mark (max_spread),
        "lot_undecided" ties waiting for a lot seed."""
        counts = {"capped": sum(1 for r in self.rows if r.capped),
                  "remark": sum(1 for r in self.rows if r.remark),
                  "lot_undecided": sum(1 for d in self.lots if not d.decided)}
        return {k: v for k, v in counts.items() if v}

    def to_dict(self) -> dict[str, Any]:
        out = {"rule_code": self.rule_code, "rows": [r.to_dict() for r in self.rows]}
        if self.lots:
            out["lots"] = [d.to_dict() for d in self.lots]
        if self.warnings:
            out["warnings"] = self.warnings
        return out

    def row(self, entry: str) -> Row:
        """The row of one entry; KeyError if it is not in the standings."""
        index = self.__dict__.get("_index")
        if index is None or len(index) != len(self.rows):
            index = self.__dict__["_index"] = {r.entry: r for r in self.rows}
        return index[entry]


def compute_standings(rule: Any, marks: Iterable[Any], entries: Iterable[str] | None = None,
                      disqualified: Iterable[str] = (), lot_seed: str | None = None,
                      expected: Mapping[str, Mapping[str, int]] | None = None) -> Standings:
    """Standings of every entry that has marks or is listed in `entries`.

    Entries listed without any mark are "absent"; `disqualified` entries (and entries hit
    by a "disqualify" veto) are "disqualified"; neither gets a rank or an award. Marks for
    criteria the rule does not know are ignored (noted on the row). The rows returned are
    new objects; the engine keeps no reference to them. `lot_seed`: the recorded seed for
    ties decided by lot (a rule whose tie_break ends with "lot"; see lots.py).
    `expected`: entry -> {criterion id: marks expected}, from the entry's heat's judging
    panel (scoring.panels: a panel of two judges on a ``judges = 3`` criterion expects 2).
    For completeness only (Row.complete, complete_only awards): a judged or checklist
    criterion is complete with that many judges' marks, never aggregated differently;
    a count below the rule's ``judges`` (and at least 1) applies, with a note "2 of 2
    marks (panel of 2)". None or an entry not in it: the rule's ``judges``.
    """
    was_enabled = gc.isenabled()
    gc.disable()   # it only allocates acyclic objects: a collection would find nothing
    try:
        return _compute(rule, marks, entries, disqualified, lot_seed, expected)
    finally:
        if was_enabled:
            gc.enable()


def _compute(rule: Any, marks: Iterable[Any], entries: Iterable[str] | None,
             disqualified: Iterable[str], lot_seed: str | None = None,
             expected: Mapping[str, Mapping[str, int]] | None = None) -> Standings:
    plan = compile_rule(rule)
    grouped = by_entry(marks)
    scored = score_entries(plan, grouped, expect_keys(plan, expected))
    finished = finalize_relative(plan, scored) if plan.needs_field else {}
    dq = set(disqualified)
    rows = []
    for entry in dict.fromkeys(list(entries or ()) + list(grouped)):
        s = scored.get(entry)
        if s is None:
            status = "disqualified" if entry in dq else "absent"
            rows.append(Row(entry, status=status, notes=("no marks",)))
            continue
        done = finished.get(entry)
        key = finished_key(done)
        template = s.rows.get(key)
        if template is None:
            if len(s.rows) > 8:
                s.rows.clear()
            template = s.rows[key] = _row(plan, entry, merged_parts(plan, s, done), s.stray,
                                          s.judge_totals)
        rows.append(_copy(template, entry in dq))
    lots: list = []
    rows = rank_rows(rule, rows, lot_seed, lots)
    assign_awards(rule, [r for r in rows if r.rank is not None], len(rows))
    return Standings(rule.trade.code, rows, lots)


def _copy(t: Row, disqualified: bool) -> Row:
    return Row(t.entry, None, "disqualified" if disqualified else t.status, t.total,
               dict(t.components), dict(t.criteria), dict(t.raw), t.deductions, None, (),
               t.complete, t.notes, dict(t.groups),
               {k: dict(v) for k, v in t.attempts.items()} if t.attempts else {},
               dict(t.contributions), t.capped)


def _row(plan: Any, entry: str, parts: tuple[Part, ...], stray: tuple[str, ...],
         judge_totals: dict | None = None) -> Row:
    row = Row(entry)
    comp_sum = {c.id: ZERO for c in plan.components}
    if judge_totals:   # these components start from their judges' totals aggregated
        comp_sum.update(judge_totals)
    in_totals = plan.in_judge_totals
    comp_veto: set[str] = set()
    veto, complete, notes, deducted, zeroes = None, True, [], ZERO, ()
    capped: list[str] = []
    criteria, raws = row.criteria, row.raw
    for i, (cp, part) in enumerate(zip(plan.criteria, parts)):
        criteria[cp.id] = part.points
        raws[cp.id] = part.raw
        if not in_totals or i not in in_totals:
            comp_sum[cp.component] += part.points
        if part.deducted is not ZERO:   # the shared default: nothing deducted
            deducted += part.deducted
        if not part.complete:
            complete = False
        if part.notes:
            notes.extend(part.notes)
        if part.zeroes:
            zeroes += part.zeroes
        if part.capped:
            capped.append(cp.id)
        if part.tries is not None:
            row.attempts[cp.id] = {a: (None if p is None else cp.round(p * cp.factor), raw)
                                   for a, (p, raw) in part.tries.items()}
        if part.veto is None:
            continue
        if part.veto == "component_zero":
            comp_veto.add(cp.component)
        elif VETO_ORDER[part.veto] > VETO_ORDER[veto]:
            veto = part.veto
    if zeroes:
        _apply_zeroes(plan, row, zeroes, comp_sum, comp_veto)
        notes.append("zeroed: " + ", ".join(dict.fromkeys(zeroes)))
    total = ZERO
    for comp in plan.components:
        score = _held(comp, comp_sum[comp.id], comp.id in comp_veto, capped, notes)
        if comp.scale_to is not None:   # 按百分制折算: converted, then rounded
            score = score * comp.scale_to / comp.max
        score = plan.round_component(score)
        row.components[comp.id] = score
        contribution = score * comp.weight / comp.divisor   # multiply first: exact if it can
        if plan.round_contribution is not None:
            contribution = row.contributions[comp.id] = plan.round_contribution(contribution)
        total += contribution
    for g in plan.component_groups:
        value = sum((row.components[c] * k for c, k in zip(g.members, g.scale)), ZERO)
        row.groups[g.id] = plan.round_component(
            value if g.multiplier is None else value * g.multiplier)
    row.total = ZERO if veto == "total_zero" else plan.round_total(total)
    row.deductions = deducted
    row.complete = complete
    row.notes = tuple(notes)
    if veto == "disqualify":
        row.status = "disqualified"
    if comp_veto or veto:
        row.notes += (f"veto: {veto or 'component_zero'}",)
    row.notes += tuple(f"ignored mark for unknown '{a}'" for a in stray)
    row.capped = tuple(capped)
    return row


def _held(comp: Any, value: Decimal, vetoed: bool, capped: list, notes: list) -> Decimal:
    """A component's sum floored at 0 and, when capped, stopped at its max; a value held
    there is recorded (Row.capped and a note), never silently."""
    if vetoed:
        return ZERO
    score = value if value > ZERO else ZERO
    if comp.capped and score > comp.max:
        score = comp.max
    if score != value:
        capped.append(comp.id)
        notes.append(f"{comp.id}: {value} held to {format(score.normalize(), 'f')}")
    return score


def _apply_zeroes(plan: Any, row: Row, zeroes: tuple, comp_sum: dict, comp_veto: set) -> None:
    """A violation's `zeroes`: the named criteria score 0 (their points leave their
    component), the named components (and groups' components) score 0."""
    for ref in dict.fromkeys(zeroes):
        target = plan.zero_refs[ref]
        for crit_id, component in target.criteria:
            comp_sum[component] -= row.criteria[crit_id]
            row.criteria[crit_id] = ZERO
        comp_veto.update(target.components)
