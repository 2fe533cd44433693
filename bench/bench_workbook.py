"""Benchmark: the results workbook for 10,000 contestants (target < 20 s).

    .venv/bin/python bench/bench_workbook.py [N] [--floor]

41 trades, 8 criteria and 2 components per trade, and a detail sheet with every judge's
mark (5 judges x 4 judged criteria + 4 single values = 24 marks a contestant: 240,000 rows
for 10,000). --floor: bare openpyxl write_only of the same cells, no styles, no widths.
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

from exports.data import Column, JudgeMark, ResultRow, ResultsData, TradeResults  # noqa: E402
from exports.workbooks import write_results_workbook  # noqa: E402

TRADES = 41
CRITERIA = [Column(f"c{i}", f"评分项{i}", Decimal(10)) for i in range(8)]
COMPONENTS = [Column("theory", "理论知识", Decimal(100)),
              Column("practical", "实际操作", Decimal(100))]
AWARDS = ["一等奖", "二等奖", "三等奖", "优秀奖"] + [None] * 6


def trade(t: int, n: int) -> TradeResults:
    rows = []
    for i in range(n):
        crit = {c.id: Decimal(f"{(i * 7 + k) % 100 / 10:.2f}") for k, c in enumerate(CRITERIA)}
        rows.append(ResultRow(
            rank=i + 1, lot=f"A{i + 1:03d}", name=f"选手{t:02d}{i:04d}",
            employer=f"示例县第{i % 97 + 1}机械厂", criteria=crit,
            components={"theory": Decimal("80.5"), "practical": Decimal("77.25")},
            total=Decimal("78.23"), award=AWARDS[min(i, 9)]))
    return TradeResults(f"t{t:02d}", f"工种{t:02d}", "决赛", CRITERIA, COMPONENTS, rows,
                        marks(rows))


def marks(rows):
    for row in rows:
        for k in range(4):
            for j in range(5):
                yield JudgeMark(row.lot, row.name, CRITERIA[k].name, f"裁判{j + 1}",
                                f"{(j + k) % 10}.5")
        for k in range(4, 8):
            yield JudgeMark(row.lot, row.name, CRITERIA[k].name, "裁判1", "29.985")


def data(n: int) -> ResultsData:
    per, extra = divmod(n, TRADES)
    return ResultsData("第十三届职工技能大赛",
                       [trade(t, per + (t < extra)) for t in range(TRADES)])


def floor(d: ResultsData, path: str) -> None:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    for tr in d.trades:
        ws = wb.create_sheet(tr.name)
        for r in tr.rows:
            ws.append([r.rank, r.lot, r.name, r.employer, *r.criteria.values(),
                       *r.components.values(), r.total, r.award, r.title, r.status])
    ws = wb.create_sheet("评分明细")
    for tr in d.trades:
        for m in tr.marks:
            ws.append([tr.name, m.lot, m.name, m.criterion, m.judge, m.attempt,
                       Decimal(m.value)])
    wb.save(path)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000
    d = data(n)
    out = os.path.join(tempfile.mkdtemp(), "results.xlsx")
    t0 = time.perf_counter()
    if "--floor" in sys.argv:
        floor(d, out)
        label = "bare openpyxl write_only floor"
    else:
        write_results_workbook(d, out)
        label = "write_results_workbook"
    elapsed = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {n} contestants ({n * 24} marks) in {elapsed:.1f} s, "
          f"peak RSS {rss:.0f} MB, file {os.path.getsize(out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
