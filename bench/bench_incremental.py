"""Benchmark (issue 19): standings after one mark, incremental vs the floor and the full
recomputation, and the full recomputation vs a plain grouped sum.

    .venv/bin/python bench/bench_incremental.py [--contestants 1000 10000] [--updates 200]

The trade of bench_standings.py (20 criteria of mixed kinds, a relative time among them,
5 judges, a three-step tie-break, three award levels). For each size, CPU time
(time.process_time):

* floor, one entry: re-sum one entry's marks (~130 Decimals parsed and added);
* update: IncrementalStandings.put(one mark) + standings() (rescore that entry,
  re-rank, new rows where changed); each update moves a random entry (a new
  adjustment of -5..+5 points); median, p90 and max over `updates`; besides, every
  tenth update is a new fastest relative time (set_marks with 5 judges' times): every
  entry's points for it change, so every row is rebuilt;
* floor, whole trade: a plain grouped sum (every mark parsed, summed per entry, sorted);
* full recomputation, warm (compute_standings with the rule's memo: every mark grouped
  and keyed, rows built, ranked) and cold start (IncrementalStandings built from every
  mark, the memo dropped first).
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_standings import JUDGES, build_rule, entry_marks  # noqa: E402

from competition.scoring import MarkIn, compute_standings  # noqa: E402
from competition.scoring.compiled import compile_rule  # noqa: E402
from competition.scoring.incremental import IncrementalStandings  # noqa: E402


def cpu_ms(fn) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def best_of(fn, repeat: int) -> float:
    return min(cpu_ms(fn) for _ in range(repeat))


def marks_of(live: IncrementalStandings, entry: str) -> list:
    return list(live._marks.get(entry, ()))


def grouped_sum(marks) -> list:
    """The floor: every mark's value parsed and summed per entry, then sorted."""
    totals: dict = {}
    get = totals.get
    for m in marks:
        totals[m.entry] = get(m.entry, 0) + Decimal(m.value)
    return sorted(totals.items(), key=lambda kv: kv[1], reverse=True)


def run(n: int, updates: int, repeat: int) -> None:
    rule = build_rule()
    rng = random.Random(13)
    entries = [f"A{k:05d}" for k in range(n)]
    marks = [m for e in entries for m in entry_marks(rng, e)]
    one = [m for m in marks if m.entry == entries[n // 2]]
    print(f"--- {n} contestants, {len(marks)} marks")
    floor_one = statistics.median(cpu_ms(lambda: sum(Decimal(m.value) for m in one))
                                  for _ in range(200))
    compile_rule(rule).memos.clear()
    gc.collect()
    cold = cpu_ms(lambda: IncrementalStandings(rule, marks, entries))
    live = IncrementalStandings(rule, marks, entries)
    times, fastest = [], []
    urng = random.Random(5)
    for k in range(updates):
        entry = entries[urng.randrange(n)]
        if k % 10 == 9:      # a new fastest relative time: every row's "speed" changes
            new = [m for m in marks_of(live, entry) if m.criterion != "speed"] + [
                MarkIn(entry, "speed", str(59 - k // 10), j) for j in JUDGES]

            def update(entry=entry, new=new):
                live.set_marks(entry, new)
                live.standings()
        else:
            mark = MarkIn(entry, "adj", str(Decimal(urng.randint(-10, 10)) / 2), "chief")

            def update(mark=mark):
                live.put(mark)
                live.standings()
        (fastest if k % 10 == 9 else times).append(cpu_ms(update))
    times.sort()
    floor_all = best_of(lambda: grouped_sum(marks), repeat)
    compute_standings(rule, marks, entries)
    full = best_of(lambda: compute_standings(rule, marks, entries), repeat)
    print(f"floor: re-sum one entry ({len(one)} marks)      median {floor_one:8.3f} ms")
    print(f"update: one mark, rescore + re-rank       median {statistics.median(times):8.3f} ms"
          f"  p90 {times[int(len(times) * .9)]:7.3f} ms  max {times[-1]:7.3f} ms")
    print(f"update: a new fastest time (all re-finished) median "
          f"{statistics.median(fastest):8.3f} ms  max {max(fastest):7.3f} ms")
    print(f"floor: plain grouped sum, whole trade      best {floor_all:8.1f} ms")
    print(f"full recomputation, warm (compute_standings) best {full:8.1f} ms"
          f"  ({full / floor_all:.2f}x the floor)")
    print(f"cold start: IncrementalStandings(all marks)   {cold:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contestants", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for n in args.contestants:
        run(n, args.updates, args.repeat if n <= 2000 else max(2, args.repeat // 2))


if __name__ == "__main__":
    main()
