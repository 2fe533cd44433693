"""Backup and restore of the demo event (or a bigger one): file size and times, SQLite ->
PostgreSQL and PostgreSQL -> SQLite. Results go to bench/README.md.

    .venv/bin/python bench/bench_backup.py [--big 300] [--small 20]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PG_ADMIN = os.environ.get("TEST_PG_ADMIN_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _app(url: str, folder: str):
    from competition import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-0123456789abcdef",
                       "EXPORT_DIR": os.path.join(folder, "exports-" + uuid.uuid4().hex[:6]),
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def _timed(label: str, fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(f"{label}: {time.perf_counter() - started:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU")
    return result


def main() -> None:
    import psycopg
    from flask_migrate import upgrade

    from competition.demo import DemoSize, load_demo
    from competition.extensions import db
    from competition.services.backup import write_backup
    from competition.services.backup_restore import restore_backup
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", type=int, default=None)
    parser.add_argument("--small", type=int, default=None)
    args = parser.parse_args()
    size = DemoSize(**{k: v for k, v in (("big", args.big), ("small", args.small)) if v})
    folder = tempfile.mkdtemp(prefix="bench-backup-")
    admin = PG_ADMIN.replace("+psycopg", "")
    name = f"bench_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    pg_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        source = _app("sqlite:///" + os.path.join(folder, "source.sqlite"), folder)
        with source.app_context():
            upgrade()
            load_demo(size)
            from sqlalchemy import func, select

            from competition.models import Contestant, Mark
            print(f"demo big={size.big} small={size.small}: "
                  f"{db.session.scalar(select(func.count(Contestant.id)))} contestants, "
                  f"{db.session.scalar(select(func.count(Mark.id)))} marks")
            print(f"SQLite source: {os.path.getsize(os.path.join(folder, 'source.sqlite'))} "
                  "bytes")
            s = _timed("backup SQLite", lambda: write_backup(os.path.join(folder, "a.zip")))
            print(f"  {s.rows} rows, {s.tables} tables, file {s.size} bytes")
            db.engine.dispose()
        pg = _app(pg_url, folder)
        with pg.app_context():
            _timed("restore into PostgreSQL (schema included)",
                   lambda: restore_backup(os.path.join(folder, "a.zip")))
            s2 = _timed("backup PostgreSQL", lambda: write_backup(os.path.join(folder, "b.zip")))
            print(f"  {s2.rows} rows, file {s2.size} bytes")
            db.engine.dispose()
        back = _app("sqlite:///" + os.path.join(folder, "back.sqlite"), folder)
        with back.app_context():
            _timed("restore into SQLite (schema included)",
                   lambda: restore_backup(os.path.join(folder, "b.zip")))
            db.engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
