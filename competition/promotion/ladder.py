"""Vocational skill grade ladders (职业技能等级) as data, and parsing of the spellings people
type in registration sheets ("高级工", "三级", "三级/高级工", "技师", "3级"...).

A ladder is an ordered tuple of grades, lowest first. Codes are stable ASCII ids stored in
the database (Contestant.grade, Promotion.from_grade/to_grade): "L5".."L1" for 五级..一级,
"apprentice" (学徒工), "special" (特级技师) and "chief" (首席技师) on the eight-level ladder.
Pure: no Flask, no database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    code: str
    level: str      # 五级 ... (empty when the grade has no level number)
    title: str      # 初级工 ...
    title_en: str

    @property
    def label(self) -> str:
        """The full Chinese label: "三级/高级工" (or the title alone: "学徒工")."""
        return f"{self.level}/{self.title}" if self.level else self.title


class GradeError(ValueError):
    """A grade spelling that cannot be read, or a grade that is not on the ladder."""


APPRENTICE = Grade("apprentice", "", "学徒工", "Apprentice")
L5 = Grade("L5", "五级", "初级工", "Level 5 / Junior worker")
L4 = Grade("L4", "四级", "中级工", "Level 4 / Intermediate worker")
L3 = Grade("L3", "三级", "高级工", "Level 3 / Senior worker")
L2 = Grade("L2", "二级", "技师", "Level 2 / Technician")
L1 = Grade("L1", "一级", "高级技师", "Level 1 / Senior technician")
SPECIAL = Grade("special", "", "特级技师", "Special-grade technician")
CHIEF = Grade("chief", "", "首席技师", "Chief technician")

# Words that name "no grade" in registration sheets.
NONE_WORDS = frozenset({"", "无", "没有", "暂无", "无等级", "未定级", "-", "—", "/", "none", "n/a"})

_DIGITS = {"1": "一", "2": "二", "3": "三", "4": "四", "5": "五"}
# Noise around a grade in sheets: "国家职业资格三级", "职业技能等级证书（高级工）".
_NOISE = re.compile(r"国家职业资格|职业资格|职业技能等级|技能等级|等级证书|证书|资格")
_SPLIT = re.compile(r"[/／()（）\[\]【】、,，;；\s]+")


@dataclass(frozen=True)
class Ladder:
    code: str        # "five" | "eight"
    name: str
    grades: tuple[Grade, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {g.code: i for i, g in enumerate(self.grades)})

    # -- lookups ----------------------------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return code in self._index  # type: ignore[attr-defined]

    def grade(self, code: str) -> Grade:
        """The grade with this code; GradeError if it is not on this ladder."""
        try:
            return self.grades[self._index[code]]  # type: ignore[attr-defined]
        except KeyError:
            raise GradeError(f"grade {code!r} is not on the {self.name}") from None

    def rank(self, code: str | None) -> int:
        """Position on the ladder, lowest grade 0; no grade (None) is -1."""
        return -1 if code is None else self._index[self.grade(code).code]  # type: ignore

    def step(self, code: str | None, steps: int) -> str:
        """The grade ``steps`` above ``code`` (None counts as below the lowest grade),
        stopping at the top of the ladder."""
        i = min(self.rank(code) + steps, len(self.grades) - 1)
        return self.grades[max(i, 0)].code

    @property
    def top(self) -> Grade:
        return self.grades[-1]

    def label(self, code: str | None) -> str:
        """The Chinese label of a grade; "无等级" for None."""
        return "无等级" if code is None else self.grade(code).label

    # -- parsing ----------------------------------------------------------------------
    def parse(self, text: str | None) -> str | None:
        """Read a grade as people type it; returns its code, or None for "no grade".

        Accepts codes ("L3"), levels ("三级", "3级"), titles ("高级工"), both ("三级/高级工",
        "三级（高级工）") and common noise ("国家职业资格三级"). Raises GradeError for text
        that names no grade, names two different grades, or a grade not on this ladder.
        """
        if text is None:
            return None
        raw = unicodedata.normalize("NFKC", str(text)).strip()
        if raw.lower() in NONE_WORDS:
            return None
        if raw in self._index or raw.upper() in self._index:  # type: ignore[attr-defined]
            return raw if raw in self._index else raw.upper()  # type: ignore[attr-defined]
        parts = [p for p in _SPLIT.split(_NOISE.sub("", raw)) if p]
        codes = {_match_part(p, raw) for p in parts} if parts else set()
        if not codes:
            raise GradeError(f"'{raw}' is not a skill grade")
        if len(codes) > 1:
            raise GradeError(f"'{raw}' names two different grades")
        code = codes.pop()
        if code not in self._index:  # type: ignore[attr-defined]
            raise GradeError(f"'{raw}' is not on the {self.name}")
        return code


_ALL = (APPRENTICE, L5, L4, L3, L2, L1, SPECIAL, CHIEF)
_WORDS: dict[str, str] = {}
for _g in _ALL:
    _WORDS[_g.title] = _g.code
    if _g.level:
        _WORDS[_g.level] = _g.code
_WORDS.update({"学徒": "apprentice", "初级": "L5", "中级": "L4", "高级": "L3",
               "特级": "special", "首席": "chief", "首席技师": "chief"})
_WORDS.update({g.code.lower(): g.code for g in _ALL})


def _match_part(part: str, raw: str) -> str:
    """One token of a grade spelling -> a code (GradeError if it names no grade)."""
    token = part.lower()
    m = re.fullmatch(r"([1-5])级", token)
    if m:
        token = _DIGITS[m.group(1)] + "级"
    if token in _WORDS:
        return _WORDS[token]
    raise GradeError(f"'{raw}' is not a skill grade")


FIVE_LEVEL = Ladder("five", "five-level ladder", (L5, L4, L3, L2, L1))
EIGHT_LEVEL = Ladder("eight", "eight-level ladder", _ALL)
LADDERS = {FIVE_LEVEL.code: FIVE_LEVEL, EIGHT_LEVEL.code: EIGHT_LEVEL}


def get_ladder(code: str | None) -> Ladder:
    """The ladder named ``code`` ("five", the default, or "eight"); GradeError otherwise."""
    if code in (None, ""):
        return FIVE_LEVEL
    try:
        return LADDERS[code]
    except KeyError:
        raise GradeError(f"unknown grade ladder {code!r} (expected one of: five, eight)") \
            from None


def parse_grade(text: str | None, ladder: Ladder | str | None = None) -> str | None:
    """Module-level shortcut: ``ladder.parse(text)`` on the named ladder (default five)."""
    lad = ladder if isinstance(ladder, Ladder) else get_ladder(ladder)
    return lad.parse(text)
