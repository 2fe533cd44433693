"""Grades in the sign-up sheet: one parser for the whole project lives in
competition.promotion.ladder (codes L5..L1, apprentice, special, chief); this module only
adapts it for registration (the template's drop-down list, the ladder's labels)."""
from __future__ import annotations

from competition.promotion.ladder import GradeError, Ladder, get_ladder


def ladder_labels(ladder: str | Ladder | None = None) -> list[str]:
    lad = ladder if isinstance(ladder, Ladder) else get_ladder(ladder)
    return [g.label for g in lad.grades]


def parse_grade(text: str | None, ladder: str | Ladder | None = None) -> str | None:
    """The ladder code for what the sheet says, None for no grade; GradeError otherwise."""
    lad = ladder if isinstance(ladder, Ladder) else get_ladder(ladder)
    return lad.parse(text)


def label(code: str | None, ladder: str | Ladder | None = None) -> str:
    lad = ladder if isinstance(ladder, Ladder) else get_ladder(ladder)
    return "" if code is None else lad.label(code)


__all__ = ["GradeError", "ladder_labels", "parse_grade", "label"]
