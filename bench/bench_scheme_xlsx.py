"""Marking-scheme workbooks: export every rule in scoring_rules/ and import it back.

    .venv/bin/python bench/bench_scheme_xlsx.py

Prints per-rule export and import times (median of 5) and the slowest rule. No target is
asserted; results go to bench/README.md.
"""
from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from competition.rules.scheme_xlsx import import_scheme, scheme_bytes  # noqa: E402


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    rows = []
    for path in sorted((ROOT / "scoring_rules").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        t_out, data = timed(lambda: scheme_bytes(text))  # noqa: B023
        t_in, back = timed(lambda: import_scheme(io.BytesIO(data)))  # noqa: B023
        assert back == text, path.name
        rows.append((path.stem, t_out, t_in, len(data)))
    export_all = sum(r[1] for r in rows)
    import_all = sum(r[2] for r in rows)
    slow = max(rows, key=lambda r: r[1] + r[2])
    print(f"{len(rows)} rules: export {export_all:.2f} s, import {import_all:.2f} s in all")
    print(f"per rule: export median {statistics.median(r[1] for r in rows) * 1000:.0f} ms, "
          f"import median {statistics.median(r[2] for r in rows) * 1000:.0f} ms")
    print(f"slowest: {slow[0]} (export {slow[1] * 1000:.0f} ms, import {slow[2] * 1000:.0f} ms, "
          f"{slow[3] / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
