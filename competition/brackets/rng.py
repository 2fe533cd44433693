"""A seeded random source anyone can re-implement: the draw must be re-runnable from its
recorded seed, on any machine and any Python version.

Number k (k = 0, 1, 2...) is SHA-256 of "<seed>:<k>" read as a big-endian integer.
randbelow(n) takes the next number modulo n, rejecting values at or above the largest
multiple of n below 2**256 so that every result is equally likely. shuffle() is the
Fisher-Yates shuffle: for i from len-1 down to 1, swap item i with item randbelow(i+1).
"""
from __future__ import annotations

import hashlib
import secrets
from typing import MutableSequence

_SPACE = 1 << 256


def new_seed() -> str:
    """A fresh seed to record on the stage before drawing (16 hex characters)."""
    return secrets.token_hex(8)


class SeededRandom:
    def __init__(self, seed: str):
        if not isinstance(seed, str) or not seed:
            raise ValueError("a draw seed is a non-empty string")
        self.seed = seed
        self.counter = 0

    def _next(self) -> int:
        digest = hashlib.sha256(f"{self.seed}:{self.counter}".encode("utf-8")).digest()
        self.counter += 1
        return int.from_bytes(digest, "big")

    def randbelow(self, n: int) -> int:
        if n <= 0:
            raise ValueError("n must be positive")
        limit = _SPACE - (_SPACE % n)
        while True:
            value = self._next()
            if value < limit:
                return value % n

    def shuffle(self, items: MutableSequence) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = self.randbelow(i + 1)
            items[i], items[j] = items[j], items[i]
