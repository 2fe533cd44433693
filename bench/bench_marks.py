"""Judging (issue 4): latency of POST /api/marks in-process (Flask test client, SQLite file),
including the audit row, the commit and trade_changed() (which recomputes and publishes
the trade's standings). Not a test; results go to bench/README.md.

    .venv/bin/python bench/bench_marks.py [--entries 40] [--marks 300]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=40)
    parser.add_argument("--marks", type=int, default=300)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from tests.conftest import make_app
    from tests.factories import build_event
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/bench.sqlite")
        with app.app_context():
            upgrade()
            ev = build_event(n_entries=args.entries, n_judges=3)
            client = app.test_client()
            client.post("/auth/login", data={"username": ev["judges"][0].username,
                                             "password": "pw-1234"})
            slots = [("exam", "85"), ("work", "45.5"), ("steps.prepare", "1"),
                     ("steps.clean", "0"), ("safety.no_ppe", "1")]
            times, retries = [], []
            for i in range(args.marks):
                entry = ev["entries"][i % len(ev["entries"])]
                crit, value = slots[(i // len(ev["entries"])) % len(slots)]
                body = {"client_id": f"bench-{i:08d}", "entry_id": entry.id,
                        "criterion": crit, "value": value if i % 2 else value}
                t0 = time.perf_counter()
                r = client.post("/api/marks", json=body)
                times.append(time.perf_counter() - t0)
                assert r.status_code in (200, 201), r.json
                t0 = time.perf_counter()
                r = client.post("/api/marks", json=body)      # the retry of a lost ack
                retries.append(time.perf_counter() - t0)
                assert r.json["status"] == "duplicate"
    for name, data in (("new mark", times), ("retried mark", retries)):
        data = sorted(data)
        print(f"{name:13s} n={len(data)} p50={statistics.median(data) * 1000:.1f} ms "
              f"p95={data[int(len(data) * .95)] * 1000:.1f} ms "
              f"max={data[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
