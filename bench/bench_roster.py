"""Benchmark: the contestants list (报名名单) workbook for a whole competition.

    .venv/bin/python bench/bench_roster.py [ROWS]

Fictional rows (41 trades, region-99 ID numbers) written by
competition.registration.roster.roster_xlsx as the organiser's "all trades" download
makes it: a sheet of everyone, then one sheet per trade (so every row is written twice).
Times the full copy and the masked copy, and reading the file back (read_only).
"""
from __future__ import annotations

import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook  # noqa: E402

from competition.registration.roster import RosterRow, RosterSheet, roster_xlsx  # noqa: E402


def sheets(n: int) -> list[RosterSheet]:
    trades = [f"工种{k:02d}" for k in range(41)]
    rows = [RosterRow(f"{i // 41 + 1:03d}", "欧阳秀英", "女", f"9901011988{i:08d}"[:18],
                      f"示例县第{i % 300}机械厂", f"139{i:08d}", trades[i % 41], "预赛",
                      f"第{i % 15 + 1}场", "示例县职业技术学校实训楼", i % 20 + 1,
                      "四级/中级工", "", "已报名") for i in range(n)]
    per = [RosterSheet(t, f"第十三届 {t} 报名名单", [r for r in rows if r.trade == t])
           for t in trades]
    return [RosterSheet("全部选手", "第十三届 报名名单", rows), *per]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    data = sheets(n)
    for masked in (False, True):
        t = time.perf_counter()
        out = roster_xlsx(data, masked=masked)
        took = time.perf_counter() - t
        print(f"{n} contestants, {'masked' if masked else 'full'}: write {took:.2f} s, "
              f"{len(out) / 1e6:.1f} MB")
    t = time.perf_counter()
    wb = load_workbook(BytesIO(out), read_only=True)
    count = sum(1 for _ in wb["全部选手"].iter_rows(min_row=3))
    print(f"read back (read_only, everyone sheet): {count} rows in "
          f"{time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
