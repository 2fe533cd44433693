"""Promotion timing: decide() for a full-size event, and the 晋级名单 exports.

    .venv/bin/python bench/bench_promotions.py

Targets: decide() over 10,000 contestants (the reference event) in well under a second;
a 1,000-row list as xlsx in under 1 s and as PDF in a few seconds.
"""
from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from competition.promotion import FIVE_LEVEL, Finisher, decide, load_policy_file  # noqa: E402
from exports.promotions import PromotionListData, PromotionListRow, promotion_list_pdf, promotion_list_xlsx  # noqa: E402

POLICIES = Path(__file__).resolve().parent.parent / "competition" / "promotion_policies"


def finishers(n: int, rng: random.Random) -> tuple[list[Finisher], dict]:
    rows, grades = [], {}
    awards = ["一等奖"] + ["二等奖"] * 2 + ["三等奖"] * 3 + ["优秀奖"] * 10
    for i in range(n):
        rows.append(Finisher(key=str(i), rank=i + 1, total=Decimal(100 - i * 50 / n),
                             components={"theory": Decimal(rng.randint(40, 100)),
                                         "practical": Decimal(rng.randint(40, 100))},
                             award=awards[i] if i < len(awards) else None))
        grades[str(i)] = rng.choice(["五级", "中级工", "三级/高级工", "技师", None, "厨师长"])
    return rows, grades


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    rng = random.Random(8)
    for name in ("county_default.toml", "county_pass_at_level.toml"):
        policy = load_policy_file(POLICIES / name)
        # 41 trades of ~244 contestants each = 10,000
        trades = [finishers(244, rng) for _ in range(41)]
        secs = best_of(lambda: [decide(FIVE_LEVEL, policy, r, g) for r, g in trades])  # noqa: B023
        print(f"decide, 41 trades x 244 = 10,004 contestants, {name}: {secs * 1000:.0f} ms")
    rows = [PromotionListRow(name=f"选手{i}", gender="男", id_number=f"99{i:016d}",
                             employer="示例县第一机械厂", trade="车工", old_grade="四级/中级工",
                             new_grade="三级/高级工", basis="以赛代评", award="一等奖", rank=i,
                             theory=Decimal("80.50"), practical=Decimal("90.00"),
                             total=Decimal("87.05"), reason="以赛代评，由四级/中级工晋升为三级/高级工")
            for i in range(1000)]
    data = PromotionListData(competition="第十三届职工技能大赛（演示）", rows=rows)
    print(f"xlsx, 1,000 rows: {best_of(lambda: promotion_list_xlsx(data, masked=False)) * 1000:.0f} ms")
    promotion_list_pdf(data)  # register the font once
    pdf = promotion_list_pdf(data)
    print(f"pdf, 1,000 rows: {best_of(lambda: promotion_list_pdf(data), 2) * 1000:.0f} ms, "
          f"{len(pdf) // 1024} KB")


if __name__ == "__main__":
    main()
