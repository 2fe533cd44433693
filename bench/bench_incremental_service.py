"""Benchmark (issue 19): the service's live standings after one mark, incremental (the
per-process cache: one grouped fingerprint query, the changed entry's marks read) vs the
full path (every mark of the stage read and scored; the cache cleared first).

    .venv/bin/python bench/bench_incremental_service.py [--entries 1000] [--rounds 40]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_inc]

One trade with the tests' mini rule (exam by one judge, work by three, a checklist of two
items, deductions), one heat, N entries with 6 marks each (6,000 at 1,000: the size of a
real stage). Each round: one mark corrected in its own transaction (as a judge's tablet
does), then live_trade_standings() timed (CPU and wall, median). SQLite in a temporary
file unless a PostgreSQL URL is given (an empty database the script fills; drop it after).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from competition import create_app  # noqa: E402
from competition.extensions import db  # noqa: E402
from competition.models import Entry, Mark, Trade  # noqa: E402
from competition.services import incremental_standings as cache  # noqa: E402
from competition.services.standings import live_trade_standings  # noqa: E402


def build(n: int) -> int:
    from tests.factories import build_event
    ev = build_event(n_entries=n, n_judges=3)
    j = [u.id for u in ev["judges"]]
    rng = random.Random(3)
    rows = []
    for e in ev["entries"]:
        rows.append({"entry_id": e.id, "judge_id": j[0], "criterion": "exam",
                     "value": str(rng.randint(40, 100))})
        for k in j:
            rows.append({"entry_id": e.id, "judge_id": k, "criterion": "work",
                         "value": str(rng.randint(20, 60))})
        for item in ("prepare", "clean"):
            rows.append({"entry_id": e.id, "judge_id": j[1], "criterion": f"steps.{item}",
                         "value": str(rng.randint(0, 1))})
    db.session.execute(insert(Mark), rows)
    db.session.commit()
    return ev["trade"].id


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000


def rounds(trade_id: int, n: int, clear: bool, rng: random.Random) -> tuple[list, list]:
    ids = db.session.scalars(select(Mark.id).where(Mark.criterion == "work")).all()
    walls, cpus = [], []
    for _ in range(n):
        mark = db.session.get(Mark, rng.choice(ids))
        mark.value = str(rng.randint(20, 60))
        db.session.commit()
        if clear:
            cache.clear()
        trade = db.session.get(Trade, trade_id, populate_existing=True)
        w, c = timed(lambda trade=trade: live_trade_standings(trade))
        db.session.commit()
        walls.append(w)
        cpus.append(c)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + tempfile.mktemp(suffix=".sqlite")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                      "SECRET_KEY": "bench-secret-key-0123456789",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        trade_id = build(args.entries)
        n_marks = db.session.scalar(select(db.func.count(Mark.id)))
        n_entries = db.session.scalar(select(db.func.count(Entry.id)))
        print(f"{db.engine.dialect.name}: {n_entries} entries, {n_marks} marks")
        trade = db.session.get(Trade, trade_id)
        live_trade_standings(trade)
        live_trade_standings(trade)
        rng = random.Random(9)
        for label, clear in (("incremental (cache kept)", False), ("full (cache cleared)", True),
                             ("incremental (again)", False)):
            walls, cpus = rounds(trade_id, args.rounds, clear, rng)
            print(f"{label:26s} wall median {statistics.median(walls):7.2f} ms   "
                  f"CPU median {statistics.median(cpus):7.2f} ms")
        print("cache:", cache.stats())


if __name__ == "__main__":
    main()
