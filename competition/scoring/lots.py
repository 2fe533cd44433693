"""Ties decided by lot (名次并列，抽签决定): the last link of a tie-break chain.

Entries still equal after the whole chain are ordered by their lot: the SHA-256 of
"<seed>:<entry id>" (UTF-8) read as a big-endian integer, smallest first, the same
primitive as the draw's SeededRandom (competition/brackets/rng.py). The seed is recorded
by the caller (a stage's draw seed or a seed drawn for the ranking, like a draw's): with
it anyone can re-verify a decision from the entry ids alone, and two entries' order never
depends on who else is tied. Without a seed the tie stays shared and is reported as
waiting for its lot.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class LotDraw:
    """One tie decided (or to be decided) by lot."""
    rank: int                     # the rank the tied entries shared
    entries: tuple[str, ...]      # in the drawn order (by entry id when undecided)
    seed: str | None              # None: no seed given, the tie stays shared
    lots: tuple[str, ...] = ()    # each entry's lot (hex digest), in `entries` order

    @property
    def decided(self) -> bool:
        return self.seed is not None

    def to_dict(self) -> dict:
        return {"rank": self.rank, "entries": list(self.entries), "seed": self.seed,
                "lots": list(self.lots), "decided": self.decided}


def lot_of(seed: str, entry: str) -> str:
    """An entry's lot: hex SHA-256 of "<seed>:<entry>"; smaller wins the tie."""
    return hashlib.sha256(f"{seed}:{entry}".encode("utf-8")).hexdigest()


def draw_lots(rank: int, entries: list[str], seed: str | None) -> LotDraw:
    """The order of entries tied at `rank` (all equal on the whole chain)."""
    if seed is None:
        return LotDraw(rank, tuple(sorted(entries)), None)
    lots = sorted((lot_of(seed, e), e) for e in entries)
    return LotDraw(rank, tuple(e for _, e in lots), seed, tuple(h for h, _ in lots))


def verify(draw: LotDraw) -> bool:
    """Whether a recorded decision is what its seed gives."""
    return draw.seed is not None and draw_lots(draw.rank, list(draw.entries),
                                               draw.seed) == draw
