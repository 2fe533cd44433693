"""The demo event, built once per test worker and copied for each test that needs it.

Loading the demo (41 trades, their heats and marks) costs about 3 s of CPU; about seventy
tests start from it, on two backends. The first load in a worker is real (the current code,
the current rule files); the database it leaves is kept as a template: a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. Each later test gets an identical
database in a fraction of the time. Use it only as the first thing a test's setup does to
the database: what was there before is replaced.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid

from sqlalchemy import select

from competition.demo import DEMO_CODE, DemoSize, load_demo
from competition.extensions import db
from competition.models import Competition

_templates: dict[tuple, str] = {}       # (backend, size) -> template file or database name


def _admin_url() -> str:
    from tests.conftest import PG_ADMIN_URL
    return PG_ADMIN_URL.replace("+psycopg", "")


def load_demo_cached(app, size: DemoSize | None = None) -> Competition:
    size = size or DemoSize(big=40, small=8)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    key = (backend, size.big, size.small, size.marks, size.judges_min, size.seed)
    template = _templates.get(key)
    if template is None:
        comp, _ = load_demo(size)
        db.session.commit()
        comp_id = comp.id
        _templates[key] = _save(backend, url)
        return db.session.get(Competition, comp_id)
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        shutil.copyfile(template, url.removeprefix("sqlite:///"))
    else:
        import psycopg
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return db.session.scalar(select(Competition).where(Competition.code == DEMO_CODE))


def _save(backend: str, url: str) -> str:
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        fd, path = tempfile.mkstemp(prefix="demo-template-", suffix=".sqlite")
        os.close(fd)
        shutil.copyfile(url.removeprefix("sqlite:///"), path)
        return path
    import psycopg
    name = f"competition_demo_tpl_{uuid.uuid4().hex[:10]}"
    source = url.rsplit("/", 1)[1]
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return name


def drop_templates() -> None:
    """Called at the end of the session (tests/conftest.py)."""
    for key, template in list(_templates.items()):
        backend = key[0]
        if backend == "sqlite":
            try:
                os.remove(template)
            except OSError:
                pass
        else:
            import psycopg
            try:
                with psycopg.connect(_admin_url(), autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            except psycopg.Error:
                pass
    _templates.clear()
