"""Incremental standings: built once from a rule and every mark (the full computation),
then kept current by one entry's new, changed or deleted marks and by entries' status
changes, rescoring only that entry and re-ranking.

    live = IncrementalStandings(rule, marks, entries, disqualified=dq)
    live.put(MarkIn("e7", "taste", "8.5", judge="j2"))    # a new or corrected mark
    live.delete("e7", "taste", judge="j2")                 # a deleted mark
    live.set_marks("e7", marks_of_e7)                      # or all of one entry's marks
    live.set_entry("e9", disqualified=True)                # listed, disqualified
    live.set_expected("e7", {"work": 2})                   # its heat's panel: 2 marks
    live.remove("e3")                                      # withdrawn: gone with its marks
    standings = live.standings()   # == compute_standings(rule, marks, entries, dq, seed)

Exactly equal to compute_standings (tests/unit/scoring/test_incremental_property.py
compares them on random mark streams): an entry's row is built by the same functions
(entries.score_entry, standings._row), and the ranking, lots and awards follow
ranking.rank_rows and assign_awards step by step. What is kept between updates:

* per entry its marks, its scored criteria and its row before ranking;
* the ranked entries as one list sorted by (tie-break key, entry id), updated by bisection;
* kinds scored against the field (timed relative, count relative): each such criterion's
  best value. A change that keeps it re-finishes only the changed entries (the finalizer
  run on them and one entry holding the best value gives exactly what it gives on all of
  them); a new best re-finishes everyone. Other field kinds (timed rank, attempt groups
  with a relative member) re-finish everyone on every update (rows are rebuilt only where
  the finished points changed, as in the full computation).

Ranks, lots and awards are then recomputed over the sorted list (a loop of a few hundred
nanoseconds per ranked entry: ranks shift for everyone between the old and the new place),
and only rows whose rank, lot flag, award or titles changed become new Row objects.

The rows of successive standings() are shared where unchanged: callers must treat them as
read-only (copy before changing one; the full computation's rows are the caller's own).
Not thread-safe: one caller at a time (services.standings holds a lock per object).
"""
from __future__ import annotations

import gc
from bisect import bisect_left
from dataclasses import replace
from typing import Any, Iterable, Mapping

from .aggregate import ZERO
from .compiled import columns, compile_rule, expect_key, expect_keys
from .entries import by_entry, finalize_relative, finished_key, merged_parts, score_entries, score_entry
from .field import relative_counts, relative_times
from .lots import draw_lots
from .ranking import award_base, award_of, level_limits, tie_break_getters, titles_of
from .standings import Row, Standings, _copy, _row

# Field kinds whose points depend on the others only through one extreme value: the
# finalizer, an eligibility test (the parts it takes the extreme of) and min or max.
_EXTREME = {
    relative_times: (lambda p: p.points is None and bool(p.raw), min),
    relative_counts: (lambda p: p.points is None and p.raw is not None, max),
}


class IncrementalStandings:
    """Standings kept current one entry at a time (see the module docstring).

    Arguments as compute_standings(); ``awards=False`` leaves every award and title empty
    (a stage another stage follows awards nothing)."""

    def __init__(self, rule: Any, marks: Iterable[Any] = (), entries: Iterable[str] | None = None,
                 disqualified: Iterable[str] = (), lot_seed: str | None = None,
                 awards: bool = True, expected: Mapping[str, Mapping[str, int]] | None = None):
        self.rule = rule
        self.plan = compile_rule(rule)
        # entry -> compiled.expect_key() of the marks its panel expects (compute_standings'
        # ``expected``; only entries whose panel is short of the rule's judges)
        self._expect: dict[str, tuple] = dict(expect_keys(self.plan, expected) or {})
        self.lot_seed = lot_seed
        self.awards = awards
        scoring = rule.scoring
        self._getters = tie_break_getters(rule)
        self._lot = bool(scoring.tie_break) and scoring.tie_break[-1].strip() == "lot"
        self._dense = scoring.rank_method == "dense"
        self._listed: set[str] = set(entries or ())
        self._dq: set[str] = set(disqualified)
        self._marks: dict[str, list] = {}        # entry -> its marks, in the order given
        self._scored: dict[str, Any] = {}        # entry -> entries.Scored
        self._finished: dict[str, dict] = {}     # entry -> {position: finished Part}
        self._keys: dict[str, tuple] = {}        # entry -> its finished points (row key)
        self._extreme: dict[int, Any] = {}       # field criterion -> (holder, best value)
        self._field: dict[int, dict] = {}        # field criterion -> {entry: eligible raw}
        self._base: dict[str, Row] = {}          # entry -> row before ranking
        self._out: dict[str, Row] = {}           # entry -> row as last published
        self._place: dict[str, tuple] = {}       # entry -> (list, item) it sits in
        self._ranked: list[tuple] = []           # [(tie-break key, entry)] of "ok" rows
        self._rest: list[tuple] = []             # [(not disqualified, entry)] of the others
        self._limits: list[int] | None = None
        self._rows: list[Row] = []               # the ranked rows last handed out, in order
        self._result_seen = False
        self._span = [0, 0]                      # changed ranked positions: first, tail kept
        self._rescore: set[str] = set()
        self._dirty: set[str] = set()
        self._result: Standings | None = None
        was_enabled = gc.isenabled()
        gc.disable()      # as compute_standings: acyclic allocations only
        try:
            self._marks = by_entry(marks)
            self._scored = dict(score_entries(self.plan, self._marks, self._expect))
            if self.plan.needs_field:
                self._finish_all()
            self._dirty = set(self._listed) | set(self._marks)
            self.standings()
        finally:
            if was_enabled:
                gc.enable()

    # --- changes --------------------------------------------------------------------------

    def set_marks(self, entry: str, marks: Iterable[Any]) -> None:
        """Replace every mark of ``entry`` (in the order given; none: it has no marks)."""
        marks = list(marks)
        if marks:
            self._marks[entry] = marks
        else:
            self._marks.pop(entry, None)
        self._changed(entry, rescore=True)

    def set_expected(self, entry: str, expected: Mapping[str, int] | None) -> None:
        """The marks ``entry``'s panel expects per criterion (compute_standings' ``expected``
        for one entry; None: the rule's judges), e.g. after it moved to another heat."""
        key = expect_key(self.plan, expected)
        if key != self._expect.get(entry, ()):
            if key:
                self._expect[entry] = key
            else:
                del self._expect[entry]
            self._changed(entry, rescore=True)

    def put(self, mark: Any) -> None:
        """A new mark, or a changed one: the mark of the same entry, address, attempt and
        judge keeps its place with the new value."""
        marks = self._marks.setdefault(mark.entry, [])
        for i, m in enumerate(marks):
            if _same_slot(m, mark):
                marks[i] = mark
                break
        else:
            marks.append(mark)
        self._changed(mark.entry, rescore=True)

    def delete(self, entry: str, criterion: str, judge: str | None = None,
               attempt: int = 1) -> None:
        """Delete the mark of ``entry`` at this address, attempt and judge (if any)."""
        marks = self._marks.get(entry, [])
        kept = [m for m in marks if not (m.criterion == criterion and m.judge == judge
                                         and m.attempt == attempt)]
        if len(kept) != len(marks):
            self.set_marks(entry, kept)

    def set_entry(self, entry: str, disqualified: bool = False) -> None:
        """List ``entry`` (a row even without marks: absent), disqualified or not."""
        if entry in self._listed and (entry in self._dq) == disqualified:
            return
        self._listed.add(entry)
        (self._dq.add if disqualified else self._dq.discard)(entry)
        self._changed(entry)

    def remove(self, entry: str) -> None:
        """Forget ``entry`` and its marks (a withdrawal)."""
        self._listed.discard(entry)
        self._dq.discard(entry)
        self._marks.pop(entry, None)
        self._changed(entry, rescore=True)

    def entries(self) -> set[str]:
        """Every entry with a row (listed, or with marks)."""
        return self._listed | set(self._marks)

    @property
    def listed(self) -> frozenset[str]:
        """The entries listed (set_entry, or `entries` at the start)."""
        return frozenset(self._listed)

    @property
    def disqualified(self) -> frozenset[str]:
        return frozenset(self._dq)

    def _changed(self, entry: str, rescore: bool = False) -> None:
        if rescore:
            self._rescore.add(entry)
        self._dirty.add(entry)
        self._result = None

    # --- the standings ---------------------------------------------------------------------

    def standings(self) -> Standings:
        """The standings after every change so far (the same object while nothing changed)."""
        if self._result is not None:
            return self._result
        was_enabled = gc.isenabled()
        gc.disable()      # acyclic allocations only (a new best time rebuilds every row)
        try:
            return self._standings()
        finally:
            if was_enabled:
                gc.enable()

    def _standings(self) -> Standings:
        rescored = self._rescore
        self._rescore = set()
        for entry in rescored:
            marks = self._marks.get(entry)
            if marks:
                self._scored[entry] = score_entry(self.plan, columns(marks),
                                                  self._expect.get(entry, ()))
            else:
                self._scored.pop(entry, None)
        if self.plan.needs_field and rescored:
            self._dirty |= self._finish(rescored)
        dirty, self._dirty = self._dirty, set()
        n_before = len(self._ranked)
        self._span = [n_before, n_before]
        for entry in dirty:
            self._rebuild(entry)
        if self._local(n_before):
            self._result = self._rank_local(dirty)
        else:
            self._result = self._rank(dirty)
        return self._result

    def _rebuild(self, entry: str) -> None:
        """The entry's row before ranking, and its place in the ranked or other list."""
        old = self._place.pop(entry, None)
        if old is not None:
            where, item = old
            i = bisect_left(where, item)
            if where is self._ranked:
                self._note(i, len(where) - 1 - i)
            del where[i]
        s = self._scored.get(entry)
        if s is None and entry not in self._listed:
            self._base.pop(entry, None)
            self._out.pop(entry, None)
            return
        dq = entry in self._dq
        if s is None:
            row = Row(entry, status="disqualified" if dq else "absent", notes=("no marks",))
        else:
            key = self._keys.get(entry, ())
            template = s.rows.get(key)
            if template is None:
                if len(s.rows) > 8:
                    s.rows.clear()
                template = s.rows[key] = _row(
                    self.plan, entry, merged_parts(self.plan, s, self._finished.get(entry)),
                    s.stray, s.judge_totals)
            row = _copy(template, dq)
        self._base[entry] = row
        if row.status == "ok":
            item = ((-row.total,) + tuple(g(row) for g in self._getters), entry)
            where = self._ranked
        else:
            item = (row.status != "disqualified", entry)
            where = self._rest
            self._out[entry] = row      # unranked: rank, award and titles stay empty
        i = bisect_left(where, item)
        if where is self._ranked:
            self._note(i, len(where) - i)
        where.insert(i, item)
        self._place[entry] = (where, item)

    def _note(self, first: int, tail: int) -> None:
        """A ranked position changed: positions before ``first`` and the last ``tail``
        ones hold the same entries as before (in the list as it is at that moment)."""
        span = self._span
        span[0] = min(span[0], first)
        span[1] = min(span[1], tail)

    def _local(self, n_before: int) -> bool:
        """Whether only the changed positions' ranks can change: standard ranking, no lots,
        as many ranked entries as before (so the same award limits) and rows handed out."""
        if self._dense or self._lot or not self._result_seen:
            return False
        n = len(self._ranked)
        return n == n_before == len(self._rows) and self._award_limits() == self._limits

    def _award_limits(self) -> list[int] | None:
        """The award levels' cumulative last positions now (None: no awards)."""
        if not self.awards:
            return None
        awards = self.rule.awards
        ranked = len(self._ranked)
        return level_limits(awards, award_base(awards, ranked, ranked + len(self._rest)))

    def _rank_local(self, dirty: set[str]) -> Standings:
        """_rank() for the common update: ranks recomputed from the first changed position
        until the list is the same as before again (a new tie group starting where it
        did); the rows before and after are the ones handed out last time."""
        ranked, old, n = self._ranked, self._rows, len(self._ranked)
        first, tail = self._span
        hi = n - tail
        if first >= hi:
            rows = list(old)
        else:
            previous, rank = (ranked[first - 1][0], old[first - 1].rank) if first else (None, 0)
            mid, pos = [], first
            out, base_rows, limits = self._out, self._base, self._limits
            awards = self.rule.awards
            while pos < n:
                key, entry = ranked[pos]
                if key != previous:
                    rank, previous = pos + 1, key
                if pos >= hi and rank == pos + 1 and old[pos].rank == rank:
                    break      # the same entries from here on, tie groups where they were
                current = out.get(entry)
                if (current is not None and entry not in dirty and current.rank == rank
                        and not current.by_lot):
                    mid.append(current)
                else:
                    row = _with(base_rows[entry], rank, False)
                    if limits is not None:
                        row.award = award_of(awards, limits, row)
                        row.titles = titles_of(awards, row)
                    if current is None or entry in dirty or not _same_place(current, row):
                        out[entry] = row
                    mid.append(out[entry])
                pos += 1
            rows = old[:first] + mid + old[pos:]
        self._rows = rows
        return Standings(self.rule.trade.code, rows + [self._out[e] for _, e in self._rest], [])

    def _rank(self, dirty: set[str]) -> Standings:
        """rank_rows and assign_awards over the sorted list; new Rows only where changed."""
        keys = [k for k, _ in self._ranked]
        order = [e for _, e in self._ranked]
        lots: list = []
        flagged: dict[str, bool] = {}
        if self._lot:
            order, keys = self._by_lot(order, keys, lots, flagged)
        ranks: dict[str, int] = {}
        previous, rank, dense = None, 0, self._dense
        for position, (entry, key) in enumerate(zip(order, keys), start=1):
            if key != previous:
                rank, previous = (rank + 1 if dense else position), key
            ranks[entry] = rank
        if lots:
            lots = [replace(d, rank=ranks[d.entries[0]]) for d in lots]
        limits = self._award_limits()
        every = limits != self._limits
        self._limits = limits
        out, base_rows = self._out, self._base
        rows = []
        for entry in order:
            rank = ranks[entry]
            current = out.get(entry)
            by_lot = flagged.get(entry, False)
            if (not every and current is not None and entry not in dirty
                    and current.rank == rank and current.by_lot == by_lot):
                rows.append(current)
                continue
            row = _with(base_rows[entry], rank, by_lot)
            if limits is not None:
                row.award = award_of(self.rule.awards, limits, row)
                row.titles = titles_of(self.rule.awards, row)
            if current is None or entry in dirty or not _same_place(current, row):
                out[entry] = row
            rows.append(out[entry])
        self._rows = list(rows)
        self._result_seen = True
        rows.extend(out[e] for _, e in self._rest)
        return Standings(self.rule.trade.code, rows, lots)

    def _by_lot(self, order: list, keys: list, lots: list, flagged: dict) -> tuple:
        """ranking._by_lot over entry ids: groups of equal keys in their lot's order."""
        out_order, out_keys, start, n = [], [], 0, len(order)
        seed = self.lot_seed
        while start < n:
            end = start + 1
            while end < n and keys[end] == keys[start]:
                end += 1
            if end - start == 1:
                out_order.append(order[start])
                out_keys.append(keys[start] + (0,))
            else:
                draw = draw_lots(start + 1, order[start:end], seed)
                lots.append(draw)
                for i, entry in enumerate(draw.entries):
                    out_order.append(entry)
                    out_keys.append(keys[start] + ((i if seed else 0),))
                    flagged[entry] = draw.decided
            start = end
        return out_order, out_keys

    # --- kinds scored against the field -----------------------------------------------------

    def _finish_all(self) -> set[str]:
        """Finish every entry's field criteria; the entries whose finished points changed."""
        finished = finalize_relative(self.plan, self._scored)
        for i in self.plan.relative:
            fast = _EXTREME.get(self.plan.criteria[i].finalize)
            if fast is not None:
                eligible = fast[0]
                self._field[i] = {e: s.parts[i].raw for e, s in self._scored.items()
                                  if eligible(s.parts[i])}
                self._extreme[i] = _best(self._field[i], fast[1], None)
        return self._store(finished)

    def _store(self, finished: dict) -> set[str]:
        changed = set()
        for entry, done in finished.items():
            key = finished_key(done)
            if self._keys.get(entry) != key or entry not in self._finished:
                changed.add(entry)
            self._keys[entry] = key
            self._finished[entry] = done
        for entry in [e for e in self._finished if e not in self._scored]:
            del self._finished[entry]
            self._keys.pop(entry, None)
            changed.add(entry)
        return changed

    def _finish(self, rescored: set[str]) -> set[str]:
        """Finish the field criteria after ``rescored`` changed (see the module docstring)."""
        plan = self.plan
        if any(g.late for g in plan.groups):
            return self._finish_all()
        fast = {}
        for i in plan.relative:
            rule = _EXTREME.get(plan.criteria[i].finalize)
            if rule is None or i not in self._field:
                return self._finish_all()
            values = self._field[i]
            for entry in rescored:
                s = self._scored.get(entry)
                if s is not None and rule[0](s.parts[i]):
                    values[entry] = s.parts[i].raw
                else:
                    values.pop(entry, None)
            best = _best(values, rule[1], self._extreme.get(i, (None, None))[0])
            if best[1] != self._extreme.get(i, (None, None))[1]:
                return self._finish_all()
            fast[i] = best
        self._extreme.update(fast)
        changed = set()
        for entry in rescored:
            s = self._scored.get(entry)
            if s is None:
                if self._finished.pop(entry, None) is not None:
                    self._keys.pop(entry, None)
                changed.add(entry)
                continue
            done = {}
            for i, (holder, _value) in fast.items():
                cp = plan.criteria[i]
                copies = {entry: s.parts[i].copy()}
                if holder is not None and holder != entry:
                    copies[holder] = self._scored[holder].parts[i].copy()
                cp.finalize(cp.crit, copies)
                part = copies[entry]
                part.points = cp.round(part.points * cp.factor)
                done[i] = part
            key = finished_key(done)
            if self._keys.get(entry) != key or entry not in self._finished:
                changed.add(entry)
            self._keys[entry] = key
            self._finished[entry] = done
        return changed


def _best(values: dict, pick, holder) -> tuple:
    """(an entry holding the best of ``values`` (entry -> eligible raw value): ``holder``
    if it still does, that value), or (None, None) when no entry is eligible."""
    if not values:
        return None, None
    value = pick(values.values())
    if holder is None or values.get(holder) != value:
        holder = next(e for e, v in values.items() if v == value)
    return holder, value


def _same_slot(a: Any, b: Any) -> bool:
    return (a.criterion == b.criterion and a.judge == b.judge
            and getattr(a, "attempt", 1) == getattr(b, "attempt", 1))


def _with(base: Row, rank: int, by_lot: bool) -> Row:
    """A copy of ``base`` (sharing its dicts, which nobody changes) ranked."""
    row = Row.__new__(Row)
    row.__dict__.update(base.__dict__)
    row.rank = rank
    row.by_lot = by_lot
    row.award = None
    row.titles = ()
    return row


def _same_place(a: Row, b: Row) -> bool:
    return (a.rank == b.rank and a.by_lot == b.by_lot and a.award == b.award
            and a.titles == b.titles)


__all__ = ["IncrementalStandings", "ZERO"]
