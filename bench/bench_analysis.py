"""Issue 17's target: the analysis of 10,000 contestants and 240,000 marks in under 2 s.

Pure computation (the analysis core), as the pages and the report run it per trade:
41 trades x 244 contestants; per contestant 6 judged criteria x 4 judges = 24 marks
(240,000 marks in all), plus criterion points for the training needs and totals for the
cross-trade scale. The floor beside it: one plain pass that groups the same marks by item
and sums them (what any analysis has to do at least).

    .venv/bin/python bench/bench_analysis.py
"""
from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from competition.analysis import JudgeMark, cross_trade_ranking, judge_consistency, training_needs  # noqa: E402

TRADES, PER_TRADE, CRITERIA, JUDGES = 41, 244, 6, 4


def make(rng: random.Random):
    trades = []
    for t in range(TRADES):
        marks, points, totals = [], {}, {}
        bias = {j: rng.choice([0, 0, 0, 1, -1]) for j in range(JUDGES)}
        for e in range(PER_TRADE):
            ability = rng.gauss(6, 1.5)
            crit_points = {}
            for c in range(CRITERIA):
                values = [Decimal(min(10, max(0, round(ability + bias[j] + rng.gauss(0, 0.7), 1))))
                          for j in range(JUDGES)]
                marks += [JudgeMark(j, e, f"c{c}", 1, v) for j, v in enumerate(values)]
                crit_points[f"c{c}"] = sum(values) / JUDGES
            points[e] = crit_points
            totals[e] = sum(crit_points.values())
        trades.append((f"t{t}", marks, points, totals))
    return trades


def analyse(trades) -> None:
    maxima = {f"c{c}": Decimal(10) for c in range(CRITERIA)}
    for _code, marks, points, _totals in trades:
        judge_consistency(marks, maxima, thresholds={k: Decimal(2) for k in maxima})
        training_needs(points, maxima)
    cross_trade_ranking({code: totals for code, _m, _p, totals in trades})


def floor(trades) -> None:
    for _code, marks, _p, _t in trades:
        sums: dict = {}
        for m in marks:
            key = (m.criterion, m.entry, m.attempt)
            sums[key] = sums.get(key, 0) + m.value


def best(fn, arg, runs: int = 3) -> float:
    out = []
    for _ in range(runs):
        start = time.process_time()
        fn(arg)
        out.append(time.process_time() - start)
    return min(out)


if __name__ == "__main__":
    data = make(random.Random(17))
    n = sum(len(m) for _c, m, _p, _t in data)
    print(f"{TRADES * PER_TRADE} contestants, {n} marks")
    print(f"floor (group and sum the marks): {best(floor, data):.2f} s CPU")
    print(f"analysis (consistency + training needs + one scale): {best(analyse, data):.2f} s CPU")
