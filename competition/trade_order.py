"""The order trades are listed in (organiser pages, public pages, screens, exports): the
event's own order when the competition's settings give one (``trade_order``: a list of
trade codes), else by the Chinese name in pinyin order, never by the English code.

Pinyin order without a dependency: GB2312 lists its 3,755 common (level-1) hanzi by
pinyin, so their GB2312 bytes sort 叉车司机 < 车工 < 电工 < 钳工 < 焊工... as a person expects.
Level-2 hanzi (rare in trade names) come after, by radical; characters outside GB2312
last, by code point; digits and Latin letters first. Pure Python: no Flask, no DB.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def pinyin_key(text: str) -> tuple:
    """A sort key for ``text`` in pinyin order (see the module)."""
    out = []
    for ch in text or "":
        try:
            b = ch.encode("gb2312")
        except UnicodeEncodeError:
            out.append((3, ord(ch)))
            continue
        if len(b) == 1:
            out.append((0, b[0]))
        else:
            out.append((1 if b[0] >= 0xB0 else 0, b[0], b[1]))
    return tuple(out)


def event_order(competition) -> list[str]:
    """The event's own order of trade codes (settings ``trade_order``), or []."""
    order = ((getattr(competition, "settings", None) or {}).get("trade_order")
             if competition is not None else None)
    return [str(c) for c in order] if isinstance(order, (list, tuple)) else []


def in_order(trades: Iterable[T], competition=None) -> list[T]:
    """``trades`` in the event's order (``competition``'s settings; by default the first
    trade's competition), else by pinyin of their names."""
    trades = list(trades)
    if not trades:
        return trades
    comp = competition if competition is not None else getattr(trades[0], "competition", None)
    order = event_order(comp)
    position = {code: i for i, code in enumerate(order)}
    return sorted(trades, key=lambda t: (position.get(t.code, len(position)),
                                         pinyin_key(t.name), t.code))
