"""Issue 18's target: 10,000 admission tickets (准考证) in one PDF within the certificate
benchmark's budget (< 60 s, < 500 MB; certificates measured 13.9 s, 225 MB). The floor
beside it: the same pages with the text only (no QR code).

    .venv/bin/python bench/bench_tickets.py [N]
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports import tickets as tk  # noqa: E402
from exports.tickets import TicketData, render_tickets  # noqa: E402


def data(n: int) -> list[TicketData]:
    return [TicketData("第十三届职工技能大赛（示例）", f"选手{i:05d}", "9901**********1234", "示例县第一机械厂",
                       "数控车工", "决赛", f"第{i % 40 + 1}场", "2026年12月8日 09:00", "示例县职业技术学校",
                       f"{i % 30 + 1:03d} / {i % 30 + 1}号工位", f"26001{i:06d}",
                       f"http://192.168.1.10:5000/ticket/MTIzNDU2.{'x' * 27}{i:06d}") for i in range(n)]


def timed(tickets, no_qr: bool = False) -> float:
    original = tk.draw_qr
    if no_qr:
        tk.draw_qr = lambda *a, **k: None
    try:
        with tempfile.TemporaryDirectory() as d:
            start = time.process_time()
            render_tickets(tickets, os.path.join(d, "t.pdf"))
            return time.process_time() - start
    finally:
        tk.draw_qr = original


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tickets = data(n)
    print(f"{n} tickets, text only (floor): {timed(tickets, no_qr=True):.1f} s CPU")
    print(f"{n} tickets with QR codes: {timed(tickets):.1f} s CPU, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
