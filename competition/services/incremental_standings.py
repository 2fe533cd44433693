"""Incremental standings on the service side (issue 19): a per-process cache of
scoring.incremental.IncrementalStandings per (trade, stage), kept exactly equal to the
full recompute, with the database as the truth.

Every computation checks the database first, so nothing stale is ever served (several
server processes write the same trades behind the load balancer, and publishing may
coalesce a burst of marks into one version):

1. the trade's standings version: lower than the cached one (a database restored or
   replaced) -> full recompute;
2. the rule object (a rebound rule is a new object), the stage's panels and officials
   (services.panels.StageCheck.signature) and whether a later stage follows (awards):
   any change -> full recompute (the marks each entry's panel expects, for its row's
   completeness, come from the same StageCheck: StageCheck.expected_marks, re-applied to
   an entry that moved to another heat);
3. per entry, a fingerprint of its mark rows taken in the database (count, sum of ids,
   latest updated_at, the entry's heat): one grouped query returning a row per entry,
   no mark values. An entry whose fingerprint changed (a mark added, corrected, deleted,
   moved to another heat; by this process or any other) has its marks read again, and
   only its marks; entries that appeared, left (withdrawn) or changed status come from
   the entries the caller read.

The fingerprint is taken before the marks are read (a mark committed in between is read
and seen as a change next time, never missed). What it cannot see is a mark's value
changed in place without its updated_at (raw SQL; the ORM sets it on every update) or
stamped by another server whose clock lags within the same entry; as a bound on that,
the cache is rebuilt from every mark at least every FULL_EVERY seconds.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..models import Entry, Mark, Trade

EXTENSION = "competition_incremental_standings"
FULL_EVERY = 60.0       # seconds: the cache is rebuilt from every mark at least this often


@dataclass
class _Cached:
    version: int
    rule: object
    signature: tuple
    later: bool
    seed: str | None
    inc: object                                  # scoring.IncrementalStandings
    prints: dict                                 # entry key -> fingerprint
    built: float = field(default_factory=time.monotonic)
    updates: int = 0
    heats: dict | None = None                    # entry key -> heat id, while a panel is short


class _Cache:
    def __init__(self):
        self.entries: dict[tuple, _Cached] = {}
        self.locks: dict[tuple, threading.Lock] = {}
        self.guard = threading.Lock()
        self.stats = {"full": 0, "incremental": 0, "unchanged": 0, "entries_read": 0}

    def lock(self, key: tuple) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(key, threading.Lock())


def _cache() -> _Cache:
    ext = current_app.extensions
    cache = ext.get(EXTENSION)
    if cache is None:
        cache = ext.setdefault(EXTENSION, _Cache())
    return cache


def stats() -> dict:
    """How this process computed standings: full, incremental, unchanged, entries read."""
    return dict(_cache().stats)


def clear() -> None:
    """Forget every cached standings of this process (the next computation is full)."""
    cache = _cache()
    with cache.guard:
        cache.entries.clear()


_VERSION = select(Trade.standings_version).where(Trade.id == bindparam("trade_id"))
_PRINTS = (select(Entry.id, Entry.heat_id, func.count(Mark.id), func.sum(Mark.id),
                  func.max(Mark.updated_at))
           .join(Mark, Mark.entry_id == Entry.id)
           .where(Entry.stage_id == bindparam("stage_id"))
           .group_by(Entry.id, Entry.heat_id))


def _fingerprints(stage_id: int) -> dict:
    rows = db.session.connection().execute(_PRINTS, {"stage_id": stage_id})
    return {str(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}


def standings(trade, stage, rule, by_key: dict, later: bool, shared: bool, read_marks):
    """The standings of ``stage`` for the entries ``by_key`` (entry key -> entry with a
    status), from the cache where the database says nothing changed, else after reading
    the changed entries' marks only; a full read when the cache cannot be sure.
    ``shared``: the rows may be shared with other callers (read-only); else copies.
    ``read_marks(entries=None, check=...)``: the counted marks (MarkIn) of the stage, or
    of these entry ids (services.standings._panel_marks)."""
    from ..scoring.incremental import IncrementalStandings
    from .panels import StageCheck, entry_heats
    cache = _cache()
    key = (trade.id, stage.id)
    conn = db.session.connection()
    version = conn.execute(_VERSION, {"trade_id": trade.id}).scalar() or 0
    check = StageCheck.load(rule, stage.id)
    seed = stage.draw_seed or None
    dq = {k for k, e in by_key.items() if e.status == "disqualified"}
    with cache.lock(key):
        cached = cache.entries.get(key)
        prints = _fingerprints(stage.id)
        if (cached is None or version < cached.version or cached.rule is not rule
                or cached.signature != check.signature or cached.later != later
                or cached.seed != seed or time.monotonic() - cached.built > FULL_EVERY):
            marks = [m for m in read_marks(check=check) if m.entry in by_key]
            heats = entry_heats(by_key) if check.short else None
            inc = IncrementalStandings(rule, marks, list(by_key), disqualified=dq,
                                       lot_seed=seed, awards=not later,
                                       expected=check.expected_marks(heats) if heats else None)
            cached = cache.entries[key] = _Cached(version, rule, check.signature, later,
                                                  seed, inc, prints, heats=heats)
            cache.stats["full"] += 1
        else:
            _update(cache, cached, read_marks, check, by_key, dq, prints)
            cached.version = version
        result = cached.inc.standings()
    return result if shared else _copied(result)


def _update(cache: _Cache, cached: _Cached, read_marks, check, by_key: dict, dq: set,
            prints: dict) -> None:
    inc = cached.inc
    listed = inc.listed
    for gone in [e for e in listed if e not in by_key]:
        inc.remove(gone)
    old = cached.prints
    reread = {e for e in by_key if e not in listed or prints.get(e) != old.get(e)}
    for e in by_key:
        if e not in reread and (e in dq) != (e in inc.disqualified):
            inc.set_entry(e, disqualified=e in dq)
    if check.short:     # a short panel's expected marks (the same panels: same signature)
        from .panels import entry_heats
        heats, was = entry_heats(by_key), cached.heats or {}
        moved = {e: h for e, h in heats.items() if was.get(e, -1) != h}
        expected = check.expected_marks(moved) or {}
        for e in moved:      # moved to another heat, or new: its heat's panel (or the rule)
            inc.set_expected(e, expected.get(e))
        cached.heats = heats
    if reread:
        marks: dict[str, list] = {e: [] for e in reread}
        with_marks = [int(e) for e in reread if e in prints]
        if with_marks:
            for m in read_marks(entries=with_marks, check=check):
                marks[m.entry].append(m)
        for e, ms in marks.items():
            inc.set_marks(e, ms)
            inc.set_entry(e, disqualified=e in dq)
        cache.stats["entries_read"] += len(with_marks)
        cache.stats["incremental"] += 1
    else:
        cache.stats["unchanged"] += 1
    cached.prints = prints
    cached.updates += 1


def _copied(result):
    """The standings with rows of the caller's own (they may change them)."""
    from ..scoring import Standings
    from ..scoring.standings import _copy
    rows = []
    for r in result.rows:
        row = _copy(r, False)
        row.status, row.rank, row.award, row.titles, row.by_lot = (
            r.status, r.rank, r.award, r.titles, r.by_lot)
        rows.append(row)
    return Standings(result.rule_code, rows, list(result.lots))

