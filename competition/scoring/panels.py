"""Judging panels: for every criterion of a heat, which judges mark it and how many marks
are expected. One pure answer, used by the tablet, the chief judge's pages, the organiser's
live page, the sign-off warning, the exports and the mark write path (the one truth of
ENGINEERING.md "One truth per question").

The rule, precisely:

* **wanted** marks per entry, slot and attempt come from the rule: a judged or checklist
  criterion's ``judges``; one for a measured, timed or count criterion (a value is
  measured once); one for a declared value (``crit@difficulty``, once per entry, not per
  judge). Deductions (violations), adjustments and declared values with a default are
  **optional** (rules.slots.Slot.optional): entered only when something happens, so
  nothing is expected of them.
* **markers** of a criterion are the heat's judges whose assignment names it, or who have
  no list (``criteria`` None = every criterion), in the order given. Adjustments have no
  markers: the chief judge enters them (with a reason).
* **expected** = min(wanted, len(markers)) per entry, slot and attempt; 0 when optional.
  A panel smaller than the rule wants (3 judges wanted, 2 assigned) expects 2 and says so
  (``short``): the chief sees it on the assignment page.
* A criterion whose wanted count is smaller than its markers (a theory score, a time, a
  one-judge item with three judges assigned) is **first come**: any marker may enter it,
  the first ``expected`` judges' marks count, and a later judge is refused and told who
  entered it. With exactly one marker the criterion is **named**: only that judge marks it.
* A heat with no judge assigned has no panel yet: the rule's counts are expected and every
  mark counts (marks imported, or entered before the chief judge assigned anyone).
* A mark counts when its author is one of the criterion's markers (or an official: the
  chief judge's corrections, adjustments and the arbitration panel's re-scores); for a
  first-come criterion only the first ``expected`` distinct authors count (an official's
  own mark too: a chief's theory score added after a judge's is not averaged in) (by the order the
  marks are given: the caller gives them oldest first). Marks of a judge no longer on the
  panel are kept, shown as not counted, and never reach the engine.

* **Substitutions** (回避): for one entry a criterion may be marked by a substitute instead
  of an assigned judge who works for the contestant's employer. The entry's markers of
  that criterion are the heat's with the judge replaced by the substitute (same count, so
  the same marks expected); the judge may not mark it for that entry (refused naming the
  substitute) and their mark there is not counted; the substitute marks it there only.
  A substitute need not be assigned to the heat.

Worked example (the demo's 电工, tests/unit/scoring/test_panels.py has more): judges A, B
and C mark every criterion. theory_exam (``judges = 1``): markers A, B, C, expected 1,
first come. commission (a checklist of 3 items, ``judges = 1``): 1 per item, first come.
faults (a count) and wiring_time (a time): 1 each. Per entry 1 + 3 + 1 + 1 = 6 marks
expected, not 3 x 6 = 18; deductions none. Giving theory_exam to A alone names A.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Hashable, Iterable, Mapping, Sequence

_VALUE_KINDS = frozenset({"measured", "timed", "count"})


@dataclass(frozen=True)
class CriterionPanel:
    """Who marks one criterion in one heat, and how many marks it expects."""
    criterion: str
    markers: tuple            # judge keys, in assignment order
    wanted: int               # marks the rule asks for per slot and attempt
    optional: bool            # deductions / adjustments: nothing is expected
    open: bool = False        # no judge assigned to the heat yet: no panel, any mark counts

    @property
    def expected(self) -> int:
        """Marks expected per entry, slot and attempt: min(wanted, markers), 0 if optional;
        with no panel formed yet (nobody assigned) what the rule wants."""
        if self.optional:
            return 0
        return self.wanted if self.open else min(self.wanted, len(self.markers))

    @property
    def first_come(self) -> bool:
        """Fewer marks wanted than judges who may mark it: the first ones count."""
        return not self.optional and not self.open and len(self.markers) > self.wanted

    @property
    def named(self) -> Hashable | None:
        """The one judge who marks a one-mark criterion, if the assignment names one."""
        return self.markers[0] if (self.wanted == 1 and len(self.markers) == 1
                                   and not self.optional) else None

    @property
    def short(self) -> bool:
        """The panel is smaller than the rule wants (2 judges for a 3-judge criterion)."""
        return not self.optional and not self.open and len(self.markers) < self.wanted


@dataclass(frozen=True)
class SlotPanel:
    """One input (slot) of a criterion: its address, attempts and expected marks."""
    address: str
    criterion: str
    attempts: int
    expected: int             # per entry and attempt
    shared: bool              # once per entry (declared difficulty): one value, any marker


@dataclass(frozen=True)
class HeatPanel:
    criteria: Mapping[str, CriterionPanel]
    slots: tuple[SlotPanel, ...]
    judges: tuple = ()        # every assigned judge, in order
    _by_address: dict = field(default_factory=dict, compare=False, repr=False)
    # (entry, criterion) -> {judge: substitute}: per-entry changes of the panel (回避)
    substitutions: Mapping = field(default_factory=dict)

    def slot(self, address: str) -> SlotPanel | None:
        return self._by_address.get(address)

    def criterion_of(self, address: str, entry: Hashable = None) -> CriterionPanel | None:
        """The criterion's panel (for ``entry``: with its substitutions applied)."""
        slot = self._by_address.get(address)
        crit = slot.criterion if slot else address.split("@")[0].split(".")[0]
        return self.criterion_for(entry, crit)

    def criterion_for(self, entry: Hashable, criterion: str) -> CriterionPanel | None:
        """The panel of ``criterion`` for one entry: a judge standing aside for it replaced
        by their substitute (same number of markers, so the same marks expected)."""
        panel = self.criteria.get(criterion)
        subs = self.substitutions.get((entry, criterion)) if self.substitutions else None
        if panel is None or not subs:
            return panel
        markers = tuple(subs.get(j, j) for j in panel.markers)
        return CriterionPanel(panel.criterion, markers, panel.wanted, panel.optional, panel.open)

    def substitute_for(self, entry: Hashable, criterion: str, judge: Hashable) -> Hashable | None:
        """Who marks ``criterion`` of ``entry`` instead of ``judge`` (None: nobody)."""
        subs = self.substitutions.get((entry, criterion)) if self.substitutions else None
        return subs.get(judge) if subs else None

    def substitutes(self, criterion: str | None = None) -> set:
        """Judges who mark (this criterion) for some entries only, as substitutes."""
        return {s for (_e, c), subs in self.substitutions.items()
                if criterion is None or c == criterion for s in subs.values()}

    def entry_criteria_of(self, judge: Hashable, entry: Hashable) -> list[str]:
        """The criteria ``judge`` marks for ``entry`` (substitutions applied)."""
        return [c for c in self.criteria if judge in self.criterion_for(entry, c).markers]

    def short_expected(self, entry: Hashable = None) -> dict[str, int]:
        """criterion id -> marks expected, for the criteria whose panel is smaller than the
        rule wants (``short``) and still expects a mark: what the standings count a row's
        completeness against (scoring.compute_standings ``expected``); for ``entry`` with
        its substitutions (the same count). Empty: the rule's counts hold."""
        out = {}
        for crit_id in self.criteria:
            panel = self.criterion_for(entry, crit_id)
            if panel.short and panel.expected >= 1:
                out[crit_id] = panel.expected
        return out

    def expected_per_entry(self) -> int:
        """Marks one entry expects in this heat (every slot, every attempt)."""
        return sum(s.expected * s.attempts for s in self.slots)

    def criteria_of(self, judge: Hashable) -> list[str]:
        """The criteria ``judge`` may mark for some entry, in the rule's order (the
        tablet's columns): on the panel, or substituting for a judge on some entries."""
        subbed = {c for (_e, c), subs in self.substitutions.items() if judge in subs.values()}
        return [c for c, p in self.criteria.items() if judge in p.markers or c in subbed]


def wanted_marks(crit: Any) -> int:
    """Marks the rule asks for per entry, slot and attempt (see the module docstring)."""
    if crit.kind in ("judged", "checklist"):
        return int(crit.judges)
    return 1


def heat_panel(rule: Any, assignments: Sequence[tuple[Hashable, Iterable[str] | None]],
               substitutions: Iterable[tuple] = ()) -> HeatPanel:
    """The panel of a heat from the rule and the chief's assignment: ``assignments`` is
    [(judge, criterion ids or None for all)] in a stable order (e.g. by judge id);
    ``substitutions`` [(entry, criterion, judge, substitute)] (回避). A substitution of a
    judge who does not mark the criterion changes nothing."""
    lists = [(j, None if not c else frozenset(c)) for j, c in assignments]
    unassigned = not lists
    criteria: dict[str, CriterionPanel] = {}
    slots: list[SlotPanel] = []
    for crit in rule.criteria:
        chief_only = crit.kind == "adjustment"
        markers = () if chief_only else tuple(
            j for j, wanted in lists if wanted is None or crit.id in wanted)
        optional = chief_only or crit.kind == "deductions"
        panel = CriterionPanel(crit.id, markers, wanted_marks(crit), optional, unassigned)
        criteria[crit.id] = panel
        for s in rule.slots(crit.id):
            if s.optional:      # a violation, an adjustment, a declared value's default
                expected = 0
            elif s.once_per_entry:
                expected = 1 if (markers or unassigned) else 0
            else:
                expected = panel.expected
            slots.append(SlotPanel(s.address, crit.id, s.attempts, expected,
                                   s.once_per_entry))
    subs: dict = {}
    for entry, crit_id, judge, substitute in substitutions:
        panel = criteria.get(crit_id)
        if panel is not None and judge in panel.markers and substitute not in panel.markers:
            subs.setdefault((entry, crit_id), {})[judge] = substitute
    return HeatPanel(criteria, tuple(slots), tuple(j for j, _ in lists),
                     {s.address: s for s in slots}, subs)


# --- the write path ------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """Why a judge may not enter a mark: ``reason`` "not_on_panel" (``judges``: who marks
    the criterion) or "full" (``judges``: who already entered the expected marks)."""
    reason: str
    criterion: str
    judges: tuple


def may_mark(panel: HeatPanel, judge: Hashable, address: str,
             others: Iterable[Hashable] = (), entry: Hashable = None) -> Refusal | None:
    """None if ``judge`` may enter (or change) their mark at ``address`` (of ``entry``);
    else a Refusal: "substituted" (``judges``: the substitute who marks it for this entry),
    "not_on_panel" or "full". ``others``: the judges who already hold a mark for this
    entry, address and attempt, oldest first (needed for a first-come criterion only)."""
    crit = panel.criterion_of(address, entry)
    if crit is None or crit.open:
        return None          # not a criterion of the rule (the value check refuses it)
    if judge not in crit.markers:
        substitute = panel.substitute_for(entry, crit.criterion, judge)
        if substitute is not None:
            return Refusal("substituted", crit.criterion, (substitute,))
        return Refusal("not_on_panel", crit.criterion, crit.markers)
    slot = panel.slot(address)
    if slot is None or slot.shared or not crit.first_come:
        return None
    holders = _distinct(j for j in others if j in crit.markers)
    if judge in holders:
        return None
    if len(holders) >= crit.expected:
        return Refusal("full", crit.criterion, tuple(holders[:crit.expected]))
    return None


def _distinct(items: Iterable) -> list:
    seen: dict = {}
    for x in items:
        seen.setdefault(x, None)
    return list(seen)


# --- which marks count ---------------------------------------------------------------------

NOT_ON_PANEL = "not_on_panel"
BEYOND_PANEL = "beyond_panel"


def mark_verdicts(panel: HeatPanel, marks: Iterable[tuple], officials: frozenset = frozenset()
                  ) -> list[str | None]:
    """For marks given as (entry, address, attempt, judge) oldest first: None for a mark
    that counts, NOT_ON_PANEL for a judge who does not mark the criterion (removed from the
    panel), BEYOND_PANEL for a first-come criterion's mark after the expected ones.
    ``officials``: authors whose marks always count (chief judge, arbitration)."""
    out: list[str | None] = []
    holders: dict[tuple, list] = {}
    for entry, address, attempt, judge in marks:
        out.append(_verdict(panel, entry, address, attempt, judge, officials, holders))
    return out


def _verdict(panel, entry, address, attempt, judge, officials, holders) -> str | None:
    crit = panel.criterion_of(address, entry)
    if crit is None or crit.open:
        return None
    if judge not in crit.markers and judge not in officials:
        return NOT_ON_PANEL
    slot = panel.slot(address)
    if slot is None or slot.shared or not crit.first_come:
        return None
    got = holders.setdefault((entry, address, attempt), [])
    if judge in got:
        return None
    if len(got) >= crit.expected:
        return BEYOND_PANEL
    got.append(judge)
    return None


# --- what is missing -----------------------------------------------------------------------

@dataclass(frozen=True)
class Missing:
    """A mark still expected: slot address, attempt, how many, and who may enter it
    (``judges``: everyone who owes it; with ``any_of`` one of them is enough)."""
    address: str
    attempt: int
    count: int
    judges: tuple
    any_of: bool


def entry_missing(panel: HeatPanel, counted: Iterable[tuple[str, int, Hashable]],
                  entry: Hashable = None) -> list[Missing]:
    """What one entry still misses, from its counted marks as (address, attempt, judge)
    (``entry``: its substitutions applied)."""
    have: dict[tuple[str, int], set] = {}
    for address, attempt, judge in counted:
        have.setdefault((address, attempt), set()).add(judge)
    out = []
    for s in panel.slots:
        if not s.expected:
            continue
        crit = panel.criterion_for(entry, s.criterion)
        for a in range(1, s.attempts + 1):
            got = have.get((s.address, a), set())
            need = s.expected - (min(len(got), 1) if s.shared else len(got))
            if need <= 0:
                continue
            if s.shared or crit.first_come:
                owe = tuple(j for j in crit.markers if j not in got)
                out.append(Missing(s.address, a, need, owe, True))
            else:
                owe = tuple(j for j in crit.markers if j not in got)
                out.append(Missing(s.address, a, need, owe, False))
    return out


def owed_by(missing: Iterable[Missing], judge: Hashable) -> list[Missing]:
    """The missing marks ``judge`` could enter (their own, and first-come ones)."""
    return [m for m in missing if judge in m.judges]


def tally(panel: HeatPanel, counts: Mapping[tuple[str, int], int], entries: int
          ) -> tuple[int, int]:
    """(entered, expected) for ``entries`` entries from counted marks per (address,
    attempt) summed over those entries (a declared value counts once per entry). Each slot
    contributes at most entries x expected: the organiser's live page and the exports call
    this with grouped counts; the chief's page per entry."""
    entered = expected = 0
    for s in panel.slots:
        if not s.expected:
            continue
        for a in range(1, s.attempts + 1):
            cap = entries * s.expected
            expected += cap
            entered += min(counts.get((s.address, a), 0), cap)
    return entered, expected
