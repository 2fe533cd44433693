"""Judging panels (issue 13): what the panel filter costs the mark's hot path. Warm
recompute of a trade's live standings (services.standings.live_trade_standings, after one
mark changed) and the organiser's trade_progress, CPU time, on a heat of N entries x 3
judges with the mini rule (exam: one mark, first come among 3 judges; work: 3 judges;
steps: 2 one-mark items), 6 marks per entry. ``--old`` replaces the panel filter with the
unfiltered code it replaced, for comparison. Not a test; results in bench/README.md.

    .venv/bin/python bench/bench_panels.py [N] [--old]
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
        base = {"entry_id": e.id, "attempt": 1}
        rows.append(dict(base, judge_id=j[0], criterion="exam", value=str(50 + i % 50)))
        for k in range(3):
            rows.append(dict(base, judge_id=j[k], criterion="work",
                             value=str(30 + (i + k) % 30)))
        rows.append(dict(base, judge_id=j[1], criterion="steps.prepare", value="1"))
        rows.append(dict(base, judge_id=j[1], criterion="steps.clean", value="0"))
    return rows


def unfiltered(standings, db):
    """The code the panel filter replaced: every mark of the stage reaches the engine."""
    from competition.scoring import MarkIn
    cache: dict = {}

    def marks(rule, stage):
        rows = db.session.connection().execute(standings._stage_marks(),
                                               {"stage_id": stage.id}).all()
        seen, fresh = cache.get(stage.id, {}), {}
        for r in rows:
            key = tuple(r)
            m = seen.get(key)
            if m is None:
                m = MarkIn(str(r[0]), r[1], r[2], str(r[3]), r[4])
            fresh[key] = m
        cache[stage.id] = fresh
        return list(fresh.values())
    return marks


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1000
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from tests.conftest import make_app
    from tests.factories import build_event
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/bench.sqlite")
        with app.app_context():
            upgrade()
            from competition.extensions import db
            from competition.models import Mark
            from competition.services import standings
            ev = build_event(n_entries=n, n_judges=3)
            rows = marks_rows(ev)
            db.session.execute(insert(Mark), rows)
            db.session.commit()
            if "--old" in sys.argv:
                standings._panel_marks = unfiltered(standings, db)
            trade = ev["trade"]
            mark = db.session.query(Mark).filter_by(criterion="work").first()
            live, progress = [], []
            for r in range(30):
                mark.value = str(30 + r % 20)
                db.session.commit()
                t = time.process_time()
                standings.live_trade_standings(trade)
                live.append(time.process_time() - t)
                t = time.process_time()
                standings.trade_progress(trade)
                progress.append(time.process_time() - t)
            print(f"{n} entries, {len(rows)} marks{' (unfiltered)' * ('--old' in sys.argv)}: "
                  f"live standings warm median {statistics.median(live[5:]) * 1000:.1f} ms "
                  f"CPU, trade_progress median {statistics.median(progress[5:]) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
