"""Single elimination with seeding and byes, for any field of 2 or more.

The field is padded to the next power of two with byes. Seeds are placed by the standard
order (1 v 16, 8 v 9, 4 v 13, 5 v 12, ...: built by replacing each seed s of the order
for half the size with the pair s, size+1-s), so that seeds 1 and 2 can only meet in
the final, seeds 1-4 only from the semi-finals, seeds 1-8 from the quarter-finals. A bye
is the missing seed size+1-s of a top seed s: byes go to the top seeds, and two byes
never meet. Round r has size/2**r matches; match (r, i) feeds (r+1, i//2), its winner
taking side a when i is even, side b when odd. An optional third-place match is
(final round, slot 1), played by the losing semi-finalists.

The state is plain data (KnockoutMatch rows); the service stores it in Match rows and
rebuilds it to record a result.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Hashable, Sequence

PENDING, DONE, BYE = "pending", "done", "bye"


class BracketError(ValueError):
    """A bracket that cannot be built, or a result that cannot be recorded."""


@dataclass(frozen=True)
class KnockoutMatch:
    round: int
    slot: int
    a: Hashable | None = None
    b: Hashable | None = None
    score_a: Decimal | None = None
    score_b: Decimal | None = None
    winner: Hashable | None = None
    status: str = PENDING

    @property
    def loser(self) -> Hashable | None:
        if self.status != DONE or self.winner is None:
            return None
        return self.b if self.winner == self.a else self.a

    @property
    def ready(self) -> bool:
        return self.status == PENDING and self.a is not None and self.b is not None


def bracket_size(n: int) -> int:
    if n < 2:
        raise BracketError("a bracket needs at least two entrants")
    size = 1
    while size < n:
        size *= 2
    return size


def seed_order(size: int) -> list[int]:
    """Seeds in bracket position order: 2 -> [1, 2]; 4 -> [1, 4, 2, 3];
    8 -> [1, 8, 4, 5, 2, 7, 3, 6]."""
    if size < 2 or size & (size - 1):
        raise BracketError("the bracket size is a power of two")
    order = [1]
    while len(order) < size:
        n = len(order) * 2
        order = [x for s in order for x in (s, n + 1 - s)]
    return order


def rounds_for(size: int) -> int:
    return size.bit_length() - 1


def round_name(round_no: int, rounds: int) -> str:
    """An English label ("final", "semi-final", "quarter-final", "round of 16")."""
    left = rounds - round_no
    return {0: "final", 1: "semi-final", 2: "quarter-final"}.get(left, f"round of {2 ** (left + 1)}")


@dataclass
class Knockout:
    matches: dict[tuple[int, int], KnockoutMatch]
    rounds: int
    third_place: bool = False

    # -- building -----------------------------------------------------------------
    @classmethod
    def build(cls, seeded: Sequence[Hashable], third_place: bool = False) -> "Knockout":
        """``seeded[0]`` is seed 1. Byes go to the top seeds and are settled at once."""
        if len(set(seeded)) != len(seeded):
            raise BracketError("an entrant appears twice")
        size = bracket_size(len(seeded))
        rounds = rounds_for(size)
        order = seed_order(size)
        ko = cls({}, rounds, third_place and size >= 4)
        for i in range(size // 2):
            a = seeded[order[2 * i] - 1] if order[2 * i] <= len(seeded) else None
            b = seeded[order[2 * i + 1] - 1] if order[2 * i + 1] <= len(seeded) else None
            ko.matches[(1, i)] = KnockoutMatch(1, i, a, b)
        for r in range(2, rounds + 1):
            for i in range(size >> r):
                ko.matches[(r, i)] = KnockoutMatch(r, i)
        if ko.third_place:
            ko.matches[(rounds, 1)] = KnockoutMatch(rounds, 1)
        for i in range(size // 2):
            m = ko.matches[(1, i)]
            if m.a is None or m.b is None:
                present = m.a if m.a is not None else m.b
                ko.matches[(1, i)] = replace(m, winner=present, status=BYE)
                ko._feed(1, i, present)
        return ko

    @classmethod
    def from_matches(cls, matches: Sequence[KnockoutMatch], third_place: bool = False):
        """Rebuild from stored rows (e.g. the Match table)."""
        table = {(m.round, m.slot): m for m in matches}
        rounds = max(r for r, _ in table)
        return cls(table, rounds, third_place and (rounds, 1) in table)

    # -- playing ------------------------------------------------------------------
    def record(self, round_no: int, slot: int, score_a, score_b,
               winner: Hashable | None = None) -> list[KnockoutMatch]:
        """Enter (or correct) a result; the winner moves on. A drawn score needs
        ``winner`` (decided by a tie-breaker question, a shoot-out...). Returns the
        matches that changed. Raises BracketError if the match is not ready, the winner
        is not a side of it, or a correction would change a later match already played."""
        m = self._ready(round_no, slot)
        sa, sb = Decimal(str(score_a)), Decimal(str(score_b))
        if sa < 0 or sb < 0:
            raise BracketError("scores are not negative")
        if winner is None:
            if sa == sb:
                raise BracketError("a drawn knockout match needs the winner named")
            winner = m.a if sa > sb else m.b
        elif winner not in (m.a, m.b):
            raise BracketError("the winner must be one of the two sides")
        elif (sa > sb and winner != m.a) or (sb > sa and winner != m.b):
            raise BracketError("the winner named has the lower score")
        return self._settle(m, sa, sb, winner)

    def walkover(self, round_no: int, slot: int, winner: Hashable) -> list[KnockoutMatch]:
        """The other side did not turn up (弃权): ``winner`` moves on without a score."""
        m = self._ready(round_no, slot)
        if winner not in (m.a, m.b):
            raise BracketError("the winner must be one of the two sides")
        return self._settle(m, None, None, winner)

    def _ready(self, round_no: int, slot: int) -> KnockoutMatch:
        m = self.matches.get((round_no, slot))
        if m is None:
            raise BracketError(f"no match {round_no}/{slot}")
        if m.status == BYE or m.a is None or m.b is None:
            raise BracketError("this match is not ready: an opponent is still to be decided")
        return m

    def _settle(self, m: KnockoutMatch, sa, sb, winner) -> list[KnockoutMatch]:
        round_no, slot = m.round, m.slot
        if m.status == DONE and m.winner != winner:
            self._check_downstream_open(round_no, slot)
        new = replace(m, score_a=sa, score_b=sb, winner=winner, status=DONE)
        self.matches[(round_no, slot)] = new
        changed = [new]
        if not self._is_third_place(round_no, slot) and round_no < self.rounds:
            changed.append(self._feed(round_no, slot, winner))
        if self.third_place and round_no == self.rounds - 1:
            changed.append(self._place(self.rounds, 1, slot % 2, new.loser))
        return changed

    def _is_third_place(self, r: int, slot: int) -> bool:
        return self.third_place and r == self.rounds and slot == 1

    def _feed(self, r: int, slot: int, who) -> KnockoutMatch | None:
        if r >= self.rounds:
            return None
        return self._place(r + 1, slot // 2, slot % 2, who)

    def _place(self, r: int, slot: int, side: int, who) -> KnockoutMatch:
        nxt = self.matches[(r, slot)]
        nxt = replace(nxt, a=who) if side == 0 else replace(nxt, b=who)
        self.matches[(r, slot)] = nxt
        return nxt

    def _check_downstream_open(self, r: int, slot: int) -> None:
        targets = [] if r >= self.rounds else [(r + 1, slot // 2)]
        if self.third_place and r == self.rounds - 1:
            targets.append((self.rounds, 1))
        for t in targets:
            if self.matches[t].status == DONE:
                raise BracketError("a later match has been played with this winner; "
                                   "correct that one first")

    # -- reading ------------------------------------------------------------------
    @property
    def final(self) -> KnockoutMatch:
        return self.matches[(self.rounds, 0)]

    @property
    def champion(self) -> Hashable | None:
        return self.final.winner if self.final.status == DONE else None

    def ready_matches(self) -> list[KnockoutMatch]:
        return [m for _, m in sorted(self.matches.items()) if m.ready]

    def placings(self) -> dict[Hashable, int]:
        """Final places where known: 1 and 2 from the final, 3 and 4 from the third-place
        match (or 3 shared by both losing semi-finalists without one)."""
        out: dict[Hashable, int] = {}
        if self.final.status == DONE:
            out[self.final.winner] = 1
            out[self.final.loser] = 2
        if self.third_place and self.matches[(self.rounds, 1)].status == DONE:
            m = self.matches[(self.rounds, 1)]
            out[m.winner], out[m.loser] = 3, 4
        elif not self.third_place and self.rounds >= 2:
            for i in range(2):
                m = self.matches[(self.rounds - 1, i)]
                if m.status == DONE and m.loser is not None:
                    out[m.loser] = 3
        return out

    def rows(self) -> list[KnockoutMatch]:
        return [m for _, m in sorted(self.matches.items())]
