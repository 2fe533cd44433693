"""Incremental standings equal the full computation, on random streams of marks.

A stream is new marks, corrections (the same entry, address, attempt and judge with
another value), deletions, disqualifications and their reversal, entries listed without
marks (absent) and withdrawn ones, an entry's panel expecting fewer marks (its heat's judges,
compute_standings' ``expected``); after every step the incremental object's standings
must be exactly compute_standings() of the same marks: every row field (rank, total,
award, titles, notes, lot flags...) and the lots. Values are drawn from a few per slot,
so ties (and ties decided by lot) are frequent. The rules are real ones chosen for what
they exercise: relative times against the field, attempt groups with a relative member,
timed rank, judges' totals, violations that zero parts or disqualify, percent awards,
ties by lot, plus a small synthetic rule with dense ranking.
"""
from __future__ import annotations

import random
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.rules import load_rule
from competition.scoring import MarkError, MarkIn, compute_standings, validate_mark
from competition.scoring.incremental import IncrementalStandings

from .helpers import crit, rule

RULES = Path(__file__).resolve().parents[3] / "scoring_rules"
FILES = ["drone_pilot.toml", "forklift.toml", "welder.toml", "domestic.toml", "lathe.toml",
         "examples/cooking_judge_totals.toml", "examples/lot_ties.toml",
         "examples/theory_practical.toml", "examples/diving.toml"]
ENTRIES = [f"e{i}" for i in range(6)]
JUDGES = ["j0", "j1", "j2"]

DENSE = rule(
    crit("a", "judged", "judges = 3\nmax = 10\nstep = 1")
    + crit("t", "timed", 'mode = "relative"\nmax = 10')
    + crit("n", "count", "max = 10\nper_unit = 1\nrelative = true")
    + crit("v", "deductions", 'max = 5\nviolations = [ { code = "x", name = "X", points = 2 },'
                              ' { code = "d", name = "D", veto = "disqualify" } ]'),
    scoring='rank_method = "dense"\ntie_break = ["a desc", "lot"]',
    awards='[awards]\nlevels = [ { name = "G", percent = 30 }, { name = "S", count = 2, '
           'min_total = 5 } ]\ntitles = [ { name = "T", top = 2 } ]',
)


@lru_cache(maxsize=None)
def load(name: str):
    return DENSE if name == "dense" else load_rule(RULES / name)


@lru_cache(maxsize=None)
def slots(name: str) -> list[tuple[str, int, bool, tuple]]:
    """(address, attempts, once per entry, a few valid values) for every slot."""
    r = load(name)
    out = []
    for s in r.slots():
        lo = s.min if s.min is not None else Decimal(0)
        hi = s.max if s.max is not None else lo + 120
        step = s.step or Decimal(1)
        span = int((hi - lo) / step)
        candidates = {lo, hi, lo + step * (span // 2), lo + step * (span // 3)}
        if s.input == "violation":
            candidates = {Decimal(0), Decimal(1), Decimal(2)}
        values = []
        for v in sorted(candidates):
            try:
                validate_mark(r, s.address, v)
            except MarkError:
                continue
            values.append(v)
        if values:
            out.append((s.address, s.attempts, s.once_per_entry, tuple(values)))
    return out


def random_op(rnd, puts: int = 4, panels: bool = True) -> tuple:
    """One step of a stream: mostly marks (new or corrected), then deletions, status
    changes, withdrawals and an entry's marks handed over whole (as the service does)."""
    kind = rnd.choice(["put"] * puts + ["delete", "delete", "dq", "list", "remove", "reload"]
                      + (["panel"] if panels else []))
    entry = rnd.randrange(len(ENTRIES))
    if kind == "put":
        return (kind, entry, rnd.randrange(100), rnd.randrange(3), rnd.randint(1, 3),
                rnd.randrange(10))
    if kind == "delete":
        return (kind, entry, rnd.randrange(100), rnd.randrange(3), rnd.randint(1, 3))
    if kind == "dq":
        return (kind, entry, rnd.random() < 0.6)
    if kind == "panel":
        return (kind, entry, rnd.randrange(100))
    return (kind, entry)


class Model:
    """The marks and entries as a plain list would hold them (what the full recompute
    reads), changed alongside the incremental object."""

    def __init__(self, name: str):
        self.name = name
        self.rule = load(name)
        self.slots = slots(name)
        self.marks: dict[str, list] = {}
        self.listed: dict[str, None] = {}
        self.dq: set[str] = set()
        self.expected: dict[str, dict] = {}     # entry -> its heat's panel's expected marks

    def mark(self, op) -> MarkIn:
        address, attempts, once, values = self.slots[op[2] % len(self.slots)]
        judge = JUDGES[0] if once else JUDGES[op[3]]
        value = values[op[5] % len(values)] if len(op) > 5 else None
        return MarkIn(ENTRIES[op[1]], address, value, judge, min(op[4], attempts))

    def apply(self, op, inc: IncrementalStandings | None) -> None:
        kind, entry = op[0], ENTRIES[op[1]]
        if kind == "put":
            m = self.mark(op)
            lst = self.marks.setdefault(entry, [])
            same = [i for i, x in enumerate(lst) if (x.criterion, x.judge, x.attempt)
                    == (m.criterion, m.judge, m.attempt)]
            if same:
                lst[same[0]] = m
            else:
                lst.append(m)
            if inc is not None:
                inc.put(m)
        elif kind == "delete":
            m = self.mark(op)
            lst = [x for x in self.marks.get(entry, []) if (x.criterion, x.judge, x.attempt)
                   != (m.criterion, m.judge, m.attempt)]
            self._set(entry, lst)
            if inc is not None:
                inc.delete(entry, m.criterion, m.judge, m.attempt)
        elif kind == "dq":
            self.listed[entry] = None
            (self.dq.add if op[2] else self.dq.discard)(entry)
            if inc is not None:
                inc.set_entry(entry, disqualified=op[2])
        elif kind == "list":
            self.listed[entry] = None
            if inc is not None:
                inc.set_entry(entry, disqualified=entry in self.dq)
        elif kind == "remove":
            self.listed.pop(entry, None)
            self.dq.discard(entry)
            self.marks.pop(entry, None)
            if inc is not None:
                inc.remove(entry)
        elif kind == "reload" and inc is not None:   # the service's way: all of its marks
            inc.set_marks(entry, list(self.marks.get(entry, [])))
        elif kind == "panel":     # the entry's heat's panel (moved, or the panel changed)
            crits = [c for c in self.rule.criteria if c.kind in ("judged", "checklist")]
            exp = None if op[2] % 3 == 0 or not crits else {
                c.id: 1 + (op[2] + i) % int(c.judges) for i, c in enumerate(crits)}
            if exp is None:
                self.expected.pop(entry, None)
            else:
                self.expected[entry] = exp
            if inc is not None:
                inc.set_expected(entry, exp)

    def _set(self, entry: str, marks: list) -> None:
        if marks:
            self.marks[entry] = marks
        else:
            self.marks.pop(entry, None)

    def all_marks(self) -> list:
        return [m for ms in self.marks.values() for m in ms]

    def full(self, seed, awards=True):
        result = compute_standings(self.rule, self.all_marks(), list(self.listed),
                                   disqualified=self.dq, lot_seed=seed,
                                   expected=self.expected)
        if not awards:
            for row in result.rows:
                row.award, row.titles = None, ()
        return result


def same(inc, full) -> None:
    assert [r.to_dict() for r in inc.rows] == [r.to_dict() for r in full.rows]
    assert inc.rows == full.rows          # every field, by_lot too
    assert inc.lots == full.lots
    assert inc.to_dict() == full.to_dict()


def run(name: str, initial: list, ops: list, seed, awards: bool) -> None:
    model = Model(name)
    for op in initial:
        model.apply(op, None)
    inc = IncrementalStandings(model.rule, model.all_marks(), list(model.listed),
                               disqualified=model.dq, lot_seed=seed, awards=awards,
                               expected=model.expected)
    same(inc.standings(), model.full(seed, awards))
    for op in ops:
        before = inc.standings()
        before_dicts = [r.to_dict() for r in before.rows]
        model.apply(op, inc)
        same(inc.standings(), model.full(seed, awards))
        # the standings handed out before stay as they were (rows are never changed)
        assert [r.to_dict() for r in before.rows] == before_dicts


@pytest.mark.parametrize("name", FILES + ["dense"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rnd=st.randoms(use_true_random=False), seed=st.sampled_from([None, "seed-1"]),
       awards=st.booleans())
def test_incremental_standings_equal_the_full_computation(name, rnd, seed, awards):
    """The initial marks build the object cold (the full computation); every later step
    is one change, after which both must agree. (Streams come from a seeded Random:
    hypothesis' own small examples seldom reach five ranked entries and a new best time.)"""
    initial = [random_op(rnd, puts=12) for _ in range(rnd.randint(0, 150))]
    ops = [random_op(rnd) for _ in range(rnd.randint(1, 40))]
    run(name, initial, ops, seed, awards)


def test_a_new_fastest_time_refinishes_everyone_and_a_slower_one_only_its_entry():
    # relative time: points = 10 x fastest / own. e0 60 s, e1 120 s -> 10 and 5.
    r = load("dense")
    inc = IncrementalStandings(r, [MarkIn("e0", "t", "60"), MarkIn("e1", "t", "120")])
    assert inc.standings().row("e1").criteria["t"] == Decimal("5.00")
    inc.put(MarkIn("e2", "t", "90"))          # slower than the fastest: e0, e1 unchanged
    assert inc.standings().row("e2").criteria["t"] == Decimal("6.67")
    inc.put(MarkIn("e2", "t", "30"))          # the new fastest: everyone re-finished
    got = inc.standings()
    assert [got.row(e).criteria["t"] for e in ("e0", "e1", "e2")] == [
        Decimal("5.00"), Decimal("2.50"), Decimal("10.00")]
    inc.delete("e2", "t")                     # the fastest gone: e0 is fastest again
    assert inc.standings().row("e1").criteria["t"] == Decimal("5.00")


def test_unchanged_rows_are_shared_and_changed_ones_are_new():
    r = load("dense")
    marks = [MarkIn(e, "a", str(v), j) for e, v in (("e0", 9), ("e1", 5), ("e2", 1))
             for j in JUDGES]
    inc = IncrementalStandings(r, marks)
    before = inc.standings()
    inc.put(MarkIn("e2", "a", "2", "j0"))     # e2 stays last: only its row changes
    after = inc.standings()
    assert after.row("e0") is before.row("e0") and after.row("e1") is before.row("e1")
    assert after.row("e2") is not before.row("e2")
    assert after.row("e2").total > before.row("e2").total


def test_the_full_computation_reuses_entries_by_their_mark_objects_and_values():
    # the memo by mark objects (ids, the objects kept alive) then by values: the same
    # objects, new objects with the same values, and a changed value all score right
    r = load("dense")
    marks = [MarkIn("e0", "a", "6", j) for j in JUDGES] + [MarkIn("e1", "a", "4", "j0")]
    first = compute_standings(r, marks).to_dict()
    assert compute_standings(r, marks).to_dict() == first
    again = [MarkIn(m.entry, m.criterion, m.value, m.judge) for m in marks]
    assert compute_standings(r, again).to_dict() == first
    changed = again[:-1] + [MarkIn("e1", "a", "9", "j0")]
    got = compute_standings(r, changed)
    assert got.row("e1").criteria["a"] == Decimal("9.00")
    assert [row.entry for row in got.rows] == ["e1", "e0"]
    assert got.to_dict() == IncrementalStandings(r, changed).standings().to_dict()


@pytest.mark.parametrize("name,stream", [("drone_pilot.toml", 177)])
def test_streams_that_once_disagreed(name, stream):
    # 177: drone_pilot's attempt group with a relative time: a run not chosen showed its
    # points from an earlier fastest time (the full computation's row template was keyed
    # by the chosen points only; now entries.finished_key)
    rnd = random.Random(stream)
    seed, awards = [None, "seed-1"][stream % 2], bool(stream // 2 % 2)
    initial = [random_op(rnd, puts=12, panels=False) for _ in range(rnd.randint(0, 150))]
    ops = [random_op(rnd, panels=False) for _ in range(rnd.randint(1, 40))]
    run(name, initial, ops, seed, awards)
