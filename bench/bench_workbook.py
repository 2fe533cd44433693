"""Benchmark: the results workbook for 10,000 contestants (target < 20 s).

    .venv/bin/python bench/bench_workbook.py [N] [--floor] [--one-stage] [--final-percent P]

41 trades, 8 criteria and 2 components per trade, and a detail sheet with every judge's
mark (5 judges x 4 judged criteria + 4 single values = 24 marks a contestant: 240,000 rows
for 10,000). Every trade runs in two stages: a preliminary of all its contestants and a
final of its top 30 (the demo's advancement rule: 1,230 finalists, 29,520 more marks), so
each trade has its overall ranking, a preliminary sheet and a final sheet.
--final-percent P: the top P % go on instead (20: 2,000 finalists). --one-stage: one stage
per trade, as before. --floor: bare openpyxl write_only of the same cells, no styles, no widths.
The judge-consistency sheet (评委一致性, issue 17) is included: its statistics are computed
from the final's judged marks in the timed part (competition.analysis, as
services.analysis.consistency_rows does); --no-consistency leaves the sheet out (before).
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.data import Column, JudgeMark, OverallRow, ResultRow, ResultsData, TradeResults  # noqa: E402
from exports.workbooks import write_results_workbook  # noqa: E402

TRADES = 41
CRITERIA = [Column(f"c{i}", f"评分项{i}", Decimal(10)) for i in range(8)]
COMPONENTS = [Column("theory", "理论知识", Decimal(100)),
              Column("practical", "实际操作", Decimal(100))]
AWARDS = ["一等奖", "二等奖", "三等奖", "优秀奖"] + [None] * 6


def trade(t: int, n: int, stage: str = "决赛") -> TradeResults:
    rows = []
    for i in range(n):
        crit = {c.id: Decimal(f"{(i * 7 + k) % 100 / 10:.2f}") for k, c in enumerate(CRITERIA)}
        rows.append(ResultRow(
            rank=i + 1, lot=f"A{i + 1:03d}", name=f"选手{t:02d}{i:04d}",
            employer=f"示例县第{i % 97 + 1}机械厂", criteria=crit,
            components={"theory": Decimal("80.5"), "practical": Decimal("77.25")},
            total=Decimal("78.23"), award=AWARDS[min(i, 9)]))
    return TradeResults(f"t{t:02d}", f"工种{t:02d}", stage, CRITERIA, COMPONENTS, rows,
                        marks(rows))


FINAL = {"top": 30, "percent": None}


def two_stage_trade(t: int, n: int) -> TradeResults:
    """A preliminary of n, its top 30 (or top P %) in the final, and the overall ranking."""
    going_on = (max(1, n * FINAL["percent"] // 100) if FINAL["percent"]
                else min(n, FINAL["top"]))
    prelim, final = trade(t, n, "预赛"), trade(t, going_on)
    for row in prelim.rows[:len(final.rows)]:
        row.award, row.status = None, "晋级决赛"
    for row in prelim.rows[len(final.rows):]:
        row.award = None
    overall = [OverallRow(r.rank, r.name, r.employer, [(None, None), (r.rank, r.total)],
                          r.award, r.title) for r in final.rows]
    overall += [OverallRow(r.rank, r.name, r.employer, [(r.rank, r.total), (None, None)],
                           remark="预赛未晋级") for r in prelim.rows[len(final.rows):]]
    return TradeResults(final.code, final.name, final.stage, CRITERIA, COMPONENTS,
                        final.rows, (), None, [prelim, final], overall)


def marks(rows):
    for row in rows:
        for k in range(4):
            for j in range(5):
                yield JudgeMark(row.lot, row.name, CRITERIA[k].name, f"裁判{j + 1}",
                                f"{(j + k) % 10}.5")
        for k in range(4, 8):
            yield JudgeMark(row.lot, row.name, CRITERIA[k].name, "裁判1", "29.985")


def data(n: int, stages: bool = True) -> ResultsData:
    per, extra = divmod(n, TRADES)
    make = two_stage_trade if stages else trade
    return ResultsData("第十三届职工技能大赛",
                       [make(t, per + (t < extra)) for t in range(TRADES)])


def consistency(d: ResultsData) -> list:
    """The 评委一致性 rows: each trade's judges on its four judged criteria of the results
    stage (5 judges x 4 criteria x 41 trades = 820 rows), computed from the marks."""
    from types import SimpleNamespace

    from competition.analysis import JudgeMark as AnalysisMark
    from competition.analysis import judge_consistency
    from competition.services.analysis import consistency_rows
    judged = {c.name: c.max for c in CRITERIA[:4]}
    out = []
    for tr in d.trades:
        rows = (tr.stage_results[-1] if tr.stage_results else tr).rows
        marks = [AnalysisMark(m.judge, m.lot, m.criterion, m.attempt, Decimal(m.value))
                 for m in globals()["marks"](rows) if m.criterion in judged]
        stats = judge_consistency(marks, judged, thresholds={k: Decimal(2) for k in judged})
        tc = SimpleNamespace(trade=tr, judges=stats, judge_names={}, criterion_names={})
        out += consistency_rows(tc)
    return out


def floor(d: ResultsData, path: str) -> None:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    for tr in d.trades:
        if tr.overall:
            ws = wb.create_sheet(tr.name)
            for r in tr.overall:
                ws.append([r.rank, r.name, r.employer, *(v for s in r.stages for v in s),
                           r.award, r.title, r.remark])
        for part in tr.stage_results or [tr]:
            ws = wb.create_sheet(f"{tr.name}-{part.stage}")
            for r in part.rows:
                ws.append([r.rank, r.lot, r.name, r.employer, *r.criteria.values(),
                           *r.components.values(), r.total, r.award, r.title, r.status])
    ws = wb.create_sheet("评分明细")
    for tr in d.trades:
        for part in tr.stage_results or [tr]:
            for m in part.marks:
                ws.append([tr.name, m.lot, m.name, m.criterion, m.judge, m.attempt,
                           Decimal(m.value)])
    wb.save(path)


def main() -> None:
    argv = sys.argv[1:]
    if "--final-percent" in argv:
        at = argv.index("--final-percent")
        FINAL["percent"] = int(argv[at + 1])
        del argv[at:at + 2]
    args = [a for a in argv if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    stages = "--one-stage" not in argv
    d = data(n, stages)
    out = os.path.join(tempfile.mkdtemp(), "results.xlsx")
    t0, c0 = time.perf_counter(), time.process_time()
    if "--floor" in argv:
        floor(d, out)
        label = "bare openpyxl write_only floor"
    else:
        if "--no-consistency" not in argv:
            d.consistency = consistency(d)
        write_results_workbook(d, out)
        label = "write_results_workbook" + (" (no 评委一致性)" if not d.consistency else
                                            f" (评委一致性 {len(d.consistency)} rows)")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks = sum(len(p.rows) for tr in d.trades for p in tr.stage_results or [tr]) * 24
    finalists = (f"top {FINAL['percent']} %" if FINAL["percent"] else f"top {FINAL['top']}")
    label += f", two stages ({finalists} in the final)" if stages else ", one stage"
    print(f"{label}: {n} contestants ({marks} marks) in {elapsed:.1f} s "
          f"(CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}), "
          f"peak RSS {rss:.0f} MB, file {os.path.getsize(out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
