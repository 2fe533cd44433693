"""Scoring one entry, with a memo so that recomputing standings after one new mark only
re-scores the entries whose marks changed.

The memo lives on the compiled rule (rules are immutable). An entry's key is its id and
its marks' addresses, judges, attempts and values as four tuples, in the order given; the
same marks in another order only cost a recomputation, never a wrong result. The memo is
bounded: when it grows past a few times the size of one computation it starts afresh.
"""
from __future__ import annotations

from itertools import groupby
from operator import attrgetter, is_
from typing import Any, Iterable

from .compiled import Plan, columns, judge_totals, panel_criteria, resolve_columns
from .groups import choose

_MEMO_SLACK = 4


class Scored:
    """One entry's criterion parts (plan.criteria order; relative kinds unfinished), its
    stray addresses, and the row templates built from them (keyed by the relative
    criteria's finished points, () when the rule has none)."""
    __slots__ = ("parts", "stray", "rows", "attempts", "judge_totals")

    def __init__(self, parts: tuple, stray: tuple[str, ...], attempts: dict | None = None,
                 judge_totals: dict | None = None):
        self.parts = parts
        self.stray = stray
        self.rows: dict[tuple, Any] = {}
        # members of attempt groups chosen later (relative members): position -> {a: Part}
        self.attempts = attempts or {}
        # components with judge_totals: component id -> the judges' totals aggregated
        self.judge_totals = judge_totals


def by_entry(marks: Iterable[Any]) -> dict[str, list]:
    """entry -> its marks, in the order given. Runs of one entry's marks (the database
    reads them ordered by entry) are taken whole, at C speed (itertools.groupby)."""
    out: dict[str, list] = {}
    get = out.get
    for entry, run in groupby(marks, _ENTRY):
        lst = get(entry)
        if lst is None:
            out[entry] = list(run)
        else:
            lst.extend(run)
    return out


_ENTRY = attrgetter("entry")


def score_entry(plan: Plan, cols: tuple, expect: tuple = ()) -> Scored:
    """Score one entry from compiled.columns(its marks) (its memo key without the id).
    ``expect``: compiled.expect_key() of the marks its heat's panel expects (() : the
    rule's counts)."""
    first, more, stray = resolve_columns(plan, cols)
    parts: list = []
    attempts: dict[int, dict] = {}
    get = first.get
    for i, cp in enumerate(panel_criteria(plan, expect) if expect else plan.criteria):
        if cp.single is not None:   # one attempt, no attempt_group: the usual case
            part = cp.single(cp.crit, get(cp.id) or ())
            if cp.finalize is None:
                points = part.points if cp.unit_factor else part.points * cp.factor
                part.points = points.quantize(cp.exp, rounding=cp.mode)
            parts.append(part)
            continue
        if cp.group is not None:
            attempts[i] = cp.per_attempt(first.get(cp.id), more.get(cp.id) if more else None)
            parts.append(None)
            continue
        part = cp.score(first.get(cp.id), more.get(cp.id) if more else None)
        if cp.finalize is None:
            part.points = cp.round(part.points * cp.factor)
        parts.append(part)
    for group in plan.groups:
        if not group.late:
            for i, part in choose(plan, group, {i: attempts.pop(i) for i in group.members}
                                  ).items():
                parts[i] = part
    totals = judge_totals(plan, first) if plan.in_judge_totals else None
    return Scored(tuple(parts), stray, attempts, totals)


def score_entries(plan: Plan, grouped: dict[str, list], expected: dict | None = None
                  ) -> dict[str, Scored]:
    """entry -> Scored, from the memo where the entry's marks (and its expect_key() in
    ``expected``, entry -> key, if any) are unchanged.

    Two memos: per entry, its last marks as the very objects (kept alive by the memo, and
    compared by identity: one pass without allocating; marks are immutable, as MarkIn
    is), then by the marks' values (columns(): four passes), which finds an entry whose
    marks were read again as new objects."""
    memo = plan.memos.setdefault("entries", {})
    same = plan.memos.setdefault("objects", {})
    out, keys = {}, []
    for entry, marks in grouped.items():
        found = same.get(entry)
        expect = expected.get(entry, ()) if expected else ()
        if (found is not None and len(found[0]) == len(marks)
                and all(map(is_, marks, found[0])) and len(found[2]) == 2 + bool(expect)
                and (not expect or found[2][2] == expect)):
            out[entry] = found[1]
            keys.append(found[2])
            continue
        cols = columns(marks)
        key = (entry, cols, expect) if expect else (entry, cols)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = score_entry(plan, cols, expect)
        same[entry] = (tuple(marks), hit, key)
        out[entry] = hit
        keys.append(key)
    if len(memo) > _MEMO_SLACK * len(out) + 64:
        # Server threads may share this memo: never assume a key survived another
        # thread's pruning (a miss only costs a recomputation).
        current = {key: hit for key in keys if (hit := memo.get(key)) is not None}
        memo.clear()
        memo.update(current)
    if len(same) > _MEMO_SLACK * len(out) + 64:
        current = {e: hit for e in out if (hit := same.get(e)) is not None}
        same.clear()
        same.update(current)
    return out


def finalize_relative(plan: Plan, scored: dict[str, Scored]) -> dict[str, dict]:
    """entry -> {position: finished Part} for the criteria that depend on every entry
    (timed relative, and attempt groups with such a member). Works on copies: the memo's
    parts are shared between computations."""
    finished: dict[str, dict] = {entry: {} for entry in scored}
    for i in plan.relative:
        cp = plan.criteria[i]
        copies = {entry: s.parts[i].copy() for entry, s in scored.items()}
        cp.finalize(cp.crit, copies)
        for entry, part in copies.items():
            part.points = cp.round(part.points * cp.factor)
            finished[entry][i] = part
    for group in plan.groups:
        if group.late:
            _finish_group(plan, group, scored, finished)
    return finished


def _finish_group(plan: Plan, group, scored: dict[str, Scored], finished: dict) -> None:
    copies = {entry: {i: {a: p.copy() for a, p in s.attempts[i].items()}
                      for i in group.members} for entry, s in scored.items()}
    for i in group.members:
        cp = plan.criteria[i]
        if cp.finalize is not None:   # the fastest run of anyone, over every attempt
            cp.finalize(cp.crit, {(entry, a): p for entry, by_member in copies.items()
                                  for a, p in by_member[i].items()})
    for entry, by_member in copies.items():
        finished[entry].update(choose(plan, group, by_member))


def finished_key(finished: dict | None) -> tuple:
    """What a row built from these finished parts depends on beyond the entry's own
    marks (the key of Scored.rows): each part's points, raw value, completeness and, for
    an attempt group, every attempt's finished points (a run not chosen still shows
    them, and they move with the field's fastest time)."""
    if not finished:
        return ()
    return tuple((p.points, p.raw, p.complete,
                  tuple(sorted(p.tries.items())) if p.tries else None)
                 for _, p in sorted(finished.items()))


def merged_parts(plan: Plan, scored: Scored, finished: dict | None) -> tuple:
    """The entry's parts with the late ones replaced by their finished copies."""
    if not finished:
        return scored.parts
    merged = list(scored.parts)
    for i, part in finished.items():
        merged[i] = part
    return tuple(merged)
