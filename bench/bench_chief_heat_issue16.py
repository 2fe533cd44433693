"""Issue 16's additions to the chief judge's heat page and the tablet's sheet, CPU time: a
heat of N entries x 3 judges with tests/data/attempts_rule.toml fully marked (a routine
twice with its difficulty, a count, a published value, a judgement aspect with
max_spread 1 broken for every 10th entry): heat_summary (now with the spread checks),
heat_result_flags (the stage's standings for capped parts and lots) and judge_sheet.
Not a test; results in bench/README.md.

    .venv/bin/python bench/bench_chief_heat_issue16.py [N]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def marks_rows(ev) -> list[dict]:
    j = [u.id for u in ev["judges"]]
    rows = []
    for i, e in enumerate(ev["entries"]):
        for a, dd in ((1, "2.0"), (2, "2.5")):
            for k in range(3):
                rows.append({"entry_id": e.id, "attempt": a, "judge_id": j[k],
                             "criterion": "routine", "value": str(5 + (i + k) % 5)})
            rows.append({"entry_id": e.id, "attempt": a, "judge_id": j[0],
                         "criterion": "routine@difficulty", "value": dd})
        rows.append({"entry_id": e.id, "attempt": 1, "judge_id": j[1], "criterion": "pieces",
                     "value": str(i % 20)})
        rows.append({"entry_id": e.id, "attempt": 1, "judge_id": j[2], "criterion": "theory",
                     "value": str(60 + i % 40)})
        aspect = ("1", "3", "3") if i % 10 == 0 else ("2", "2", "3")
        for k in range(3):
            rows.append({"entry_id": e.id, "attempt": 1, "judge_id": j[k],
                         "criterion": "aspect", "value": aspect[k]})
    return rows


def timed(fn, runs=15) -> float:
    out = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        out.append(time.process_time() - t)
    return statistics.median(out[3:]) * 1000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 60
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from tests.conftest import make_app
    from tests.factories import build_event
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/bench.sqlite")
        with app.app_context(), app.test_request_context():
            upgrade()
            from competition.extensions import db
            from competition.models import Mark
            from competition.services.scoresheets import heat_result_flags, heat_summary, judge_sheet
            ev = build_event(n_entries=n, n_judges=3, rule_file="attempts_rule.toml",
                             code="attempts", blind=False)
            rows = marks_rows(ev)
            db.session.execute(insert(Mark), rows)
            ev["stage"].draw_seed = "bench-seed"
            db.session.commit()
            heat, judge = ev["heat"], ev["judges"][0]
            s = timed(lambda: heat_summary(heat))
            f = timed(lambda: heat_result_flags(heat))
            j = timed(lambda: judge_sheet(judge, heat))
            remarks = len(heat_summary(heat)["remarks"])
            print(f"{n} entries, {len(rows)} marks, {remarks} re-marks: heat_summary "
                  f"{s:.1f} ms, heat_result_flags {f:.1f} ms, judge_sheet {j:.1f} ms (CPU, median)")


if __name__ == "__main__":
    main()
