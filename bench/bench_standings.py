"""Benchmark: standings of one trade, 1,000 contestants x 5 judges x 20 criteria.

    .venv/bin/python bench/bench_standings.py [--contestants 1000] [--repeat 15]

Mixed kinds: 1 theory exam, 9 judged (mean, trimmed mean, median), 3 measured (per_unit,
linear, bands), 2 checklists (4 items), 2 timed (limit, relative), 1 count, 1 deductions,
1 adjustment. Every criterion gets a mark from each of the 5 judges (checklists: each item).
Prints the median and best (wall and CPU) of `repeat` runs for: a cold computation (the
rule's memo of scored entries dropped first: every entry is scored), with text values (as
read from the database), with Decimal values, with the marks in random order; a full
recomputation with the same marks; a full recomputation after one new mark (the mark
list plus one mark for a different contestant each time: that entry is re-scored).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from competition.rules import parse_rule  # noqa: E402
from competition.scoring import MarkIn, compute_standings  # noqa: E402
from competition.scoring.compiled import compile_rule  # noqa: E402

JUDGES = [f"j{i}" for i in range(5)]


def criterion(id_: str, kind: str, body: str, component: str = "practical") -> str:
    return (f'[[criteria]]\nid = "{id_}"\ncomponent = "{component}"\nname = "{id_}"\n'
            f'kind = "{kind}"\n{body}\n')


def build_rule():
    parts = [criterion("exam", "judged", "max = 100\nstep = 0.5\njudges = 5",
                       component="theory")]
    for i in range(9):
        agg = ["mean", "trimmed_mean", "median"][i % 3]
        trim = "\ntrim = 1" if agg == "trimmed_mean" else ""
        parts.append(criterion(f"j{i}", "judged", f'judges = 5\nmax = 5\nscale_max = 10\n'
                                                  f'step = 0.5\naggregate = "{agg}"{trim}'))
    parts.append(criterion("od1", "measured", 'max = 5\nnominal = 30\nlower = -0.021\n'
                           'outside = "per_unit"\nunit_size = 0.01\ndeduction = 1'))
    parts.append(criterion("od2", "measured", 'max = 5\nnominal = 18\nlower = -0.03\n'
                           'upper = 0.03\noutside = "linear"\nfalloff = 0.1'))
    parts.append(criterion("cap", "measured", 'max = 5\noutside = "bands"\nbands = [\n'
                           '{ from = 0, to = 1, points = 5 },\n'
                           '{ from = 1, to = 2, from_inclusive = false, points = 3 },\n'
                           '{ from = 2, from_inclusive = false, points = 0 } ]'))
    for name in ("prep", "clean"):
        items = ", ".join(f'{{ id = "i{k}", name = "I{k}", points = 1.25 }}' for k in range(4))
        parts.append(criterion(name, "checklist", f"max = 5\njudges = 5\nitems = [ {items} ]"))
    parts.append(criterion("time", "timed", "max = 5\nlimit = 1200\ndeduction_per_minute = 1"
                                            "\nhard_limit = 1800"))
    parts.append(criterion("speed", "timed", 'mode = "relative"\nmax = 5'))
    parts.append(criterion("pieces", "count", "max = 5\nper_unit = 0.5\nstep = 1"))
    parts.append(criterion("safety", "deductions", 'max = 5\nviolations = [\n'
                           '{ code = "v1", name = "V1", points = 1 },\n'
                           '{ code = "v2", name = "V2", points = 2 },\n'
                           '{ code = "x", name = "X", veto = "disqualify" } ]'))
    parts.append(criterion("adj", "adjustment", "min = -5\nmax = 5\nstep = 0.5"))
    head = ('version = 1\n[trade]\ncode = "bench"\nname = "Bench"\n[scoring]\n'
            'tie_break = ["practical desc", "time.raw asc", "deductions asc"]\n'
            '[[components]]\nid = "theory"\nname = "T"\nweight = 30\nmax = 100\n'
            '[[components]]\nid = "practical"\nname = "P"\nweight = 70\nmax = 90\n'
            '[awards]\nlevels = [ { name = "一等奖", count = 10, min_total = 80 }, '
            '{ name = "二等奖", count = 20 }, { name = "三等奖", count = 30 } ]\n')
    return parse_rule(head + "\n".join(parts), "bench.toml")


def half(rng: random.Random, lo: float, hi: float) -> str:
    return str(Decimal(round(rng.uniform(lo, hi) * 2)) / 2)


def entry_marks(rng: random.Random, entry: str) -> list[MarkIn]:
    out = []
    skill = rng.random()
    for j in JUDGES:
        out.append(MarkIn(entry, "exam", half(rng, 40 + 55 * skill, 45 + 55 * skill), j))
        for i in range(9):
            out.append(MarkIn(entry, f"j{i}", half(rng, 3 + 6 * skill, 4 + 6 * skill), j))
        out.append(MarkIn(entry, "od1", f"{rng.uniform(29.95, 30.01):.3f}", j))
        out.append(MarkIn(entry, "od2", f"{rng.uniform(17.9, 18.1):.3f}", j))
        out.append(MarkIn(entry, "cap", f"{rng.uniform(0, 3):.2f}", j))
        for name in ("prep", "clean"):
            for k in range(4):
                out.append(MarkIn(entry, f"{name}.i{k}", "1" if rng.random() < skill + .2
                                  else "0", j))
        out.append(MarkIn(entry, "time", str(rng.randint(1000, 1500)), j))
        out.append(MarkIn(entry, "speed", str(rng.randint(60, 120)), j))
        out.append(MarkIn(entry, "pieces", str(rng.randint(0, 12)), j))
        out.append(MarkIn(entry, "safety.v1", str(rng.randint(0, 2)), j))
        out.append(MarkIn(entry, "adj", "0", j))
    return out


def timed(fn, repeat: int, before=None) -> tuple[float, float, float]:
    """(median wall ms, best wall ms, best CPU ms) of `repeat` runs; `before` runs untimed."""
    wall, cpu = [], []
    for _ in range(repeat):
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contestants", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    rule = build_rule()
    rng = random.Random(13)
    entries = [f"A{n:04d}" for n in range(args.contestants)]
    marks = [m for e in entries for m in entry_marks(rng, e)]
    as_decimal = [MarkIn(m.entry, m.criterion, Decimal(m.value), m.judge) for m in marks]
    shuffled = marks[:]
    random.Random(7).shuffle(shuffled)
    counter = iter(range(10**9))
    print(f"{len(entries)} contestants, {len(rule.criteria)} criteria, {len(JUDGES)} judges, "
          f"{len(marks)} marks")

    def forget():   # a cold computation: the rule's memo of scored entries is dropped
        compile_rule(rule).memos.clear()

    def one_more():
        extra = marks + [MarkIn(entries[next(counter) % len(entries)], "adj", "0.5", "chief")]
        return compute_standings(rule, extra, entries)

    compute_standings(rule, marks, entries)   # compiles the rule once
    for label, fn, before in [
        ("cold: every entry scored (text values)",
         lambda: compute_standings(rule, marks, entries), forget),
        ("cold: every entry scored (Decimal values)",
         lambda: compute_standings(rule, as_decimal, entries), forget),
        ("cold: marks in random order",
         lambda: compute_standings(rule, shuffled, entries), forget),
        ("full recomputation, same marks", lambda: compute_standings(rule, marks, entries),
         None),
        ("full recomputation after one new mark", one_more, None),
    ]:
        median, best, cpu = timed(fn, args.repeat, before)
        print(f"{label:44s} median {median:6.1f} ms  best {best:6.1f} ms  best CPU {cpu:6.1f} ms")


if __name__ == "__main__":
    main()
