"""The heat's row lock: marks, corrections and sign-off of one heat never interleave.

Every write of a heat's marks and its sign-off/unlock call lock_heat_row() first in their
transaction, then read what they decide on. The lock is held until the commit/rollback.

- PostgreSQL: ``SELECT ... FROM heat WHERE id = :id FOR UPDATE``. Under READ COMMITTED
  every later statement of the transaction then sees what the previous holder committed.
- SQLite: the Python driver (pysqlite, in its default "legacy" mode) only opens a
  transaction right before an INSERT/UPDATE/DELETE, so the reads before it see no
  snapshot and a second writer could decide on stale data. We open the transaction
  ourselves with ``BEGIN IMMEDIATE`` (the write lock, waiting up to busy_timeout): SQLite
  has one writer per database, so this serialises every write of every heat (short
  transactions; the heat id is still checked). This is the targeted form of the
  SQLAlchemy "pysqlite BEGIN" event recipe: it changes only these transactions, not every
  read the application makes.

After taking the lock, everything the session loaded before is expired, so the caller's
reads come from the database, not from the session's identity map.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Heat
from .errors import NotFound, _

MAX_ID = 2 ** 31 - 1


def lock_heat_row(heat_id, *, load: bool = True) -> Heat | None:
    """Take the heat's write lock for the current transaction and return the heat, read
    fresh (None with ``load=False``). NotFound (field "heat_id") if there is no such
    heat."""
    if isinstance(heat_id, bool) or not isinstance(heat_id, int) or not 0 < heat_id <= MAX_ID:
        raise NotFound(_("No such heat."), "heat_id")
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        if not driver.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        found = db.session.execute(select(Heat.id).where(Heat.id == heat_id)).scalar()
    else:
        found = db.session.execute(select(Heat.id).where(Heat.id == heat_id)
                                   .with_for_update()).scalar()
    if found is None:
        raise NotFound(_("No such heat."), "heat_id")
    db.session.expire_all()
    return db.session.get(Heat, heat_id) if load else None


def marks_snapshot(heat_id: int) -> dict:
    """What a sign-off saw: the number of the heat's marks and a digest of them (id,
    criterion, attempt, judge, value), to prove later which marks it covered."""
    import hashlib

    from ..models import Entry, Mark
    rows = db.session.execute(
        select(Mark.id, Mark.criterion, Mark.attempt, Mark.judge_id, Mark.value)
        .join(Entry, Entry.id == Mark.entry_id).where(Entry.heat_id == heat_id)
        .order_by(Mark.id)).all()
    digest = hashlib.sha256("\n".join("|".join(map(str, r)) for r in rows).encode())
    return {"marks": len(rows), "digest": digest.hexdigest()[:16]}
